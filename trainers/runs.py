"""A training run's directory, its one owner: the files in it, and finding, listing and loading runs.

``<runs root>/<run_id>/`` holds config.json, vocab.json, split.npz, model.pt, metrics.json,
results.json and a ``<series>.png`` plot per training history series (all written by
``train()``), validation.json (``platform validate``) and report.html (``platform report``).
``RunDir`` is the only code that names these files. Importing this module loads no torch, so
listing runs stays quick; loading one (``RunDir.load``) does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from repurpose import atomic
from repurpose.errors import InputError
from repurpose.trainers.split import Split, sample_non_edges

if TYPE_CHECKING:
    import torch

    from repurpose.trainers.blend import Blend
    from repurpose.trainers.data import TripleData
    from repurpose.trainers.model import Embeddings

CONFIG, VOCAB, SPLIT, MODEL = "config.json", "vocab.json", "split.npz", "model.pt"
METRICS, RESULTS, VALIDATION, REPORT = "metrics.json", "results.json", "validation.json", "report.html"
#: What ``RunDir.find`` takes for the newest complete run.
LATEST = "latest"
#: How many run ids a RunNotFound names.
LISTED = 20


class RunNotFound(InputError):
    """No run of that id in the runs directory (or no ModelRun of that id in the graph)."""


def _mapping(value: Any) -> dict:
    """``value`` when it is a dict, else an empty one: metrics read back from the graph may be anything."""
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Headline:
    """One part's headline figures (filtered MRR and Hits@k over both sides, AUROC, AUPRC); None where absent."""

    mrr: float | None = None
    hits_at_1: float | None = None
    hits_at_3: float | None = None
    hits_at_10: float | None = None
    auroc: float | None = None
    auprc: float | None = None

    @classmethod
    def of_part(cls, block: Any) -> Headline:
        """The figures of one part's metrics, as ``evaluate()`` returns them."""
        block = _mapping(block)
        filtered = _mapping(block.get("filtered"))
        return cls(filtered.get("mrr"), filtered.get("hits_at_1"), filtered.get("hits_at_3"),
                   filtered.get("hits_at_10"), block.get("auroc"), block.get("auprc"))

    @classmethod
    def of(cls, metrics: Any, part: str = "test") -> Headline:
        """The figures of ``metrics[part]``: a run's metrics.json, or the metrics a ModelRun node holds."""
        return cls.of_part(_mapping(metrics).get(part))


def ranking_blocks(block: dict) -> Iterator[tuple[str, dict]]:
    """(protocol, figures) of each ranking protocol in one part's metrics: filtered (mean), tail, head, paper50."""
    filtered = _mapping(block.get("filtered"))
    for protocol, figures in (("filtered", filtered), ("tail", filtered.get("tail")), ("head", filtered.get("head")),
                              ("paper50", block.get("paper50"))):
        if isinstance(figures, dict) and "mrr" in figures:
            yield protocol, figures


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

    def to(self, device: torch.device | str) -> "LoadedRun":
        """The same run scoring on ``device`` (its vectors moved there; scores come out there)."""
        return replace(self, embeddings=self.embeddings.to(device))

    def _relation(self, relation: int | None) -> int:
        if relation is not None:
            return relation
        if not self.target_relation:
            raise ValueError(f"run {self.run_id} has no target relation; pass relation=")
        return self.relation_types.index(self.target_relation)

    def score(self, heads: torch.Tensor, tails: torch.Tensor, relation: int | None = None,
              batch_size: int = 1024) -> torch.Tensor:
        """Score matrix [len(heads), len(tails)] for relation (default target), raw model scores, no grad, batched."""
        import torch

        rel = self._relation(relation)
        heads, tails = torch.as_tensor(heads, dtype=torch.long), torch.as_tensor(tails, dtype=torch.long)
        with torch.no_grad():
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
        from repurpose.trainers.evaluate import classification_scores

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


