"""Bounded context assembly: evidence items into a text the model reads, within a size budget.

Sections are filled round-robin (one item from each retriever in turn), so a long list of
mechanism paths cannot crowd out the known treatments or the predictions; then rendered under
their headings, each item keeping its node ids in square brackets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from repurpose.rag.retrievers import Item

MAX_CHARS = 6000
MAX_ITEMS = 40


@dataclass
class Context:
    """The text given to the model, the items in it, and how many did not fit."""

    text: str
    items: list[Item] = field(default_factory=list)
    dropped: int = 0

    @property
    def ids(self) -> list[str]:
        """Every node id the context names, first mention first."""
        return list(dict.fromkeys(i for item in self.items for i in item.ids))


def build_context(sections: Mapping[str, Sequence[Item]], titles: Mapping[str, str], *,
                  max_chars: int = MAX_CHARS, max_items: int = MAX_ITEMS) -> Context:
    """Render ``sections`` (retriever key -> items, in order) within ``max_chars`` and ``max_items``."""
    chosen: dict[str, list[Item]] = {key: [] for key in sections}
    cursors = {key: 0 for key in sections}
    budget = max_chars - sum(len(_heading(titles[key])) for key, items in sections.items() if items)
    used = count = 0
    progressing = True
    while progressing and count < max_items:
        progressing = False
        for key, items in sections.items():
            if cursors[key] >= len(items) or count >= max_items:
                continue
            line = _line(items[cursors[key]])
            if used + len(line) > budget:
                cursors[key] = len(items)  # this section is full; others may still fit shorter lines
                continue
            chosen[key].append(items[cursors[key]])
            cursors[key] += 1
            used += len(line)
            count += 1
            progressing = True
    parts = [_heading(titles[key]) + "".join(_line(i) for i in items) for key, items in chosen.items() if items]
    kept = [i for items in chosen.values() for i in items]
    total = sum(len(items) for items in sections.values())
    return Context("\n".join(parts).strip(), kept, total - len(kept))


def _heading(title: str) -> str:
    return f"## {title}\n"


def _line(item: Item) -> str:
    return f"- {item.text}\n"
