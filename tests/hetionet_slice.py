"""The write-back tests' Hetionet slice (tests/fixtures/hetionet-writeback): read it, load it into a store.

A module at the tests root so that test files can import it (``from hetionet_slice import ...``);
the slice is ten diseases with their treating/palliating compounds, shared genes and
pharmacologic classes: 703 nodes, 3,896 edges, built by the fixture's make_slice.py.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path

from repurpose.cypher_safety import identifier
from repurpose.store import GraphStore

SLICE = Path(__file__).parent / "fixtures" / "hetionet-writeback"
#: Hetionet's Neo4j relationship type for each metaedge abbreviation in the slice.
REL_TYPES = {"CtD": "TREATS_CtD", "CpD": "PALLIATES_CpD", "CbG": "BINDS_CbG", "DaG": "ASSOCIATES_DaG",
             "PCiC": "INCLUDES_PCiC", "CrC": "RESEMBLES_CrC", "DrD": "RESEMBLES_DrD"}


@functools.lru_cache(maxsize=1)
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


def train_slice_run(runs_root: Path, seed: int = 0) -> Path:
    """A real tiny run trained on the slice (DistMult, dim 32, 3 epochs) under ``runs_root``; its directory."""
    import numpy as np
    import torch

    from repurpose.trainers.data import TripleData
    from repurpose.trainers.train import train

    torch.set_num_threads(2)
    nodes, edges = read_slice()
    ids = [n["id"] for n in nodes]
    index = {e: i for i, e in enumerate(ids)}
    rels = sorted({t for _, t, _ in edges})
    triples = np.array([(index[s], rels.index(t), index[o]) for s, t, o in edges], np.int64)
    data = TripleData(ids, rels, triples, entity_kinds=[n["label"] for n in nodes])
    result = train(data, model="distmult", dim=32, epochs=3, negatives=16, batch_size=256, chunk_size=64,
                   lr=0.01, device="cpu", seed=seed, runs_root=runs_root, target="TREATS_CtD", split="random")
    return result.run_dir
