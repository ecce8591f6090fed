"""Bounded context assembly (pure)."""

from __future__ import annotations

from repurpose.rag.context import build_context
from repurpose.rag.retrievers import Item

TITLES = {"a": "Section A", "b": "Section B"}


def make(key: str, n: int, width: int = 20) -> list[Item]:
    return [Item(key, f"{key}{i} " + "x" * width + f" [{key}::{i}]", (f"{key}::{i}",)) for i in range(n)]


def test_everything_fits() -> None:
    ctx = build_context({"a": make("a", 2), "b": make("b", 1)}, TITLES)
    assert ctx.dropped == 0
    assert ctx.text.splitlines()[0] == "## Section A"
    assert ctx.ids == ["a::0", "a::1", "b::0"]


def test_round_robin_keeps_every_section_within_the_item_bound() -> None:
    ctx = build_context({"a": make("a", 50), "b": make("b", 3)}, TITLES, max_items=6)
    assert [i.retriever for i in ctx.items].count("b") == 3
    assert len(ctx.items) == 6 and ctx.dropped == 47


def test_char_bound_is_respected() -> None:
    ctx = build_context({"a": make("a", 100, width=100), "b": make("b", 100, width=100)}, TITLES, max_chars=1500)
    assert len(ctx.text) <= 1500
    assert 0 < len(ctx.items) < 200 and ctx.dropped == 200 - len(ctx.items)


def test_empty_sections_have_no_heading() -> None:
    ctx = build_context({"a": [], "b": make("b", 1)}, TITLES)
    assert "Section A" not in ctx.text and ctx.text.startswith("## Section B")
