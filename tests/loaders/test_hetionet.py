"""Hetionet loader: the real slice (nodes TSV + gzipped SIF), the JSON format, the shipped files."""

from __future__ import annotations

from pathlib import Path

from loader_support import HETIONET_EDGES, HETIONET_JSON, HETIONET_NODES, graph_totals, sif_rows

from repurpose.loaders import LoadOptions, load_dataset
from repurpose.loaders.hetionet import METAEDGES, TYPES, HetionetLoader
from repurpose.loaders.staging import stage

DATA = Path(__file__).parent.parent.parent / "data" / "hetionet"


def test_slice_counts_and_exact_records(store, hetionet_expected):
    summary = load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES)
    assert summary.node_count == hetionet_expected["nodes"]
    assert summary.edge_count == hetionet_expected["edges"]
    assert graph_totals(store) == (hetionet_expected["nodes"] + 1, hetionet_expected["edges"])  # + Dataset
    counts = store.counts()["relationships"]
    assert counts == {TYPES[m]: n for m, n in hetionet_expected["per_metaedge"].items()}
    assert counts["TREATS_CtD"] == 755 and "REGULATES_GrG" in counts
    metformin = store.read("MATCH (c:Compound {id: 'Compound::DB00331'}) "
                           "RETURN c.name AS name, labels(c) AS labels, c.identifier AS identifier, c.datasets AS ds")
    assert metformin == [{"name": "Metformin", "labels": metformin[0]["labels"], "identifier": "DB00331",
                          "ds": ["hetionet"]}]
    assert {"Entity", "Compound"} <= set(metformin[0]["labels"])
    treats = store.read("MATCH (:Compound {id: 'Compound::DB00331'})-[r:TREATS_CtD]->(d:Disease) "
                        "RETURN d.name AS disease, r.source AS source, r.dataset AS dataset ORDER BY disease")
    names = {row[0]: row[1] for row in sif_rows(HETIONET_NODES)}
    expected = sorted(names[t] for s, m, t in sif_rows(HETIONET_EDGES) if s == "Compound::DB00331" and m == "CtD")
    assert [r["disease"] for r in treats] == expected
    assert treats and all(r["source"] == "Hetionet v1.0" and r["dataset"] == "hetionet" for r in treats)
    bp = store.read("MATCH (n:PharmacologicClass) RETURN count(n) AS n")[0]["n"]
    assert bp == sum(1 for row in sif_rows(HETIONET_NODES) if row[2] == "Pharmacologic Class")
    dataset = store.read("MATCH (d:Dataset {name: 'hetionet'}) RETURN d")[0]["d"]
    assert dataset["nodeCount"] == hetionet_expected["nodes"] and dataset["edgeCount"] == hetionet_expected["edges"]
    assert len(dataset["sha256"]) == 2 and dataset["loadedAt"]


def test_reload_is_idempotent_and_replace_starts_over(store, hetionet_expected):
    load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES)
    before = graph_totals(store)
    again = load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES)
    assert set(again.edge_modes.values()) == {"skip"}
    assert graph_totals(store) == before
    merged = load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES, options=LoadOptions(edge_mode="merge"))
    assert sum(merged.written_edges.values()) == hetionet_expected["edges"]
    assert graph_totals(store) == before
    replaced = load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES, options=LoadOptions(replace=True))
    assert replaced.removed_edges == hetionet_expected["edges"]
    assert replaced.removed_nodes == hetionet_expected["nodes"]
    assert graph_totals(store) == before


def test_json_format(store, tmp_path):
    import bz2

    packed = tmp_path / "hetionet-v1.0.json.bz2"
    packed.write_bytes(bz2.compress(HETIONET_JSON.read_bytes()))
    summary = load_dataset(store, "hetionet", packed)
    assert summary.nodes == {"Compound": 1, "Disease": 1, "Gene": 2, "SideEffect": 1}
    assert summary.edges == {"ASSOCIATES_DaG": 1, "BINDS_CbG": 1, "CAUSES_CcSE": 1, "INTERACTS_GiG": 1, "TREATS_CtD": 1}
    gene = store.read("MATCH (g:Gene {id: 'Gene::5468'}) RETURN g.name AS name, g.chromosome AS chr, g.source AS src")
    assert gene == [{"name": "PPARG", "chr": "3", "src": "Entrez Gene"}]
    # the Gene -> Disease 'associates' edge is turned around to the metaedge's Disease -> Gene direction
    assoc = store.read("MATCH (d:Disease)-[r:ASSOCIATES_DaG]->(g:Gene) RETURN d.name AS d, g.name AS g, "
                       "r.unbiased AS unbiased, r.sources AS sources")
    assert assoc == [{"d": "type 2 diabetes mellitus", "g": "INS", "unbiased": True,
                      "sources": ["DISEASES", "DisGeNET", "GWAS Catalog"]}]
    treats = store.read("MATCH (:Compound)-[r:TREATS_CtD]->(:Disease) RETURN r.source AS s")
    assert treats == [{"s": "PharmacotherapyDB"}]
    assert store.read("MATCH (s:SideEffect) RETURN s.id AS id") == [{"id": "Side Effect::C0011991"}]


def test_metaedge_table_matches_shipped_metaedges_tsv():
    rows = sif_rows(DATA / "metaedges.tsv")
    table = {abbrev: tuple(part for part in metaedge.replace(" > ", " - ").split(" - "))
             for metaedge, abbrev, *_ in rows}
    assert table == METAEDGES
    assert TYPES["CtD"] == "TREATS_CtD" and TYPES["Gr>G"] == "REGULATES_GrG" and TYPES["PCiC"] == "INCLUDES_PCiC"
    assert TYPES["CcSE"] == "CAUSES_CcSE" and TYPES["GpPW"] == "PARTICIPATES_GpPW" and TYPES["AeG"] == "EXPRESSES_AeG"


def test_shipped_nodes_file_reads():
    """The gzipped nodes file shipped in data/ parses completely (the edges are covered by the benchmark)."""
    loader = HetionetLoader()
    staged = stage(loader, loader.read([DATA / "hetionet-v1.0-nodes.tsv.gz"]))
    assert staged.node_count == 47031
    assert staged.nodes["Compound::DB00014"].name == "Goserelin"
    assert {n.kind for n in staged.nodes.values()} >= {"BiologicalProcess", "SideEffect", "PharmacologicClass"}
