"""Platt scaling: recovers a known logistic link, is monotone, and refuses one-class data."""

from __future__ import annotations

import numpy as np
import pytest

from repurpose.trainers.calibrate import fit_platt, with_base_rate


def test_recovers_the_log_odds_of_two_gaussians() -> None:
    # Equal-variance Gaussians have exact log-odds 3*s - 1.5 + log(n_pos/n_neg) for s ~ N(2,1) vs N(-1,1).
    rng = np.random.default_rng(0)
    scores = np.r_[rng.normal(2, 1, 4000), rng.normal(-1, 1, 16000)]
    labels = np.r_[np.ones(4000), np.zeros(16000)]
    cal = fit_platt(scores * 10 - 30, labels)  # an arbitrary raw scale: the fit must undo it
    assert cal.slope == pytest.approx(0.3, rel=0.05)
    assert cal.intercept == pytest.approx(3 * 3 - 1.5 + np.log(0.25), abs=0.2)
    p = cal(np.array([-100.0, -30.0, 0.0, 30.0]))
    assert np.all((p > 0) & (p < 1)) and np.all(np.diff(p) > 0)


def test_separable_data_stays_finite() -> None:
    cal = fit_platt(np.array([5.0, 6.0, 7.0, -1.0, -2.0, -3.0]), np.array([1, 1, 1, 0, 0, 0]))
    assert np.isfinite(cal.slope) and cal.slope > 0
    assert 0.5 < cal(np.array([6.0]))[0] < 1.0


def test_needs_both_classes_and_matching_lengths() -> None:
    with pytest.raises(ValueError, match="positives and negatives"):
        fit_platt(np.array([1.0, 2.0]), np.array([1, 1]))
    with pytest.raises(ValueError, match="labels"):
        fit_platt(np.array([1.0, 2.0]), np.array([1]))


def test_base_rate_moves_the_intercept_from_the_sample_odds() -> None:
    # Fitted on 1 positive : 4 negatives (odds 0.25); the same Gaussians at a 1 : 99 base rate have
    # log-odds 3*s - 1.5 + log(1/99) in the standardised units above.
    rng = np.random.default_rng(0)
    scores = np.r_[rng.normal(2, 1, 4000), rng.normal(-1, 1, 16000)]
    labels = np.r_[np.ones(4000), np.zeros(16000)]
    fitted = fit_platt(scores, labels)
    shifted = with_base_rate(fitted, 0.01)
    assert shifted.slope == fitted.slope and shifted.base_rate == 0.01
    assert shifted.intercept - fitted.intercept == pytest.approx(np.log(1 / 99) - np.log(0.25))
    assert shifted.intercept == pytest.approx(-1.5 + np.log(1 / 99), abs=0.2)
    with pytest.raises(ValueError, match="base rate"):
        with_base_rate(fitted, 0.0)
