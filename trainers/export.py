"""Graph -> ``TripleData``: entities, relation types, integer triples and text vectors, cached on disk.

Edges come one relationship type at a time as ONE record of two parallel lists (``collect(a.id)``,
``collect(b.id)``) read without the driver's per-value conversion: about 10x faster over Bolt than
row by row, and 4x faster than one list of pairs (measured in ``benchmarks/export.py``). Written-back predictions (types starting with
``PREDICTED_``) are never exported, so a model cannot train on an earlier model's guesses.
The export is cached as ``<data_dir>/exports/<fingerprint>.npz``; the fingerprint hashes the
node count, the edge count per type, the count of nodes carrying each text property with the
sum of their first components, and the property names, so a changed graph or text mode exports again and an unchanged one does not.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from repurpose import atomic, cypher
from repurpose.cypher_safety import IDENTIFIER
from repurpose.trainers.data import TripleData

#: (text mode, mask) -> node properties holding [name vector, description vector] (written by the
#: embed step; the masked descriptions by ``platform embed --text-mask partners``).
TEXT_PROPERTIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("none", "none"): (),
    ("llm", "none"): ("nameEmbedding", "descriptionEmbedding"),
    ("curated", "none"): ("nameEmbedding", "curatedDescriptionEmbedding"),
    ("llm", "partners"): ("nameEmbedding", "descriptionMaskedEmbedding"),
    ("curated", "partners"): ("nameEmbedding", "curatedDescriptionMaskedEmbedding"),
}
#: Never exported: the platform's own predictions (``PREDICTED_TREATS`` and the ModelRun's
#: ``PREDICTED`` links) and external evidence kept for judging novel predictions (``INDICATED_IN``),
#: which training on would make circular.
EXCLUDED_PREFIXES = ("PREDICTED",)
EXCLUDED_TYPES = frozenset({"INDICATED_IN"})


def _text_properties(text: str, mask: str = "none") -> tuple[str, ...]:
    if text == "none":
        return ()
    if (text, mask) not in TEXT_PROPERTIES:
        raise ValueError(f"unknown text mode {text!r} with mask {mask!r}; choose from "
                         f"{', '.join(sorted({t for t, _ in TEXT_PROPERTIES}))} and masks "
                         f"{', '.join(sorted({m for _, m in TEXT_PROPERTIES}))}")
    return TEXT_PROPERTIES[(text, mask)]


def relationship_types(store: Any) -> list[str]:
    """Exportable relationship types, sorted (predictions excluded, and names no loader makes: a type
    written by hand with other characters would fail ``identifier`` and stop the export)."""
    return [n for n in store.relationship_types() if not n.startswith(EXCLUDED_PREFIXES) and n not in EXCLUDED_TYPES
            and IDENTIFIER.match(n)]


def graph_fingerprint(store: Any, text: str = "none", mask: str = "none") -> tuple[str, dict]:
    """(short hash, summary) of what an export of ``store`` with ``text`` (and ``mask``) would contain."""
    summary: dict[str, Any] = {"nodes": store.read(cypher.get("export", "entity_count"))[0]["n"], "edges": {},
                               "text": {}}
    for rel in relationship_types(store):
        # Counting every edge of the type (not just Entity-to-Entity) is answered from the type's
        # own count at once; any change to the exported edges still changes it.
        summary["edges"][rel] = store.read(cypher.get("export", "edge_count", type=rel))[0]["n"]
    for prop in _text_properties(text, mask):
        row = store.read(cypher.get("export", "vector_summary", property=prop))[0]
        summary["text"][prop] = [row["n"], round(float(row["s"] or 0.0), 5)]
    digest = hashlib.sha256(json.dumps(summary, sort_keys=True).encode()).hexdigest()[:16]
    return digest, summary


def _text_matrix(store: Any, prop: str, index: dict[str, int]) -> np.ndarray | None:
    got = store.read_columns(cypher.get("export", "vectors", property=prop))
    rows = [(node_id, vec) for node_id, vec in zip(got["ids"], got["vectors"]) if node_id in index and vec]
    if not rows:
        return None
    matrix = np.zeros((len(index), len(rows[0][1])), dtype=np.float32)
    for node_id, vec in rows:
        matrix[index[node_id]] = vec
    return matrix


def export_graph(store: Any, text: str = "none", mask: str = "none") -> TripleData:
    """Read every Entity, every exportable edge between Entities, and the ``text`` vectors (``mask``ed)."""
    props = _text_properties(text, mask)
    got = store.read_columns(cypher.get("export", "entities"))
    nodes = sorted(zip(got["ids"], got["kinds"]))
    entity_ids = [n[0] for n in nodes]
    index = {e: i for i, e in enumerate(entity_ids)}
    relation_types = relationship_types(store)
    parts = []
    for r, rel in enumerate(relation_types):
        # Two parallel lists stay aligned because neither id is null (collect skips nulls).
        got = store.read_columns(cypher.get("export", "edges", type=rel))
        if got["heads"]:
            heads = np.fromiter((index[a] for a in got["heads"]), dtype=np.int64, count=len(got["heads"]))
            tails = np.fromiter((index[b] for b in got["tails"]), dtype=np.int64, count=len(got["tails"]))
            parts.append(np.column_stack([heads, np.full(len(heads), r), tails]))
    triples = np.concatenate(parts) if parts else np.zeros((0, 3), dtype=np.int64)
    vectors = [_text_matrix(store, p, index) for p in props]
    return TripleData(entity_ids, relation_types, triples, entity_kinds=[n[1] for n in nodes],
                      name_vectors=vectors[0] if vectors else None,
                      description_vectors=vectors[1] if len(vectors) > 1 else None)


def save_export(data: TripleData, path: Path) -> None:
    """Write ``data`` as one ``.npz`` (written to a temporary name, then renamed)."""
    arrays = {"entity_ids": np.array(data.entity_ids), "relation_types": np.array(data.relation_types),
              "entity_kinds": np.array(data.entity_kinds or []), "triples": data.triples,
              "fingerprint": np.array(data.fingerprint)}
    for name in ("name_vectors", "description_vectors"):
        if getattr(data, name) is not None:
            arrays[name] = getattr(data, name)
    with atomic.replacing(path, suffix=".npz") as tmp:
        np.savez(tmp, **arrays)


def load_export(path: Path) -> TripleData:
    """Read an export written by ``save_export``."""
    with np.load(path) as z:
        kinds = z["entity_kinds"].tolist()
        return TripleData(z["entity_ids"].tolist(), z["relation_types"].tolist(), z["triples"],
                          entity_kinds=kinds or None,
                          name_vectors=z["name_vectors"] if "name_vectors" in z.files else None,
                          description_vectors=z["description_vectors"] if "description_vectors" in z.files else None,
                          fingerprint=str(z["fingerprint"]))


def cached_export(store: Any, exports_dir: Path, text: str = "none", mask: str = "none") -> tuple[TripleData, bool]:
    """(data, from_cache): the export of ``store`` for ``text`` and ``mask``, read from the cache when unchanged."""
    fingerprint, _ = graph_fingerprint(store, text, mask)
    path = Path(exports_dir) / f"{fingerprint}.npz"
    if path.is_file():
        return load_export(path), True
    data = export_graph(store, text, mask)
    data.fingerprint = fingerprint
    save_export(data, path)
    return data, False
