"""Entity linking: which graph nodes does a question name?

Passes over the question's tokens, each only on what the earlier ones left:

1. ids: a literal node id (``Disease::DOID:9352``) names that node;
2. exact: every n-gram, longest first, against normalised names, synonyms and disease acronyms
   (case, accents, apostrophes and punctuation ignored: "alzheimers disease" = "Alzheimer's disease");
3. spelling: unknown words are corrected to the closest word of the graph's names (character
   trigrams, then a SequenceMatcher ratio) and the n-grams tried again ("alzhiemers desease");
4. partial: a span whose words all occur in names of one kind ("parkinsons" -> "Parkinson's
   disease"; "diabetes" -> three diabetes names: ambiguous);
5. embedding: cosine between the encoded span and node ``nameEmbedding`` vectors, through the
   server's vector index where it has one, exact cosine over vectors fetched once otherwise.

The name index is built from the graph with one ``collect()`` query and cached per process and
database. When one name fits nodes of several kinds, a fixed kind priority decides (a question
about "Alzheimer's disease" means the Disease, not the WikiPathways pathway of that name); a tie
within the top kind is reported as ambiguous, with its candidates.
"""

from __future__ import annotations

import difflib
import math
import os
import pickle
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from repurpose.rag.queries import query
from repurpose.store import GraphStore

#: When one name fits nodes of several kinds, the first kind here wins.
KIND_PRIORITY = ("Disease", "Compound", "Gene", "PharmacologicClass", "Symptom", "Pathway", "Anatomy",
                 "SideEffect", "BiologicalProcess", "MolecularFunction", "CellularComponent")
#: Words that are never part of a mention: they split the question into candidate spans.
FUNCTION_WORDS = frozenset("""
a about against all also am an and any are as at be been being both but by can could did do does doing
for from had has have how i if in into is it its may me might more most my no nor not of on or other our
should so some such than that the their them then there these they this those through to too was we were
what when where which while who whom why will with would you your please tell show list give find explain
""".split())
#: Words that may sit inside a name ("Alzheimer's disease") but never make a mention on their own.
DOMAIN_WORDS = frozenset("""
drug drugs compound compounds medicine medicines medication medications disease diseases disorder
disorders condition conditions gene genes protein proteins target targets treat treats treated treating
treatment treatments therapy therapies therapeutic repurpose repurposed repurposing candidate candidates
known new novel predicted prediction predictions mechanism mechanisms pathway pathways class classes
associated association associations bind binds binding via patient patients used use uses useful help
helps effect effects evidence because similar like related people receptor receptors inhibitor
inhibitors agonist agonists antagonist antagonists cure cures option options approved work works
""".split())
SPELLING_MIN = 0.80     # SequenceMatcher ratio for a word to be corrected to a name's word
EMBED_MIN = 0.75        # name-vector cosine needed for an embedding link
PARTIAL_COVER_MIN = 0.30  # share of the name's characters a partial mention must cover
PARTIAL_MAX_NAMES = 6   # a word found in more names of the top kind than this is too vague to link
SUGGESTION_MIN = 0.25
MAX_NGRAM = 8
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_NODE_ID = re.compile(r"\b[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?::[\w:.\-]*\w")


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


def _kind_rank(kind: str) -> int:
    return KIND_PRIORITY.index(kind) if kind in KIND_PRIORITY else len(KIND_PRIORITY)


@dataclass(frozen=True)
class Candidate:
    """One node a mention may name, with how it was found and how well it fits (0..1)."""

    id: str
    name: str
    kind: str
    score: float = 1.0
    method: str = "exact"

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "score": round(self.score, 4),
                "method": self.method}


@dataclass
class Mention:
    """A span of the question and the node(s) it names; ``ambiguous`` when it cannot pick one."""

    text: str
    start: int
    end: int
    candidates: list[Candidate]
    ambiguous: bool = False

    @property
    def node(self) -> Candidate:
        return self.candidates[0]

    def public(self) -> dict[str, Any]:
        return {"text": self.text, "ambiguous": self.ambiguous,
                "candidates": [c.public() for c in self.candidates]}


