"""The LLaDR mix and anchor loss against direct formulas; the R-GCN encoder's shapes and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from repurpose.trainers.gnn import RGCNEncoder
from repurpose.trainers.representations import Embedding, TextMix


def _mix() -> TextMix:
    torch.manual_seed(0)
    base = Embedding(4, 3, sparse=False)
    base.reset_parameters(torch.nn.init.normal_)
    text = np.arange(20, dtype=np.float32).reshape(4, 5) / 10
    mask = np.array([True, False, True, False])
    return TextMix(base, text, mask, rho=0.6, zeta2=0.5)


def test_text_mix_formula_and_plain_rows() -> None:
    mix = _mix()
    idx = torch.tensor([[0, 1], [2, 0]])
    out = mix(idx)
    assert out.shape == (2, 2, 3)
    e = mix.base.table.weight
    p = mix.projection(mix.text)
    torch.testing.assert_close(out[0, 0], 0.6 * e[0] + 0.4 * p[0])
    torch.testing.assert_close(out[0, 1], e[1])  # no text: the structural vector alone
    torch.testing.assert_close(out[1, 0], 0.6 * e[2] + 0.4 * p[2])
    torch.testing.assert_close(out[1, 1], out[0, 0])


def test_anchor_loss_over_unique_text_rows() -> None:
    mix = _mix()
    e, p = mix.base.table.weight, mix.projection(mix.text)
    mixed = 0.6 * e + 0.4 * p
    expected = 0.5 * (1 - F.cosine_similarity(mixed[[0, 2]], p[[0, 2]], dim=-1)).mean()
    torch.testing.assert_close(mix.auxiliary_loss(torch.tensor([0, 0, 1, 2, 3])), expected)
    assert mix.auxiliary_loss(torch.tensor([1, 3])).item() == 0.0


def test_text_mix_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="rho"):
        TextMix(Embedding(2, 3), np.zeros((2, 4)), np.ones(2, bool), rho=1.5)
    with pytest.raises(ValueError, match="slice"):
        TextMix(Embedding(2, 8), np.zeros((2, 4)), np.ones(2, bool), projection="slice")


def test_rgcn_encoder_uses_the_graph() -> None:
    torch.manual_seed(0)
    edges = np.array([[0, 0, 1], [1, 1, 2]])
    enc = RGCNEncoder(Embedding(4, 6, sparse=False), edges, num_relations=2, num_layers=2, num_bases=2)
    enc.reset_parameters(torch.nn.init.normal_)
    out = enc(torch.tensor([0, 3]))
    assert out.shape == (2, 6)
    out.sum().backward()
    # entity 3 is isolated: only its own row's input feeds its output; entity 0 feels entity 1's input
    grads = enc.inner.table.weight.grad
    assert grads[1].abs().sum() > 0 and grads[2].abs().sum() > 0
