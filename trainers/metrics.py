"""Evaluation metrics as pure functions, each declared with its range and direction.

Ranking metrics take an array of ranks (1 = best; fractional ranks from ties are fine);
classification metrics take scores and 0/1 labels. ``METRICS`` is the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def mrr(ranks: np.ndarray) -> float:
    """Mean reciprocal rank, in (0, 1], higher is better."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return float(np.mean(1.0 / ranks)) if ranks.size else float("nan")


def hits_at_k(ranks: np.ndarray, k: int) -> float:
    """Share of ranks <= k, in [0, 1], higher is better."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return float(np.mean(ranks <= k)) if ranks.size else float("nan")


def mean_rank(ranks: np.ndarray) -> float:
    """Mean rank, in [1, inf), lower is better."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return float(np.mean(ranks)) if ranks.size else float("nan")


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values`` ascending, ties sharing their mean rank."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_values)) + 1]
    ends = np.r_[starts[1:], len(values)]
    mean_rank_per_group = (starts + ends + 1) / 2.0
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(mean_rank_per_group, ends - starts)
    return ranks


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half), in [0, 1], higher is better."""
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels).astype(bool)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if not n_pos or not n_neg:
        return float("nan")
    ranks = _average_ranks(scores)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def auprc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Average precision (precision at each positive, scores descending, tied scores as one step).

    In [0, 1], higher is better; a random ranking scores about the positive share.
    """
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels).astype(bool)
    n_pos = int(labels.sum())
    if not n_pos:
        return float("nan")
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tp = np.cumsum(y)[last_of_tie]
    fp = (last_of_tie + 1) - tp
    precision = tp / (tp + fp)
    recall_gain = np.diff(np.r_[0, tp]) / n_pos
    return float(np.sum(precision * recall_gain))


@dataclass(frozen=True)
class Metric:
    """A named metric: the function, its value range, direction and other names."""

    name: str
    func: Callable[..., float]
    low: float
    high: float
    higher_is_better: bool
    synonyms: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, int], ...] = ()

    def __call__(self, *arrays: np.ndarray) -> float:
        return self.func(*arrays, **dict(self.kwargs))


RANK_METRICS = (
    Metric("mrr", mrr, 0.0, 1.0, True, ("mean_reciprocal_rank",)),
    Metric("hits_at_1", hits_at_k, 0.0, 1.0, True, ("hits@1",), (("k", 1),)),
    Metric("hits_at_3", hits_at_k, 0.0, 1.0, True, ("hits@3",), (("k", 3),)),
    Metric("hits_at_10", hits_at_k, 0.0, 1.0, True, ("hits@10",), (("k", 10),)),
    Metric("mean_rank", mean_rank, 1.0, float("inf"), False, ("mr",)),
)
CLASSIFICATION_METRICS = (
    Metric("auroc", auroc, 0.0, 1.0, True, ("roc_auc",)),
    Metric("auprc", auprc, 0.0, 1.0, True, ("average_precision",)),
)
METRICS = {m.name: m for m in RANK_METRICS + CLASSIFICATION_METRICS}


def rank_summary(ranks: np.ndarray) -> dict[str, float]:
    """Every ranking metric of ``ranks``, by name."""
    return {m.name: m(ranks) for m in RANK_METRICS}
