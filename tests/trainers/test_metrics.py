"""Metrics against hand-worked values, and the registry's declared ranges."""

from __future__ import annotations

import numpy as np
import pytest

from repurpose.trainers.metrics import METRICS, auprc, auroc, hits_at_k, mean_rank, mrr


def test_rank_metrics_by_hand() -> None:
    ranks = np.array([1, 2, 4, 10.5])
    assert mrr(ranks) == pytest.approx((1 + 0.5 + 0.25 + 1 / 10.5) / 4)
    assert hits_at_k(ranks, 1) == 0.25
    assert hits_at_k(ranks, 3) == 0.5
    assert hits_at_k(ranks, 10) == 0.75
    assert mean_rank(ranks) == pytest.approx(17.5 / 4)


def test_auroc_counts_ties_as_half() -> None:
    # positives 0.9, 0.5; negatives 0.5, 0.1: pairs won 1 + 1 + 0.5 + 1 of 4
    assert auroc(np.array([0.9, 0.5, 0.5, 0.1]), np.array([1, 1, 0, 0])) == pytest.approx(3.5 / 4)
    assert auroc(np.array([0.1, 0.9]), np.array([1, 0])) == 0.0
    assert np.isnan(auroc(np.array([0.1]), np.array([1])))


def test_auprc_by_hand() -> None:
    # order: pos (P=1), neg, pos (P=2/3): AP = (1 + 2/3) / 2
    assert auprc(np.array([0.9, 0.8, 0.7]), np.array([1, 0, 1])) == pytest.approx((1 + 2 / 3) / 2)
    # all tied: one step with precision 1/2
    assert auprc(np.array([0.5, 0.5]), np.array([1, 0])) == pytest.approx(0.5)


def test_against_sklearn_when_no_ties() -> None:
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    scores, labels = rng.normal(size=200), rng.random(200) < 0.3
    assert auroc(scores, labels) == pytest.approx(sklearn_metrics.roc_auc_score(labels, scores))
    assert auprc(scores, labels) == pytest.approx(sklearn_metrics.average_precision_score(labels, scores))


def test_every_metric_declares_range_and_direction() -> None:
    for metric in METRICS.values():
        assert metric.low < metric.high
        assert isinstance(metric.higher_is_better, bool)
    assert METRICS["mean_rank"].higher_is_better is False
    assert METRICS["hits_at_10"](np.array([3, 11])) == 0.5
