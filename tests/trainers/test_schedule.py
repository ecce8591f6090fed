"""How long training runs: presets fill the settings not given, and patience stops a run that stopped learning."""

from __future__ import annotations

from pathlib import Path

import pytest

from repurpose.errors import ParameterError
from repurpose.trainers.data import read_triples_files
from repurpose.trainers.presets import PRESETS
from repurpose.trainers.split import Split
from repurpose.trainers.train import train

UMLS = Path(__file__).parents[1] / "fixtures" / "umls"


def test_a_preset_fills_only_the_settings_not_given() -> None:
    chosen = PRESETS["cpu"].fill({"model": "distmult", "lr": None, "epochs": 5})
    assert chosen["model"] == "distmult" and chosen["epochs"] == 5  # given: kept
    assert chosen["lr"] == 0.01 and chosen["dim"] == 200 and chosen["patience"] == 3  # the preset's
    paper = PRESETS["paper"].settings()
    assert (paper["model"], paper["dim"], paper["lr"], paper["patience"]) == ("rotate", 400, 1e-4, None)


def _umls_run(tmp_path: Path, **settings: object):  # noqa: ANN202
    data, (tr, va, te) = read_triples_files([UMLS / "train.txt", UMLS / "valid.txt", UMLS / "test.txt"])
    # lr 1e-9: the vectors barely move, so validation MRR never beats its first value.
    return train(data, model="distmult", target=None, split=Split(tr, va, te), dim=8, lr=1e-9, negatives=4,
                 batch_size=2048, device="cpu", runs_root=tmp_path, **settings)


def test_patience_stops_training_once_validation_mrr_stops_improving(tmp_path: Path) -> None:
    result = _umls_run(tmp_path, epochs=30, patience=2)
    assert result.epochs_trained == 3 and result.stopped_early  # best at epoch 1, then 2 without gain
    assert result.config["patience"] == 2 and result.history["eval_epochs"] == [1, 2, 3]


def test_without_patience_every_epoch_runs(tmp_path: Path) -> None:
    result = _umls_run(tmp_path, epochs=4)
    assert result.epochs_trained == 4 and not result.stopped_early


def test_a_patience_below_one_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="patience"):
        _umls_run(tmp_path, epochs=4, patience=0)
    assert list(tmp_path.iterdir()) == []
