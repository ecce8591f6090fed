"""``platform report RUN_ID``: write a self-contained HTML report of a training run."""

from __future__ import annotations

from pathlib import Path

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings


@click.command("report")
@click.argument("run")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML (default: <run dir>/report.html).")
@click.option("--diseases", type=int, default=12, show_default=True, help="How many diseases get a top-k table.")
@click.option("--top", type=int, default=10, show_default=True, help="Predictions shown per disease.")
@click.option("--no-graph", is_flag=True, help="Only the run's files (metrics, curves); do not read the graph.")
@graph_options
@json_option
def command(run: str, out: str | None, diseases: int, top: int, no_graph: bool, settings: Settings,
            as_json: bool) -> None:
    """Write an HTML report of RUN (an id or a run directory): metrics, training curves,
    score distribution of its predictions and the top predictions per disease.

    \b
    Example:
      platform report 20261123-131500-rotate-llm-3f2a && xdg-open platform-data/runs/*/report.html
    """
    from repurpose.report import RunFiles, build_report
    from repurpose.store import open_store
    from repurpose.trainers.runs import RunDir

    found = RunDir.find(run, settings.runs_dir)
    files = RunFiles.read(found)
    if no_graph:
        text = build_report(files, None, diseases=diseases, top=top)
    else:
        with open_store(settings) as store:
            text = build_report(files, store, diseases=diseases, top=top)
    path = Path(out) if out else found.report_path
    path.write_text(text, encoding="utf-8")
    emit({"run_id": files.results.get("run_id", found.path.name), "path": str(path), "bytes": len(text)}, as_json,
         f"wrote {path} ({len(text) // 1024} KiB); open it in a browser")
