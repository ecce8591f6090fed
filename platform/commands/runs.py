"""``platform runs``: the training runs (runs directory and graph) with their metrics; delete one."""

from __future__ import annotations

from typing import Any

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option
from repurpose.config import Settings
from repurpose.store import open_store

COLUMNS = ["run_id", "model", "text", "encoder", "split", "test_mrr", "test_auroc", "on_disk", "edges", "written_at"]


def _test_metric(metrics: dict, *path: str) -> Any:
    value: Any = metrics.get("test", {})
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def merged_runs(settings: Settings) -> list[dict[str, Any]]:
    """One row per run found in the runs directory or as a ModelRun node, newest id first."""
    from repurpose import writeback
    from repurpose.trainers.runs import list_runs

    root = writeback.runs_root(settings)
    rows: dict[str, dict[str, Any]] = {}
    for r in list_runs(root) if root.is_dir() else []:
        rows[r["run_id"]] = {"run_id": r["run_id"], "model": r["model"], "text": r["text"], "encoder": r["encoder"],
                             "split": r["split"], "test_mrr": r["test_mrr"], "test_auroc": r["test_auroc"],
                             "on_disk": True, "edges": 0, "written_at": None, "run_dir": r["run_dir"]}
    with open_store(settings) as store:
        for m in writeback.graph_runs(store):
            params, metrics = m.get("params") or {}, m.get("metrics") or {}
            row = rows.setdefault(m["runId"], {
                "run_id": m["runId"], "model": m.get("model"), "text": m.get("text"), "encoder": m.get("encoder"),
                "split": params.get("split") if isinstance(params, dict) else None,
                "test_mrr": _test_metric(metrics, "filtered", "mrr"), "test_auroc": _test_metric(metrics, "auroc"),
                "on_disk": False, "run_dir": None})
            row.update(edges=m.get("edgeCount") or 0, written_at=m.get("writtenAt"), write_id=m.get("currentWriteId"))
    return sorted(rows.values(), key=lambda r: r["run_id"], reverse=True)


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
    runs = merged_runs(settings)
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
