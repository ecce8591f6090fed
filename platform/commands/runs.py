"""``platform runs``: the training runs (runs directory and graph) with their metrics; delete one."""

from __future__ import annotations

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option
from repurpose.config import Settings
from repurpose.store import open_store

COLUMNS = ["run_id", "model", "text", "encoder", "split", "test_mrr", "test_auroc", "on_disk", "edges", "written_at"]


@click.group("runs", invoke_without_command=True)
@graph_options
@json_option
@click.pass_context
def command(ctx: click.Context, settings: Settings, as_json: bool) -> None:
    """List training runs with their metrics and written predictions; delete one.

    Runs come from the runs directory (<data-dir>/runs) and from the graph's ModelRun nodes;
    `edges` is how many PREDICTED_TREATS edges the run has in the graph.

    \b
    Examples:
      platform runs
      platform runs --json
      platform runs delete 20261123-131500-rotate-llm-3f2a
    """
    if ctx.invoked_subcommand is not None:
        return
    from repurpose import writeback

    runs = writeback.all_runs(settings)
    emit({"runs": runs, "count": len(runs)}, as_json, lambda: click.echo(format_table(runs, COLUMNS)))


@command.command("delete")
@click.argument("run_id")
@graph_options
@json_option
def delete(run_id: str, settings: Settings, as_json: bool) -> None:
    """Remove RUN_ID's ModelRun node and every edge it wrote (the run directory stays).

    \b
    Example:
      platform runs delete 20261123-131500-rotate-llm-3f2a
    """
    from repurpose import writeback

    with open_store(settings) as store:
        result = writeback.delete_run(store, run_id)
    emit(result, as_json, f"deleted ModelRun {run_id} and its {result['edges_removed']} PREDICTED_TREATS edges")
