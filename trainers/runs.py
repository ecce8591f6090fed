"""Load a finished run back from its directory: vocabularies, split, final vectors, scoring."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from repurpose.errors import InputError
from repurpose.trainers.blend import Blend
from repurpose.trainers.evaluate import classification_scores
from repurpose.trainers.model import Embeddings
from repurpose.trainers.scores import make_interaction
from repurpose.trainers.split import Split, sample_non_edges


@dataclass
class LoadedRun:
    """A trained model, ready to score: what the write-back of predictions needs."""

    run_id: str
    run_dir: Path
    config: dict
    metrics: dict
    entity_ids: list[str]
    relation_types: list[str]
    target_relation: str
    known_pairs: set[tuple[int, int]]
    fingerprint: str
    embeddings: Embeddings | Blend = field(repr=False)
    split: Split = field(repr=False)
    entity_kinds: list[str] | None = field(default=None, repr=False)

    def _relation(self, relation: int | None) -> int:
        if relation is not None:
            return relation
        if not self.target_relation:
            raise ValueError(f"run {self.run_id} has no target relation; pass relation=")
        return self.relation_types.index(self.target_relation)

    @torch.no_grad()
    def score(self, heads: torch.Tensor, tails: torch.Tensor, relation: int | None = None,
              batch_size: int = 1024) -> torch.Tensor:
        """Score matrix [len(heads), len(tails)] for relation (default target), raw model scores, no grad, batched."""
        rel = self._relation(relation)
        heads, tails = torch.as_tensor(heads, dtype=torch.long), torch.as_tensor(tails, dtype=torch.long)
        out = [self.embeddings.score_tails(part, torch.full_like(part, rel), tails)
               for part in heads.split(batch_size)]
        return torch.cat(out) if out else torch.empty(0, len(tails))

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """(heads, tails): every entity of the kinds on each side of the run's known target pairs."""
        known = self.split.known
        if not len(known):
            raise InputError(f"run {self.run_id} has no known target pairs to take candidates from")
        kinds = self.entity_kinds
        if not kinds:
            return np.unique(known[:, 0]), np.unique(known[:, 1])
        head_kinds = {kinds[i] for i in np.unique(known[:, 0]).tolist()}
        tail_kinds = {kinds[i] for i in np.unique(known[:, 1]).tolist()}
        return (np.array([i for i, k in enumerate(kinds) if k in head_kinds], np.int64),
                np.array([i for i, k in enumerate(kinds) if k in tail_kinds], np.int64))

    def calibration_data(self, negatives_per_positive: int = 10) -> tuple[np.ndarray, np.ndarray, float]:
        """(scores, labels, base rate) for probability calibration.

        Positives: the test edges, which chose nothing (the validation edges chose the checkpoint
        and any blend weights). Negatives: ``negatives_per_positive`` non-edges each, drawn from
        every entity of the target's head kinds (compounds that treat nothing included) and the
        test edges' tails, seeded by the run's seed. Base rate: the known pairs' share of all
        head x tail candidate pairs.
        """
        known = self.split.known
        heads, tails = self.candidates()
        n = len(self.entity_ids)
        known_keys = set((known[:, 0] * n + known[:, 1]).tolist())
        test = self.split.test
        rng = np.random.default_rng(int(self.config.get("seed", 0)))
        negatives = sample_non_edges(heads, np.unique(test[:, 2]), known_keys, negatives_per_positive * len(test),
                                     n, rng)
        scores, labels = classification_scores(self.embeddings, test, negatives, self._relation(None))
        return scores, labels, len(known) / (len(heads) * len(tails))


def load_run(run_dir_or_id: str | Path, runs_root: Path | None = None) -> LoadedRun:
    """Load ``runs_root/<run_id>`` (or a run directory path) written by ``train()``."""
    run_dir = Path(run_dir_or_id)
    if not (run_dir / "config.json").is_file() and runs_root is not None:
        run_dir = Path(runs_root) / str(run_dir_or_id)
    if not (run_dir / "config.json").is_file():
        raise FileNotFoundError(f"no run at {run_dir} (expected config.json there); see `platform train`")
    config = json.loads((run_dir / "config.json").read_text())
    metrics_path = run_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    vocab = json.loads((run_dir / "vocab.json").read_text())
    split = Split.load(run_dir / "split.npz")
    checkpoint = torch.load(run_dir / "model.pt", map_location="cpu", weights_only=True)
    # Baselines score with another registered function than their name (text-cosine: distmult).
    interaction = make_interaction(config.get("interaction", config["model"]))
    embeddings: Embeddings | Blend = Embeddings(checkpoint["entities"], checkpoint["relations"], interaction)
    if "components" in checkpoint:  # a model blended with baselines (train(..., blend=[...]))
        embeddings = Blend.from_checkpoint(checkpoint["components"])
    return LoadedRun(run_id=config["run_id"], run_dir=run_dir, config=config, metrics=metrics,
                     entity_ids=vocab["entity_ids"], relation_types=vocab["relation_types"],
                     target_relation=config.get("target") or "",
                     known_pairs={(int(h), int(t)) for h, t in split.known.tolist()},
                     fingerprint=config.get("fingerprint", ""), embeddings=embeddings, split=split,
                     entity_kinds=vocab.get("entity_kinds"))


def list_runs(runs_root: Path) -> list[dict]:
    """One summary per run under ``runs_root`` (newest first): id, model, text, split, test MRR."""
    out = []
    for config_path in sorted(Path(runs_root).glob("*/config.json"), reverse=True):
        config = json.loads(config_path.read_text())
        metrics_path = config_path.parent / "metrics.json"
        metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
        test = metrics.get("test", {})
        out.append({"run_id": config["run_id"], "run_dir": str(config_path.parent), "model": config["model"],
                    "text": config["text"], "encoder": config["encoder"], "split": config["split"],
                    "target": config.get("target"), "seed": config["seed"], "fingerprint": config.get("fingerprint"),
                    "test_mrr": test.get("filtered", {}).get("mrr"), "test_auroc": test.get("auroc"),
                    "complete": metrics_path.is_file()})
    return out
