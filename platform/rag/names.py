"""Name normalisation: when two spellings of a name count as the same name, and disease acronyms."""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2019]", "", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def acronym(name: str) -> str | None:
    """Initials of a multi-word name ("chronic obstructive pulmonary disease" -> "copd")."""
    words = [w for w in normalize(name).split() if w not in {"of", "the", "and", "in", "with", "to"}]
    if len(words) < 2:
        return None
    return "".join(w if w.isdigit() else w[0] for w in words)
