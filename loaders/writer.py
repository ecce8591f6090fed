"""The second pass of every load: write staged nodes and edges, idempotently, then the Dataset node.

Membership: every node carries a ``datasets`` list (the names of the datasets that listed it)
and every relationship a ``dataset`` property, so ``--replace`` can remove exactly one dataset.

Order and crash safety: the ``(:Dataset)`` node is deleted first and written last, so its
presence means the load completed. Nodes are created when new and updated
by id otherwise. Edges of one type are written with a fast
``CREATE`` when the graph has none of that type for the dataset, skipped when it already has
exactly as many as the file, and ``MERGE``d otherwise (an interrupted earlier run) so a re-run
completes without duplicates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from repurpose.cypher_safety import identifier
from repurpose.loaders.base import Node
from repurpose.loaders.staging import Staged
from repurpose.store import GraphStore

EDGE_MODES = ("auto", "merge", "create")

EXISTING_IDS = "UNWIND $ids AS i MATCH (n:Entity {id: i}) RETURN collect(n.id) AS ids"
NODE_CREATE = """
UNWIND $rows AS r
CREATE (n:Entity:{kind} {{id: r.id}})
SET n.name = r.name, n += r.props, n.datasets = [$dataset]
"""
NODE_UPDATE = """
UNWIND $rows AS r
MATCH (n:Entity {id: r.id})
SET n.name = r.name, n += r.props,
    n.datasets = CASE WHEN $dataset IN coalesce(n.datasets, []) THEN n.datasets
                      ELSE coalesce(n.datasets, []) + $dataset END
"""
EDGE_CREATE = """
UNWIND $rows AS r
MATCH (a:Entity {{id: r.s}})
MATCH (b:Entity {{id: r.t}})
CREATE (a)-[e:{type}]->(b)
SET e += r.p, e.dataset = $dataset
"""
EDGE_MERGE = """
UNWIND $rows AS r
MATCH (a:Entity {{id: r.s}})
MATCH (b:Entity {{id: r.t}})
MERGE (a)-[e:{type} {{dataset: $dataset}}]->(b)
SET e += r.p
"""
COUNT_EDGES = "MATCH ()-[e:{type}]->() WHERE e.dataset = $dataset RETURN count(e) AS n"
DELETE_EDGES = """
MATCH ()-[e:{type}]->() WHERE e.dataset = $dataset
WITH e LIMIT $limit DELETE e
"""
DELETE_NODES = """
MATCH (n:Entity) WHERE n.datasets = [$dataset]
WITH n LIMIT $limit DETACH DELETE n
"""
UNLINK_NODES = """
MATCH (n:Entity) WHERE $dataset IN n.datasets
SET n.datasets = [x IN n.datasets WHERE x <> $dataset]
"""
DELETE_DATASET = "MATCH (d:Dataset {name: $dataset}) DELETE d"
RECORD_DATASET = """
MERGE (d:Dataset {name: $dataset})
SET d.files = $files, d.sha256 = $sha256, d.loadedAt = $loadedAt, d.nodeCount = $nodeCount,
    d.edgeCount = $edgeCount, d.loader = $loader
"""


@dataclass
class WriteStats:
    """What the writer did: per kind and type, and how each edge type was written."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    edge_modes: dict[str, str] = field(default_factory=dict)
    removed_edges: int = 0
    removed_nodes: int = 0
    node_seconds: float = 0.0
    edge_seconds: float = 0.0


def _delete_in_chunks(store: GraphStore, query: str, counter: str, limit: int = 20_000, **params: Any) -> int:
    """Run a ``LIMIT $limit`` delete until it deletes fewer than ``limit`` (bounded transactions)."""
    removed = 0
    while True:
        n = store.write(query, limit=limit, **params)[counter]
        removed += n
        if n < limit:
            return removed


