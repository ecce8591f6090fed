"""Checks on a description before it may be written: markdown stripped, non-empty, within bounds.

Pure functions, shared by the LLM runner and the ``--from-file`` importer, so both write paths
accept exactly the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"```[^\n]*\n?|~~~[^\n]*\n?")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_QUOTE = re.compile(r"^\s*>\s?", re.MULTILINE)
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+)(\S(?:.*?\S)?)\1")
_SPACE = re.compile(r"\s+")
_REFUSAL = re.compile(r"^(?:i'?m sorry|i am sorry|sorry,|as an ai\b|i cannot|i can'?t|i do not know|i don'?t know)",
                      re.IGNORECASE)


def strip_markdown(text: str) -> str:
    """Plain text from an answer that may use markdown: no fences, headings, bullets, emphasis or links."""
    text = _FENCE.sub("", text)
    text = _RULE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub("", text)
    if any(mark in text for mark in "*_`"):  # the costliest pattern (40% of the time), skipped on plain prose
        for _ in range(2):  # nested emphasis such as ***x*** or **`x`**
            text = _EMPHASIS.sub(r"\2", text)
    return _SPACE.sub(" ", text).strip().strip('"').strip()


@dataclass(frozen=True)
class Bounds:
    """Length limits (in characters, after cleaning) and the least share of letters."""

    min_chars: int = 20
    max_chars: int = 2000
    min_letter_share: float = 0.6


class BadAnswer(ValueError):
    """An answer that must not be written; the message says why in a few words."""


def clean_description(text: object, bounds: Bounds = Bounds()) -> str:
    """The cleaned description, or BadAnswer naming the failed check (empty, short, long, garbage, refusal)."""
    if not isinstance(text, str):
        raise BadAnswer(f"not text ({type(text).__name__})")
    cleaned = strip_markdown(text)
    if not cleaned:
        raise BadAnswer("empty answer")
    if len(cleaned) < bounds.min_chars:
        raise BadAnswer(f"too short ({len(cleaned)} < {bounds.min_chars} characters)")
    if len(cleaned) > bounds.max_chars:
        raise BadAnswer(f"too long ({len(cleaned)} > {bounds.max_chars} characters)")
    visible = "".join(cleaned.split())
    share = sum(map(str.isalpha, visible)) / len(visible)
    if share < bounds.min_letter_share:
        raise BadAnswer(f"garbage ({share:.0%} letters)")
    if _REFUSAL.match(cleaned):
        raise BadAnswer("a refusal, not a description")
    return cleaned