@dataclass
class Linking:
    """The outcome of linking one question: mentions (linked or ambiguous) and suggestions."""

    question: str
    mentions: list[Mention] = field(default_factory=list)
    suggestions: list[Candidate] = field(default_factory=list)

    @property
    def linked(self) -> list[Candidate]:
        """The one node of each unambiguous mention, in question order, without repeats."""
        seen: dict[str, Candidate] = {}
        for m in self.mentions:
            if not m.ambiguous:
                seen.setdefault(m.node.id, m.node)
        return list(seen.values())

    @property
    def ambiguous(self) -> list[Mention]:
        return [m for m in self.mentions if m.ambiguous]


@dataclass(frozen=True)
class _Entry:
    id: str
    name: str
    kind: str


def _kind(labels: Iterable[str]) -> str:
    others = [label for label in labels if label != "Entity"]
    return min(others, key=_kind_rank) if others else "Entity"


def trigrams(text: str) -> dict[str, float]:
    """Sublinear term frequencies of the character trigrams of each space-padded word."""
    counts: dict[str, int] = {}
    for word in text.split():
        padded = f" {word} "
        for i in range(len(padded) - 2):
            counts[padded[i:i + 3]] = counts.get(padded[i:i + 3], 0) + 1
    return {g: 1.0 + math.log(c) for g, c in counts.items()}


class _Trigrams:
    """Character-trigram TF-IDF cosine search over a list of strings, in plain numpy.

    An inverted index (trigram -> rows and weights) fitted once on first use; no scipy or
    scikit-learn, whose import alone costs seconds on a loaded machine.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self._fitted: tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"texts": self.texts, "_fitted": self._fitted}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def fit(self) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(gram ids, idf, posting offsets, posting rows, posting weights), built once."""
        with self._lock:
            if self._fitted is None:
                self._fitted = _fit_trigrams(self.texts)
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


def _fit_trigrams(texts: Sequence[str]) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
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


class NameIndex:
    """Normalised names, synonyms, disease acronyms and name words of every named node."""

    def __init__(self, rows: Sequence[Sequence[Any]], stamp: Any = None) -> None:
        self.stamp = stamp  # what the graph looked like when built (see ``name_index``)
        self.exact: dict[str, list[_Entry]] = {}
        self.acronyms: dict[str, list[_Entry]] = {}
        self.by_id: dict[str, _Entry] = {}
        self.postings: dict[str, set[str]] = {}
        for node_id, name, labels, synonyms in rows:
            entry = _Entry(node_id, str(name), _kind(labels or []))
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
        self.words = _Trigrams(sorted(w for w in self.postings if len(w) >= 4 and not w.isdigit()))
        self.names = _Trigrams(sorted(self.exact))

    def __len__(self) -> int:
        return len(self.by_id)

    def resolve(self, entries: Sequence[_Entry], score: float, method: str) -> tuple[list[Candidate], bool]:
        """Candidates for one name, best kind first; ambiguous when the best kind holds several nodes."""
        ordered = sorted(entries, key=lambda e: (_kind_rank(e.kind), e.id))
        top = [e for e in ordered if e.kind == ordered[0].kind]
        chosen = top if len(top) > 1 else ordered
        return [Candidate(e.id, e.name, e.kind, score, method) for e in chosen], len(top) > 1

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


