"""Leak control for text guidance: remove every name of the target's other side from descriptions.

Descriptions can name the answer (an Alzheimer's text lists donepezil; a donepezil text says
"Alzheimer's disease"). ``mask_partners`` removes, from the text of every entity on one side of
the target relation (e.g. compounds), each name of every entity on the other side (diseases),
and vice versa. It reads only names (and synonyms) of whole kinds, never a split, so the masked
text cannot depend on which edges are held out. Pure functions: no I/O, no encoder.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

MASKS = ("none", "partners")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:)])")


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A case-insensitive pattern matching any of ``names`` as a whole word (longest first), or None."""
    unique = sorted({n.strip() for n in names if n and n.strip()}, key=lambda n: (-len(n), n.lower()))
    if not unique:
        return None
    alternatives = "|".join(re.escape(n) for n in unique)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def remove_names(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with every match of ``pattern`` removed and the spacing left tidy."""
    if pattern is None or not text:
        return text
    out = pattern.sub("", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", out)).strip()


def mask_partners(texts: Mapping[str, str], kinds: Mapping[str, str], names: Mapping[str, Iterable[str]],
                  head_kinds: Iterable[str], tail_kinds: Iterable[str]) -> dict[str, str]:
    """Texts by entity id, with partner names removed; entities of other kinds keep their text.

    ``kinds``: entity id -> kind; ``names``: entity id -> its names (name and synonyms);
    ``head_kinds`` / ``tail_kinds``: the kinds on each side of the target (Compound / Disease).
    A head's text loses every tail-kind name, a tail's text every head-kind name.
    """
    heads, tails = set(head_kinds), set(tail_kinds)
    by_side = {side: name_pattern(n for e, ns in names.items() if kinds.get(e) in members for n in ns)
               for side, members in (("head", heads), ("tail", tails))}
    out = {}
    for entity, text in texts.items():
        kind = kinds.get(entity)
        if kind in heads and kind in tails:  # a relation within one kind: mask both ways
            out[entity] = remove_names(remove_names(text, by_side["tail"]), by_side["head"])
        elif kind in heads:
            out[entity] = remove_names(text, by_side["tail"])
        elif kind in tails:
            out[entity] = remove_names(text, by_side["head"])
        else:
            out[entity] = text
    return out
