"""The trivial peers, run like any model: the degree prior and text-only cosine, no training.

Each baseline turns the data and a split into final ``Embeddings`` under a registered score, so
evaluation, write-back, validation and the report treat it exactly as a trained KGE model:

- ``degree``: log(1 + training treatments) of each entity, scored by their sum (``degree`` score):
  a pair ranks high when both sides already have many known treatments.
- ``text-cosine``: the unit-length [name ; description] text vector of each entity, scored by a
  dot product (``distmult`` with an all-ones relation), i.e. the cosine of the two texts. Entities
  without text score 0 against everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from repurpose.trainers.data import TripleData
from repurpose.trainers.model import Embeddings
from repurpose.trainers.scores import interactions, make_interaction
from repurpose.trainers.split import Split
from repurpose.trainers.validation import degree_prior


@dataclass(frozen=True)
class Baseline:
    """A named trivial peer: the score it uses and how it builds the entity vectors."""

    name: str
    interaction: str
    needs_text: bool
    vectors: Callable[[TripleData, Split, set[str] | None], np.ndarray]

    def embeddings(self, data: TripleData, split: Split, text_kinds: set[str] | None = None) -> Embeddings:
        """Final vectors of every entity and relation (relations: ones, which the scores ignore or need)."""
        entities = torch.as_tensor(self.vectors(data, split, text_kinds), dtype=torch.float32)
        relations = torch.ones(data.num_relations, entities.shape[1])
        return Embeddings(entities, relations, make_interaction(self.interaction))


def degree_vectors(data: TripleData, split: Split, _kinds: set[str] | None = None) -> np.ndarray:
    """(entities, 1): log(1 + the entity's training edges of the split's target relation)."""
    if split.target is None:
        raise ValueError("the degree baseline needs a target relation to count treatments of")
    rows = split.train[split.train[:, 1] == split.target]
    return degree_prior(rows[:, [0, 2]], data.num_entities).reshape(-1, 1)


def text_cosine_vectors(data: TripleData, _split: Split, kinds: set[str] | None = None) -> np.ndarray:
    """(entities, width): each entity's [name ; description] vector scaled to unit length (zeros stay)."""
    features = data.text_features(kinds)
    if features is None:
        raise ValueError("the text-cosine baseline needs text vectors; run the embed step and pick a text mode")
    matrix, mask = features
    matrix = np.where(mask[:, None], matrix, 0.0)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


BASELINES: dict[str, Baseline] = {b.name: b for b in (
    Baseline("degree", "degree", needs_text=False, vectors=degree_vectors),
    Baseline("text-cosine", "distmult", needs_text=True, vectors=text_cosine_vectors),
)}

#: Every ``train(model=...)`` (and ``platform train --model``) choice: the trainable scores, then the baselines.
MODELS: tuple[str, ...] = (*interactions(trainable=True), *BASELINES)
