"""``platform export neo4j-import DIR``: the graph's concepts and relationships as neo4j-admin import CSVs."""

from __future__ import annotations

from pathlib import Path

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings
from repurpose.import_csv import write_import_csvs
from repurpose.store import open_store


@click.group("export")
def command() -> None:
    """Export the graph to files other tools load."""


@command.command("neo4j-import")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@graph_options
@json_option
def neo4j_import(directory: Path, settings: Settings, as_json: bool) -> None:
    """Write neo4j-admin import CSVs to DIRECTORY and print the import command.

    One file per node kind (id:ID, name, :LABEL = Entity;Kind) and per relationship type
    (:START_ID, :END_ID, :TYPE). Run the printed command on a stopped Neo4j 5 to build a
    database from them (fast for millions of edges).

    \b
    Example:
      platform export neo4j-import export/
      neo4j-admin database import full neo4j --overwrite-destination --nodes=export/nodes-Compound.csv ...
    """
    with open_store(settings) as store:
        files = write_import_csvs(store, directory)
    total_nodes = sum(files.counts["nodes"].values())
    total_rels = sum(files.counts["relationships"].values())
    emit(files.to_dict(), as_json, f"wrote {len(files.node_files)} node files ({total_nodes:,} nodes) and "
                                   f"{len(files.relationship_files)} relationship files ({total_rels:,} relationships) "
                                   f"to {directory}\nimport them into a stopped Neo4j 5 with:\n{files.command}")
