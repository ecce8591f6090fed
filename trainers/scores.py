"""Score functions of knowledge-graph embeddings: pure tensor math, plus one small module per score.

The pure functions broadcast over leading dimensions and are the reference. Each ``Interaction``
module keeps the hyperparameters (norm, margin), declares the relation width it needs, and adds
a fast path for scoring many candidates at once (a query vector compared to candidate entities
with a matrix product where the math allows), which must agree with the pure function.

Complex-valued models store a vector of ``k`` complex numbers as ``2k`` reals: ``[re ; im]``.
"""

from __future__ import annotations

import math
from typing import Callable, ClassVar

import torch
from torch import Tensor, nn

from repurpose.registry import Registry
from repurpose.trainers.rotate_distance import rotate_distance


def _split(x: Tensor) -> tuple[Tensor, Tensor]:
    """Real and imaginary halves of ``[re ; im]`` along the last dimension."""
    re, im = x.chunk(2, dim=-1)
    return re, im


def transe(h: Tensor, r: Tensor, t: Tensor, p: int = 2) -> Tensor:
    """TransE (Bordes et al., NeurIPS 2013): -||h + r - t||_p. Shapes (*, d) -> (*)."""
    return -torch.linalg.vector_norm(h + r - t, ord=p, dim=-1)


def distmult(h: Tensor, r: Tensor, t: Tensor) -> Tensor:
    """DistMult (Yang et al., ICLR 2015): sum_i h_i r_i t_i. Shapes (*, d) -> (*)."""
    return (h * r * t).sum(dim=-1)


def complex_(h: Tensor, r: Tensor, t: Tensor) -> Tensor:
    """ComplEx (Trouillon et al., ICML 2016): Re(sum_i h_i r_i conj(t_i)). Shapes (*, 2k) -> (*)."""
    h_re, h_im = _split(h)
    r_re, r_im = _split(r)
    t_re, t_im = _split(t)
    hr_re = h_re * r_re - h_im * r_im
    hr_im = h_re * r_im + h_im * r_re
    return (hr_re * t_re + hr_im * t_im).sum(dim=-1)


def rotate(h: Tensor, r: Tensor, t: Tensor) -> Tensor:
    """RotatE (Sun et al., ICLR 2019): -sum_i |h_i e^{i r_i} - t_i|.

    ``h``, ``t``: (*, 2k) complex as ``[re ; im]``; ``r``: (*, k) rotation phases. Returns (*).
    """
    h_re, h_im = _split(h)
    t_re, t_im = _split(t)
    c, s = torch.cos(r), torch.sin(r)
    d_re = h_re * c - h_im * s - t_re
    d_im = h_re * s + h_im * c - t_im
    return -torch.sqrt(d_re**2 + d_im**2 + 1e-12).sum(dim=-1)


def degree_sum(h: Tensor, r: Tensor, t: Tensor) -> Tensor:
    """Additive prior: sum(h) + sum(t), the relation unused. Shapes (*, d) -> (*)."""
    return h.sum(dim=-1) + t.sum(dim=-1)


class Interaction(nn.Module):
    """A score function with its hyperparameters; writing a subclass registers it in ``INTERACTIONS``.

    ``forward(h, r, t)`` is the class's ``pure`` function. For ranking and negatives, a score is
    written as ``compare(query, candidate)`` where the query folds in the fixed side:
    ``tail_query(h, r)`` is compared with candidate tails and ``head_query(r, t)`` with candidate heads.
    """

    abstract = True
    #: the pure function of the score (``PURE_SCORES``), the reference the fast paths must agree with.
    pure: ClassVar[Callable[..., Tensor]]
    #: whether scores are negative distances (use a margin in the loss) or similarities.
    distance: bool = False
    #: whether entities are complex vectors stored as ``[re ; im]`` (even width needed).
    complex_valued: bool = False
    #: whether a KGE model learns with this score (False: a baseline fills the vectors, see baselines.py).
    trainable: bool = True

    def forward(self, h: Tensor, r: Tensor, t: Tensor) -> Tensor:
        return self.pure(h, r, t)

    def relation_dim(self, dim: int) -> int:
        """Width of the relation vector for entities of width ``dim``."""
        return dim

    def check_dim(self, dim: int) -> None:
        """Raise ValueError when ``dim`` does not suit this score."""
        if dim < 1 or (self.complex_valued and dim % 2):
            raise ValueError(f"{type(self).__name__} needs an even entity dimension, got {dim}"
                             if self.complex_valued else f"entity dimension must be positive, got {dim}")

    def tail_query(self, h: Tensor, r: Tensor) -> Tensor:
        raise NotImplementedError

    def head_query(self, r: Tensor, t: Tensor) -> Tensor:
        raise NotImplementedError

    def compare(self, q: Tensor, c: Tensor) -> Tensor:
        """Scores of every query against every candidate: (*, B, d) x (*, N, d) -> (*, B, N)."""
        raise NotImplementedError

    def score_tails(self, h: Tensor, r: Tensor, tails: Tensor) -> Tensor:
        """(*, B, d), (*, B, dr), (*, N, d) -> (*, B, N) scores of each (h, r) with each tail."""
        return self.compare(self.tail_query(h, r), tails)

    def score_heads(self, heads: Tensor, r: Tensor, t: Tensor) -> Tensor:
        """(*, N, d), (*, B, dr), (*, B, d) -> (*, B, N) scores of each (r, t) with each head."""
        return self.compare(self.head_query(r, t), heads)

    def init_entity_(self, weight: Tensor, margin: float) -> None:
        """Initialise an entity table in place (uniform in a range scaled to the margin)."""
        bound = (margin + 2.0) / weight.shape[-1] if self.distance else 1.0 / math.sqrt(weight.shape[-1])
        nn.init.uniform_(weight, -bound, bound)

    def init_relation_(self, weight: Tensor, margin: float) -> None:
        """Initialise a relation table in place."""
        self.init_entity_(weight, margin)


