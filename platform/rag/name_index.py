"""The name index: normalised names, synonyms, disease acronyms and name words of every named node.

Built from the graph with one ``collect()`` query into SQLite and kept per process in
``NAME_INDEXES``; given a cache directory the SQLite file is kept there (trigram searches fitted)
and opened by later processes while the graph's stamp (node count and loaded datasets) is
unchanged. Opening reads nothing: each lookup reads its own rows, so a new ``platform ask``
starts as fast on a graph of 400k nodes as on 47k (a pickled index took 0.2 s per 47k nodes).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from repurpose import atomic, cypher
from repurpose.rag.names import acronym, normalize
from repurpose.rag.process_cache import ProcessCache
from repurpose.rag.trigram_search import TrigramSearch
from repurpose.store import GraphStore

#: When one name fits nodes of several kinds, the first kind here wins.
KIND_PRIORITY = ("Disease", "Compound", "Gene", "PharmacologicClass", "Symptom", "Pathway", "Anatomy",
                 "SideEffect", "BiologicalProcess", "MolecularFunction", "CellularComponent")
SPELLING_MIN = 0.80     # SequenceMatcher ratio for a word to be corrected to a name's word


def kind_rank(kind: str) -> int:
    """Position of ``kind`` in ``KIND_PRIORITY`` (unlisted kinds last): lower wins."""
    return KIND_PRIORITY.index(kind) if kind in KIND_PRIORITY else len(KIND_PRIORITY)


def _kind(labels: Iterable[str]) -> str:
    others = [label for label in labels if label != "Entity"]
    return min(others, key=kind_rank) if others else "Entity"


@dataclass(frozen=True)
class NameEntry:
    """One named node: its id, display name and kind (its highest-priority label)."""

    id: str
    name: str
    kind: str


class _Lookup:
    """A read-only mapping answered by one SQL query per key: ``get``, ``[]`` and ``in``."""

    def __init__(self, index: "NameIndex", sql: str, many: bool) -> None:
        self.index, self.sql, self.many = index, sql, many

    def get(self, key: str, default: Any = None) -> Any:
        rows = [NameEntry(*row) for row in self.index.query(self.sql, (key,))]
        if not rows:
            return default
        return rows if self.many else rows[0]

    def __getitem__(self, key: str) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None


class NameIndex:
    """Normalised names, synonyms, disease acronyms and name words of every named node, in SQLite.

    ``by_id``, ``exact`` (name -> entries) and ``acronyms`` answer one key at a time, and the
    trigram searches read only a query's own posting lists, so opening a saved index costs the
    same on 47k nodes as on 400k: nothing is read until asked.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db, self._lock = db, threading.Lock()
        self.stamp = json.loads(self.query("SELECT value FROM meta WHERE key = 'stamp'")[0][0])
        self.by_id = _Lookup(self, "SELECT id, name, kind FROM entries WHERE id = ?", many=False)
        self.exact = _Lookup(self, "SELECT e.id, e.name, e.kind FROM exact x JOIN entries e ON e.n = x.n "
                                   "WHERE x.key = ? ORDER BY x.n", many=True)
        self.acronyms = _Lookup(self, "SELECT e.id, e.name, e.kind FROM acronyms a JOIN entries e ON e.n = a.n "
                                      "WHERE a.abbr = ? ORDER BY a.n", many=True)
        self.words = TrigramSearch(db, "words", self._lock)
        self.names = TrigramSearch(db, "names", self._lock)

    @classmethod
    def build(cls, rows: Sequence[Sequence[Any]], stamp: Any, path: Path | None = None) -> "NameIndex":
        """The index of ``rows`` (id, name, labels, synonyms) in a new SQLite file at ``path`` (written
        beside it, then renamed, so a reader never sees half an index) or in memory without one."""
        if path is None:
            db = sqlite3.connect(":memory:", check_same_thread=False)
            _fill(db, rows, stamp)
            return cls(db)
        with atomic.replacing(path) as tmp:
            with contextlib.closing(sqlite3.connect(tmp)) as db:
                _fill(db, rows, stamp)
        return cls(_open(path))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            return self.db.execute(sql, params).fetchall()

    def __len__(self) -> int:
        return self.query("SELECT count(*) FROM entries")[0][0]

    def correct(self, words: Sequence[str]) -> dict[str, tuple[str, float]]:
        """Unknown words mapped to the closest word of a name: ``{word: (correction, ratio)}``."""
        eligible = [w for w in words if len(w) >= 5 and not w.isdigit()]
        asked = list(dict.fromkeys(eligible))
        known = {row[0] for row in self.query(f"SELECT DISTINCT word FROM postings WHERE word IN "
                                              f"({','.join('?' * len(asked))})", asked)}
        unknown = [w for w in eligible if w not in known]
        out: dict[str, tuple[str, float]] = {}
        for word, hits in zip(unknown, self.words.top(unknown, 10)):
            scored = [(difflib.SequenceMatcher(None, word, h).ratio(), h) for h, _ in hits]
            if scored:
                ratio, best = max(scored)
                if ratio >= SPELLING_MIN:
                    out[word] = (best, ratio)
        return out

    def containing(self, words: Sequence[str]) -> list[str]:
        """Names (keys) that contain every one of ``words``."""
        if not words:
            return []
        sql = " INTERSECT ".join(["SELECT key FROM postings WHERE word = ?"] * len(words))
        return [row[0] for row in self.query(f"{sql} ORDER BY key", list(words))]


