"""Write-back fixtures: a real Hetionet slice in a fresh database and a tiny model trained on it.

The slice (tests/fixtures/hetionet-writeback, built by its make_slice.py) is ten diseases with
their treating/palliating compounds, shared genes and pharmacologic classes: 703 nodes, 3,896
edges. The model is a real ``repurpose.trainers.train()`` run (DistMult, dim 32, a few epochs)
saved under the test database's data directory, so the CLI finds it by id.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import torch

from repurpose.config import Settings
from repurpose.cypher_safety import identifier
from repurpose.store import GraphStore

SLICE = Path(__file__).parents[1] / "fixtures" / "hetionet-writeback"
#: Hetionet's Neo4j relationship type for each metaedge abbreviation in the slice.
REL_TYPES = {"CtD": "TREATS_CtD", "CpD": "PALLIATES_CpD", "CbG": "BINDS_CbG", "DaG": "ASSOCIATES_DaG",
             "PCiC": "INCLUDES_PCiC", "CrC": "RESEMBLES_CrC", "DrD": "RESEMBLES_DrD"}


def read_slice() -> tuple[list[dict], list[tuple[str, str, str]]]:
    """Nodes (id, name, label) and edges (source, relationship type, target) of the slice."""
    with open(SLICE / "nodes.tsv", encoding="utf-8") as f:
        nodes = [{"id": r["id"], "name": r["name"], "label": r["kind"].replace(" ", "")}
                 for r in csv.DictReader(f, delimiter="\t")]
    with open(SLICE / "edges.tsv", encoding="utf-8") as f:
        edges = [(r["source"], REL_TYPES[r["metaedge"]], r["target"]) for r in csv.DictReader(f, delimiter="\t")]
    return nodes, edges


def seed_slice(store: GraphStore, skip_edges: set[tuple[str, str, str]] = frozenset()) -> None:
    """Load the slice into ``store`` (labels Entity + kind, Hetionet relationship types)."""
    nodes, edges = read_slice()
    by_label: dict[str, list[dict]] = defaultdict(list)
    for n in nodes:
        by_label[n["label"]].append(n)
    for label, rows in by_label.items():
        store.write_batches(f"UNWIND $rows AS row MERGE (n:Entity:{identifier(label)} {{id: row.id}}) "
                            "SET n.name = row.name", rows, batch_size=5000)
    by_type: dict[str, list[dict]] = defaultdict(list)
    for s, t, o in edges:
        if (s, t, o) not in skip_edges:
            by_type[t].append({"s": s, "t": o})
    for rel, rows in by_type.items():
        store.write_batches(f"UNWIND $rows AS row MATCH (a:Entity {{id: row.s}}) MATCH (b:Entity {{id: row.t}}) "
                            f"CREATE (a)-[:{identifier(rel)}]->(b)", rows, batch_size=5000)


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
    data = TripleData(ids, rels, triples, entity_kinds=[n["label"] for n in nodes], fingerprint="hetionet-slice")
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
