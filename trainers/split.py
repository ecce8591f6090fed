"""Train/validation/test splits of a target relation, saved with each run.

- ``random``: 80/10/10 of the target relation's edges; every other edge stays in training.
- ``disease-holdout``: all target edges of 10% of the tail entities (diseases) go to test and of
  another 10% to validation: the cold-start case, where a disease has no known treatment.

Either way no held-out edge leaks into training: every training edge between a held-out pair,
of any relation and in either direction (a duplicate, a reverse, a "palliates" beside a held-out
"treats"), is removed. ``known`` holds every pair of the known-treatment relations (the target by
default), which write-back never offers as novel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SPLITS = ("random", "disease-holdout", "given")


@dataclass
class Split:
    """Rows of each part, plus sampled non-edges of the target for AUROC/AUPRC and calibration."""

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    kind: str = "given"
    target: int | None = None
    negatives: dict[str, np.ndarray] = field(default_factory=dict)  # part -> (m, 2) head, tail
    known: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))  # all target pairs

    def save(self, path: Path) -> None:
        """Write an ``.npz`` with train/valid/test rows and the sampled negatives."""
        arrays = {"train": self.train, "valid": self.valid, "test": self.test,
                  "kind": np.array(self.kind), "target": np.array(-1 if self.target is None else self.target)}
        arrays.update({f"negatives_{k}": v for k, v in self.negatives.items()}, known=self.known)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> "Split":
        with np.load(path) as z:
            target = int(z["target"])
            return cls(z["train"], z["valid"], z["test"], str(z["kind"]), None if target < 0 else target,
                       {k.removeprefix("negatives_"): z[k] for k in z.files if k.startswith("negatives_")},
                       z["known"])


def oversample(rows: np.ndarray, relation: int | None, times: int) -> np.ndarray:
    """``rows`` with the rows of ``relation`` present ``times`` times in all (1 or no relation: unchanged).

    The target relation is a sliver of a large graph (Hetionet's CtD: 0.09% of the edges), so an
    epoch barely touches it; repeating its training rows focuses the model on it without new data.
    """
    if relation is None or times <= 1:
        return rows
    picked = rows[rows[:, 1] == relation]
    return np.concatenate([rows, *([picked] * (times - 1))])


def _pair_keys(heads: np.ndarray, tails: np.ndarray, n: int) -> np.ndarray:
    return heads.astype(np.int64) * n + tails.astype(np.int64)


def remove_leaks(train: np.ndarray, held_out: np.ndarray, num_entities: int) -> np.ndarray:
    """Training rows minus every edge, of any relation and in either direction, between a held-out pair."""
    held = np.concatenate([_pair_keys(held_out[:, 0], held_out[:, 2], num_entities),
                           _pair_keys(held_out[:, 2], held_out[:, 0], num_entities)])
    return train[~np.isin(_pair_keys(train[:, 0], train[:, 2], num_entities), held)]


def _finish(triples: np.ndarray, target: int, valid: np.ndarray, test: np.ndarray, kind: str,
            num_entities: int, rng: np.random.Generator, negatives_per_positive: int,
            known_relations: tuple[int, ...] = ()) -> Split:
    target_rows = triples[triples[:, 1] == target]
    known_rows = triples[np.isin(triples[:, 1], (target, *known_relations))]
    train = remove_leaks(triples, np.concatenate([valid, test]), num_entities)
    split = Split(train, valid, test, kind, target, known=np.unique(known_rows[:, [0, 2]], axis=0))
    known = set(_pair_keys(known_rows[:, 0], known_rows[:, 2], num_entities).tolist())
    heads = np.unique(target_rows[:, 0])
    for part, rows in (("valid", valid), ("test", test)):
        # Non-edges share the part's tails, so held-out diseases are judged against their own negatives.
        split.negatives[part] = sample_non_edges(heads, np.unique(rows[:, 2]), known,
                                                 len(rows) * negatives_per_positive, num_entities, rng)
    return split


def sample_non_edges(heads: np.ndarray, tails: np.ndarray, known: set[int], count: int, num_entities: int,
                     rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct (head, tail) pairs drawn uniformly from heads x tails, none in ``known``."""
    out: dict[int, None] = {}
    grid = (np.asarray(heads, np.int64)[:, None] * num_entities + np.asarray(tails, np.int64)[None, :]).ravel()
    capacity = len(grid) - int(np.isin(grid, np.fromiter(known, np.int64, len(known))).sum())
    count = min(count, max(capacity, 0))
    while len(out) < count:
        h = rng.choice(heads, size=2 * count)
        t = rng.choice(tails, size=2 * count)
        for key in _pair_keys(h, t, num_entities).tolist():
            if key not in known and len(out) < count:
                out[key] = None
    keys = np.fromiter(out, dtype=np.int64, count=len(out))
    return np.stack([keys // num_entities, keys % num_entities], axis=1)


def random_split(triples: np.ndarray, target: int, num_entities: int, seed: int,
                 fractions: tuple[float, float] = (0.1, 0.1), negatives_per_positive: int = 10,
                 known_relations: tuple[int, ...] = ()) -> Split:
    """Hold out ``fractions`` (valid, test) of the target relation's distinct edges at random."""
    rng = np.random.default_rng(seed)
    rows = np.unique(triples[triples[:, 1] == target], axis=0)
    if len(rows) < 3:
        raise ValueError(f"relation {target} has {len(rows)} edges; a split needs at least 3")
    order = rng.permutation(len(rows))
    n_valid = max(1, round(fractions[0] * len(rows)))
    n_test = max(1, round(fractions[1] * len(rows)))
    valid, test = rows[order[:n_valid]], rows[order[n_valid:n_valid + n_test]]
    return _finish(triples, target, valid, test, "random", num_entities, rng, negatives_per_positive,
                   known_relations)


def disease_holdout_split(triples: np.ndarray, target: int, num_entities: int, seed: int,
                          fraction: float = 0.1, negatives_per_positive: int = 10,
                          known_relations: tuple[int, ...] = ()) -> Split:
    """Hold out every target edge of ``fraction`` of the tail entities for test, another for validation."""
    rng = np.random.default_rng(seed)
    rows = np.unique(triples[triples[:, 1] == target], axis=0)
    diseases = rng.permutation(np.unique(rows[:, 2]))
    n = max(1, round(fraction * len(diseases)))
    if 2 * n >= len(diseases):
        raise ValueError(f"relation {target} has {len(diseases)} tail entities: too few to hold out {n} twice")
    valid = rows[np.isin(rows[:, 2], diseases[:n])]
    test = rows[np.isin(rows[:, 2], diseases[n:2 * n])]
    return _finish(triples, target, valid, test, "disease-holdout", num_entities, rng, negatives_per_positive,
                   known_relations)


def make_split(kind: str, triples: np.ndarray, target: int, num_entities: int, seed: int,
               known_relations: tuple[int, ...] = ()) -> Split:
    """A split of ``kind`` ('random' or 'disease-holdout') of the target relation; ``known_relations``
    (besides the target) also mark pairs as known treatments."""
    if kind == "random":
        return random_split(triples, target, num_entities, seed, known_relations=known_relations)
    if kind == "disease-holdout":
        return disease_holdout_split(triples, target, num_entities, seed, known_relations=known_relations)
    raise ValueError(f"unknown split {kind!r}; choose from random, disease-holdout")
