"""Write-back fixtures: a real Hetionet slice in a fresh database and a tiny model trained on it.

The slice is tests/fixtures/hetionet-writeback (see tests/hetionet_slice.py). The model is a
real ``repurpose.trainers.train()`` run (DistMult, dim 32, a few epochs) saved under the test database's data directory, so the CLI finds it by id.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from hetionet_slice import read_slice, seed_slice

from repurpose.config import Settings
from repurpose.store import GraphStore


@pytest.fixture(scope="session")
def trained_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run trained once per session on the slice; its directory (copy it per test)."""
    from repurpose.trainers.data import TripleData
    from repurpose.trainers.train import train

    torch.set_num_threads(2)
    nodes, edges = read_slice()
    ids = [n["id"] for n in nodes]
    index = {e: i for i, e in enumerate(ids)}
    rels = sorted({t for _, t, _ in edges})
    triples = np.array([(index[s], rels.index(t), index[o]) for s, t, o in edges], np.int64)
    data = TripleData(ids, rels, triples, entity_kinds=[n["label"] for n in nodes])
    root = tmp_path_factory.mktemp("runs")
    result = train(data, model="distmult", dim=32, epochs=3, negatives=16, batch_size=256, chunk_size=64,
                   lr=0.01, device="cpu", seed=0, runs_root=root, target="TREATS_CtD", split="random")
    return result.run_dir


@pytest.fixture()
def slice_store(store: GraphStore) -> GraphStore:
    """The test's fresh database with the slice loaded."""
    seed_slice(store)
    return store


@pytest.fixture()
def run_id(trained_run_dir: Path, settings: Settings) -> str:
    """The trained run copied into this test's ``<data_dir>/runs`` (so the CLI finds it by id)."""
    import shutil

    target = Path(settings.data_dir) / "runs" / trained_run_dir.name
    if not target.exists():
        shutil.copytree(trained_run_dir, target)
    return trained_run_dir.name


@pytest.fixture(scope="session")
def curated_pairs() -> set[tuple[str, str]]:
    """(compound id, disease id) of the slice's TREATS_CtD edges."""
    _, edges = read_slice()
    return {(s, o) for s, t, o in edges if t == "TREATS_CtD"}