class GraphWriter:
    """Writes one staged dataset into a store (batch size and parallel sessions configurable)."""

    def __init__(self, store: GraphStore, dataset: str, *, batch_size: int = 10_000, workers: int = 2,
                 edge_mode: str = "auto") -> None:
        if edge_mode not in EDGE_MODES:
            raise ValueError(f"edge_mode must be one of {EDGE_MODES}, not {edge_mode!r}")
        self.store = store
        self.dataset = dataset
        self.batch_size = batch_size
        self.workers = workers
        self.edge_mode = edge_mode

    def _types_in_graph(self) -> set[str]:
        rows = self.store.read("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
        return {r["relationshipType"] for r in rows}

    def forget_dataset(self) -> None:
        """Delete the Dataset node: from now until ``record_dataset`` the load counts as incomplete."""
        self.store.write(DELETE_DATASET, dataset=self.dataset)

    def remove_dataset(self, stats: WriteStats) -> None:
        """``--replace``: delete this dataset's edges, its own nodes, and its name from shared nodes."""
        self.forget_dataset()
        for edge_type in sorted(self._types_in_graph()):
            stats.removed_edges += _delete_in_chunks(self.store, DELETE_EDGES.format(type=identifier(edge_type, "type")),
                                                      "relationships_deleted", dataset=self.dataset)
        stats.removed_nodes = _delete_in_chunks(self.store, DELETE_NODES, "nodes_deleted", dataset=self.dataset)
        self.store.write(UNLINK_NODES, dataset=self.dataset)

    def existing_ids(self, ids: list[str], chunk: int = 20_000) -> set[str]:
        """Which of ``ids`` are already in the graph (looked up through the Entity.id index)."""
        found: set[str] = set()
        for start in range(0, len(ids), chunk):
            found.update(self.store.read(EXISTING_IDS, ids=ids[start:start + chunk])[0]["ids"])
        return found

    def write_nodes(self, staged: Staged, stats: WriteStats) -> None:
        """CREATE nodes the graph lacks (labels fixed at creation), update the others by id.

        ``MERGE (n:Entity:Kind {id})`` would do both, but on ArcadeDB it does not use the
        Entity.id index for a two-label pattern and gets slower with every node.
        """
        started = time.perf_counter()
        existing = self.existing_ids(list(staged.nodes))
        for kind, nodes in staged.nodes_per_kind().items():
            new = [n for n in nodes if n.id not in existing]
            old = [n for n in nodes if n.id in existing]
            for query, group in ((NODE_CREATE.format(kind=identifier(kind, "node kind")), new), (NODE_UPDATE, old)):
                if group:
                    self.store.write_batches(query, _node_rows(group), batch_size=self.batch_size, total=len(group),
                                             desc=f"nodes {kind}", unit="node", dataset=self.dataset)
            stats.nodes[kind] = len(nodes)
        stats.node_seconds = time.perf_counter() - started

    def _mode_for(self, edge_type: str, expected: int, present: set[str]) -> str:
        if self.edge_mode != "auto":
            return self.edge_mode
        if edge_type not in present:
            return "create"
        existing = self.store.read(COUNT_EDGES.format(type=identifier(edge_type, "type")),
                                   dataset=self.dataset)[0]["n"]
        if existing == 0:
            return "create"
        return "skip" if existing == expected else "merge"

    def write_edges(self, staged: Staged, stats: WriteStats) -> None:
        started = time.perf_counter()
        present = self._types_in_graph()
        for edge_type, pairs in sorted(staged.edges.items()):
            mode = self._mode_for(edge_type, len(pairs), present)
            stats.edge_modes[edge_type] = mode
            if mode == "skip":
                stats.edges[edge_type] = 0
                continue
            query = (EDGE_CREATE if mode == "create" else EDGE_MERGE).format(type=identifier(edge_type, "type"))
            stats.edges[edge_type] = self.store.write_batches(
                query, _edge_rows(pairs), batch_size=self.batch_size, total=len(pairs),
                desc=f"edges {edge_type}", unit="edge", workers=self.workers, dataset=self.dataset)
        stats.edge_seconds = time.perf_counter() - started

    def record_dataset(self, *, files: list[str], sha256: list[str], loader: str, node_count: int,
                       edge_count: int) -> None:
        """Write the Dataset node last: its presence means the load completed."""
        self.store.write(RECORD_DATASET, dataset=self.dataset, files=files, sha256=sha256,
                         loadedAt=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), nodeCount=node_count,
                         edgeCount=edge_count, loader=loader)


def _node_rows(nodes: list[Node]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield {"id": node.id, "name": node.name, "props": node.props}


def _edge_rows(pairs: dict[tuple[str, str], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for (source, target), props in pairs.items():
        yield {"s": source, "t": target, "p": props}
