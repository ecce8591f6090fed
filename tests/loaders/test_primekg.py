"""PrimeKG loader: a hand-made kg.csv in PrimeKG's columns with realistic rows."""

from __future__ import annotations

import csv

from loader_support import PRIMEKG, graph_totals

from repurpose.loaders import load_dataset


def test_primekg_nodes_edges_and_properties(store):
    with open(PRIMEKG, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ends = {(r[f"{s}_type"], r[f"{s}_source"], r[f"{s}_id"]) for r in rows for s in "xy"}
    summary = load_dataset(store, "primekg", PRIMEKG)
    assert summary.node_count == len(ends) and summary.edge_count == len(rows)
    assert graph_totals(store) == (len(ends) + 1, len(rows))
    assert summary.edges["PROTEIN_PROTEIN"] == sum(r["relation"] == "protein_protein" for r in rows)
    indication = store.read(
        "MATCH (c:Compound)-[r:INDICATION]->(d:Disease {id: 'Disease::MONDO:5148'}) "
        "RETURN c.id AS c, c.name AS name, r.relation AS rel, r.displayRelation AS disp, r.source AS src, "
        "d.name AS disease, d.primekgIndex AS idx")
    assert indication == [{"c": "Compound::DrugBank:DB00331", "name": "Metformin", "rel": "indication",
                           "disp": "indication", "src": "PrimeKG", "disease": "type 2 diabetes mellitus", "idx": 27165}]
    off_label = store.read("MATCH ()-[r:OFF_LABEL_USE]->(d) RETURN d.name AS d, r.relation AS rel")
    assert off_label == [{"d": "polycystic ovary syndrome", "rel": "off-label use"}]
    exposure = store.read("MATCH (e:Exposure) RETURN e.name AS name, e.id AS id")
    assert exposure == [{"name": "1,2-Dichloroethane", "id": "Exposure::CTD:D019308"}]
    assert store.read("MATCH (p:Phenotype {name: 'Hyperglycemia'}) RETURN p.id AS id") == [{"id": "Phenotype::HPO:3074"}]