def _fill(db: sqlite3.Connection, rows: Sequence[Sequence[Any]], stamp: Any) -> None:
    """Write the tables of the index of ``rows`` into the empty database ``db`` and commit."""
    entries, exact, acronyms = [], [], []
    for n, (node_id, name, labels, synonyms) in enumerate(rows):
        entries.append((n, node_id, str(name), _kind(labels or [])))
        exact.extend((key, n) for key in dict.fromkeys(normalize(str(t)) for t in [name, *(synonyms or [])]) if key)
        if entries[-1][3] == "Disease" and (abbr := acronym(str(name))) and len(abbr) >= 2:
            acronyms.append((abbr, n))
    keys = sorted({key for key, _ in exact})
    postings = sorted({(word, key) for key in keys for word in key.split()})
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE entries (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT, kind TEXT);
        CREATE TABLE exact (key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key, n)) WITHOUT ROWID;
        CREATE TABLE acronyms (abbr TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (abbr, n)) WITHOUT ROWID;
        CREATE TABLE postings (word TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (word, key)) WITHOUT ROWID;
    """)
    db.execute("INSERT INTO meta VALUES ('stamp', ?)", (json.dumps(stamp, sort_keys=True),))
    db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?)", entries)  # a repeated id: the first wins
    db.executemany("INSERT INTO exact VALUES (?, ?)", exact)
    db.executemany("INSERT INTO acronyms VALUES (?, ?)", acronyms)
    db.executemany("INSERT INTO postings VALUES (?, ?)", postings)
    TrigramSearch.write(db, "words", sorted({w for w, _ in postings if len(w) >= 4 and not w.isdigit()}))
    TrigramSearch.write(db, "names", keys)
    db.commit()


#: The name index of each database, keyed by ``(store.uri, store.database)``. Never invalidated
#: on its own: ``name_index(..., refresh=True)`` rebuilds one, ``NAME_INDEXES.clear()`` forgets all.
NAME_INDEXES: ProcessCache[tuple[str, str], NameIndex] = ProcessCache()


def name_index(store: GraphStore, cache_dir: Path | None = None, refresh: bool = False) -> NameIndex:
    """The name index of the store's database, built once per process with one collect() query.

    With ``cache_dir`` it is also kept on disk (trigram matrices fitted), and reused while the
    graph's node count and loaded datasets are unchanged, so a new ``platform ask`` starts fast.
    """
    return NAME_INDEXES.get((store.uri, store.database), lambda: _build(store, cache_dir, refresh), refresh)


def _build(store: GraphStore, cache_dir: Path | None, refresh: bool) -> NameIndex:
    """The index from the cache file while its stamp matches the graph's, else from the graph (and saved)."""
    stamp = store.read(cypher.get("rag", "name_index_stamp"))[0]
    path = None if cache_dir is None else _cache_file(Path(cache_dir), store.database)
    index = _load(path) if path is not None and not refresh else None
    if index is None or json.dumps(index.stamp, sort_keys=True) != json.dumps(stamp, sort_keys=True):
        index = NameIndex.build(store.read(cypher.get("rag", "name_index"))[0]["rows"], stamp, path)
        if path is not None:
            path.with_suffix(".pkl").unlink(missing_ok=True)  # the pickled index of earlier versions
    return index


def _cache_file(cache_dir: Path, database: str) -> Path:
    """``names-<database>.sqlite`` under ``cache_dir``, the database name made safe for a file name."""
    return cache_dir / f"names-{re.sub(r'[^A-Za-z0-9_-]', '_', database)}.sqlite"


def _open(path: Path) -> sqlite3.Connection:
    """``path`` opened read-only, shared by the threads of this process (NameIndex holds the lock)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def _load(path: Path) -> NameIndex | None:
    """The saved index at ``path``; None when missing, unreadable or written by other code."""
    if not path.is_file():
        return None
    try:
        return NameIndex(_open(path))
    except (sqlite3.Error, IndexError, ValueError):
        return None
