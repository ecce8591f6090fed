"""Character-trigram TF-IDF cosine search over a list of strings, in plain numpy, stored in SQLite.

No scipy or scikit-learn: their import alone costs seconds on a loaded machine.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from typing import Sequence

import numpy as np

#: What a search's tables may be called (their names are formatted into SQL).
TABLE = re.compile(r"^[a-z_]{1,32}$")
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
    """The texts most similar to a query, from an inverted index (trigram -> rows and weights) in SQLite.

    ``write`` fits it once and writes two tables named after ``table``; a search then reads only
    the posting lists of the query's own trigrams and the texts it returns, so opening an index
    costs nothing however many texts it holds.
    """

    def __init__(self, db: sqlite3.Connection, table: str, lock: threading.Lock) -> None:
        self.db, self.table, self._lock = db, _checked(table), lock
        with lock:
            self.size = db.execute(f"SELECT count(*) FROM {table}_texts").fetchone()[0]

    @staticmethod
    def write(db: sqlite3.Connection, table: str, texts: Sequence[str]) -> None:
        """Fit the TF-IDF trigram index of ``texts`` and write its tables to ``db`` (committed by the caller)."""
        table = _checked(table)
        db.execute(f"CREATE TABLE {table}_texts (row INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        db.execute(f"CREATE TABLE {table}_grams (gram TEXT PRIMARY KEY, idf REAL, rows BLOB, weights BLOB) "
                   "WITHOUT ROWID")
        db.executemany(f"INSERT INTO {table}_texts VALUES (?, ?)", enumerate(texts))
        ids, idf, offsets, rows, weights = _fit(texts)
        db.executemany(f"INSERT INTO {table}_grams VALUES (?, ?, ?, ?)",
                       ((g, float(idf[i]), rows[offsets[i]:offsets[i + 1]].astype(np.int32).tobytes(),
                         weights[offsets[i]:offsets[i + 1]].tobytes()) for g, i in ids.items()))

    def top(self, queries: Sequence[str], n: int) -> list[list[tuple[str, float]]]:
        """For each query, the ``n`` most similar texts (cosine), best first."""
        return [self._top(text, n) if self.size else [] for text in queries]

    def _top(self, text: str, n: int) -> list[tuple[str, float]]:
        tf = trigrams(text)
        if not tf:
            return []
        marks = ",".join("?" * len(tf))
        with self._lock:
            postings = self.db.execute(f"SELECT gram, idf, rows, weights FROM {self.table}_grams "
                                       f"WHERE gram IN ({marks})", list(tf)).fetchall()
        grams = [(tf[g] * idf, rows, weights) for g, idf, rows, weights in postings]
        norm = math.sqrt(sum(w * w for w, _, _ in grams)) or 1.0
        scores = np.zeros(self.size, dtype=np.float32)
        for w, rows, weights in grams:
            scores[np.frombuffer(rows, dtype=np.int32)] += (w / norm) * np.frombuffer(weights, dtype=np.float32)
        best = np.argpartition(-scores, min(n, len(scores) - 1))[:n]
        best = [int(i) for i in best[np.argsort(-scores[best], kind="stable")] if scores[i] > 0]
        if not best:
            return []
        with self._lock:
            found = dict(self.db.execute(f"SELECT row, text FROM {self.table}_texts WHERE row IN "
                                         f"({','.join('?' * len(best))})", best).fetchall())
        return [(found[i], float(scores[i])) for i in best]


def _checked(table: str) -> str:
    """``table`` when it is a safe name to format into SQL; ValueError otherwise."""
    if not TABLE.match(table):
        raise ValueError(f"bad table name {table!r}")
    return table


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
