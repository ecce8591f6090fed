"""Each score function against hand-computed values and a loop reference; fast paths agree."""

from __future__ import annotations

import math

import pytest
import torch

from repurpose.trainers.scores import PURE_SCORES, interactions, make_interaction

H = torch.tensor([1.0, 2.0, 0.0, -1.0])
R = torch.tensor([0.5, -1.0, 2.0, 1.0])
T = torch.tensor([2.0, 0.0, 1.0, 1.0])


def test_transe_hand_values() -> None:
    # h + r - t = [-0.5, 1, 1, -1]
    assert make_interaction("transe", p=1)(H, R, T).item() == pytest.approx(-3.5)
    assert make_interaction("transe", p=2)(H, R, T).item() == pytest.approx(-math.sqrt(3.25))


def test_distmult_hand_value() -> None:
    # 1*0.5*2 + 2*(-1)*0 + 0*2*1 + (-1)*1*1 = 1 + 0 + 0 - 1
    assert make_interaction("distmult")(H, R, T).item() == pytest.approx(0.0)
    assert make_interaction("distmult")(H, R, H).item() == pytest.approx(0.5 - 4.0 + 0.0 + 1.0)


def test_complex_hand_value() -> None:
    # h = (1 + 0i, 2 - 1i), r = (0.5 + 2i, -1 + 1i), t = (2 + 1i, 0 + 1i)
    # h r = (0.5 + 2i, -1 + 3i); Re(h r conj t) = (0.5*2 + 2*1) + (-1*0 + 3*1) = 3 + 3
    assert make_interaction("complex")(H, R, T).item() == pytest.approx(6.0)


def test_rotate_hand_value() -> None:
    # h = (1 + 0i, 2 - 1i), t = (2 + 1i, 0 + 1i), r phases (pi/2, pi): h o r = (0 + 1i, -2 + 1i)
    # |h o r - t| = |(-2, 0)| + |(-2, 0)| = 4
    r = torch.tensor([math.pi / 2, math.pi])
    assert make_interaction("rotate")(H, r, T).item() == pytest.approx(-4.0, abs=1e-5)


def _loop_reference(name: str, h: torch.Tensor, r: torch.Tensor, t: torch.Tensor) -> float:
    """Slow, obvious scores written with Python complex numbers and loops."""
    k = len(h) // 2
    if name == "transe":
        return -math.sqrt(sum((a + b - c) ** 2 for a, b, c in zip(h.tolist(), r.tolist(), t.tolist())))
    if name == "distmult":
        return sum(a * b * c for a, b, c in zip(h.tolist(), r.tolist(), t.tolist()))
    if name == "degree":
        return sum(h.tolist()) + sum(t.tolist())
    hc = [complex(h[i], h[k + i]) for i in range(k)]
    tc = [complex(t[i], t[k + i]) for i in range(k)]
    if name == "complex":
        rc = [complex(r[i], r[k + i]) for i in range(k)]
        return sum((a * b * c.conjugate()).real for a, b, c in zip(hc, rc, tc))
    rc = [complex(math.cos(p), math.sin(p)) for p in r.tolist()]
    return -sum(abs(a * b - c) for a, b, c in zip(hc, rc, tc))


SCORE_TESTS = {"transe", "distmult", "complex", "rotate", "degree"}


def test_every_registered_score_has_a_test() -> None:
    assert set(interactions()) == SCORE_TESTS == set(PURE_SCORES)


@pytest.mark.parametrize("name", sorted(SCORE_TESTS))
def test_against_loop_reference(name: str) -> None:
    gen = torch.Generator().manual_seed(0)
    inter = make_interaction(name)
    d = 6
    for _ in range(5):
        h, t = torch.randn(d, generator=gen, dtype=torch.float64), torch.randn(d, generator=gen, dtype=torch.float64)
        r = torch.randn(inter.relation_dim(d), generator=gen, dtype=torch.float64)
        assert inter(h, r, t).item() == pytest.approx(_loop_reference(name, h, r, t), rel=1e-6)


@pytest.mark.parametrize(("name", "kwargs"), [("transe", {"p": 1}), ("transe", {"p": 2}), ("distmult", {}),
                                              ("complex", {}), ("rotate", {}), ("degree", {})])
def test_candidate_fast_paths_match_pure_function(name: str, kwargs: dict) -> None:
    inter = make_interaction(name, **kwargs)
    gen = torch.Generator().manual_seed(1)
    d, b, n = 8, 5, 7
    h, t = torch.randn(3, b, d, generator=gen, dtype=torch.float64), torch.randn(3, b, d, generator=gen, dtype=torch.float64)
    r = torch.randn(3, b, inter.relation_dim(d), generator=gen, dtype=torch.float64)
    cand = torch.randn(3, n, d, generator=gen, dtype=torch.float64)
    tails = inter.score_tails(h, r, cand)
    heads = inter.score_heads(cand, r, t)
    assert tails.shape == heads.shape == (3, b, n)
    torch.testing.assert_close(tails, inter(h.unsqueeze(-2), r.unsqueeze(-2), cand.unsqueeze(-3)))
    torch.testing.assert_close(heads, inter(cand.unsqueeze(-3), r.unsqueeze(-2), t.unsqueeze(-2)))


def test_complex_models_reject_odd_width() -> None:
    with pytest.raises(ValueError, match="even"):
        make_interaction("rotate").check_dim(7)
    with pytest.raises(ValueError, match="unknown model"):
        make_interaction("hole")
