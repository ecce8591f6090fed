"""Write-back fixtures: a real Hetionet slice in a fresh database and a tiny model trained on it.

The slice is tests/fixtures/hetionet-writeback (see tests/hetionet_slice.py). The model is a
real ``repurpose.trainers.train()`` run (DistMult, dim 32, a few epochs) saved under the test database's data directory, so the CLI finds it by id.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hetionet_slice import read_slice, seed_slice, train_slice_run

from repurpose.config import Settings
from repurpose.store import GraphStore


@pytest.fixture(scope="session")
def trained_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run trained once per session on the slice; its directory (copy it per test)."""
    return train_slice_run(tmp_path_factory.mktemp("runs"))


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
