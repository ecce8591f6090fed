"""External validation of a score over compound x disease pairs: Rephetio's protocol, pure numpy.

Every candidate pair the run did not train on is scored; pairs listed in an external file
(e.g. DrugCentral indications) are the positives, all other unseen pairs the negatives. Reported:
AUROC over all pairs, AUROC within each disease and within each compound (averaged over groups
that hold both classes), AUPRC, and the enrichment of positives among the top 1% of pairs and
among each disease's top k compounds (fold over chance, hypergeometric p). Himmelstein et al.,
eLife 2017 (Rephetio): AUROC 0.855 on DrugCentral, degree prior 0.541.
"""

from __future__ import annotations

import math

import numpy as np

from repurpose.trainers.metrics import auprc, auroc


def grouped_auroc(scores: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> tuple[float, int]:
    """(mean AUROC within each group that has positives and negatives, how many such groups)."""
    scores, labels, groups = np.asarray(scores, float), np.asarray(labels, bool), np.asarray(groups)
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    ends = np.r_[starts[1:], len(g)]
    values = []
    for start, end in zip(starts, ends):
        idx = order[start:end]
        y = labels[idx]
        if y.any() and not y.all():
            values.append(auroc(scores[idx], y))
    return (float(np.mean(values)) if values else float("nan")), len(values)


def hypergeometric_sf(hits: int, population: int, successes: int, draws: int) -> float:
    """P(X >= hits) for X ~ Hypergeometric(population, successes, draws), summed in log space."""
    if hits <= 0:
        return 1.0
    top = min(successes, draws)
    if hits > top:
        return 0.0

    def log_choose(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    base = log_choose(population, draws)
    terms = [log_choose(successes, k) + log_choose(population - successes, draws - k) - base
             for k in range(hits, top + 1) if draws - k <= population - successes]
    if not terms:
        return 0.0
    peak = max(terms)
    return float(min(1.0, math.exp(peak) * sum(math.exp(t - peak) for t in terms)))


def top_fraction(scores: np.ndarray, fraction: float) -> np.ndarray:
    """Boolean mask of the ``ceil(fraction * n)`` best-scored items (ties broken by position)."""
    n = len(scores)
    count = min(n, max(1, math.ceil(fraction * n)))
    mask = np.zeros(n, dtype=bool)
    mask[np.argsort(-np.asarray(scores, float), kind="stable")[:count]] = True
    return mask


def top_per_group(scores: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` best-scored items within each group (ties broken by position)."""
    scores, groups = np.asarray(scores, float), np.asarray(groups)
    order = np.lexsort((np.arange(len(scores)), -scores, groups))
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    position = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    mask = np.zeros(len(scores), dtype=bool)
    mask[order[position < k]] = True
    return mask


def enrichment(selected: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Positives among ``selected`` against chance: count, expected, fold, hypergeometric p."""
    labels = np.asarray(labels, bool)
    n, positives, drawn = len(labels), int(labels.sum()), int(selected.sum())
    hits = int(labels[selected].sum())
    expected = drawn * positives / n if n else float("nan")
    return {"selected": drawn, "positives": hits, "expected": expected,
            "fold": hits / expected if expected else float("nan"),
            "p_value": hypergeometric_sf(hits, n, positives, drawn)}


def validation_metrics(scores: np.ndarray, labels: np.ndarray, compounds: np.ndarray, diseases: np.ndarray,
                       top_fraction_of_pairs: float = 0.01, top_k_per_disease: int = 50,
                       untreated: np.ndarray | None = None) -> dict:
    """Every figure of the protocol for one score over the unseen pairs (parallel arrays).

    ``untreated`` (per pair: its compound has no training treatment) adds, for each disease's top
    k, the share of picks that go to such compounds and how many distinct compounds are picked.
    """
    scores, labels = np.asarray(scores, float), np.asarray(labels, bool)
    within_disease, n_diseases = grouped_auroc(scores, labels, diseases)
    within_compound, n_compounds = grouped_auroc(scores, labels, compounds)
    per_disease = top_per_group(scores, diseases, top_k_per_disease)
    spread = {} if untreated is None else {
        "untreated_share": float(np.asarray(untreated, bool)[per_disease].mean()) if per_disease.any() else 0.0,
        "distinct_compounds": int(len(np.unique(np.asarray(compounds)[per_disease])))}
    return {"pairs": int(len(labels)), "positives": int(labels.sum()),
            "auroc": auroc(scores, labels), "auprc": auprc(scores, labels),
            "auprc_chance": float(labels.mean()) if len(labels) else float("nan"),
            "within_disease_auroc": within_disease, "diseases_scored": n_diseases,
            "within_compound_auroc": within_compound, "compounds_scored": n_compounds,
            "top_fraction": {"fraction": top_fraction_of_pairs,
                             **enrichment(top_fraction(scores, top_fraction_of_pairs), labels)},
            "top_per_disease": {"k": top_k_per_disease, **enrichment(per_disease, labels), **spread}}


def degree_prior(train_pairs: np.ndarray, num_entities: int) -> np.ndarray:
    """Per entity, log(1 + its number of training treatments): the prior scores a pair by the sum.

    The sum is the log of (1 + compound degree) x (1 + disease degree): a pair scores high when
    both sides already have many known treatments (Rephetio's strongest trivial predictor).
    """
    pairs = np.asarray(train_pairs, np.int64).reshape(-1, 2)
    degree = np.bincount(pairs.ravel(), minlength=num_entities).astype(np.float64)
    return np.log1p(degree)
