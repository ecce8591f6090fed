"""The named Cypher queries of enrichment and embedding, read once from ``cypher/enrich.cypher``."""

from __future__ import annotations

from repurpose.cypher_safety import identifier
from repurpose.querylib import named_blocks


def query(name: str, label: str | None = None) -> str:
    """The named query; ``label`` (checked by ``identifier``) replaces ``{label}``."""
    text = named_blocks("enrich.cypher")[name]
    return text.replace("{label}", identifier(label, "label")) if label is not None else text
