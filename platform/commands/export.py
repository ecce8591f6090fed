"""``platform export neo4j-import DIR``: the graph's concepts and relationships as neo4j-admin import CSVs."""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import Iterable, Sequence

import click

from repurpose.cli_support import emit, graph_options, json_option
from repurpose.config import Settings
from repurpose.cypher_safety import IDENTIFIER, identifier
from repurpose.store import GraphStore, open_store

#: Labels that are not concept kinds (bookkeeping nodes are not exported).
NOT_KINDS = {"Entity", "Dataset", "ModelRun"}


def _kinds(store: GraphStore) -> list[str]:
    labels = [r["label"] for r in store.read("CALL db.labels() YIELD label RETURN label")]
    return sorted(label for label in labels if label not in NOT_KINDS and IDENTIFIER.match(label))


def _write_csv(path: Path, header: list[str], rows: Iterable[Sequence[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def export_neo4j_import(store: GraphStore, directory: Path) -> dict:
    """Write ``nodes-<Kind>.csv`` and ``rels-<TYPE>.csv`` for every Entity node and relationship between them."""
    directory.mkdir(parents=True, exist_ok=True)
    node_files: list[str] = []
    rel_files: list[str] = []
    counts: dict[str, dict[str, int]] = {"nodes": {}, "relationships": {}}
    for kind in _kinds(store):
        rows = store.read(f"MATCH (n:Entity:{identifier(kind, 'label')}) RETURN collect([n.id, n.name]) AS rows")[0]["rows"]
        if not rows:
            continue
        path = directory / f"nodes-{kind}.csv"
        _write_csv(path, ["id:ID", "name", ":LABEL"], ([node_id, name, f"Entity;{kind}"] for node_id, name in rows))
        node_files.append(str(path))
        counts["nodes"][kind] = len(rows)
    types = [r["t"] for r in store.read("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS t")]
    for rel in sorted(t for t in types if IDENTIFIER.match(t)):
        rows = store.read(f"MATCH (a:Entity)-[r:{identifier(rel, 'type')}]->(b:Entity) "
                          "RETURN collect([a.id, b.id]) AS rows")[0]["rows"]
        if not rows:
            continue
        path = directory / f"rels-{rel}.csv"
        _write_csv(path, [":START_ID", ":END_ID", ":TYPE"], ([a, b, rel] for a, b in rows))
        rel_files.append(str(path))
        counts["relationships"][rel] = len(rows)
    # The database name first: after the last --relationships, neo4j-admin would read it as one more file.
    args = ["neo4j-admin", "database", "import", "full", "neo4j", "--overwrite-destination"]
    args += [f"--nodes={p}" for p in node_files] + [f"--relationships={p}" for p in rel_files]
    return {"directory": str(directory), "node_files": node_files, "relationship_files": rel_files,
            "counts": counts, "command": shlex.join(args)}


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
        result = export_neo4j_import(store, directory)
    total_nodes = sum(result["counts"]["nodes"].values())
    total_rels = sum(result["counts"]["relationships"].values())
    emit(result, as_json, f"wrote {len(result['node_files'])} node files ({total_nodes:,} nodes) and "
                          f"{len(result['relationship_files'])} relationship files ({total_rels:,} relationships) "
                          f"to {directory}\nimport them into a stopped Neo4j 5 with:\n{result['command']}")
