"""The named Cypher queries of enrichment and embedding, read once from ``cypher/enrich.cypher``."""

from __future__ import annotations

from repurpose.cypher_safety import identifier
from repurpose.querylib import named_blocks


def query(name: str, label: str | None = None, rel_type: str | None = None) -> str:
    """The named query; ``label`` and ``rel_type`` (checked by ``identifier``) replace ``{label}`` / ``{type}``."""
    text = named_blocks("enrich.cypher")[name]
    if label is not None:
        text = text.replace("{label}", identifier(label, "label"))
    if rel_type is not None:
        text = text.replace("{type}", identifier(rel_type, "relationship type"))
    return text
