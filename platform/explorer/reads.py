"""What the explorer reads beside the query library (cypher/explorer.cypher): runs, a node, name search, close names."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from repurpose import cypher
from repurpose.store import GraphStore

#: The labels that have pages, in the order search results list them when all else is equal.
LABELS = ("Disease", "Compound")
SEARCH_LIMIT = 15
SUGGESTIONS = 6


@dataclass(frozen=True)
class Node:
    """A Disease or Compound with a page: its id, its name (the id when it has none) and its label."""

    id: str
    name: str
    label: str

    def url(self, run: str | None = None) -> str:
        """The node's page (for ``run``, else the server's default run); the id is URL-quoted whole."""
        path = f"/{self.label.lower()}/{quote(self.id, safe='')}"
        return f"{path}?{urlencode({'run': run})}" if run else path

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "label": self.label, "url": self.url()}


def runs(store: GraphStore) -> list[dict[str, Any]]:
    """Runs with predictions in the graph (id, model, text, edges, writtenAt), the newest write first."""
    return store.read(cypher.get("explorer", "runs"))


def busiest_diseases(store: GraphStore, run_id: str, limit: int = 12) -> list[dict[str, Any]]:
    """The diseases ``run_id`` predicted most treatments for (id, name, n), most first."""
    return store.read(cypher.get("explorer", "busiest_diseases"), run_id=run_id, limit=limit)


def node(store: GraphStore, label: str, node_id: str) -> Node | None:
    """The ``label`` node with id ``node_id``, or None."""
    rows = store.read(cypher.get("explorer", "node", label=label), id=node_id)
    return Node(rows[0]["id"], rows[0]["name"] or rows[0]["id"], label) if rows else None


def search(store: GraphStore, text: str, limit: int = SEARCH_LIMIT) -> list[Node]:
    """Diseases and compounds whose name contains ``text`` (any case), starting with it first, then the shortest."""
    text = text.strip()
    if not text:
        return []
    found = [Node(r["id"], r["name"], label) for label in LABELS
             for r in store.read(cypher.get("explorer", "search", label=label), q=text, k=limit)]
    wanted = text.lower()
    found.sort(key=lambda n: (not n.name.lower().startswith(wanted), len(n.name), n.name))
    return found[:limit]


def close_to(store: GraphStore, label: str, text: str, limit: int = SUGGESTIONS) -> list[Node]:
    """``label`` nodes whose id or name holds ``text`` or looks like it (any case): what a "not found" page offers."""
    keys: dict[str, Node] = {}
    for row in store.read(cypher.get("explorer", "names", label=label)):
        found = Node(row["id"], row["name"] or row["id"], label)
        keys.setdefault(found.id.lower(), found)
        keys.setdefault(found.name.lower(), found)
    wanted = text.strip().lower()
    holding = sorted((key for key in keys if wanted and wanted in key), key=len)
    close = difflib.get_close_matches(wanted, list(keys), n=limit, cutoff=0.6)
    return list(dict.fromkeys(keys[key] for key in holding + close))[:limit]
