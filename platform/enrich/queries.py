"""The named Cypher queries of enrichment and embedding, read once from ``cypher/enrich.cypher``."""

from __future__ import annotations

import functools
import importlib.resources
import re

from repurpose.cypher_safety import identifier

_HEADER = re.compile(r"^//\s*name:\s*([A-Za-z_][A-Za-z0-9_]*)[^\n]*$", re.MULTILINE)


def parse_named(text: str) -> dict[str, str]:
    """Split a ``.cypher`` file into ``{name: query}`` at each ``// name: xyz`` header (comments dropped)."""
    marks = list(_HEADER.finditer(text))
    out: dict[str, str] = {}
    for mark, nxt in zip(marks, marks[1:] + [None]):
        body = text[mark.end():nxt.start() if nxt else len(text)]
        lines = [ln for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("//")]
        out[mark.group(1)] = "\n".join(lines)
    return out


@functools.lru_cache(maxsize=1)
def _queries() -> dict[str, str]:
    text = importlib.resources.files("repurpose.cypher").joinpath("enrich.cypher").read_text(encoding="utf-8")
    return parse_named(text)


def query(name: str, label: str | None = None) -> str:
    """The named query; ``label`` (checked by ``identifier``) replaces ``{label}``."""
    text = _queries()[name]
    return text.replace("{label}", identifier(label, "label")) if label is not None else text
