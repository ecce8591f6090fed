"""Fixture paths and small helpers for the loader tests (tests/loaders/)."""

from __future__ import annotations

import gzip
from pathlib import Path

from repurpose.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures"
HETIONET_NODES = FIXTURES / "hetionet" / "hetionet-slice-nodes.tsv"
HETIONET_EDGES = FIXTURES / "hetionet" / "hetionet-slice-edges.sif.gz"
HETIONET_JSON = FIXTURES / "hetionet-json" / "hetionet-handmade.json"
DRKG_TREATS = FIXTURES / "drkg" / "drugbank-treats.tsv"
DRKG_TARGETS = FIXTURES / "drkg" / "drugbank-targets-head2000.tsv"
PRIMEKG = FIXTURES / "primekg" / "kg-handmade.csv"
UMLS = FIXTURES / "umls"


def graph_totals(store: GraphStore) -> tuple[int, int]:
    """(nodes, relationships) in the whole database."""
    nodes = store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    rels = store.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return nodes, rels


def sif_rows(path: Path) -> list[list[str]]:
    """The data rows of a (gzipped) SIF or TSV file with a header, read independently of the loader."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle][1:]
