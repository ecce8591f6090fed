"""Entity representations: a plain embedding table, and the LLaDR mix with frozen text vectors.

Every representation maps entity indices to vectors of width ``dim`` and may add an auxiliary
loss (LLaDR's anchor). The GNN encoder in ``gnn.py`` is one more representation. ``TEXT_MODES``
registers the ``--text`` choices: how each one wraps the entity table.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F

from repurpose.registry import Registry
from repurpose.trainers.data import TripleData

#: initialises an entity table in place (supplied by the score function).
Init = Callable[[Tensor], None]


class EntityRepresentation(nn.Module):
    """Maps entity indices (any shape) to vectors (shape + (dim,))."""

    num_entities: int
    dim: int

    def forward(self, idx: Tensor) -> Tensor:  # pragma: no cover - interface
        raise NotImplementedError

    def auxiliary_loss(self, idx: Tensor) -> Tensor:
        """Extra loss over the entities in ``idx`` (zero unless a subclass adds one)."""
        return idx.new_zeros((), dtype=torch.float32)

    def forward_with_loss(self, idx: Tensor) -> tuple[Tensor, Tensor]:
        """(vectors of ``idx``, auxiliary loss over them) in one pass; subclasses may share work."""
        return self(idx), self.auxiliary_loss(idx)

    def reset_parameters(self, init: Init) -> None:
        """Re-initialise learned tables with ``init`` and other layers with their defaults."""
        raise NotImplementedError

    def all(self) -> Tensor:
        """Vectors of every entity, (num_entities, dim)."""
        device = next(self.parameters()).device
        return self(torch.arange(self.num_entities, device=device))


class Embedding(EntityRepresentation):
    """A free vector per entity. ``sparse=True`` gives sparse gradients (for SparseAdam)."""

    def __init__(self, num_entities: int, dim: int, sparse: bool = True) -> None:
        super().__init__()
        self.num_entities, self.dim = num_entities, dim
        self.table = nn.Embedding(num_entities, dim, sparse=sparse)

    def forward(self, idx: Tensor) -> Tensor:
        return self.table(idx)

    def reset_parameters(self, init: Init) -> None:
        init(self.table.weight.data)


class TextProjection(nn.Module):
    """P(t): fits text vectors to the model width, by a learned linear map or LLaDR's slicing."""

    def __init__(self, text_dim: int, dim: int, mode: str = "linear") -> None:
        super().__init__()
        if mode not in ("linear", "slice"):
            raise ValueError(f"projection must be 'linear' or 'slice', got {mode!r}")
        if mode == "slice" and text_dim < dim:
            raise ValueError(f"projection 'slice' needs text width >= model width ({text_dim} < {dim}); use 'linear'")
        self.mode = mode
        self.dim = dim
        self.linear = nn.Linear(text_dim, dim) if mode == "linear" else None

    def reset_parameters(self) -> None:
        if self.linear is not None:
            self.linear.reset_parameters()

    def forward(self, t: Tensor) -> Tensor:
        return self.linear(t) if self.linear is not None else t[..., : self.dim]


class TextMix(EntityRepresentation):
    """LLaDR (arXiv 2510.12181): e = rho * E + (1 - rho) * P(t) for entities with text, E otherwise.

    The auxiliary loss is the anchor ``zeta2 * mean(1 - cos(e, P(t)))`` over the entities with
    text in the batch, which keeps the structural embedding close to the text's meaning.

    Args:
        base: the structural representation E (usually :class:`Embedding`).
        text: frozen text vectors ``[name ; description]``, (num_entities, text_dim).
        mask: which entities have text, (num_entities,) bool.
        rho: weight of E in the mix (default: 0.6).
        zeta2: anchor weight (default: 0.5).
        projection: 'linear' (learned) or 'slice' (the paper's) (default: 'linear').
    """

    def __init__(self, base: EntityRepresentation, text: np.ndarray, mask: np.ndarray, rho: float = 0.6,
                 zeta2: float = 0.5, projection: str = "linear") -> None:
        super().__init__()
        if len(text) != base.num_entities or len(mask) != base.num_entities:
            raise ValueError(f"text has {len(text)} rows and mask {len(mask)} for {base.num_entities} entities")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"rho must be in [0, 1], got {rho}")
        self.base = base
        self.num_entities, self.dim = base.num_entities, base.dim
        self.rho, self.zeta2 = rho, zeta2
        # Text is input data, not a parameter: kept out of checkpoints (non-persistent).
        self.register_buffer("text", torch.as_tensor(text, dtype=torch.float32), persistent=False)
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.bool), persistent=False)
        self.projection = TextProjection(self.text.shape[1], base.dim, projection)

    def forward(self, idx: Tensor) -> Tensor:
        return self.forward_with_loss(idx, anchor=False)[0]

    def auxiliary_loss(self, idx: Tensor) -> Tensor:
        return self.forward_with_loss(idx)[1]

    def forward_with_loss(self, idx: Tensor, anchor: bool = True) -> tuple[Tensor, Tensor]:
        """Mixed vectors of ``idx`` and the anchor loss, projecting each distinct text row once."""
        flat = idx.reshape(-1)
        e = self.base(flat)
        rows = self.mask[flat].nonzero().squeeze(1)  # most batch rows (genes...) have no text: skip them
        loss = e.new_zeros(())
        if len(rows):
            unique, inverse = torch.unique(flat[rows], return_inverse=True)
            p = self.projection(self.text[unique])
            mixed = self.rho * self.base(unique) + (1.0 - self.rho) * p
            e = e.index_put((rows,), mixed[inverse])
            if anchor:
                loss = self.zeta2 * (1.0 - F.cosine_similarity(mixed, p, dim=-1)).mean()
        return e.view(*idx.shape, self.dim), loss

    def reset_parameters(self, init: Init) -> None:
        self.base.reset_parameters(init)
        self.projection.reset_parameters()


class TextMode:
    """A ``--text`` choice: how the entity table uses the text vectors the export read for that mode.

    Writing a subclass registers it in ``TEXT_MODES`` under its name minus ``Text``; a mode with
    text mixes the entity table with the data's text vectors (``TextMix``).
    """

    @classmethod
    def wrap(cls, entity: EntityRepresentation, data: TripleData, kinds: set[str] | None, rho: float,
             zeta2: float, projection: str) -> EntityRepresentation:
        """``entity`` mixed with ``data``'s text vectors of ``kinds`` of entity (None: all); ValueError without any."""
        features = data.text_features(kinds)
        if features is None:
            raise ValueError(f"text mode {TEXT_MODES.key(cls)!r} needs text vectors, but the data has none; run the "
                             "embed step or train without text")
        return TextMix(entity, *features, rho=rho, zeta2=zeta2, projection=projection)


class NoneText(TextMode):
    """No text: the entity table alone."""

    @classmethod
    def wrap(cls, entity: EntityRepresentation, data: TripleData, kinds: set[str] | None, rho: float,
             zeta2: float, projection: str) -> EntityRepresentation:
        return entity


class CuratedText(TextMode):
    """Curated descriptions (DrugBank, Disease Ontology, Entrez) mixed into the entity table."""


class LlmText(TextMode):
    """LLM-written descriptions mixed into the entity table."""


#: The ``--text`` modes by key: none, curated, llm.
TEXT_MODES: Registry[TextMode] = Registry(TextMode, "text mode", suffix="Text")
