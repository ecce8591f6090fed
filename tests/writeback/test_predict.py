"""Chunked top-k selection against a brute-force reference over the full score matrix."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from repurpose.trainers.predict import top_k


def make_case(seed: int, n_heads: int = 57, n_tails: int = 23):
    """Random scores over entity indices: heads 0..n_heads-1, tails after them, some pairs excluded."""
    gen = torch.Generator().manual_seed(seed)
    matrix = torch.randn(n_heads, n_tails, generator=gen)
    heads = np.arange(n_heads)
    tails = np.arange(n_heads, n_heads + n_tails)
    rng = np.random.default_rng(seed)
    exclude = np.stack([rng.integers(0, n_heads, 40), rng.integers(n_heads, n_heads + n_tails, 40)], axis=1)

    def score(h: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return matrix[h][:, t - n_heads]

    full = matrix.numpy().astype(np.float64).copy()
    full[exclude[:, 0], exclude[:, 1] - n_heads] = -np.inf
    return score, heads, tails, exclude, full


def reference_lists(full: np.ndarray, k: int, axis: int, min_score: float | None) -> dict[int, list[int]]:
    """For each row (axis=1: per head) or column (axis=0: per tail), the best k allowed partners, best first."""
    out = {}
    mat = full if axis == 1 else full.T
    for i, row in enumerate(mat):
        allowed = [j for j in np.argsort(-row, kind="stable") if np.isfinite(row[j])
                   and (min_score is None or row[j] >= min_score)]
        out[i] = allowed[:k]
    return out


@pytest.mark.parametrize("per", ["compound", "disease", "both"])
@pytest.mark.parametrize("chunk_size", [1, 10, 1000])
@pytest.mark.parametrize("min_score", [None, 0.5])
def test_top_k_matches_brute_force(per: str, chunk_size: int, min_score: float | None) -> None:
    score, heads, tails, exclude, full = make_case(seed=chunk_size)
    k = 5
    got = top_k(score, heads, tails, k=k, per=per, exclude=exclude, min_score=min_score, chunk_size=chunk_size)
    n_h = len(heads)
    pairs = {(int(h), int(t) - n_h) for h, t in zip(got.heads, got.tails)}
    assert len(pairs) == len(got), "a pair appears twice"
    expected: set[tuple[int, int]] = set()
    if per in ("compound", "both"):
        for h, ts in reference_lists(full, k, 1, min_score).items():
            expected |= {(h, t) for t in ts}
            sel = (got.heads == h) & (got.compound_rank > 0)
            order = np.argsort(got.compound_rank[sel])
            assert list(got.tails[sel][order] - n_h) == ts, f"head {h}"  # random floats: no ties
    if per in ("disease", "both"):
        for t, hs in reference_lists(full, k, 0, min_score).items():
            expected |= {(h, t) for h in hs}
            sel = (got.tails - n_h == t) & (got.disease_rank > 0)
            assert set(got.heads[sel]) == set(hs), f"tail {t}"
    assert pairs == expected
    # scores are the model's, no excluded pair is returned, ranks follow scores
    assert np.allclose(got.scores, full[got.heads, got.tails - n_h])
    assert not ({(int(a), int(b) - n_h) for a, b in exclude} & pairs)
    if per != "disease":
        for h in np.unique(got.heads):
            sel = (got.heads == h) & (got.compound_rank > 0)
            order = np.argsort(got.compound_rank[sel])
            assert list(got.compound_rank[sel][order]) == list(range(1, sel.sum() + 1))
            assert np.all(np.diff(got.scores[sel][order]) <= 0)


def test_rank_for_both_prefers_the_compound_list() -> None:
    score, heads, tails, exclude, _ = make_case(seed=3)
    got = top_k(score, heads, tails, k=3, per="both", exclude=exclude)
    assert np.array_equal(got.rank, np.where(got.compound_rank > 0, got.compound_rank, got.disease_rank))
    assert (got.rank >= 1).all()


def test_k_larger_than_candidates_and_bad_arguments() -> None:
    score, heads, tails, exclude, full = make_case(seed=4, n_heads=6, n_tails=4)
    got = top_k(score, heads, tails, k=50, per="compound", exclude=exclude)
    assert len(got) == int(np.isfinite(full).sum())
    with pytest.raises(ValueError, match="per must be one of"):
        top_k(score, heads, tails, per="gene")
    with pytest.raises(ValueError, match="at least 1"):
        top_k(score, heads, tails, k=0)
