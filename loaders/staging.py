"""The first pass of every load: collect a loader's records in memory and validate them.

Nothing reaches the graph until every file has been read to the end, so a bad line anywhere
fails the load before the first write. Edges are de-duplicated per (type, source, target); a
node listed twice keeps its last name but may not change kind.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Iterable

from repurpose.cypher_safety import IDENTIFIER
from repurpose.errors import InputError
from repurpose.loaders.base import Batch, Edge, Loader, Node
from repurpose.progress import progress


@dataclass
class Staged:
    """Everything one load will write: nodes by id, and per type a map (source, target) -> props."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    duplicate_edges: int = 0

    def add_node(self, node: Node) -> None:
        known = self.nodes.get(node.id)
        if known is not None and known.kind != node.kind:
            raise InputError(f"node {node.id!r} is listed as {known.kind} and as {node.kind}; "
                             "one id must have one kind")
        if known is None and not IDENTIFIER.match(node.kind):
            raise InputError(f"node {node.id!r} has kind {node.kind!r}, which is not a valid label")
        self.nodes[node.id] = node

    def add_edge(self, edge: Edge) -> None:
        pairs = self.edges.get(edge.type)
        if pairs is None:
            if not IDENTIFIER.match(edge.type):
                raise InputError(f"relationship type {edge.type!r} is not valid (letters, digits, underscores)")
            pairs = self.edges[edge.type] = {}
        key = (sys.intern(edge.source), sys.intern(edge.target))
        if key in pairs:
            self.duplicate_edges += 1
        pairs[key] = edge.props

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return sum(len(p) for p in self.edges.values())

    def nodes_per_kind(self) -> dict[str, list[Node]]:
        grouped: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            grouped.setdefault(node.kind, []).append(node)
        return dict(sorted(grouped.items()))


def stage(loader: Loader, batches: Iterable[Batch]) -> Staged:
    """Read every batch, then check each edge's endpoints exist (or make them, for implicit-node loaders)."""
    staged = Staged()
    with progress(desc="reading", unit="rec") as bar:
        for batch in batches:
            for record in batch:
                if isinstance(record, Node):
                    staged.add_node(record)
                else:
                    staged.add_edge(record)
            bar.update(len(batch))
    for edge_type, pairs in staged.edges.items():
        for source, target in pairs:
            for end in (source, target):
                if end in staged.nodes:
                    continue
                if not loader.implicit_nodes:
                    raise InputError(f"a {edge_type} edge names node {end!r}, which no nodes file lists")
                staged.add_node(loader.implicit_node(end))
    return staged
