"""Character-trigram TF-IDF cosine search over a list of strings, in plain numpy.

No scipy or scikit-learn: their import alone costs seconds on a loaded machine.
"""

from __future__ import annotations

import math
import threading
from typing import Any, Sequence

import numpy as np

#: A fitted search: (gram ids, idf, posting offsets, posting rows, posting weights).
Fitted = tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def trigrams(text: str) -> dict[str, float]:
    """Sublinear term frequencies of the character trigrams of each space-padded word."""
    counts: dict[str, int] = {}
    for word in text.split():
        padded = f" {word} "
        for i in range(len(padded) - 2):
            counts[padded[i:i + 3]] = counts.get(padded[i:i + 3], 0) + 1
    return {g: 1.0 + math.log(c) for g, c in counts.items()}


class TrigramSearch:
    """The texts most similar to a query: an inverted index (trigram -> rows and weights) fitted once on first use."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self._fitted: Fitted | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"texts": self.texts, "_fitted": self._fitted}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def fit(self) -> Fitted:
        """(gram ids, idf, posting offsets, posting rows, posting weights), built once."""
        with self._lock:
            if self._fitted is None:
                self._fitted = _fit(self.texts)
            return self._fitted

    def top(self, queries: Sequence[str], n: int) -> list[list[tuple[str, float]]]:
        """For each query, the ``n`` most similar texts (cosine), best first."""
        if not queries or not self.texts:
            return [[] for _ in queries]
        ids, idf, offsets, rows, weights = self.fit()
        out = []
        for text in queries:
            grams = [(ids[g], tf * float(idf[ids[g]])) for g, tf in trigrams(text).items() if g in ids]
            norm = math.sqrt(sum(w * w for _, w in grams)) or 1.0
            scores = np.zeros(len(self.texts), dtype=np.float32)
            for gid, w in grams:
                lo, hi = offsets[gid], offsets[gid + 1]
                scores[rows[lo:hi]] += (w / norm) * weights[lo:hi]
            best = np.argpartition(-scores, min(n, len(scores) - 1))[:n]
            best = best[np.argsort(-scores[best])]
            out.append([(self.texts[i], float(scores[i])) for i in best if scores[i] > 0])
        return out


def _fit(texts: Sequence[str]) -> Fitted:
    """Inverted index of L2-normalised TF-IDF trigram weights (smooth idf, as scikit-learn's)."""
    per_text = [trigrams(t) for t in texts]
    ids: dict[str, int] = {}
    for grams in per_text:
        for g in grams:
            ids.setdefault(g, len(ids))
    df = [0] * len(ids)
    for grams in per_text:
        for g in grams:
            df[ids[g]] += 1
    idf_list = [math.log((1 + len(texts)) / (1 + d)) + 1 for d in df]
    gram_col: list[int] = []
    row_col: list[int] = []
    weight_col: list[float] = []
    for row, grams in enumerate(per_text):
        w = {ids[g]: tf * idf_list[ids[g]] for g, tf in grams.items()}
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        for gid, v in w.items():
            gram_col.append(gid)
            row_col.append(row)
            weight_col.append(v / norm)
    gram_arr = np.asarray(gram_col, dtype=np.int64)
    order = np.argsort(gram_arr, kind="stable")
    offsets = np.zeros(len(ids) + 1, dtype=np.int64)
    np.add.at(offsets, gram_arr + 1, 1)
    return (ids, np.asarray(idf_list, dtype=np.float32), np.cumsum(offsets), np.asarray(row_col, dtype=np.int64)[order],
            np.asarray(weight_col, dtype=np.float32)[order])