class TransEInteraction(Interaction):
    """TransE, -||h + r - t||_p (default p=2, which compares candidates with a matrix product)."""

    pure = staticmethod(transe)
    distance = True

    def __init__(self, p: int = 2) -> None:
        super().__init__()
        if p not in (1, 2):
            raise ValueError(f"TransE norm p must be 1 or 2, got {p}")
        self.p = p

    def forward(self, h: Tensor, r: Tensor, t: Tensor) -> Tensor:
        return transe(h, r, t, self.p)

    def tail_query(self, h: Tensor, r: Tensor) -> Tensor:
        return h + r

    def head_query(self, r: Tensor, t: Tensor) -> Tensor:
        return t - r

    def compare(self, q: Tensor, c: Tensor) -> Tensor:
        if self.p == 1:
            return -(q.unsqueeze(-2) - c.unsqueeze(-3)).abs().sum(dim=-1)
        sq = (q * q).sum(-1, keepdim=True) + (c * c).sum(-1).unsqueeze(-2) - 2.0 * q @ c.transpose(-1, -2)
        return -torch.sqrt(sq.clamp_min(1e-12))


class DistMultInteraction(Interaction):
    """DistMult, sum h * r * t (symmetric in h and t)."""

    pure = staticmethod(distmult)

    def tail_query(self, h: Tensor, r: Tensor) -> Tensor:
        return h * r

    def head_query(self, r: Tensor, t: Tensor) -> Tensor:
        return r * t

    def compare(self, q: Tensor, c: Tensor) -> Tensor:
        return q @ c.transpose(-1, -2)


class ComplExInteraction(Interaction):
    """ComplEx, Re(<h, r, conj t>); both queries reduce to a real dot product."""

    pure = staticmethod(complex_)
    complex_valued = True

    def tail_query(self, h: Tensor, r: Tensor) -> Tensor:
        h_re, h_im = _split(h)
        r_re, r_im = _split(r)
        return torch.cat([h_re * r_re - h_im * r_im, h_re * r_im + h_im * r_re], dim=-1)

    def head_query(self, r: Tensor, t: Tensor) -> Tensor:
        # Re(h * w) with w = r * conj(t) equals <[h_re ; h_im], [w_re ; -w_im]>.
        r_re, r_im = _split(r)
        t_re, t_im = _split(t)
        return torch.cat([r_re * t_re + r_im * t_im, -(r_im * t_re - r_re * t_im)], dim=-1)

    def compare(self, q: Tensor, c: Tensor) -> Tensor:
        return q @ c.transpose(-1, -2)


class RotatEInteraction(Interaction):
    """RotatE, -sum |h o r - t| with |r_i| = 1; relations are phases, so of width d/2."""

    pure = staticmethod(rotate)
    distance = True
    complex_valued = True

    def relation_dim(self, dim: int) -> int:
        return dim // 2

    @staticmethod
    def _rotate(x: Tensor, phase: Tensor) -> Tensor:
        x_re, x_im = _split(x)
        c, s = torch.cos(phase), torch.sin(phase)
        return torch.cat([x_re * c - x_im * s, x_re * s + x_im * c], dim=-1)

    def tail_query(self, h: Tensor, r: Tensor) -> Tensor:
        return self._rotate(h, r)

    def head_query(self, r: Tensor, t: Tensor) -> Tensor:
        # |h o r - t| = |h - t o conj(r)| because |r_i| = 1.
        return self._rotate(t, -r)

    def compare(self, q: Tensor, c: Tensor) -> Tensor:
        return -rotate_distance(q, c)  # batched cdist with its own backward, see rotate_distance.py

    def init_relation_(self, weight: Tensor, margin: float) -> None:
        nn.init.uniform_(weight, -math.pi, math.pi)


class DegreeInteraction(Interaction):
    """The degree prior as a score: h + t of one-wide vectors (log 1 + known treatments); r is ignored.

    Not trainable: ``trainers.baselines`` fills the vectors from the training edges.
    """

    pure = staticmethod(degree_sum)
    trainable = False

    def tail_query(self, h: Tensor, r: Tensor) -> Tensor:
        return h

    def head_query(self, r: Tensor, t: Tensor) -> Tensor:
        return t

    def compare(self, q: Tensor, c: Tensor) -> Tensor:
        return q.sum(-1, keepdim=True) + c.sum(-1).unsqueeze(-2)


#: Score modules by short name (complex, degree, distmult, rotate, transe); "model" in errors, as users
#: pick them by that name.
INTERACTIONS: Registry[Interaction] = Registry(Interaction, "model")
#: The pure function behind each registered score, for tests and documentation.
PURE_SCORES: dict[str, Callable[..., Tensor]] = {key: cls.pure for key, cls in INTERACTIONS.items()}


def interactions(trainable: bool | None = None) -> dict[str, type[Interaction]]:
    """The registered scores; ``trainable=True`` keeps those a KGE model learns with."""
    return {k: v for k, v in INTERACTIONS.items() if trainable is None or v.trainable == trainable}


def make_interaction(name: str, **kwargs: object) -> Interaction:
    """Instantiate a registered score by name (ValueError naming the choices otherwise)."""
    return INTERACTIONS.make(name, **kwargs)
