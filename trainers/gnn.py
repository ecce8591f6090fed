"""A relational GNN encoder (R-GCN with basis decomposition) as one more entity representation.

Schlichtkrull et al., "Modeling Relational Data with Graph Convolutional Networks" (ESWC 2018).
The input features are another representation (a free embedding, or the LLaDR text mix, so the
text vectors feed the GNN); ``num_layers`` residual R-GCN layers (PyG's ``RGCNConv`` function,
computed per (node, relation) pair: ``relational_conv``) pass messages over the *training* graph
only, in both directions, and the output feeds the usual score functions. Every batch runs the
whole graph, so large batches (thousands of triples) keep an epoch short.

``ENCODERS`` registers the ``--encoder`` choices: none, or this R-GCN.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import torch
from torch import Tensor, nn

from repurpose.registry import Registry
from repurpose.trainers.relational_conv import RelationalBasisConv, RelationPairs, both_directions
from repurpose.trainers.representations import EntityRepresentation, Init


class Encoder:
    """An ``--encoder`` choice: what runs over the entity vectors before the score (here: nothing).

    Writing a subclass registers it in ``ENCODERS`` under its name minus ``Encoder``.
    """

    #: Whether the entity table below gets sparse gradients (row-wise Adam): an encoder that reads
    #: every row each batch needs dense ones.
    sparse_table: ClassVar[bool] = True
    #: Positive triples a batch unless ``platform train --batch-size`` says otherwise.
    batch_size: ClassVar[int] = 512

    @classmethod
    def wrap(cls, inner: EntityRepresentation, edges: np.ndarray, num_relations: int, num_layers: int,
             num_bases: int) -> EntityRepresentation:
        """The representation the score reads, over ``inner`` and the training ``edges``."""
        return inner


class NoneEncoder(Encoder):
    """No encoder: the score reads the entity vectors directly."""


class RGCNEncoder(EntityRepresentation, Encoder):
    """x_0 = inner(all entities); x_{l+1} = x_l + act(conv_l(x_l)); returns rows of x_L.

    Args:
        inner: input features per entity (width ``inner.dim``, kept as the output width).
        edges: training triples (n, 3); their reverses become relations ``r + num_relations``.
        num_relations: relation types in ``edges``.
        num_layers: message-passing layers (default: 2).
        num_bases: bases of the relation weights (default: 8).
    """

    sparse_table = False
    #: The whole graph runs every batch: few, large batches (Hetionet on 2 CPU cores: ~1.5 min an epoch).
    batch_size = 32768

    @classmethod
    def wrap(cls, inner: EntityRepresentation, edges: np.ndarray, num_relations: int, num_layers: int,
             num_bases: int) -> EntityRepresentation:
        return cls(inner, edges, num_relations, num_layers=num_layers, num_bases=num_bases)

    def __init__(self, inner: EntityRepresentation, edges: np.ndarray, num_relations: int, num_layers: int = 2,
                 num_bases: int = 8) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        self.inner = inner
        self.num_entities, self.dim = inner.num_entities, inner.dim
        edges = torch.as_tensor(np.asarray(edges, dtype=np.int64))
        pairs = RelationPairs(*both_directions(edges, num_relations), self.num_entities, 2 * num_relations)
        self.convs = nn.ModuleList(RelationalBasisConv(self.dim, pairs, num_bases) for _ in range(num_layers))
        self.act = nn.Tanh()

    def encode(self) -> Tensor:
        """All output vectors, (num_entities, dim): one full pass over the training graph."""
        x = self.inner.all()
        for i, conv in enumerate(self.convs):
            out = conv(x)
            x = x + (self.act(out) if i < len(self.convs) - 1 else out)
        return x

    def forward(self, idx: Tensor) -> Tensor:
        return self.encode()[idx]

    def all(self) -> Tensor:
        return self.encode()

    def auxiliary_loss(self, idx: Tensor) -> Tensor:
        return self.inner.auxiliary_loss(idx)

    def forward_with_loss(self, idx: Tensor) -> tuple[Tensor, Tensor]:
        return self(idx), self.inner.auxiliary_loss(idx)

    def reset_parameters(self, init: Init) -> None:
        self.inner.reset_parameters(init)
        for conv in self.convs:
            conv.reset_parameters()
            # Start close to the identity map so the inner features pass through at first.
            with torch.no_grad():
                conv.weight.mul_(0.1)
                conv.root.mul_(0.1)


#: The ``--encoder`` choices by key: none, rgcn.
ENCODERS: Registry[Encoder] = Registry(Encoder, "encoder")
