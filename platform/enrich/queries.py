"""The named Cypher queries of enrichment and embedding, read once from ``cypher/enrich.cypher``."""

from __future__ import annotations

import functools
import importlib.resources

from repurpose.cypher_safety import identifier
from repurpose.rag.queries import parse_named_blocks


@functools.lru_cache(maxsize=1)
def _queries() -> dict[str, str]:
    text = importlib.resources.files("repurpose.cypher").joinpath("enrich.cypher").read_text(encoding="utf-8")
    return parse_named_blocks(text)


def query(name: str, label: str | None = None) -> str:
    """The named query; ``label`` (checked by ``identifier``) replaces ``{label}``."""
    text = _queries()[name]
    return text.replace("{label}", identifier(label, "label")) if label is not None else text
