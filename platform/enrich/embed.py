"""Text vectors for concept nodes: ``nameEmbedding``, ``descriptionEmbedding``, ``curatedDescriptionEmbedding``.

Nodes are read with one ``collect()`` query per label. Each text's hash (with the encoder's name)
is kept in ``embeddingHash``, so a re-run encodes only texts that changed. Vectors go back with
``write_batches``; on Neo4j a vector index per label and property is created, on ArcadeDB
(no vector index) that step is skipped.

With a partner mask (``mask_target``, leak control), the descriptions are also encoded with
every name of the target relation's other side removed (``trainers/text_mask.py``), into
``descriptionMaskedEmbedding`` and ``curatedDescriptionMaskedEmbedding``; the mask reads only
the graph's names, never a split.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from repurpose import cypher
from repurpose.store import GraphStore
from repurpose.text_encoder import encoder_dimension, encoding_precision, resolve_precision

#: Text property -> vector property, in the order of ``embeddingHash``'s parts.
TEXT_FIELDS = (("name", "nameEmbedding"), ("description", "descriptionEmbedding"),
               ("curatedDescription", "curatedDescriptionEmbedding"),
               ("description, masked", "descriptionMaskedEmbedding"),
               ("curatedDescription, masked", "curatedDescriptionMaskedEmbedding"))
#: How many of TEXT_FIELDS an unmasked run encodes (the masked ones keep their vectors and hashes).
UNMASKED_FIELDS = 3
DEFAULT_LABELS = ("Entity",)


def text_hash(model: str, text: str | None) -> str:
    """12 hex digits naming (encoder, text); empty for a missing text."""
    if not text:
        return ""
    return hashlib.sha256(f"{model}\x1f{text}".encode()).hexdigest()[:12]


def changed_fields(model: str, texts: Sequence[str | None], stored: str | None) -> list[int]:
    """Indexes of ``texts`` whose vector is missing or stale under ``stored`` (a previous ``embeddingHash``)."""
    old = (stored or "").split(",")
    old += [""] * (len(texts) - len(old))
    return [i for i, t in enumerate(texts) if text_hash(model, t) != old[i]]


def updated_hash(model: str, texts: Sequence[str | None], stored: str | None) -> str:
    """``embeddingHash`` after encoding ``texts`` (the first fields): per-text hashes joined by commas
    in ``TEXT_FIELDS`` order; the stored parts of later fields are kept (an unmasked run keeps the
    masked vectors' hashes)."""
    old = (stored or "").split(",")
    return ",".join([text_hash(model, t) for t in texts] + old[len(texts):len(TEXT_FIELDS)])


def target_sides(store: GraphStore, target: str) -> tuple[list[str], list[str]]:
    """(head kinds, tail kinds) of the relationship type ``target`` in the graph (InputError if it has no edges)."""
    from repurpose.errors import InputError

    rows = store.read(cypher.get("enrich", "target_sides", type=target))
    heads, tails = (rows[0]["heads"], rows[0]["tails"]) if rows else ([], [])
    if not heads or not tails:
        raise InputError(f"the partner mask needs edges of the target {target!r}, and the graph has none; "
                         "name the treatment relationship type with --target")
    return [k for k in heads if k], [k for k in tails if k]


def masked_texts(store: GraphStore, target: str, nodes: dict[str, list]) -> dict[str, tuple[str | None, str | None]]:
    """id -> (description, curated description) with the target's partner names removed."""
    from repurpose.trainers.text_mask import mask_partners

    heads, tails = target_sides(store, target)
    kinds: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for kind in sorted(set(heads) | set(tails)):
        for node_id, name, synonyms in store.read(cypher.get("enrich", "names_of_kind", label=kind))[0]["rows"]:
            kinds[node_id] = kind
            names[node_id] = [name, *(s for s in synonyms or () if isinstance(s, str))]
    out: dict[str, list] = {node_id: [None, None] for node_id in nodes}
    for slot, column in ((0, 1), (1, 2)):
        texts = {node_id: row[column] for node_id, row in nodes.items() if row[column]}
        for node_id, text in mask_partners(texts, kinds, names, heads, tails).items():
            out[node_id][slot] = text
    return {node_id: (a, b) for node_id, (a, b) in out.items()}


@dataclass
class EmbedStats:
    """Counts for ``platform embed``."""

    model: str
    dimension: int = 0
    precision: str = "fp32"
    nodes: int = 0
    updated: int = 0
    unchanged: int = 0
    texts: int = 0
    seconds: float = 0.0
    encode_seconds: float = 0.0
    indexes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["seconds"] = round(self.seconds, 3)
        out["encode_seconds"] = round(self.encode_seconds, 3)
        out["texts_per_s"] = round(self.texts / self.encode_seconds, 1) if self.encode_seconds else None
        return out


def read_nodes(store: GraphStore, labels: Sequence[str]) -> dict[str, list]:
    """id -> [name, description, curatedDescription, embeddingHash] for named nodes of ``labels``."""
    nodes: dict[str, list] = {}
    for label in labels:
        for node_id, *rest in store.read(cypher.get("enrich", "texts_to_embed", label=label))[0]["rows"]:
            nodes.setdefault(node_id, rest)
    return nodes


def _rows(encoder: Any, model: str, work: list[tuple[str, list, list[int], str | None]], stats: EmbedStats,
          chunk: int, batch_size: int) -> Iterator[dict[str, Any]]:
    """Encode the changed texts chunk by chunk (unique texts once) and yield one write row per node."""
    for start in range(0, len(work), chunk):
        part = work[start:start + chunk]
        unique = sorted({texts[i] for _, texts, idx, _ in part for i in idx if texts[i]})
        began = time.perf_counter()
        with encoding_precision(stats.precision):
            vectors = encoder.encode(unique, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False)
        stats.encode_seconds += time.perf_counter() - began
        stats.texts += len(unique)
        by_text = dict(zip(unique, vectors.tolist()))
        for node_id, texts, idx, stored in part:
            props: dict[str, Any] = {TEXT_FIELDS[i][1]: by_text.get(texts[i]) for i in idx}
            props["embeddingModel"] = model
            props["embeddingHash"] = updated_hash(model, texts, stored)
            yield {"id": node_id, "props": props}


def graph_encoder(store: GraphStore) -> str | None:
    """The encoder name recorded on the graph's vectors (``embeddingModel``), or None without vectors."""
    rows = store.read(cypher.get("enrich", "graph_encoder"))
    return rows[0]["model"] if rows else None


def vector_indexes(store: GraphStore, labels: Sequence[str], dimension: int) -> list[str]:
    """Create a cosine vector index per label and vector property on Neo4j; none on ArcadeDB.

    Unquantised: Neo4j 5.26 quantises by default, which moved scores by about 0.01 against exact
    cosine here, enough to cross the linker's thresholds differently than on ArcadeDB."""
    if not store.capabilities.vector_index:
        return []
    made = []
    for label in labels:
        for _, prop in TEXT_FIELDS[:UNMASKED_FIELDS]:
            name = f"{label.lower()}_{prop}"
            store.write(cypher.get("enrich", "create_vector_index", index=name, label=label, property=prop,
                                   fragments={"dimension": str(int(dimension))}))
            made.append(name)
    # Indexes fill in the background: wait, so that a search right after this sees every vector.
    store.write(cypher.get("enrich", "await_indexes"), seconds=600)
    return made


def embed(store: GraphStore, encoder: Any, model: str, labels: Sequence[str] = DEFAULT_LABELS,
          chunk: int = 2048, batch_size: int = 64, write_batch: int = 500, overwrite: bool = False,
          precision: str = "auto", mask_target: str | None = None) -> EmbedStats:
    """Encode every changed text of the named nodes of ``labels`` at ``precision`` and write the vectors;
    with ``mask_target`` (a relationship type) also the partner-masked descriptions."""
    started = time.perf_counter()
    stats = EmbedStats(model=model, dimension=encoder_dimension(encoder), precision=resolve_precision(precision))
    nodes = read_nodes(store, labels)
    stats.nodes = len(nodes)
    masked = masked_texts(store, mask_target, nodes) if mask_target else {}
    work = []
    for node_id, (name, description, curated, stored) in sorted(nodes.items()):
        texts = [name, description, curated, *(masked[node_id] if mask_target else ())]
        idx = list(range(len(texts))) if overwrite else changed_fields(model, texts, stored)
        if idx:
            work.append((node_id, texts, idx, stored))
    stats.unchanged = len(nodes) - len(work)
    stats.updated = store.write_batches(cypher.get("enrich", "set_embeddings"), _rows(encoder, model, work, stats, chunk, batch_size),
                                        batch_size=write_batch, total=len(work), desc=f"embed ({model})",
                                        unit="nodes")
    stats.indexes = vector_indexes(store, labels, stats.dimension)
    stats.seconds = time.perf_counter() - started
    return stats