@dataclass(frozen=True)
class RunDir:
    """One run's directory: names its files, writes them for ``train()``, reads them back for everyone."""

    path: Path

    # -- finding ------------------------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, run_id: str) -> RunDir:
        """A new, empty ``root/run_id`` (an existing one is an error: runs are never overwritten)."""
        path = Path(root) / run_id
        path.mkdir(parents=True, exist_ok=False)
        return cls(path)

    @classmethod
    def all(cls, root: Path) -> list[RunDir]:
        """Every run under ``root`` (a directory holding a config), newest id first; none when ``root`` is absent."""
        return [cls(config.parent) for config in sorted(Path(root).glob(f"*/{CONFIG}"), reverse=True)]

    @classmethod
    def find(cls, run: str | Path, root: Path | None = None) -> RunDir:
        """The run ``run`` names: a run directory, a run id under ``root``, or ``latest`` (the newest complete one).

        None found raises RunNotFound listing the runs under ``root``.
        """
        if root is not None and str(run) == LATEST:
            newest = next((r for r in cls.all(root) if r.complete), None)
            if newest is not None:
                return newest
        places = [Path(run)] + ([Path(root) / str(run)] if root is not None else [])
        found = next((cls(p) for p in places if (p / CONFIG).is_file()), None)
        if found is None:
            raise _not_found(str(run), root)
        return found

    # -- file names ---------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """Whether training finished: results.json, the last record ``train()`` writes, is there."""
        return (self.path / RESULTS).is_file()

    @property
    def report_path(self) -> Path:
        """Where ``platform report`` writes its HTML by default."""
        return self.path / REPORT

    def plot_path(self, series: str) -> Path:
        """The plot of one training history series (``loss``, ``validation_mrr``)."""
        return self.path / f"{series}.png"

    # -- reading ------------------------------------------------------------------------------
    def _json(self, name: str, missing: dict | None = None) -> dict:
        """A JSON file of the run; ``missing`` when absent (None: absent is an error), InputError when malformed."""
        path = self.path / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            if missing is not None:
                return missing
            raise InputError(f"{name} is missing; is this a finished run directory?", path=path) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", path=path, line=exc.lineno) from exc

    def config(self) -> dict:
        """The run's settings (config.json)."""
        return self._json(CONFIG)

    def metrics(self) -> dict:
        """Metrics of each split part (metrics.json); empty before training finished."""
        return self._json(METRICS, missing={})

    def results(self) -> dict:
        """What ``train()`` returned (results.json): config, metrics, history, speed, blend."""
        return self._json(RESULTS)

    def validation(self) -> dict:
        """The external validation of ``platform validate`` (validation.json); empty when not run."""
        return self._json(VALIDATION, missing={})

    def headline(self) -> Headline:
        """The test part's headline figures."""
        return Headline.of(self.metrics())

    def summary(self) -> dict[str, Any]:
        """One row for run listings: id, model, text, encoder, split, test MRR and AUROC."""
        config, headline = self.config(), self.headline()
        return {"run_id": config["run_id"], "model": config["model"], "text": config["text"],
                "encoder": config["encoder"], "split": config["split"], "test_mrr": headline.mrr,
                "test_auroc": headline.auroc}

    def load(self) -> LoadedRun:
        """The trained model with its vocabulary and split, ready to score."""
        import torch

        from repurpose.trainers.blend import Blend
        from repurpose.trainers.model import Embeddings
        from repurpose.trainers.scores import make_interaction

        config, vocab, split = self.config(), self._json(VOCAB), Split.load(self.path / SPLIT)
        checkpoint = torch.load(self.path / MODEL, map_location="cpu", weights_only=True)
        # Baselines score with another registered function than their name (text-cosine: distmult).
        interaction = make_interaction(config.get("interaction", config["model"]))
        embeddings: Embeddings | Blend = Embeddings(checkpoint["entities"], checkpoint["relations"], interaction)
        if "components" in checkpoint:  # a model blended with baselines (train(..., blend=[...]))
            embeddings = Blend.from_checkpoint(checkpoint["components"])
        return LoadedRun(run_id=config["run_id"], run_dir=self.path, config=config, metrics=self.metrics(),
                         entity_ids=vocab["entity_ids"], relation_types=vocab["relation_types"],
                         target_relation=config.get("target") or "",
                         known_pairs={(int(h), int(t)) for h, t in split.known.tolist()},
                         fingerprint=config.get("fingerprint", ""), embeddings=embeddings, split=split,
                         entity_kinds=vocab.get("entity_kinds"))

    # -- writing ------------------------------------------------------------------------------
    def _write_json(self, name: str, value: Any, indent: int | None = 2) -> None:
        """Replace one JSON file of the run whole (``default=str`` for paths and the like)."""
        atomic.write_text(self.path / name, json.dumps(value, indent=indent, default=str))

    def save_inputs(self, config: dict, split: Split, data: TripleData) -> None:
        """What a run starts from: its settings, its split and the data's vocabulary."""
        self._write_json(CONFIG, config)
        split.save(self.path / SPLIT)
        self._write_json(VOCAB, {"entity_ids": data.entity_ids, "entity_kinds": data.entity_kinds,
                                 "relation_types": data.relation_types}, indent=None)

    def save_model(self, checkpoint: dict) -> None:
        """The final vectors and weights (model.pt)."""
        import torch

        torch.save(checkpoint, self.path / MODEL)

    def save_results(self, metrics: dict, results: dict) -> None:
        """Metrics, then results.json, whose presence marks the run complete."""
        self._write_json(METRICS, metrics)
        self._write_json(RESULTS, results)

    def save_validation(self, result: dict) -> None:
        """The figures of ``platform validate``, which ``platform report`` shows."""
        self._write_json(VALIDATION, result)


def _not_found(run: str, root: Path | None) -> RunNotFound:
    """RunNotFound for ``run``, naming the newest LISTED runs under ``root``."""
    if root is None:
        return RunNotFound(f"no run at {run} (expected {CONFIG} there); see `platform train`")
    known = [r.path.name for r in RunDir.all(root)]
    listing = ", ".join(known[:LISTED]) + (" ..." if len(known) > LISTED else "") if known else "none"
    return RunNotFound(f"no run {run!r} under {root}; available runs: {listing} "
                       "(train one with `platform train`)")


def load_run(run: str | Path, root: Path | None = None) -> LoadedRun:
    """Load a run by directory, or by id (or ``latest``) under ``root``: ``RunDir.find(run, root).load()``."""
    return RunDir.find(run, root).load()