class EmbeddingIndex:
    """Name vectors of the nodes that carry ``nameEmbedding``: server vector index or exact cosine."""

    def __init__(self, store: GraphStore, encoder_name: str) -> None:
        self.store = store
        self.encoder_name = encoder_name
        #: Vector index name -> its dimension: one per label that carries ``nameEmbedding``.
        self.vector_indexes = _name_vector_indexes(store) if store.capabilities.vector_index else {}
        self.ids: list[str] = []
        self.matrix: np.ndarray | None = None
        if not self.vector_indexes:
            rows = store.read(query("name_embeddings"))[0]["rows"]
            if rows:
                self.ids = [r[0] for r in rows]
                self.matrix = _unit_rows(np.asarray([r[1] for r in rows], dtype=np.float32))

    @property
    def available(self) -> bool:
        return bool(self.vector_indexes) or self.matrix is not None

    def nearest(self, texts: Sequence[str], top: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the ``top`` nodes whose name vector is closest (cosine), best first."""
        import torch

        from repurpose.text_encoder import load_encoder

        encoder = load_encoder(self.encoder_name)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # a few short spans: extra threads only contend (0.05 s vs 0.4-1 s here)
        try:
            vectors = encoder.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True, batch_size=64)
        finally:
            torch.set_num_threads(threads)
        if self.vector_indexes:
            return [self._indexed(v, top) for v in vectors]
        assert self.matrix is not None
        if vectors.shape[1] != self.matrix.shape[1]:
            return [[] for _ in texts]  # vectors from another encoder: not comparable
        return top_cosine(vectors, self.matrix, self.ids, top)


    def _indexed(self, vector: np.ndarray, top: int) -> list[tuple[str, float]]:
        """The ``top`` nearest over every label's index of the vector's width, best first."""
        hits: list[tuple[str, float]] = []
        for name, dimension in self.vector_indexes.items():
            if dimension == len(vector):  # an index of another encoder's vectors is not comparable
                # Neo4j's cosine score is (1 + cos) / 2; the thresholds here are for cos itself.
                hits += [(r["id"], 2.0 * float(r["score"]) - 1.0)
                         for r in self.store.read(query("vector_link"), index=name, k=top, vector=vector.tolist())]
        return sorted(hits, key=lambda hit: -hit[1])[:top]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def top_cosine(queries: np.ndarray, matrix: np.ndarray, ids: Sequence[str], top: int) -> list[list[tuple[str, float]]]:
    """Exact cosine of unit ``queries`` against unit rows of ``matrix``: ``top`` (id, score) each."""
    sims = queries @ matrix.T
    return [[(ids[i], float(row[i])) for i in np.argsort(-row)[:top]] for row in sims]


def _name_vector_indexes(store: GraphStore) -> dict[str, int]:
    """Every online vector index on ``nameEmbedding`` (one per label), with its dimension."""
    return {r["name"]: int(r["dimension"]) for r in store.read(query("name_vector_indexes"))}


_NAME_CACHE: dict[tuple[str, str], NameIndex] = {}
_EMBED_CACHE: dict[tuple[str, str, str], EmbeddingIndex] = {}


def name_index(store: GraphStore, cache_dir: Path | None = None, refresh: bool = False) -> NameIndex:
    """The name index of the store's database, built once per process with one collect() query.

    With ``cache_dir`` it is also kept on disk (trigram matrices fitted), and reused while the
    graph's node count and loaded datasets are unchanged, so a new ``platform ask`` starts fast.
    """
    key = (store.uri, store.database)
    if not refresh and key in _NAME_CACHE:
        return _NAME_CACHE[key]
    stamp = store.read(query("name_index_stamp"))[0]
    path = None if cache_dir is None else Path(cache_dir) / f"names-{re.sub(r'[^A-Za-z0-9_-]', '_', store.database)}.pkl"
    index = _load(path) if path is not None and not refresh else None
    if index is None or index.stamp != stamp:
        index = NameIndex(store.read(query("name_index"))[0]["rows"], stamp)
        if path is not None:
            index.words.fit()
            index.names.fit()
            _save(index, path)
    _NAME_CACHE[key] = index
    return index


def _load(path: Path) -> NameIndex | None:
    try:
        with open(path, "rb") as f:
            index = pickle.load(f)  # our own cache file under the data directory
        return index if isinstance(index, NameIndex) else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def _save(index: NameIndex, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def embedding_index(store: GraphStore, encoder_name: str, refresh: bool = False) -> EmbeddingIndex:
    """The name-vector index of the store's database, fetched once per process."""
    key = (store.uri, store.database, encoder_name)
    if refresh or key not in _EMBED_CACHE:
        _EMBED_CACHE[key] = EmbeddingIndex(store, encoder_name)
    return _EMBED_CACHE[key]


@dataclass
class _Token:
    norm: str
    raw: str
    start: int
    end: int


def _tokens(question: str) -> list[_Token]:
    return [_Token(normalize(m.group()), m.group(), m.start(), m.end())
            for m in _TOKEN.finditer(question) if normalize(m.group())]


def _content(word: str) -> bool:
    return word not in FUNCTION_WORDS and word not in DOMAIN_WORDS and not word.isdigit()


class EntityLinker:
    """Links question text to graph nodes; see the module docstring for the passes."""

    def __init__(self, store: GraphStore, encoder_name: str | None = None, cache_dir: Path | None = None) -> None:
        self.store = store
        self.names = name_index(store, cache_dir)
        self.encoder_name = encoder_name

    def link(self, question: str) -> Linking:
        """The mentions in ``question``; suggestions of close names when nothing could be linked."""
        result = Linking(question)
        question = self._ids(question, result)
        tokens = _tokens(question)
        taken: set[int] = set()
        fixes = self.names.correct([t.norm for t in tokens if _content(t.norm)])
        corrected = [fixes.get(t.norm, (t.norm, 1.0)) for t in tokens]
        self._exact(tokens, taken, result, corrected)
        self._partial(tokens, taken, result, [w for w, _ in corrected])
        if self.encoder_name:
            self._embedding(tokens, taken, result)
        result.mentions.sort(key=lambda m: m.start)
        if not result.mentions:
            spans = {" ".join(t.norm for t in tokens[a:b] if _content(t.norm)) for a, b in self._spans(tokens, taken)}
            result.suggestions = self.suggest(sorted(spans))
        return result

    def _ids(self, question: str, result: Linking) -> str:
        """Link literal node ids and blank them out of the question for the later passes."""
        def replace(m: re.Match[str]) -> str:
            entry = self.names.by_id.get(m.group())
            if entry is None:
                return m.group()
            result.mentions.append(Mention(m.group(), m.start(), m.end(),
                                           [Candidate(entry.id, entry.name, entry.kind, 1.0, "id")]))
            return " " * len(m.group())
        return _NODE_ID.sub(replace, question)

    def _mention(self, tokens: Sequence[_Token], a: int, b: int, candidates: list[Candidate],
                 ambiguous: bool, result: Linking) -> None:
        start, end = tokens[a].start, tokens[b - 1].end
        result.mentions.append(Mention(result.question[start:end], start, end, candidates, ambiguous))

    def _exact(self, tokens: Sequence[_Token], taken: set[int], result: Linking,
               words: Sequence[tuple[str, float]]) -> None:
        """Longest-first n-gram lookup of the (possibly spelling-corrected) words: (word, ratio) each."""
        for n in range(min(MAX_NGRAM, len(tokens)), 0, -1):
            for a in range(len(tokens) - n + 1):
                b = a + n
                if taken.intersection(range(a, b)):
                    continue
                key = " ".join(w for w, _ in words[a:b])
                if n == 1 and not _content(key) and not key.isdigit():
                    continue
                score = min(r for _, r in words[a:b])
                how = "exact" if score == 1.0 else "spelling"
                entries = self.names.exact.get(key)
                if entries is None and n == 1:
                    entries, how = self._acronym(tokens[a]), "acronym"
                if not entries or (n == 1 and _common_word_gene(tokens[a], entries)):
                    continue
                candidates, ambiguous = self.names.resolve(entries, score, how)
                self._mention(tokens, a, b, candidates, ambiguous, result)
                taken.update(range(a, b))

    def _acronym(self, token: _Token) -> list[_Entry] | None:
        """Disease acronyms: any case from 3 letters ("copd"), upper case only for 2 ("MS")."""
        if len(token.norm) >= 3 or (len(token.norm) == 2 and token.raw.isupper()):
            return self.names.acronyms.get(token.norm)
        return None

    def _spans(self, tokens: Sequence[_Token], taken: set[int]) -> list[tuple[int, int]]:
        """Sub-spans (start, end) of the unlinked runs between function words, longest first."""
        runs: list[list[int]] = [[]]
        for i, tok in enumerate(tokens):
            if i in taken or tok.norm in FUNCTION_WORDS:
                runs.append([])
            else:
                runs[-1].append(i)
        spans = [(run[i], run[j - 1] + 1) for run in runs for i in range(len(run))
                 for j in range(i + 1, min(len(run), i + MAX_NGRAM) + 1)
                 if any(_content(tokens[p].norm) for p in run[i:j])]
        return sorted(spans, key=lambda s: (s[0] - s[1], s[0]))

    def _partial(self, tokens: Sequence[_Token], taken: set[int], result: Linking, words: Sequence[str]) -> None:
        """Spans whose content words all occur in names of one kind (genes excluded: symbols are exact)."""
        for a, b in self._spans(tokens, taken):
            if taken.intersection(range(a, b)):
                continue
            span_words = [w for w in words[a:b] if w not in FUNCTION_WORDS]
            if not any(len(w) >= 4 and _content(w) for w in span_words):
                continue
            text_len = len(" ".join(span_words))
            keys = [k for k in self.names.containing(span_words) if text_len / len(k) >= PARTIAL_COVER_MIN]
            entries = [e for k in keys for e in self.names.exact[k] if e.kind != "Gene"]
            if not entries:
                continue
            best_rank = min(_kind_rank(e.kind) for e in entries)
            top = [e for e in entries if _kind_rank(e.kind) == best_rank]
            names = sorted({normalize(e.name) for e in top})
            if len(names) > PARTIAL_MAX_NAMES:
                continue
            top.sort(key=lambda e: (-text_len / len(normalize(e.name)), e.id))
            candidates = [Candidate(e.id, e.name, e.kind, min(1.0, text_len / len(normalize(e.name))), "partial")
                          for e in top]
            self._mention(tokens, a, b, candidates, len({c.id for c in candidates}) > 1, result)
            taken.update(range(a, b))

    def _embedding(self, tokens: Sequence[_Token], taken: set[int], result: Linking) -> None:
        """Nearest node name vectors for the spans still unlinked (only where nodes carry vectors)."""
        spans = self._spans(tokens, taken)
        if not spans:
            return
        index = embedding_index(self.store, self.encoder_name or "")
        if not index.available:
            return
        texts = [result.question[tokens[a].start:tokens[b - 1].end] for a, b in spans]
        scored = []
        for span, hits in zip(spans, index.nearest(texts)):
            if hits and hits[0][1] >= EMBED_MIN and hits[0][0] in self.names.by_id:
                scored.append((hits[0][1], span, self.names.by_id[hits[0][0]]))
        scored.sort(key=lambda s: (-s[0], s[1][0] - s[1][1]))
        for score, (a, b), entry in scored:
            if not taken.intersection(range(a, b)):
                self._mention(tokens, a, b, [Candidate(entry.id, entry.name, entry.kind, score, "embedding")],
                              False, result)
                taken.update(range(a, b))

    def suggest(self, texts: Sequence[str], top: int = 5) -> list[Candidate]:
        """Close names for text that linked to nothing (character trigrams), best first."""
        best: dict[str, float] = {}
        for hits in self.names.names.top(list(texts), top):
            for key, score in hits:
                if score >= SUGGESTION_MIN:
                    best[key] = max(score, best.get(key, 0.0))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:top]
        return [self.names.resolve(self.names.exact[key], score, "suggestion")[0][0] for key, score in ranked]


def _common_word_gene(token: _Token, entries: Sequence[_Entry]) -> bool:
    """A lower-case word ("met", "rest") that only matches gene symbols is an English word, not a gene."""
    return all(e.kind == "Gene" for e in entries) and not any(ch.isupper() or ch.isdigit() for ch in token.raw)
