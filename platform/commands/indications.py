"""``platform indications PATH``: load external indications as INDICATED_IN edges (evidence for predictions)."""

from __future__ import annotations

from pathlib import Path

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings
from repurpose.store import open_store


@click.command("indications")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="DrugCentral", show_default=True, help="The `source` property of the edges.")
@graph_options
@json_option
def command(path: Path, source: str, settings: Settings, as_json: bool) -> None:
    """Load external drug indications: (:Compound)-[:INDICATED_IN {source}]->(:Disease).

    PATH is a TSV with doid_id and drugbank_id columns (DrugCentral's, in Hetionet ids). Rows
    whose compound or disease is not in the graph are skipped and counted. Re-running is a
    no-op. The query `novel_predictions_with_evidence` uses these edges.

    \b
    Example:
      platform indications ../shared/data/indications/drugcentral-indications.tsv
    """
    from repurpose.indications import load_indications

    with open_store(settings) as store:
        result = load_indications(store, path, source)
    emit(result, as_json, f"{result['written']} of {result['rows']} {source} indications written "
                          f"({result['skipped_missing_nodes']} skipped: compound or disease not in the graph); "
                          f"{result['edges_in_graph']} INDICATED_IN {{source: {source!r}}} edges in the graph")
