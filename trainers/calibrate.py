"""Probability calibration of raw model scores: Platt scaling with a base-rate correction.

Raw KGE scores are on each model's own scale (negative distances for TransE/RotatE, unbounded
products for DistMult/ComplEx), so runs cannot be compared by score. Platt scaling (Platt 1999,
"Probabilistic outputs for support vector machines") fits ``p = sigmoid(a * s + b)`` on held-out
(score, label) pairs, with the smoothed targets Platt recommends so that a perfectly separated
set still gives finite ``a`` and ``b``. The pairs are sampled (a few negatives per positive), so
``with_base_rate`` shifts the intercept from the sample's odds to the real share of true pairs
(the standard prior-shift correction). Pure numpy: no I/O, no torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Calibration:
    """``probability = sigmoid(slope * score + intercept)``; ``n_pos``/``n_neg`` it was fitted on."""

    slope: float
    intercept: float
    n_pos: int = 0
    n_neg: int = 0
    method: str = "platt"
    base_rate: float | None = None  # share of true pairs the intercept was shifted to (None: the sample's)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probabilities in (0, 1), same shape as ``scores``."""
        z = self.slope * np.asarray(scores, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))

    def to_dict(self) -> dict:
        return asdict(self)


def fit_platt(scores: np.ndarray, labels: np.ndarray, max_iter: int = 100, tol: float = 1e-10) -> Calibration:
    """Fit Platt scaling by Newton's method on the smoothed log-loss (Lin, Lin & Weng 2007).

    ``scores``: raw model scores, shape (n,); ``labels``: 1 for true edges, 0 for sampled
    non-edges. Raises ValueError when a class is missing (nothing to calibrate against).
    """
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).reshape(-1).astype(bool)
    if s.shape != y.shape:
        raise ValueError(f"{len(s)} scores but {len(y)} labels")
    if not np.isfinite(s).all():
        raise ValueError("calibration scores contain NaN or infinity")
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"calibration needs positives and negatives; got {n_pos} positive, {n_neg} negative")
    # Platt's smoothed targets keep the optimum finite when the classes separate perfectly.
    t = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    # Standardise the scores for a well-conditioned Newton step; map back at the end.
    mu, sd = float(s.mean()), float(s.std()) or 1.0
    x = (s - mu) / sd
    a, b = 0.0, float(np.log((n_pos + 1.0) / (n_neg + 1.0)))
    ridge = 1e-12

    def loss(a_: float, b_: float) -> float:
        z = a_ * x + b_
        return float(np.sum(np.logaddexp(0.0, z) - t * z))

    current = loss(a, b)
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(a * x + b)))
        w = p * (1.0 - p)
        g_a, g_b = float(np.dot(x, p - t)), float(np.sum(p - t))
        h_aa, h_ab, h_bb = float(np.dot(x * x, w)) + ridge, float(np.dot(x, w)), float(w.sum()) + ridge
        det = h_aa * h_bb - h_ab * h_ab
        if det <= 0:
            break
        da, db = (h_bb * g_a - h_ab * g_b) / det, (h_aa * g_b - h_ab * g_a) / det
        step = 1.0
        while step > 1e-8:  # backtracking line search keeps every step a descent
            new = loss(a - step * da, b - step * db)
            if new <= current:
                break
            step /= 2
        a, b = a - step * da, b - step * db
        if abs(current - new) < tol * max(1.0, abs(current)):
            current = new
            break
        current = new
    return Calibration(slope=a / sd, intercept=b - a * mu / sd, n_pos=n_pos, n_neg=n_neg)


def with_base_rate(calibration: Calibration, base_rate: float) -> Calibration:
    """The same fit with its intercept moved from the sample's odds (n_pos : n_neg) to ``base_rate``'s.

    logit(p) = a * s + b was fitted where positives made n_pos / (n_pos + n_neg) of the pairs; among
    all pairs they make ``base_rate``, so b gains log(base odds) - log(sample odds).
    """
    if not 0.0 < base_rate < 1.0:
        raise ValueError(f"base rate must lie strictly between 0 and 1, got {base_rate}")
    shift = np.log(base_rate / (1.0 - base_rate)) - np.log(calibration.n_pos / calibration.n_neg)
    return replace(calibration, intercept=calibration.intercept + float(shift), base_rate=base_rate)
