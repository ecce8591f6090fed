"""DRKG loader: real DrugBank rows in DRKG format; type mapping keeps the original relation."""

from __future__ import annotations

from loader_support import DRKG_TARGETS, DRKG_TREATS, FIXTURES, graph_totals

from repurpose.loaders import load_dataset, relation_type


def test_drkg_files_load_with_types_kinds_and_relation_property(store):
    rows = [line.split("\t") for f in (DRKG_TREATS, DRKG_TARGETS) for line in f.read_text(encoding="utf-8").splitlines()]
    unique = {(h, r, t) for h, r, t in rows}
    ids = {h for h, _, _ in rows} | {t for _, _, t in rows}
    summary = load_dataset(store, "drkg", DRKG_TREATS, DRKG_TARGETS)
    assert summary.edge_count == len(unique) and summary.duplicate_edges == len(rows) - len(unique)
    assert summary.node_count == len(ids)
    assert graph_totals(store) == (len(ids) + 1, len(unique))
    assert summary.nodes == {k: sum(1 for i in ids if i.startswith(f"{k}::")) for k in ("Compound", "Disease", "Gene")}
    edge = store.read("MATCH (c:Compound {id: 'Compound::DB00004'})-[r:DRUGBANK_TREATS_COMPOUND_DISEASE]->"
                      "(d:Disease {id: 'Disease::MESH:C063419'}) RETURN r.relation AS rel, r.source AS src, "
                      "c.name AS cname, labels(d) AS labels")
    assert edge[0]["rel"] == "DRUGBANK::treats::Compound:Disease" and edge[0]["src"] == "DRUGBANK"
    assert edge[0]["cname"] == "Compound::DB00004" and "Entity" in edge[0]["labels"]
    relations = {r for _, r, _ in rows}
    assert set(store.counts()["relationships"]) == {relation_type(r) for r in relations}


def test_relation_type_rule_is_one_to_one_over_all_drkg_relations():
    names = FIXTURES.joinpath("drkg", "relation-names.tsv").read_text(encoding="utf-8").split("\n")[1:]
    names = [n for n in names if n]
    assert len(names) == 107
    types = {relation_type(n) for n in names}
    assert len(types) == len(names)
    assert relation_type("DRUGBANK::treats::Compound:Disease") == "DRUGBANK_TREATS_COMPOUND_DISEASE"
    assert relation_type("GNBR::A+::Compound:Gene") == "GNBR_A_PLUS_COMPOUND_GENE"
    assert relation_type("GNBR::A-::Compound:Gene") == "GNBR_A_MINUS_COMPOUND_GENE"
    assert relation_type("Hetionet::CcSE::Compound:Side Effect") == "HETIONET_CCSE_COMPOUND_SIDE_EFFECT"
