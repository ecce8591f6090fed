"""Integration: RotatE on the real UMLS graph, trained for under a minute, then loaded back."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from repurpose.trainers.data import read_triples_files
from repurpose.trainers.evaluate import filtered_ranks
from repurpose.trainers.metrics import mrr
from repurpose.trainers.runs import RunDir, load_run
from repurpose.trainers.split import Split
from repurpose.trainers.train import train

UMLS = Path(__file__).parents[1] / "fixtures" / "umls"


@pytest.fixture(scope="module")
def umls_run(tmp_path_factory: pytest.TempPathFactory):
    data, (tr, va, te) = read_triples_files([UMLS / "train.txt", UMLS / "valid.txt", UMLS / "test.txt"])
    runs_root = tmp_path_factory.mktemp("runs")
    # CPU time, not wall time: other jobs share these 2 cores, and one thread keeps spin-waits out.
    start = time.process_time()
    result = train(data, model="rotate", target=None, split=Split(tr, va, te), dim=100, epochs=20, lr=0.02,
                   negatives=64, batch_size=256, chunk_size=32, margin=6.0, eval_every=5, device="cpu",
                   seed=0, runs_root=runs_root, num_threads=1)
    seconds = time.process_time() - start
    torch.set_num_threads(2)
    return data, result, seconds, runs_root


def test_rotate_reaches_mrr_on_umls_within_a_minute(umls_run) -> None:
    data, result, seconds, _ = umls_run
    assert seconds < 60, f"training took {seconds:.0f} CPU seconds"
    assert result.metrics["test"]["count"] == 661
    assert result.metrics["test"]["filtered"]["mrr"] >= 0.6
    assert result.metrics["test"]["filtered"]["hits_at_10"] > result.metrics["test"]["filtered"]["hits_at_1"]
    assert result.triples_per_second > 0 and result.peak_memory_mb > 0 and result.evaluate_seconds > 0


def test_run_directory_holds_everything(umls_run) -> None:
    _, result, _, _ = umls_run
    names = {p.name for p in result.run_dir.iterdir()}
    assert {"config.json", "vocab.json", "split.npz", "model.pt", "metrics.json", "results.json",
            "loss.png", "validation_mrr.png"} <= names
    saved = json.loads((result.run_dir / "results.json").read_text())
    assert saved["run_id"] == result.run_id and saved["config"]["seed"] == 0
    assert len(saved["history"]["loss"]) == 20


def test_loaded_run_scores_like_the_trained_model(umls_run) -> None:
    data, result, _, runs_root = umls_run
    run = load_run(result.run_id, runs_root)
    assert run.entity_ids == data.entity_ids and run.relation_types == data.relation_types
    test = run.split.test
    ranks = filtered_ranks(run.embeddings, test, data.triples, [np.arange(data.num_entities)] * data.num_relations,
                           "tail")
    assert mrr(ranks) == pytest.approx(result.metrics["test"]["filtered"]["tail"]["mrr"])
    rel = int(test[0, 1])
    matrix = run.score(torch.tensor(test[:3, 0]), torch.arange(data.num_entities), relation=rel)
    assert matrix.shape == (3, data.num_entities) and not matrix.requires_grad
    assert matrix[0, test[0, 2]].item() == pytest.approx(
        run.embeddings.score_triples(*(torch.tensor([v]) for v in test[0])).item(), rel=1e-5)
    assert RunDir.all(runs_root)[0].summary()["run_id"] == result.run_id


def test_rgcn_rotate_learns_umls_and_loads_back(tmp_path: Path) -> None:
    data, (tr, va, te) = read_triples_files([UMLS / "train.txt", UMLS / "valid.txt", UMLS / "test.txt"])
    result = train(data, model="rotate", encoder="rgcn", target=None, split=Split(tr, va, te), dim=100, epochs=20,
                   lr=0.02, negatives=64, batch_size=256, chunk_size=32, margin=6.0, eval_every=5, device="cpu",
                   seed=0, runs_root=tmp_path, num_threads=1)
    torch.set_num_threads(2)
    # measured 0.749 (plain RotatE with these settings: 0.686)
    assert result.metrics["test"]["filtered"]["mrr"] >= 0.6
    run = load_run(result.run_id, tmp_path)
    tail = filtered_ranks(run.embeddings, te, data.triples, [np.arange(data.num_entities)] * data.num_relations, "tail")
    assert mrr(tail) == pytest.approx(result.metrics["test"]["filtered"]["tail"]["mrr"])
