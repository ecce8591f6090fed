"""The named Cypher blocks of ``cypher/rag.cypher``, loaded once with importlib.resources."""

from __future__ import annotations

import functools
import importlib.resources
import re

_HEADER = re.compile(r"^// name: (\w+)[^\n]*$", re.MULTILINE)


def parse_named_blocks(text: str) -> dict[str, str]:
    """``{name: query}`` from text of ``// name: xyz`` blocks (comments and trailing ``;`` dropped)."""
    starts = list(_HEADER.finditer(text))
    blocks: dict[str, str] = {}
    for match, nxt in zip(starts, starts[1:] + [None]):
        body = text[match.end(): nxt.start() if nxt else len(text)]
        lines = [line for line in body.splitlines() if line.strip() and not line.strip().startswith("//")]
        blocks[match.group(1)] = "\n".join(lines).strip().rstrip(";").strip()
    return blocks


@functools.lru_cache(maxsize=None)
def query(name: str) -> str:
    """The query called ``name`` in ``rag.cypher`` (KeyError names the known ones)."""
    blocks = _blocks()
    if name not in blocks:
        raise KeyError(f"no query {name!r} in rag.cypher; known: {', '.join(sorted(blocks))}")
    return blocks[name]


@functools.lru_cache(maxsize=1)
def _blocks() -> dict[str, str]:
    text = importlib.resources.files("repurpose.cypher").joinpath("rag.cypher").read_text(encoding="utf-8")
    return parse_named_blocks(text)
