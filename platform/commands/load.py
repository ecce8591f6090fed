"""``platform load FORMAT FILES...``: load Hetionet, DRKG, PrimeKG or triples files into the graph."""

from __future__ import annotations

from pathlib import Path

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option, warn
from repurpose.config import Settings
from repurpose.loaders import LoadOptions, LoadSummary, load_dataset, registry
from repurpose.loaders.writer import EDGE_MODES
from repurpose.store import open_store

_FORMATS = registry()


def _print_summary(summary: LoadSummary) -> None:
    rows = [{"what": f"nodes {kind}", "count": n, "written": n, "mode": "create/update"}
            for kind, n in summary.nodes.items()]
    rows += [{"what": f"edges {t}", "count": n, "written": summary.written_edges.get(t, 0),
              "mode": summary.edge_modes.get(t, "")} for t, n in summary.edges.items()]
    click.echo(format_table(rows, ["what", "count", "written", "mode"]))
    click.echo(f"\ndataset {summary.dataset!r} ({summary.loader}): {summary.node_count:,} nodes, "
               f"{summary.edge_count:,} edges; skipped lines {summary.skipped_lines:,}; "
               f"duplicate edges merged {summary.duplicate_edges:,}")
    if summary.removed_nodes or summary.removed_edges:
        click.echo(f"replaced: removed {summary.removed_nodes:,} nodes and {summary.removed_edges:,} edges first")
    click.echo(f"time {summary.seconds:.1f} s (read {summary.read_seconds:.1f}, nodes {summary.node_seconds:.1f}, "
               f"edges {summary.edge_seconds:.1f}); {summary.nodes_per_second:,.0f} nodes/s, "
               f"{summary.edges_per_second:,.0f} edges/s")


@click.command("load")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(_FORMATS)))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--nodes", "nodes_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="triples only: a TSV with a header naming id, name and optionally kind.")
@click.option("--name", default=None, help="Dataset name recorded on nodes/edges (default: the FORMAT).")
@click.option("--replace", is_flag=True, help="First remove this dataset's edges and its own nodes.")
@click.option("--skip-bad-lines", is_flag=True, help="Count and skip bad lines instead of stopping at the first.")
@click.option("--batch-size", type=click.IntRange(1), default=20_000, show_default=True, help="Rows per transaction.")
@click.option("--workers", type=click.IntRange(1, 8), default=1, show_default=True,
              help="Parallel write sessions for edges (on ArcadeDB 1 is fastest: writers conflict on shared nodes).")
@click.option("--edge-mode", type=click.Choice(EDGE_MODES), default="auto", show_default=True,
              help="auto: CREATE new edge types, skip complete ones, add the missing edges of partly "
                   "written ones; merge: MERGE every edge (slow); create: always CREATE.")
@graph_options
@json_option
def command(fmt: str, files: tuple[Path, ...], nodes_file: Path | None, name: str | None, replace: bool,
            skip_bad_lines: bool, batch_size: int, workers: int, edge_mode: str, settings: Settings,
            as_json: bool) -> None:
    """Load FILES of a FORMAT into the graph; re-running completes or repeats a load safely.

    Every file is read and checked first (a bad line stops the load before anything is
    written, naming file, line and text); then nodes and edges are written and a
    (:Dataset {name}) node is recorded last. gzip and bz2 files are read transparently.

    \b
    Formats:
    {formats}

    \b
    Examples:
      platform load hetionet data/hetionet/hetionet-v1.0-nodes.tsv.gz data/hetionet/hetionet-v1.0-edges-19of24.sif.gz
      platform load drkg drkg.tsv.gz --skip-bad-lines --json
      platform load primekg kg.csv --replace
      platform load triples train.txt valid.txt test.txt --name umls
    """
    loader_options = {}
    if nodes_file is not None:
        if fmt != "triples":
            raise click.UsageError("--nodes is only for the triples format")
        loader_options["nodes"] = nodes_file
    options = LoadOptions(name=name, replace=replace, skip_bad_lines=skip_bad_lines, batch_size=batch_size,
                          workers=workers, edge_mode=edge_mode)
    with open_store(settings) as store:
        summary = load_dataset(store, fmt, *files, options=options, **loader_options)
    for example in summary.skipped_examples:
        warn(f"skipped {example}")
    emit(summary.to_dict(), as_json, lambda: _print_summary(summary))


# The format list in --help comes from the registry, so it stays true when a loader is added.
command.help = (command.help or "").replace(
    "{formats}", "\n    ".join(f"  {key:<9} {cls.summary}" for key, cls in _FORMATS.items()))
