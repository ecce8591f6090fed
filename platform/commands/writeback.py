"""``platform writeback``: score every Compound x Disease pair with a run and write the top k as edges."""

from __future__ import annotations

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option, warn
from repurpose.config import Settings
from repurpose.devices import DEVICES
from repurpose.registry import LazyChoice


@click.command("writeback")
@click.option("--run", "run_id", required=True, metavar="RUN_ID", help="Run id (see `platform runs`) or run directory.")
@click.option("--top-k", type=click.IntRange(min=1), default=50, show_default=True,
              help="Predictions kept per compound (or per disease).")
@click.option("--per", type=LazyChoice("repurpose.trainers.predict:PER"), default="compound", show_default=True,
              help="Whose top k: each compound's diseases, each disease's compounds, or the union of both.")
@click.option("--min-score", type=float, default=None, help="Leave out pairs whose raw score is below this.")
@click.option("--include-known", is_flag=True,
              help="Also write pairs already linked by an edge of the run's known-treatment types "
                   "(left out by default).")
@click.option("--dry-run", is_flag=True, help="Score and report, write nothing.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=4096, show_default=True,
              help="Compounds scored per block (memory: chunk x diseases scores).")
@click.option("--batch-size", type=click.IntRange(min=1), default=20_000, show_default=True,
              help="Edges per write transaction.")
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True,
              help="Where the pairs are scored: auto takes a CUDA GPU when there is one.")
@graph_options
@json_option
def command(run_id: str, top_k: int, per: str, min_score: float | None, include_known: bool, dry_run: bool,
            chunk_size: int, batch_size: int, device: str, settings: Settings, as_json: bool) -> None:
    """Write a run's predicted treatments as PREDICTED_TREATS edges.

    Scores every Compound x Disease pair of the run's vocabulary, leaves out known treatments
    (the run's known pairs and the graph's current edges of its known-treatment types) unless --include-known,
    keeps the top k, and writes (:Compound)-[:PREDICTED_TREATS {score, probability, rank,
    runId, ...}]->(:Disease) plus a (:ModelRun) node. Re-running replaces the run's edges
    atomically for readers; other runs are untouched. See docs/writeback.md.

    \b
    Examples:
      platform writeback --run 20261123-131500-rotate-llm-3f2a
      platform writeback --run 20261123-131500-rotate-llm-3f2a --per both --top-k 20 --dry-run
      platform writeback --run 20261123-131500-rotate-llm-3f2a --min-score -5 --json
    """
    from repurpose import writeback

    result = writeback.run(run_id, settings, top_k=top_k, per=per, min_score=min_score, include_known=include_known,
                           dry_run=dry_run, chunk_size=chunk_size, batch_size=batch_size, device=device)
    for note in result.plan.warnings:
        warn(f"warning: {note}")
    if not dry_run and result.nothing_selected:
        warn("nothing to write: no pair passed the filters")
    out = result.to_dict()

    def human() -> None:
        verb = "would write" if dry_run else "wrote"
        click.echo(f"run {out['run_id']} ({out['model']}): {out['compounds']} compounds x {out['diseases']} diseases, "
                   f"{out['known_left_out']} known pairs left out; {verb} {out['selected']} PREDICTED_TREATS edges "
                   f"(top {top_k} per {per})")
        if not dry_run:
            click.echo(f"writeId {out['write_id']}; removed {out['removed_stale']} stale edges of this run")
        click.echo(format_table(out["top"], ["compound", "disease", "score", "probability", "rank"]))

    emit(out, as_json, human)
