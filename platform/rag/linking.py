"""Entity linking: which graph nodes does a question name?

Passes over the question's tokens, each only on what the earlier ones left:

1. ids: a literal node id (``Disease::DOID:9352``) names that node;
2. exact: every n-gram, longest first, against normalised names, synonyms and disease acronyms
   (case, accents, apostrophes and punctuation ignored: "alzheimers disease" = "Alzheimer's disease");
3. spelling: unknown words are corrected to the closest word of the graph's names (character
   trigrams, then a SequenceMatcher ratio) and the n-grams tried again ("alzhiemers desease");
4. partial: a span whose words all occur in names of one kind ("parkinsons" -> "Parkinson's
   disease"; "diabetes" -> three diabetes names: ambiguous);
5. embedding (asked for: ``ask --by-meaning``): only when the earlier passes linked nothing, cosine
   between the encoded span and node ``nameEmbedding`` vectors, through the server's vector index
   where it has one, exact cosine over vectors fetched once otherwise (``repurpose.rag.name_vectors``).
   Loading the text encoder costs seconds a process, so a question that already names a node
   ("sildenafil (viagra)", "paracetamol / acetaminophen") does not pay it for its leftover words.

The names come from ``repurpose.rag.name_index`` (built once per process and database). When one
name fits nodes of several kinds, a fixed kind priority decides (a question about "Alzheimer's
disease" means the Disease, not the WikiPathways pathway of that name); a tie within the top kind
is reported as ambiguous, with its candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from repurpose.rag.name_index import NameEntry, kind_rank, name_index
from repurpose.rag.name_vectors import embedding_index
from repurpose.rag.names import normalize
from repurpose.store import GraphStore

#: Words that are never part of a mention: they split the question into candidate spans.
FUNCTION_WORDS = frozenset("""
a about against all also am an and any are as at be been being both but by can could did do does doing else
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
EMBED_MIN = 0.75        # name-vector cosine needed for an embedding link
PARTIAL_COVER_MIN = 0.30  # share of the name's characters a partial mention must cover
PARTIAL_MAX_NAMES = 6   # a word found in more names of the top kind than this is too vague to link
SUGGESTION_MIN = 0.25
MAX_NGRAM = 8
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_NODE_ID = re.compile(r"\b[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?::[\w:.\-]*\w")


@dataclass(frozen=True)
class Candidate:
    """One node a mention may name, with how it was found and how well it fits (0..1)."""

    id: str
    name: str
    kind: str
    score: float = 1.0
    method: str = "exact"

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "ambiguous": self.ambiguous,
                "candidates": [c.to_dict() for c in self.candidates]}


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
        if self.encoder_name and not result.mentions:
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
                candidates, ambiguous = _resolve(entries, score, how)
                self._mention(tokens, a, b, candidates, ambiguous, result)
                taken.update(range(a, b))

    def _acronym(self, token: _Token) -> list[NameEntry] | None:
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
            best_rank = min(kind_rank(e.kind) for e in entries)
            top = [e for e in entries if kind_rank(e.kind) == best_rank]
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
        return [_resolve(self.names.exact[key], score, "suggestion")[0][0] for key, score in ranked]


def _common_word_gene(token: _Token, entries: Sequence[NameEntry]) -> bool:
    """A lower-case word ("met", "rest") that only matches gene symbols is an English word, not a gene."""
    return all(e.kind == "Gene" for e in entries) and not any(ch.isupper() or ch.isdigit() for ch in token.raw)


def _resolve(entries: Sequence[NameEntry], score: float, method: str) -> tuple[list[Candidate], bool]:
    """Candidates for one name, best kind first; ambiguous when the best kind holds several nodes."""
    ordered = sorted(entries, key=lambda e: (kind_rank(e.kind), e.id))
    top = [e for e in ordered if e.kind == ordered[0].kind]
    chosen = top if len(top) > 1 else ordered
    return [Candidate(e.id, e.name, e.kind, score, method) for e in chosen], len(top) > 1
