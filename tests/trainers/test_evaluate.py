"""Filtered and paper-protocol ranking against hand-worked tiny cases, ties included."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from repurpose.trainers.evaluate import filtered_ranks, paper50_ranks, realistic_ranks
from repurpose.trainers.model import Embeddings
from repurpose.trainers.scores import make_interaction


def test_realistic_rank_ties_take_the_middle() -> None:
    scores = torch.tensor([[0.5, 0.9, 0.5, 0.5, 0.1]])
    # true at column 0: one better, two tied -> 1 + 1 + 2/2 = 3
    assert realistic_ranks(scores, torch.tensor([0])).tolist() == [3.0]
    # all equal: the middle of 1..5
    assert realistic_ranks(torch.zeros(1, 5), torch.tensor([2])).tolist() == [3.0]


def test_excluded_columns_do_not_count() -> None:
    scores = torch.tensor([[0.5, 0.9, 0.5, 0.7]])
    exclude = torch.tensor([[False, True, False, False]])
    assert realistic_ranks(scores, torch.tensor([0]), exclude).tolist() == [2.5]
    # excluding the true column itself has no effect
    assert realistic_ranks(scores, torch.tensor([0]), torch.tensor([[True, False, False, False]])).tolist() == [3.5]


def _toy() -> Embeddings:
    """DistMult with 1-d vectors: score(h, r, t) = h * t, so tail ranking follows t's value."""
    entities = torch.tensor([[1.0], [4.0], [3.0], [3.0], [2.0]])
    return Embeddings(entities, torch.ones(1, 1), make_interaction("distmult"))


def test_filtered_tail_rank_by_hand() -> None:
    emb = _toy()
    known = np.array([[0, 0, 1], [0, 0, 2]])  # (0, r, 1) is also true
    test = np.array([[0, 0, 2]])
    cands = [np.arange(5)]
    # scores over tails 0..4 = [1, 4, 3, 3, 2]; true tail 2 (3.0); tail 1 (4.0) is filtered;
    # tail 3 ties -> rank 1 + 0 + 1/2
    assert filtered_ranks(emb, test, known, cands, "tail").tolist() == [1.5]
    # without the other true triple in `known`, tail 1 counts: 2.5
    assert filtered_ranks(emb, test, test, cands, "tail").tolist() == [2.5]


def test_filtered_head_rank_and_candidate_sets() -> None:
    emb = _toy()
    test = np.array([[4, 0, 0]])  # heads scored by h * 1: [1, 4, 3, 3, 2]; true head 4 (2.0)
    assert filtered_ranks(emb, test, test, [np.arange(5)], "head").tolist() == [4.0]
    # candidates limited to entities {0, 4}: only entity 0 (1.0) competes and loses
    assert filtered_ranks(emb, test, test, [np.array([0, 4])], "head").tolist() == [1.0]
    with pytest.raises(ValueError, match="not among"):
        filtered_ranks(emb, test, test, [np.array([0, 1])], "head")


def test_paper_protocol_is_raw_and_seeded() -> None:
    emb = _toy()
    test = np.array([[0, 0, 4]])  # true tail scores 2.0: beaten by 4.0 and both 3.0s among all
    cands = [np.arange(5)]
    full = paper50_ranks(emb, test, cands, seed=0, num_random=4)
    assert full.tolist() == [4.0]
    assert paper50_ranks(emb, test, cands, seed=3, num_random=2).tolist() == \
        paper50_ranks(emb, test, cands, seed=3, num_random=2).tolist()
