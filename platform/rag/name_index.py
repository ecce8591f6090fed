"""The name index: normalised names, synonyms, disease acronyms and name words of every named node.

Built from the graph with one ``collect()`` query and kept per process in ``NAME_INDEXES``; given
a cache directory it is also pickled there (trigram searches fitted) and reused by later processes
while the graph's stamp (node count and loaded datasets) is unchanged.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

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


class NameIndex:
    """Normalised names, synonyms, disease acronyms and name words of every named node."""

    def __init__(self, rows: Sequence[Sequence[Any]], stamp: Any = None) -> None:
        self.stamp = stamp  # what the graph looked like when built (see ``name_index``)
        self.exact: dict[str, list[NameEntry]] = {}
        self.acronyms: dict[str, list[NameEntry]] = {}
        self.by_id: dict[str, NameEntry] = {}
        self.postings: dict[str, set[str]] = {}
        for node_id, name, labels, synonyms in rows:
            entry = NameEntry(node_id, str(name), _kind(labels or []))
            self.by_id[node_id] = entry
            for text in [name, *(synonyms or [])]:
                key = normalize(str(text))
                if key:
                    self.exact.setdefault(key, []).append(entry)
            if entry.kind == "Disease" and (abbr := acronym(str(name))) and len(abbr) >= 2:
                self.acronyms.setdefault(abbr, []).append(entry)
        for key in self.exact:
            for word in key.split():
                self.postings.setdefault(word, set()).add(key)
        self.words = TrigramSearch(sorted(w for w in self.postings if len(w) >= 4 and not w.isdigit()))
        self.names = TrigramSearch(sorted(self.exact))

    def __len__(self) -> int:
        return len(self.by_id)

    def correct(self, words: Sequence[str]) -> dict[str, tuple[str, float]]:
        """Unknown words mapped to the closest word of a name: ``{word: (correction, ratio)}``."""
        unknown = [w for w in words if w not in self.postings and len(w) >= 5 and not w.isdigit()]
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
        sets = [self.postings.get(w, set()) for w in words]
        return sorted(set.intersection(*sets)) if sets else []


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
    if index is None or index.stamp != stamp:
        index = NameIndex(store.read(cypher.get("rag", "name_index"))[0]["rows"], stamp)
        if path is not None:
            index.words.fit()
            index.names.fit()
            _save(index, path)
    return index


def _cache_file(cache_dir: Path, database: str) -> Path:
    """``names-<database>.pkl`` under ``cache_dir``, the database name made safe for a file name."""
    return cache_dir / f"names-{re.sub(r'[^A-Za-z0-9_-]', '_', database)}.pkl"


def _load(path: Path) -> NameIndex | None:
    """The pickled index at ``path``; None when missing, unreadable or pickled by other code."""
    try:
        with open(path, "rb") as f, _no_garbage_collection():
            index = pickle.load(f)  # our own cache file under the data directory
        return index if isinstance(index, NameIndex) else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


@contextlib.contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Unpickling 47k names makes ~200k objects, and the collector runs over the growing heap again and
    again: 0.5-1.1 s of a new ``platform ask`` process with it, 0.3 s without (full Hetionet)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _save(index: NameIndex, path: Path) -> None:
    """Pickle ``index`` to ``path`` through a temporary file, so a reader never sees half a file."""
    with atomic.replacing(path) as tmp, open(tmp, "wb") as f:
        pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
