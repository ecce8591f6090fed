"""RotatE's many-candidate distance, sum_k |q_k - c_k| over complex k, in cache-sized blocks.

RotatE cannot compare a query with many candidates by a matrix product (the modulus is taken per
component), so autograd materialises several (queries x candidates x k) tensors per batch and
reads them from memory some twenty times: that made RotatE train about 30x slower than TransE on
CPU. Here forward and backward walk blocks of queries small enough for the CPU cache, keep only
the inputs for the backward pass and recompute the differences there, once.
"""

from __future__ import annotations

import torch
from torch import Tensor

#: Elements of one (queries x candidates x k) block: 2^18 floats = 1 MiB per temporary.
BLOCK_ELEMENTS = 1 << 18
EPS = 1e-12


def _blocks(q: Tensor, c: Tensor) -> list[tuple[int, slice]]:
    """(leading index, slice of queries) blocks whose (queries x candidates x k) temporaries hold
    about BLOCK_ELEMENTS each."""
    step = max(1, BLOCK_ELEMENTS // max(1, c.shape[1] * (c.shape[2] // 2)))
    return [(i, slice(a, a + step)) for i in range(q.shape[0]) for a in range(0, q.shape[1], step)]


def _moduli(q: Tensor, c: Tensor, k: int) -> tuple[Tensor, Tensor, Tensor]:
    """(re difference, im difference, modulus) of q (a, 2k) against c (C, 2k): each (a, C, k)."""
    dre = q[:, None, :k] - c[None, :, :k]
    dim = q[:, None, k:] - c[None, :, k:]
    mod = dre.square().addcmul_(dim, dim).add_(EPS).sqrt_()
    return dre, dim, mod


class _Distance(torch.autograd.Function):
    """q (L, A, 2k), c (L, C, 2k) -> distances (L, A, C); the backward recomputes the differences."""

    @staticmethod
    def forward(ctx, q: Tensor, c: Tensor) -> Tensor:
        k = q.shape[-1] // 2
        out = q.new_empty(q.shape[0], q.shape[1], c.shape[1])
        for i, rows in _blocks(q, c):
            out[i, rows] = _moduli(q[i, rows], c[i], k)[2].sum(-1)
        ctx.save_for_backward(q, c)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor) -> tuple[Tensor, Tensor]:
        q, c = ctx.saved_tensors
        k = q.shape[-1] // 2
        grad_q, grad_c = torch.zeros_like(q), torch.zeros_like(c)
        for i, rows in _blocks(q, c):
            dre, dim, mod = _moduli(q[i, rows], c[i], k)
            weight = mod.reciprocal_().mul_(grad[i, rows, :, None])  # d|z|/dz = z / |z|
            dre.mul_(weight)
            dim.mul_(weight)
            grad_q[i, rows, :k] = dre.sum(1)
            grad_q[i, rows, k:] = dim.sum(1)
            grad_c[i, :, :k] -= dre.sum(0)
            grad_c[i, :, k:] -= dim.sum(0)
        return grad_q, grad_c


def rotate_distance(q: Tensor, c: Tensor) -> Tensor:
    """sum_k |q_k - c_k| for every query against every candidate: (*, A, 2k), (*, C, 2k) -> (*, A, C).

    Leading dimensions broadcast. Equal to the plain formula (up to float rounding), gradients too.
    """
    lead = torch.broadcast_shapes(q.shape[:-2], c.shape[:-2])
    qf = q.expand(*lead, *q.shape[-2:]).reshape(-1, *q.shape[-2:])
    cf = c.expand(*lead, *c.shape[-2:]).reshape(-1, *c.shape[-2:])
    return _Distance.apply(qf, cf).reshape(*lead, q.shape[-2], c.shape[-2])
