"""The graph as neo4j-admin import CSVs: one file per concept kind and per relationship type.

``neo4j-admin database import full`` builds a Neo4j database from them far faster than Bolt
writes for millions of edges; ``ImportFiles.command`` is the command line that does it.
"""

from __future__ import annotations

import csv
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from repurpose import cypher
from repurpose.cypher_safety import IDENTIFIER
from repurpose.store import GraphStore

#: Labels that are not concept kinds (bookkeeping nodes are not exported).
NOT_KINDS = frozenset({"Entity", "Dataset", "ModelRun"})


@dataclass
class ImportFiles:
    """What ``write_import_csvs`` wrote: the files, the counts in them, and the import command."""

    directory: Path
    node_files: list[str] = field(default_factory=list)
    relationship_files: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {"nodes": {}, "relationships": {}})

    @property
    def command(self) -> str:
        """The neo4j-admin command line that imports the files into the database ``neo4j``."""
        # The database name first: after the last --relationships, neo4j-admin would read it as one more file.
        args = ["neo4j-admin", "database", "import", "full", "neo4j", "--overwrite-destination"]
        args += [f"--nodes={p}" for p in self.node_files] + [f"--relationships={p}" for p in self.relationship_files]
        return shlex.join(args)

    def to_dict(self) -> dict:
        return {"directory": str(self.directory), "node_files": self.node_files,
                "relationship_files": self.relationship_files, "counts": self.counts, "command": self.command}


def _write_csv(path: Path, header: list[str], rows: Iterable[Sequence[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_import_csvs(store: GraphStore, directory: Path) -> ImportFiles:
    """Write ``nodes-<Kind>.csv`` and ``rels-<TYPE>.csv`` for every Entity node and relationship between them."""
    directory.mkdir(parents=True, exist_ok=True)
    result = ImportFiles(directory)
    for kind in (label for label in store.labels() if label not in NOT_KINDS and IDENTIFIER.match(label)):
        rows = store.read(cypher.get("export", "named_entities_of_kind", label=kind))[0]["rows"]
        if rows:
            path = directory / f"nodes-{kind}.csv"
            _write_csv(path, ["id:ID", "name", ":LABEL"], ([node_id, name, f"Entity;{kind}"] for node_id, name in rows))
            result.node_files.append(str(path))
            result.counts["nodes"][kind] = len(rows)
    for rel in (t for t in store.relationship_types() if IDENTIFIER.match(t)):
        rows = store.read(cypher.get("export", "entity_pairs", type=rel))[0]["rows"]
        if rows:
            path = directory / f"rels-{rel}.csv"
            _write_csv(path, [":START_ID", ":END_ID", ":TYPE"], ([a, b, rel] for a, b in rows))
            result.relationship_files.append(str(path))
            result.counts["relationships"][rel] = len(rows)
    return result
