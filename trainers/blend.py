"""A trained model blended with the trivial peers: a weighted sum of standardized scores.

The KGE model ranks by graph structure, the degree prior by how many treatments each side
already has, text-cosine by what the two descriptions share. Their scores live on different
scales, so each is standardized (mean and standard deviation over every head x tail candidate
pair of the target) before the weighted sum. The model keeps weight 1; the peers' weights are
chosen on the validation split's filtered MRR, never on test or external pairs.
``Blend`` scores like ``Embeddings`` (``score_tails``, ``score_heads``, ``score_triples``), so
evaluation, write-back and validation use it unchanged.
"""

from __future__ import annotations

import dataclasses

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import Tensor

from repurpose.trainers.model import Embeddings
from repurpose.trainers.scores import make_interaction

#: Weights tried for each peer (the model's weight is 1).
WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)


@dataclass
class Component:
    """One scorer of a blend, with its weight and the standardization of its scores."""

    name: str
    interaction: str  # registry name of the score (see scores.interactions)
    embeddings: Embeddings
    weight: float = 1.0
    mean: float = 0.0
    std: float = 1.0

    def to_checkpoint(self) -> dict:
        emb = self.embeddings
        return {"name": self.name, "interaction": self.interaction, "entities": emb.entities,
                "relations": emb.relations, "weight": self.weight, "mean": self.mean, "std": self.std}


class Blend:
    """Weighted sum of standardized component scores; the same scoring methods as ``Embeddings``."""

    def __init__(self, components: list[Component]) -> None:
        self.components = components

    @property
    def num_entities(self) -> int:
        return self.components[0].embeddings.num_entities

    def _sum(self, method: str, *args: Tensor) -> Tensor:
        total = None
        for c in self.components:
            if c.weight:
                part = (getattr(c.embeddings, method)(*args) - c.mean) * (c.weight / c.std)
                total = part if total is None else total + part
        return total

    def score_tails(self, heads: Tensor, relations: Tensor, tails: Tensor) -> Tensor:
        return self._sum("score_tails", heads, relations, tails)

    def score_heads(self, heads: Tensor, relations: Tensor, tails: Tensor) -> Tensor:
        return self._sum("score_heads", heads, relations, tails)

    def score_triples(self, heads: Tensor, relations: Tensor, tails: Tensor) -> Tensor:
        return self._sum("score_triples", heads, relations, tails)

    def to(self, device: torch.device | str) -> "Blend":
        """The same blend with every component's vectors on ``device``."""
        return Blend([dataclasses.replace(c, embeddings=c.embeddings.to(device)) for c in self.components])

    def weights(self) -> dict[str, float]:
        return {c.name: c.weight for c in self.components}

    def to_checkpoint(self) -> list[dict]:
        return [c.to_checkpoint() for c in self.components]

    @classmethod
    def from_checkpoint(cls, parts: list[dict]) -> "Blend":
        """Rebuild a blend saved with ``to_checkpoint()``."""
        return cls([Component(p["name"], p["interaction"],
                              Embeddings(p["entities"], p["relations"], make_interaction(p["interaction"])),
                              float(p["weight"]), float(p["mean"]), float(p["std"])) for p in parts])


@torch.no_grad()
def standardization(emb: Embeddings, heads: np.ndarray, tails: np.ndarray, relation: int,
                    chunk: int = 4096) -> tuple[float, float]:
    """(mean, std) of ``emb``'s scores over every head x tail pair of ``relation`` (std 1 when constant)."""
    total, total_sq, count = 0.0, 0.0, 0
    tails_t = torch.as_tensor(tails)
    for start in range(0, len(heads), chunk):
        h = torch.as_tensor(heads[start:start + chunk])
        block = emb.score_tails(h, torch.full_like(h, relation), tails_t).double()
        total += float(block.sum())
        total_sq += float((block * block).sum())
        count += block.numel()
    mean = total / count
    std = max(total_sq / count - mean * mean, 0.0) ** 0.5
    return mean, std if std > 1e-12 else 1.0


def choose_weights(model: Component, peers: list[Component], validate: Callable[[Blend], float],
                   grid: tuple[float, ...] = WEIGHTS) -> tuple[Blend, list[dict]]:
    """The blend of the best validation score over ``grid`` for each peer, and every (weights, score) tried.

    Ties keep the smaller weights (the earlier grid point), so a peer that does not help stays at 0.
    """
    tried, best, best_score = [], None, float("-inf")
    for weights in itertools.product(grid, repeat=len(peers)):
        for peer, w in zip(peers, weights):
            peer.weight = w
        score = validate(Blend([model, *peers]))
        tried.append({"weights": dict(zip((p.name for p in peers), weights)), "validation_mrr": score})
        if score > best_score:
            best, best_score = weights, score
    chosen = [Component(p.name, p.interaction, p.embeddings, w, p.mean, p.std) for p, w in zip(peers, best)]
    return Blend([model, *chosen]), tried
