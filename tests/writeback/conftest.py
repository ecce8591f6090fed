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


@pytest.fixture(scope="session")
def second_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second real run on the slice, with another seed (another split, other figures), to compare with."""
    return train_slice_run(tmp_path_factory.mktemp("second-run"), seed=1)


@pytest.fixture()
def slice_store(store: GraphStore) -> GraphStore:
    """The test's fresh database with the slice loaded."""
    seed_slice(store)
    return store


def _copied(run_dir: Path, settings: Settings) -> str:
    """``run_dir`` copied into the test's ``<data_dir>/runs`` (so the CLI finds it by id); its id."""
    import shutil

    target = Path(settings.data_dir) / "runs" / run_dir.name
    if not target.exists():
        shutil.copytree(run_dir, target)
    return run_dir.name


@pytest.fixture()
def run_id(trained_run_dir: Path, settings: Settings) -> str:
    """The trained run, copied where the CLI finds it by id."""
    return _copied(trained_run_dir, settings)


@pytest.fixture()
def second_run_id(second_run_dir: Path, settings: Settings) -> str:
    """The second run, copied where the CLI finds it by id."""
    return _copied(second_run_dir, settings)


@pytest.fixture(scope="session")
def curated_pairs() -> set[tuple[str, str]]:
    """(compound id, disease id) of the slice's TREATS_CtD edges."""
    _, edges = read_slice()
    return {(s, o) for s, t, o in edges if t == "TREATS_CtD"}
