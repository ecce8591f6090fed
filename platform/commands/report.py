"""``platform report RUN [RUN ...]``: a self-contained HTML report of a training run, or a comparison of runs."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings


@click.command("report")
@click.argument("runs", nargs=-1, required=True, metavar="RUN [RUN ...]")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the HTML (default: <run dir>/report.html for one run, "
                   "<runs dir>/compare-<id1>-vs-<id2>.html for several).")
@click.option("--diseases", type=click.IntRange(min=1), default=12, show_default=True,
              help="How many diseases get a table (top predictions, or top-k overlap when comparing).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Predictions shown per disease (k of the top-k overlap when comparing).")
@click.option("--no-graph", is_flag=True,
              help="Only the runs' files (metrics, curves, settings); do not read the graph.")
@graph_options
@json_option
def command(runs: tuple[str, ...], out: str | None, diseases: int, top: int, no_graph: bool, settings: Settings,
            as_json: bool) -> None:
    """Write an HTML report of RUN (an id, a run directory or `latest`): metrics, data, training
    curves, score distribution of its predictions and the top predictions per disease with the
    graph evidence for each.

    Given two or more runs, write one page comparing them instead: their metrics side by side
    (best of each row marked), the settings that differ, their curves, and how far their top-k
    predictions agree per disease (runs written back with `platform writeback`).

    \b
    Examples:
      platform report 20261123-131500-rotate-llm-3f2a && xdg-open platform-data/runs/*/report.html
      platform report latest --no-graph --out run.html
      platform report RUN1 RUN2                 # writes <runs dir>/compare-RUN1-vs-RUN2.html
      platform report RUN1 RUN2 RUN3 --top 25 --out compare.html --json
    """
    from repurpose.report import RunFiles, build_report, write
    from repurpose.report_compare import build_comparison, comparison_path
    from repurpose.store import open_store
    from repurpose.trainers.runs import RunDir

    found = [RunDir.find(run, settings.runs_dir) for run in runs]
    files = [RunFiles.read(run) for run in found]
    with contextlib.nullcontext(None) if no_graph else open_store(settings) as store:
        if len(files) == 1:
            text = build_report(files[0], store, diseases=diseases, top=top)
        else:
            text = build_comparison(files, store, diseases=diseases, top=top)
    default = found[0].report_path if len(found) == 1 else comparison_path(found)
    written = write(text, Path(out) if out else default, files)
    emit(written.to_dict(), as_json, f"wrote {written.path} ({written.bytes // 1024} KiB); open it in a browser")
