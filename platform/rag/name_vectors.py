"""Nearest node names by vector: the server's vector index where it has one, exact cosine otherwise.

Searches the ``nameEmbedding`` vectors of the nodes that carry one. On a server with vector indexes
(Neo4j 5) every label's index is queried; elsewhere the vectors are fetched once per process (see
``NAME_VECTORS``) and compared exactly.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from repurpose import cypher
from repurpose.rag.process_cache import ProcessCache
from repurpose.store import GraphStore


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
            rows = store.read(cypher.get("rag", "name_embeddings"))[0]["rows"]
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
                         for r in self.store.read(cypher.get("rag", "vector_link"), index=name, k=top,
                                                  vector=vector.tolist())]
        return sorted(hits, key=lambda hit: -hit[1])[:top]


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def top_cosine(queries: np.ndarray, matrix: np.ndarray, ids: Sequence[str], top: int) -> list[list[tuple[str, float]]]:
    """Exact cosine of unit ``queries`` against unit rows of ``matrix``: ``top`` (id, score) each."""
    sims = queries @ matrix.T
    return [[(ids[i], float(row[i])) for i in np.argsort(-row)[:top]] for row in sims]


def _name_vector_indexes(store: GraphStore) -> dict[str, int]:
    """Every online vector index on ``nameEmbedding`` (one per label), with its dimension."""
    return {r["name"]: int(r["dimension"]) for r in store.read(cypher.get("rag", "name_vector_indexes"))}


#: The name vectors (or vector index names) of each database and encoder, keyed by
#: ``(store.uri, store.database, encoder_name)``. Never invalidated on its own:
#: ``embedding_index(..., refresh=True)`` fetches one again, ``NAME_VECTORS.clear()`` forgets all.
NAME_VECTORS: ProcessCache[tuple[str, str, str], EmbeddingIndex] = ProcessCache()


def embedding_index(store: GraphStore, encoder_name: str, refresh: bool = False) -> EmbeddingIndex:
    """The name-vector index of the store's database, fetched once per process."""
    return NAME_VECTORS.get((store.uri, store.database, encoder_name), lambda: EmbeddingIndex(store, encoder_name),
                            refresh)
