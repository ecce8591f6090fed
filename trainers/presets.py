"""Named sets of training settings: ``cpu`` (the default, measured best on a 2-core CPU) and ``paper``.

A preset fills every training setting the user did not give. ``cpu`` is what the benchmarks
found best within minutes on 2 cores (benchmarks/RESULTS-train.md: TransE + LLM text, dim 200,
lr 0.01, 64 negatives, batch 1,024, treats edges repeated 20 times an epoch; best tail MRR among
the KGE rows on Hetionet CtD). ``paper`` is the LLaDR paper's RotatE setting for a GPU: at lr
1e-4 it learns slowly, and on 2 cores one epoch of full Hetionet takes minutes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Preset:
    """Defaults for one way of training; ``epochs`` is a cap when ``patience`` stops early."""

    name: str
    model: str
    dim: int
    epochs: int
    negatives: int
    batch_size: int
    lr: float
    target_weight: int
    patience: int | None

    def settings(self) -> dict[str, Any]:
        """The training settings this preset gives (everything but its name)."""
        return {k: v for k, v in asdict(self).items() if k != "name"}

    def fill(self, given: dict[str, Any]) -> dict[str, Any]:
        """``given`` with each setting that is None taken from the preset."""
        return {**given, **{k: v for k, v in self.settings().items() if given.get(k) is None}}


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("cpu", model="transe", dim=200, epochs=20, negatives=64, batch_size=1024, lr=0.01, target_weight=20,
           patience=3),
    Preset("paper", model="rotate", dim=400, epochs=50, negatives=128, batch_size=512, lr=1e-4, target_weight=1,
           patience=None),
)}
