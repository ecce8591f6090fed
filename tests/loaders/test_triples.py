"""Triples loader: the real UMLS KG (train/valid/test), whitespace-separated files, a nodes table."""

from __future__ import annotations

import bz2

import pytest
from loader_support import UMLS, graph_totals

from repurpose.errors import InputError
from repurpose.loaders import LoadOptions, load_dataset


def _triples():
    return [line.split("\t") for f in ("train.txt", "valid.txt", "test.txt")
            for line in (UMLS / f).read_text(encoding="utf-8").splitlines() if line]


def test_umls_loads_as_concepts(store, tmp_path):
    triples = _triples()
    packed = tmp_path / "test.txt.bz2"  # bz2 read transparently
    packed.write_bytes(bz2.compress((UMLS / "test.txt").read_bytes()))
    summary = load_dataset(store, "triples", UMLS / "train.txt", UMLS / "valid.txt", packed,
                           options=LoadOptions(name="umls"))
    entities = {h for h, _, _ in triples} | {t for _, _, t in triples}
    assert summary.node_count == len(entities) == 135
    assert summary.edge_count == len(set(map(tuple, triples)))
    assert summary.nodes == {"Concept": 135}
    assert graph_totals(store) == (136, summary.edge_count)
    h, r, t = triples[0]
    rows = store.read("MATCH (a:Concept {id: $h})-[e]->(b:Concept {id: $t}) WHERE e.relation = $r "
                      "RETURN type(e) AS type, e.source AS src, a.name AS name, a.datasets AS ds", h=h, t=t, r=r)
    assert rows == [{"type": r.upper(), "src": "train.txt", "name": h, "ds": ["umls"]}]


def test_space_separated_triples_with_nodes_table(store, tmp_path):
    edges = tmp_path / "train.txt"
    edges.write_text("Compound::DB00331 treats Disease::DOID:9352\nGene::5468  interacts_with   Gene::3630\n",
                     encoding="utf-8")
    nodes = tmp_path / "nodes.tsv"
    nodes.write_text("id\tname\tkind\nCompound::DB00331\tMetformin\tCompound\n"
                     "Disease::DOID:9352\ttype 2 diabetes mellitus\tDisease\nGene::5468\tPPARG\tGene\n"
                     "Gene::3630\tINS\tGene\n", encoding="utf-8")
    summary = load_dataset(store, "triples", edges, nodes=nodes)
    assert summary.nodes == {"Compound": 1, "Disease": 1, "Gene": 2}
    assert summary.edges == {"INTERACTS_WITH": 1, "TREATS": 1}
    got = store.read("MATCH (c:Compound)-[:TREATS]->(d:Disease) RETURN c.name AS c, d.name AS d")
    assert got == [{"c": "Metformin", "d": "type 2 diabetes mellitus"}]
    assert str(nodes) in store.read("MATCH (d:Dataset {name: 'triples'}) RETURN d.files AS f")[0]["f"]


def test_nodes_table_makes_unknown_endpoints_an_error(store, tmp_path):
    edges = tmp_path / "train.txt"
    edges.write_text("a\tr\tb\na\tr\tc\n", encoding="utf-8")
    nodes = tmp_path / "nodes.tsv"
    nodes.write_text("id\tname\na\tA\nb\tB\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"train.txt:2: edge to a missing node 'c'"):
        load_dataset(store, "triples", edges, nodes=nodes)
    assert graph_totals(store) == (0, 0)
