"""External-validation figures against cases worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from repurpose.trainers.validation import (degree_prior, grouped_auroc, hypergeometric_sf, top_per_group,
                                           validation_metrics)

SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
LABELS = np.array([1, 0, 1, 0, 1, 0])
DISEASES = np.array([0, 0, 0, 1, 1, 1])
COMPOUNDS = np.array([7, 7, 8, 8, 9, 9])


def test_hand_worked_figures():
    m = validation_metrics(SCORES, LABELS, COMPOUNDS, DISEASES, top_fraction_of_pairs=1 / 3, top_k_per_disease=1)
    # positives .9 .7 .5 against negatives .8 .6 .4: 3 + 2 + 1 of 9 pairs ordered right
    assert m["auroc"] == pytest.approx(6 / 9)
    # disease 0: (.9 > .8) yes, (.7 > .8) no -> 1/2; disease 1: .5 beats .4, not .6 -> 1/2
    assert (m["within_disease_auroc"], m["diseases_scored"]) == (pytest.approx(0.5), 2)
    # each compound has one positive above its one negative
    assert (m["within_compound_auroc"], m["compounds_scored"]) == (pytest.approx(1.0), 3)
    # precision at each positive: 1/1, 2/3, 3/5
    assert m["auprc"] == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    # top third = the 2 best pairs (.9, .8): 1 positive, 1 expected; P(X >= 1) = 1 - C(3,2)/C(6,2)
    top = m["top_fraction"]
    assert (top["selected"], top["positives"], top["expected"], top["fold"]) == (2, 1, 1.0, 1.0)
    assert top["p_value"] == pytest.approx(1 - 3 / 15)
    # best per disease: .9 (positive) and .6 (negative)
    assert (m["top_per_disease"]["positives"], m["top_per_disease"]["selected"]) == (1, 2)
    spread = validation_metrics(SCORES, LABELS, COMPOUNDS, DISEASES, top_k_per_disease=1,
                                untreated=COMPOUNDS == 8)["top_per_disease"]
    # picks: pair 0 (compound 7) and pair 3 (compound 8, untreated)
    assert (spread["untreated_share"], spread["distinct_compounds"]) == (0.5, 2)


def test_groups_with_one_class_are_skipped():
    value, groups = grouped_auroc(SCORES, np.array([1, 1, 1, 0, 0, 0]), DISEASES)
    assert math.isnan(value) and groups == 0


def test_hypergeometric_tail():
    # N=10, K=2 positives, 3 drawn: P(X >= 2) = C(2,2) C(8,1) / C(10,3) = 8 / 120
    assert hypergeometric_sf(2, 10, 2, 3) == pytest.approx(8 / 120)
    assert hypergeometric_sf(0, 10, 2, 3) == 1.0 and hypergeometric_sf(3, 10, 2, 3) == 0.0


def test_top_per_group_breaks_ties_by_position():
    mask = top_per_group(np.array([1.0, 1.0, 0.5, 2.0]), np.array([0, 0, 0, 1]), 1)
    assert mask.tolist() == [True, False, False, True]


def test_degree_prior_counts_training_treatments():
    prior = degree_prior(np.array([[0, 5], [0, 6], [1, 5]]), 7)
    np.testing.assert_allclose(prior, np.log1p([2, 1, 0, 0, 0, 2, 1]))
