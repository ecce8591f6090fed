"""Splits never leak a held-out pair into training (any relation, either direction), and hold out what they say."""

from __future__ import annotations

import numpy as np
import pytest

from repurpose.trainers.split import Split, disease_holdout_split, oversample, random_split, remove_leaks

TARGET = 1


def _graph(seed: int = 0) -> np.ndarray:
    """60 compounds (0-59) treat (rel 1) 20 diseases (60-79); other relations 0 and 2 mixed in."""
    rng = np.random.default_rng(seed)
    treats = np.stack([rng.integers(0, 60, 300), np.full(300, TARGET), rng.integers(60, 80, 300)], axis=1)
    other = np.stack([rng.integers(0, 80, 400), rng.choice([0, 2], 400), rng.integers(0, 80, 400)], axis=1)
    # duplicates of, and reverse edges to, some treats edges: both must go when those are held out
    dup = treats[:40]
    reverse = np.stack([treats[:40, 2], np.zeros(40, dtype=int), treats[:40, 0]], axis=1)
    return np.concatenate([treats, other, dup, reverse]).astype(np.int64)


def _assert_no_leak(split: Split) -> None:
    held = np.concatenate([split.valid, split.test])
    train_pairs = {(h, t) for h, _, t in split.train.tolist()}
    for h, _, t in held.tolist():
        assert (h, t) not in train_pairs and (t, h) not in train_pairs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_split_no_leak_and_sizes(seed: int) -> None:
    triples = _graph(seed)
    split = random_split(triples, TARGET, 80, seed)
    _assert_no_leak(split)
    n = len(np.unique(triples[triples[:, 1] == TARGET], axis=0))
    assert len(split.valid) == len(split.test) == round(0.1 * n)
    assert (split.valid[:, 1] == TARGET).all() and (split.test[:, 1] == TARGET).all()
    # every non-target edge between no held-out pair stays in training
    held = {(a, c) for a, _, c in split.valid.tolist() + split.test.tolist()}
    assert (split.train[:, 1] == 2).sum() == (triples[:, 1] == 2).sum() - sum(
        1 for h, r, t in triples.tolist() if r == 2 and ((h, t) in held or (t, h) in held))
    assert len(split.known) == n


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_disease_holdout_holds_out_whole_diseases(seed: int) -> None:
    split = disease_holdout_split(_graph(seed), TARGET, 80, seed)
    _assert_no_leak(split)
    train_treated = set(split.train[split.train[:, 1] == TARGET, 2].tolist())
    for part in (split.valid, split.test):
        assert len(part) and not set(part[:, 2].tolist()) & train_treated
    assert not set(split.valid[:, 2].tolist()) & set(split.test[:, 2].tolist())
    assert len(np.unique(split.test[:, 2])) == 2  # 10% of 20 diseases


def test_negatives_are_non_edges_and_split_round_trips(tmp_path) -> None:
    triples = _graph()
    split = random_split(triples, TARGET, 80, 0)
    known = {(h, t) for h, r, t in triples.tolist() if r == TARGET}
    assert len(split.negatives["test"]) == 10 * len(split.test)
    assert not {tuple(p) for p in split.negatives["test"].tolist()} & known
    split.save(tmp_path / "split.npz")
    back = Split.load(tmp_path / "split.npz")
    assert back.kind == "random" and back.target == TARGET
    np.testing.assert_array_equal(back.train, split.train)
    np.testing.assert_array_equal(back.negatives["valid"], split.negatives["valid"])


def test_remove_leaks_by_hand() -> None:
    train = np.array([[0, 1, 5], [5, 0, 0], [0, 0, 5], [5, 1, 0], [1, 1, 5]])
    held = np.array([[0, 1, 5]])
    # drops the copy (0,1,5), the other relation (0,0,5) and the reverses (5,0,0), (5,1,0); keeps (1,1,5)
    np.testing.assert_array_equal(remove_leaks(train, held, 6), np.array([[1, 1, 5]]))


def test_known_relations_mark_pairs_known_and_keep_them_out_of_negatives() -> None:
    triples = _graph(0)
    palliates = np.array([[0, 3, 70], [1, 3, 71]])  # a second treatment relation (3)
    triples = np.concatenate([triples, palliates])
    split = random_split(triples, TARGET, 80, 0, known_relations=(3,))
    known = {tuple(p) for p in split.known.tolist()}
    assert {(0, 70), (1, 71)} <= known
    assert not {tuple(p) for part in split.negatives.values() for p in part.tolist()} & known


def test_oversample_repeats_only_the_target_and_never_held_out_rows() -> None:
    split = random_split(_graph(0), TARGET, 80, 0)
    rows = oversample(split.train, TARGET, 5)
    target_rows = split.train[split.train[:, 1] == TARGET]
    assert len(rows) == len(split.train) + 4 * len(target_rows)
    assert (rows[:, 1] == TARGET).sum() == 5 * len(target_rows)
    assert (rows[rows[:, 1] != TARGET] == split.train[split.train[:, 1] != TARGET]).all()
    _assert_no_leak(Split(rows, split.valid, split.test))
    assert oversample(split.train, TARGET, 1) is split.train
    assert oversample(split.train, None, 5) is split.train
