"""Reliability fixtures: reference graphs built by uninterrupted runs, two tiny trained runs, killable servers.

References live in their own databases on the session's server (tests/conftest.py). A test that
kills a server uses ``fault_dir``: a data directory of its own whose server is always stopped at
the end, so the session's server is never touched.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import databases
import pytest
from fault_support import Snapshot, snapshot, stop_server
from hetionet_slice import seed_slice, train_slice_run
from loader_support import HETIONET_EDGES, HETIONET_NODES

from repurpose import writeback
from repurpose.config import Settings
from repurpose.loaders import load_dataset
from repurpose.store import GraphStore


def write_back(store: GraphStore, settings: Settings, run_id: str) -> dict:
    """What ``platform writeback --run RUN_ID`` does with its defaults, in this process."""
    run = writeback.open_run(run_id, settings)
    return writeback.write(run, store, writeback.plan(run, store))


@pytest.fixture(scope="session")
def slice_runs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two runs trained on the write-back slice with different seeds (so their predictions differ)."""
    root = tmp_path_factory.mktemp("reliability-runs")
    return [train_slice_run(root, seed) for seed in (0, 1)]


@pytest.fixture()
def runs_in(slice_runs: list[Path]):  # noqa: ANN201
    """A function copying both runs into a data directory's ``runs/``; returns their ids."""
    def copy(data_dir: Path) -> list[str]:
        for run_dir in slice_runs:
            target = Path(data_dir) / "runs" / run_dir.name
            if not target.exists():
                shutil.copytree(run_dir, target)
        return [run_dir.name for run_dir in slice_runs]
    return copy


@pytest.fixture(scope="session")
def load_reference(server_settings: Settings) -> Snapshot:
    """The graph after one uninterrupted load of the Hetionet fixture slice."""
    with GraphStore.connect(databases.fresh(server_settings, "r")) as store:
        load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES)
        return snapshot(store)


@pytest.fixture(scope="session")
def writeback_reference(server_settings: Settings, slice_runs: list[Path]) -> tuple[Snapshot, Snapshot]:
    """The write-back slice after an uninterrupted write-back of the first run, then of both, one after the other."""
    settings = databases.fresh(server_settings, "r")
    target = settings.runs_dir
    with GraphStore.connect(settings) as store:
        store.apply_schema()
        seed_slice(store)
        out = []
        for run_dir in slice_runs:
            if not (target / run_dir.name).exists():
                shutil.copytree(run_dir, target / run_dir.name)
            write_back(store, settings, run_dir.name)
            out.append(snapshot(store))
    return out[0], out[1]


@pytest.fixture()
def slice_db(settings: Settings) -> Settings:
    """The test's fresh database holding the write-back slice."""
    with GraphStore.connect(settings) as store:
        store.apply_schema()
        seed_slice(store)
    return settings


@pytest.fixture()
def fault_dir(tmp_path: Path) -> Iterator[Path]:
    """A data directory whose embedded server a test may kill; whatever server runs there is stopped at the end."""
    data_dir = tmp_path / "platform-data"
    try:
        yield data_dir
    finally:
        stop_server(data_dir)
