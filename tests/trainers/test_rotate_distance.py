"""The blocked RotatE distance equals the plain formula, values and gradients, across blocks,
with the moduli kept for the backward or recomputed there."""

from __future__ import annotations

import pytest
import torch

from repurpose.trainers import rotate_distance as module
from repurpose.trainers.rotate_distance import rotate_distance


def plain(q: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    """sum_k |q_k - c_k| with q, c as [re ; im], by autograd's own broadcasting."""
    diff = q.unsqueeze(-2) - c.unsqueeze(-3)
    re, im = diff.chunk(2, dim=-1)
    return torch.sqrt(re**2 + im**2 + module.EPS).sum(-1)


# one query a block, ragged slices of queries, one leading entry a block, everything in one block
@pytest.mark.parametrize("block", [1, 60, 200, 1 << 18])
@pytest.mark.parametrize("keep", [0, 1 << 25])  # moduli recomputed in the backward, or kept from the forward
@pytest.mark.parametrize(("q_shape", "c_shape"), [((5, 8), (7, 8)), ((3, 5, 8), (3, 7, 8)),
                                                  ((1, 2, 4, 6), (3, 1, 9, 6))])
def test_values_and_gradients_match_the_formula(monkeypatch, block: int, keep: int, q_shape: tuple,
                                                c_shape: tuple) -> None:
    monkeypatch.setattr(module, "BLOCK_ELEMENTS", block)
    monkeypatch.setattr(module, "KEEP_ELEMENTS", keep)
    gen = torch.Generator().manual_seed(0)
    q = torch.randn(q_shape, generator=gen, dtype=torch.float64, requires_grad=True)
    c = torch.randn(c_shape, generator=gen, dtype=torch.float64, requires_grad=True)
    fast, slow = rotate_distance(q, c), plain(q, c)
    torch.testing.assert_close(fast, slow)
    weights = torch.randn(slow.shape, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(torch.autograd.grad(fast, (q, c), weights), torch.autograd.grad(slow, (q, c), weights))


def test_hand_value_and_gradcheck() -> None:
    # |(1+2i) - (4-2i)| = 5 and |(0+0i) - (0+1i)| = 1
    q = torch.tensor([[1.0, 0.0, 2.0, 0.0]], dtype=torch.float64, requires_grad=True)
    c = torch.tensor([[4.0, 0.0, -2.0, 1.0]], dtype=torch.float64, requires_grad=True)
    torch.testing.assert_close(rotate_distance(q, c), torch.tensor([[6.0]], dtype=torch.float64))
    assert torch.autograd.gradcheck(rotate_distance, (torch.randn(2, 3, 6, dtype=torch.float64, requires_grad=True),
                                                      torch.randn(2, 4, 6, dtype=torch.float64, requires_grad=True)))
