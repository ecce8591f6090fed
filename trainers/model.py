"""A KGE model composes an entity representation, a relation table and a score function."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import torch
from torch import Tensor, nn

from repurpose.trainers.representations import EntityRepresentation
from repurpose.trainers.scores import Interaction


@dataclass
class Embeddings:
    """Frozen final vectors of a trained model: enough to score any triple, no gradients."""

    entities: Tensor
    relations: Tensor
    interaction: Interaction

    @property
    def num_entities(self) -> int:
        return int(self.entities.shape[0])

    def to(self, device: torch.device | str) -> "Embeddings":
        """The same vectors on ``device``: scores then come out there (index tensors may stay on the CPU)."""
        return Embeddings(self.entities.to(device), self.relations.to(device), self.interaction)

    @torch.no_grad()
    def score_tails(self, heads: Tensor, relations: Tensor, tails: Tensor) -> Tensor:
        """(B,) heads, (B,) relations, (N,) candidate tails -> (B, N) scores."""
        return self.interaction.score_tails(self.entities[heads], self.relations[relations], self.entities[tails])

    @torch.no_grad()
    def score_heads(self, heads: Tensor, relations: Tensor, tails: Tensor) -> Tensor:
        """(N,) candidate heads, (B,) relations, (B,) tails -> (B, N) scores."""
        return self.interaction.score_heads(self.entities[heads], self.relations[relations], self.entities[tails])

    @torch.no_grad()
    def score_triples(self, heads: Tensor, relations: Tensor, tails: Tensor) -> Tensor:
        """(B,) x 3 -> (B,) scores of the given triples."""
        return self.interaction(self.entities[heads], self.relations[relations], self.entities[tails])


class KGEModel(nn.Module):
    """Entity representation + relation table + interaction, e.g. TextMix + RotatE.

    Args:
        entity: maps entity indices to vectors of width ``entity.dim``.
        num_relations: size of the relation table (its width comes from the interaction).
        interaction: the score function module.
        margin: gamma of the loss; also scales the initial vectors of distance models.
    """

    def __init__(self, entity: EntityRepresentation, num_relations: int, interaction: Interaction,
                 margin: float = 9.0) -> None:
        super().__init__()
        interaction.check_dim(entity.dim)
        self.entity = entity
        self.interaction = interaction
        self.margin = margin
        self.relation = nn.Embedding(num_relations, interaction.relation_dim(entity.dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.entity.reset_parameters(partial(self.interaction.init_entity_, margin=self.margin))
        self.interaction.init_relation_(self.relation.weight.data, self.margin)

    @torch.no_grad()
    def embeddings(self) -> Embeddings:
        """The final vectors of every entity and relation (the GNN run once, the text mixed in)."""
        was_training = self.training
        self.eval()
        out = Embeddings(self.entity.all().detach(), self.relation.weight.detach().clone(), self.interaction)
        self.train(was_training)
        return out
