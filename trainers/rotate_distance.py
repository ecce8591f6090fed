"""RotatE's many-candidate distance, sum_k |q_k - c_k| over complex k, in few large steps.

RotatE cannot compare a query with many candidates by one matrix product (the modulus is taken
per component), and autograd's broadcasting materialises several (queries x candidates x k)
tensors and reads them some twenty times. Here each complex component is a 2-vector, so one
batched ``torch.cdist`` (its direct kernel, not the matrix-product expansion) gives every modulus
in a single fused pass. The backward reuses those moduli (or recomputes them, past KEEP_ELEMENTS)
and turns the rest into batched matrix products: sum_c w (q - c) = q sum_c w - W c, with
w = grad / |q - c|.

Few operators matter as much as few passes: with ``OMP_WAIT_POLICY=PASSIVE`` (our default, see
``repurpose.openmp``) every parallel operator wakes sleeping threads, so a training batch is one
block unless its moduli pass BLOCK_ELEMENTS; larger calls (evaluation, prediction) are split.
"""

from __future__ import annotations

import torch
from torch import Tensor

#: Most elements in one (leading x k x queries x candidates) block of moduli: 2^23 floats = 32 MiB.
BLOCK_ELEMENTS = 1 << 23
#: Most moduli the forward keeps for the backward (2^25 floats = 128 MiB); beyond, it recomputes them.
KEEP_ELEMENTS = 1 << 25
#: Added to squared moduli in the backward, so that coinciding components get a zero gradient.
EPS = 1e-12


def _pairs(x: Tensor) -> Tensor:
    """(L, N, 2k) as [re ; im] -> (L * k, N, 2): each complex component as a batch of 2-vectors."""
    lead, n, k = x.shape[0], x.shape[1], x.shape[2] // 2
    return x.reshape(lead, n, 2, k).permute(0, 3, 1, 2).reshape(lead * k, n, 2)


def _unpairs(x: Tensor, lead: int) -> Tensor:
    """Inverse of :func:`_pairs`: (L * k, N, 2) -> (L, N, 2k)."""
    k, n = x.shape[0] // lead, x.shape[1]
    return x.view(lead, k, n, 2).permute(0, 2, 3, 1).reshape(lead, n, 2 * k)


def _with_ones(x: Tensor) -> Tensor:
    """(..., 2) -> (..., 3) with a column of ones, so one matrix product also gives row sums."""
    return torch.cat([x, x.new_ones(*x.shape[:-1], 1)], dim=-1)


def _moduli(qp: Tensor, cp: Tensor) -> Tensor:
    """|q_k - c_k| for paired q (B, a, 2) and c (B, C, 2): (B, a, C), by cdist's direct kernel."""
    return torch.cdist(qp, cp, compute_mode="donot_use_mm_for_euclid_dist")


def _blocks(q: Tensor, c: Tensor) -> list[tuple[slice, slice]]:
    """(leading slice, query slice) blocks of at most about BLOCK_ELEMENTS moduli each: whole
    leading entries together when one fits, else slices of one entry's queries."""
    lead, n_q, n_c, k = q.shape[0], q.shape[1], c.shape[1], q.shape[2] // 2
    per_query = max(1, n_c * k)
    if n_q * per_query <= BLOCK_ELEMENTS:
        step = max(1, BLOCK_ELEMENTS // (n_q * per_query))
        return [(slice(i, i + step), slice(None)) for i in range(0, lead, step)]
    step = max(1, BLOCK_ELEMENTS // per_query)
    return [(slice(i, i + 1), slice(a, a + step)) for i in range(lead) for a in range(0, n_q, step)]


class _Distance(torch.autograd.Function):
    """q (L, A, 2k), c (L, C, 2k) -> distances (L, A, C), keeping the moduli for the backward."""

    @staticmethod
    def forward(ctx, q: Tensor, c: Tensor) -> Tensor:
        out = q.new_empty(q.shape[0], q.shape[1], c.shape[1])
        keep = any(ctx.needs_input_grad) and out.numel() * (q.shape[2] // 2) <= KEEP_ELEMENTS
        ctx.moduli = []
        for lead, rows in _blocks(q, c):
            qb, cb = q[lead, rows], c[lead]
            moduli = _moduli(_pairs(qb), _pairs(cb))
            torch.sum(moduli.view(qb.shape[0], -1, *moduli.shape[1:]), 1, out=out[lead, rows])
            if keep:
                ctx.moduli.append(moduli)
        ctx.save_for_backward(q, c)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor) -> tuple[Tensor, Tensor]:
        q, c = ctx.saved_tensors
        grad_q, grad_c = torch.empty_like(q), torch.zeros_like(c)
        kept = iter(ctx.moduli)
        for lead, rows in _blocks(q, c):
            qb = q[lead, rows]
            n = qb.shape[0]
            qp, cp = _with_ones(_pairs(qb)), _with_ones(_pairs(c[lead]))
            moduli = next(kept, None)
            if moduli is None:
                moduli = _moduli(qp[..., :2], cp[..., :2])
            # w = grad / |q - c| per component; d|z|/dz = z / |z|, smoothed as in sqrt(|z|^2 + EPS).
            w = moduli.square_().add_(EPS).rsqrt_()
            w = w.view(n, -1, *w.shape[1:]).mul_(grad[lead, rows].unsqueeze(1)).view(-1, *w.shape[1:])
            # [W c, sum_c w] and [W^T q, sum_q w] in one product each: the ones column gives the sums.
            wc, wq = torch.bmm(w, cp), torch.bmm(w.transpose(1, 2), qp)
            grad_q[lead, rows] = _unpairs(qp[..., :2] * wc[..., 2:] - wc[..., :2], n)
            grad_c[lead] += _unpairs(cp[..., :2] * wq[..., 2:] - wq[..., :2], n)
        ctx.moduli = []
        return grad_q, grad_c


def rotate_distance(q: Tensor, c: Tensor) -> Tensor:
    """sum_k |q_k - c_k| for every query against every candidate: (*, A, 2k), (*, C, 2k) -> (*, A, C).

    Leading dimensions broadcast. Equal to the plain formula (up to float rounding), gradients too.
    """
    lead = torch.broadcast_shapes(q.shape[:-2], c.shape[:-2])
    qf = q.expand(*lead, *q.shape[-2:]).reshape(-1, *q.shape[-2:])
    cf = c.expand(*lead, *c.shape[-2:]).reshape(-1, *c.shape[-2:])
    return _Distance.apply(qf, cf).reshape(*lead, q.shape[-2], c.shape[-2])
