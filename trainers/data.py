"""``TripleData``: an integer-indexed knowledge graph with optional entity kinds and text vectors."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repurpose.errors import InputError


@dataclass
class TripleData:
    """Entities, relation types and ``(head, relation, tail)`` rows as int64 indices.

    ``entity_kinds`` (e.g. ``Compound``) restricts ranking candidates and negatives to the right
    kind; ``name_vectors`` and ``description_vectors`` (rows aligned with ``entity_ids``, zero
    rows where an entity has no text) are the frozen LLaDR text features.
    """

    entity_ids: list[str]
    relation_types: list[str]
    triples: np.ndarray
    entity_kinds: list[str] | None = None
    name_vectors: np.ndarray | None = None
    description_vectors: np.ndarray | None = None
    fingerprint: str = ""

    def __post_init__(self) -> None:
        self.triples = np.ascontiguousarray(self.triples, dtype=np.int64).reshape(-1, 3)
        n = len(self.entity_ids)
        if len(self.triples):
            if self.triples[:, [0, 2]].min() < 0 or self.triples[:, [0, 2]].max() >= n:
                raise ValueError("triples reference entity indices outside entity_ids")
            if self.triples[:, 1].min() < 0 or self.triples[:, 1].max() >= len(self.relation_types):
                raise ValueError("triples reference relation indices outside relation_types")
        for name in ("name_vectors", "description_vectors"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} rows for {n} entities")
        if self.entity_kinds is not None and len(self.entity_kinds) != n:
            raise ValueError(f"entity_kinds has {len(self.entity_kinds)} entries for {n} entities")

    @property
    def num_entities(self) -> int:
        return len(self.entity_ids)

    @property
    def num_relations(self) -> int:
        return len(self.relation_types)

    def relation_index(self, name: str) -> int:
        """Index of a relation type (ValueError listing a few known ones otherwise)."""
        try:
            return self.relation_types.index(name)
        except ValueError:
            raise ValueError(f"unknown relation {name!r}; known: {', '.join(self.relation_types[:20])}") from None

    def text_features(self, kinds: set[str] | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """``([name ; description] float32 matrix, has-text mask)``, or None without text.

        ``kinds`` keeps text for entities of those kinds only (the mask is False elsewhere): text
        on every node costs training time in proportion to the nodes that carry it.
        """
        parts = [v for v in (self.name_vectors, self.description_vectors) if v is not None]
        if not parts:
            return None
        matrix = np.concatenate([np.asarray(p, dtype=np.float32) for p in parts], axis=1)
        mask = np.abs(matrix).sum(axis=1) > 0
        if kinds is not None:
            known = set(self.entity_kinds or ())
            unknown = sorted(set(kinds) - known)
            if unknown:
                raise ValueError(f"text kinds {', '.join(unknown)} are not entity kinds of the graph; "
                                 f"known: {', '.join(sorted(known)) or 'none'}")
            members = np.zeros(self.num_entities, dtype=bool)
            members[self.kind_members(set(kinds))] = True
            mask &= members
        return matrix, mask

    def kind_members(self, kinds: set[str] | None) -> np.ndarray:
        """Indices of entities whose kind is in ``kinds`` (all entities without kinds or kinds=None)."""
        if self.entity_kinds is None or kinds is None:
            return np.arange(self.num_entities, dtype=np.int64)
        return np.array([i for i, k in enumerate(self.entity_kinds) if k in kinds], dtype=np.int64)

    def relation_candidates(self, triples: np.ndarray | None = None) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per relation, the candidate heads and tails: every entity of the kinds seen in that slot."""
        rows = self.triples if triples is None else triples
        heads, tails = [], []
        for r in range(self.num_relations):
            sel = rows[rows[:, 1] == r]
            if self.entity_kinds is None or not len(sel):
                heads.append(self.kind_members(None))
                tails.append(self.kind_members(None))
                continue
            heads.append(self.kind_members({self.entity_kinds[i] for i in np.unique(sel[:, 0])}))
            tails.append(self.kind_members({self.entity_kinds[i] for i in np.unique(sel[:, 2])}))
        return heads, tails


def read_triples_files(paths: list[Path]) -> tuple[TripleData, list[np.ndarray]]:
    """Read ``head<TAB>relation<TAB>tail`` files (e.g. UMLS train/valid/test) into one vocabulary.

    Returns the data (all rows) and the rows of each file, so a given split can be kept.
    """
    entities: dict[str, int] = {}
    relations: dict[str, int] = {}
    parts: list[np.ndarray] = []
    for path in paths:
        rows = []
        with open(path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 3:
                    raise InputError("expected 3 tab-separated fields (head, relation, tail)",
                                     path=path, line=line_no, text=line.rstrip("\n"))
                h, r, t = fields
                rows.append((entities.setdefault(h, len(entities)), relations.setdefault(r, len(relations)),
                             entities.setdefault(t, len(entities))))
        parts.append(np.array(rows, dtype=np.int64).reshape(-1, 3))
    data = TripleData(list(entities), list(relations), np.concatenate(parts))
    return data, parts


def read_nodes_and_edges(nodes_path: Path, edges_path: Path) -> TripleData:
    """Read a Hetionet-style pair of files: nodes ``id  name  kind`` and edges ``source  type  target``.

    Both are tab-separated with a header row; the edges file may be gzip-compressed. Nodes keep
    their file order; relation types are numbered in order of first appearance.
    """
    entity_ids, kinds = [], []
    with open(nodes_path, encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            node_id, _name, kind = line.rstrip("\n").split("\t")
            entity_ids.append(node_id)
            kinds.append(kind)
    index = {e: i for i, e in enumerate(entity_ids)}
    relations: dict[str, int] = {}
    opener = gzip.open if str(edges_path).endswith(".gz") else open
    rows = []
    with opener(edges_path, "rt", encoding="utf-8") as handle:
        next(handle)
        for line_no, line in enumerate(handle, 2):
            source, rel, target = line.rstrip("\n").split("\t")
            if source not in index or target not in index:
                raise InputError("edge endpoint missing from the nodes file", path=edges_path, line=line_no,
                                 text=line.rstrip("\n"))
            rows.append((index[source], relations.setdefault(rel, len(relations)), index[target]))
    return TripleData(entity_ids, list(relations), np.array(rows, dtype=np.int64), entity_kinds=kinds)
