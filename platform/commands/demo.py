"""``platform demo``: the whole job on the embedded graph, offline, in one command."""

from __future__ import annotations

from pathlib import Path

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option, warn
from repurpose.config import Settings
from repurpose.explorer import DEFAULT_PORT

#: How to see one disease's predictions again, through the query library (cypher/).
QUERY_HINT = "platform query top_predictions_for_disease --param disease=\"Alzheimer's disease\" --param run={run}"


@click.command("demo")
@click.option("--quick", is_flag=True, help="A first look in about 3 minutes: small model, 3 epochs, top 10.")
@click.option("--nodes", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Hetionet nodes file (default: the copy shipped in data/hetionet).")
@click.option("--edges", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Hetionet edges file (default: the copy shipped in data/hetionet).")
@click.option("--disease", "diseases", multiple=True, metavar="ID",
              help="A disease to show predictions for (repeat; default Alzheimer's, Parkinson's, MS).")
@click.option("--epochs", type=int, default=None, help="Training epochs (default 20, or 3 with --quick).")
@graph_options
@json_option
def command(quick: bool, nodes: Path | None, edges: Path | None, diseases: tuple[str, ...], epochs: int | None,
            settings: Settings, as_json: bool) -> None:
    """Run the whole job: start the embedded graph, load Hetionet, import the shipped LLM
    descriptions, embed them, train LLaDR (DistMult + text), evaluate, write predicted treatments
    back, and print the top 10 for three diseases with known vs novel and the best explanation.

    Every stage is skipped when its work is already done, so re-running resumes.

    \b
    Examples:
      platform demo --quick          # about 3 minutes on 2 cores
      platform demo                  # the full run, at most 15 minutes on 2 cores
    """
    from repurpose import engines, server
    from repurpose.demo import Demo, DemoConfig
    from repurpose.store import open_store

    config = DemoConfig.for_mode(quick, nodes=nodes, edges=edges, diseases=diseases or None, epochs=epochs)
    with open_store(settings) as store:
        store.apply_schema()
        summary = Demo(store, settings, config, log=warn).run()
    browse = f"run `platform serve` and open http://127.0.0.1:{DEFAULT_PORT}/"
    state = server.read_state(settings) if settings.embedded else None
    if state is None or engines.get(state.engine).console is not None:
        browse += "; or " + (server.console(settings, state) if state else "Neo4j Browser at http://localhost:7474")
    summary["query"] = QUERY_HINT.format(run=summary["run_id"])
    summary["browse"] = browse

    def human() -> None:
        metrics = summary.get("metrics") or {}
        click.echo(f"\nrun {summary['run_id']}: test filtered MRR {metrics.get('test_filtered_mrr') or 0:.3f}, "
                   f"Hits@10 {metrics.get('test_filtered_hits_at_10') or 0:.3f}, AUROC {metrics.get('test_auroc') or 0:.3f}")
        for block in summary["predictions"]:
            click.echo(f"\nTop predicted treatments for {block['disease']} ({block['disease_id']})")
            rows = [{"#": i + 1, "compound": r["compound"], "score": r["score"], "probability": r["probability"],
                     "status": r["status"], "best explanation": r["explanation"]}
                    for i, r in enumerate(block["predictions"])]
            click.echo(format_table(rows))
        click.echo("\nSee them again from the query library (its Cypher is in cypher/top_predictions_for_disease.cypher,"
                   " to paste into Neo4j Browser):\n" + summary["query"])
        click.echo(f"\nBrowse the graph: {browse}")
        click.echo(f"HTML report: platform report {summary['run_id']}")

    emit(summary, as_json, human)
