"""The named Cypher blocks of ``cypher/rag.cypher`` (parsed by the query library, read once)."""

from __future__ import annotations

import functools

from repurpose.querylib import named_blocks


@functools.lru_cache(maxsize=None)
def query(name: str) -> str:
    """The query called ``name`` in ``rag.cypher`` (KeyError names the known ones)."""
    blocks = named_blocks("rag.cypher")
    if name not in blocks:
        raise KeyError(f"no query {name!r} in rag.cypher; known: {', '.join(sorted(blocks))}")
    return blocks[name]
