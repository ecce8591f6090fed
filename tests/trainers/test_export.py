"""Export from the real embedded ArcadeDB server (same triples and text as the source files, cached)
and ``platform train`` on it."""

from __future__ import annotations

import pytest

import json
import time
from pathlib import Path

import numpy as np
from helpers import last_json, run_cli

from repurpose.trainers.data import read_nodes_and_edges
from repurpose.trainers.export import cached_export, export_graph, graph_fingerprint
from repurpose.trainers.gnn import ENCODERS

SLICE = Path(__file__).parents[1] / "fixtures" / "hetionet-writeback"


def _load_graph(store, data) -> None:
    """Write the slice with plain UNWIND/CREATE queries, text vectors on every third compound."""
    kinds = sorted(set(data.entity_kinds))
    for kind in kinds:
        rows = [{"id": e, "name": e.split("::")[-1]} for e, k in zip(data.entity_ids, data.entity_kinds) if k == kind]
        store.write(f"UNWIND $rows AS r CREATE (n:Entity:`{kind}` {{id: r.id, name: r.name}})", rows=rows)
    for r, rel in enumerate(data.relation_types):
        sel = data.triples[data.triples[:, 1] == r]
        rows = [{"s": data.entity_ids[h], "t": data.entity_ids[t]} for h, _, t in sel.tolist()]
        store.write(f"UNWIND $rows AS r MATCH (a:Entity {{id: r.s}}) MATCH (b:Entity {{id: r.t}}) "
                    f"CREATE (a)-[:`{rel}`]->(b)", rows=rows)
    text = [{"id": e, "name": [float(i), 1.0, 0.0], "desc": [0.5, float(i), 2.0]}
            for i, e in enumerate(data.entity_ids) if e.startswith("Compound::") and i % 3 == 0]
    store.write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) "
                "SET n.nameEmbedding = r.name, n.descriptionEmbedding = r.desc", rows=text)
    # a written-back prediction, which must never become training data
    store.write("MATCH (a:Compound), (b:Disease) WITH a, b LIMIT 1 CREATE (a)-[:PREDICTED_TREATS {score: 0.9}]->(b)")


def test_predictions_and_external_evidence_leave_export_and_fingerprint_alone(store) -> None:
    _load_graph(store, read_nodes_and_edges(SLICE / "nodes.tsv", SLICE / "edges.tsv"))
    before, _ = graph_fingerprint(store, "llm")
    store.write("MATCH (b:Disease) WITH b LIMIT 1 CREATE (:ModelRun {runId: 'r'})-[:PREDICTED {edges: 1}]->(b)")
    store.write("MATCH (a:Compound), (b:Disease) WITH a, b LIMIT 1 CREATE (a)-[:INDICATED_IN {source: 'x'}]->(b)")
    assert graph_fingerprint(store, "llm")[0] == before
    assert not {"PREDICTED", "PREDICTED_TREATS", "INDICATED_IN"} & set(export_graph(store, "llm").relation_types)


def test_export_matches_source_and_is_cached(store, tmp_path) -> None:
    source = read_nodes_and_edges(SLICE / "nodes.tsv", SLICE / "edges.tsv")
    _load_graph(store, source)

    start = time.perf_counter()
    data, from_cache = cached_export(store, tmp_path, "llm")
    seconds = time.perf_counter() - start
    assert not from_cache
    print(f"exported {len(data.triples)} edges in {seconds:.2f} s")

    assert sorted(data.entity_ids) == sorted(source.entity_ids)
    assert "PREDICTED_TREATS" not in data.relation_types
    assert sorted(data.relation_types) == sorted(source.relation_types)
    as_ids = {(data.entity_ids[h], data.relation_types[r], data.entity_ids[t]) for h, r, t in data.triples.tolist()}
    expected = {(source.entity_ids[h], source.relation_types[r], source.entity_ids[t])
                for h, r, t in source.triples.tolist()}
    assert as_ids == expected and len(data.triples) == len(source.triples)
    kinds = dict(zip(data.entity_ids, data.entity_kinds))
    assert kinds == dict(zip(source.entity_ids, source.entity_kinds))

    features, mask = data.text_features()
    i = source.entity_ids.index(next(e for e in source.entity_ids if e.startswith("Compound::")))
    row = features[data.entity_ids.index(source.entity_ids[i])]
    np.testing.assert_allclose(row, [float(i), 1.0, 0.0, 0.5, float(i), 2.0])
    assert mask.sum() == sum(1 for j, e in enumerate(source.entity_ids) if e.startswith("Compound::") and j % 3 == 0)

    again, from_cache = cached_export(store, tmp_path, "llm")
    assert from_cache and again.fingerprint == data.fingerprint
    np.testing.assert_array_equal(again.triples, data.triples)
    np.testing.assert_array_equal(again.name_vectors, data.name_vectors)
    assert graph_fingerprint(store, "none")[0] != data.fingerprint

    store.write("MATCH (a:Compound), (b:Disease) WITH a, b SKIP 3 LIMIT 1 CREATE (a)-[:CtD]->(b)")
    changed, from_cache = cached_export(store, tmp_path, "llm")
    assert not from_cache and len(changed.triples) == len(data.triples) + 1


def test_export_without_text_has_no_vectors(store) -> None:
    source = read_nodes_and_edges(SLICE / "nodes.tsv", SLICE / "edges.tsv")
    _load_graph(store, source)
    # a bare Entity (no kind label), an id-less Entity and a non-Entity node with edges of an exported type
    store.write("CREATE (:Entity {id: 'Bare::1'}), (:Entity {name: 'no id'})")
    store.write("MATCH (b:Disease) WITH b LIMIT 1 CREATE (:Other {id: 'o'})-[:CtD]->(b)")
    store.write("MATCH (a:Compound), (n:Entity {name: 'no id'}) WITH a, n LIMIT 1 CREATE (a)-[:CtD]->(n)")
    data = export_graph(store, "none")
    assert data.text_features() is None and len(data.triples) == len(source.triples)
    assert dict(zip(data.entity_ids, data.entity_kinds))["Bare::1"] == "Entity"
    assert len(data.entity_ids) == len(source.entity_ids) + 1


@pytest.mark.one_server("a training through the CLI (62 s on Neo4j); the export it reads is tested on Neo4j in this file")
def test_platform_train_cli(store, cli_env, settings) -> None:
    source = read_nodes_and_edges(SLICE / "nodes.tsv", SLICE / "edges.tsv")
    _load_graph(store, source)
    args = ("train", "--target", "CtD", "--model", "distmult", "--dim", "32", "--epochs", "3", "--lr", "0.01",
            "--batch-size", "256", "--negatives", "32", "--device", "cpu", "--json")
    first = run_cli(*args, env=cli_env)
    assert first.returncode == 0, first.stderr
    out = last_json(first.stdout)
    assert not out["export_cached"]
    assert out["run_id"] and out["triples_per_second"] > 0 and out["peak_memory_mb"] > 0
    assert out["export_seconds"] > 0 and 0 < out["evaluate_seconds"] < out["train_seconds"] + 60
    test = out["metrics"]["test"]
    for value in (test["filtered"]["mrr"], test["filtered"]["hits_at_10"], test["auroc"], test["paper50"]["mrr"]):
        assert 0.0 <= value <= 1.0
    assert (Path(settings.data_dir) / "runs" / out["run_id"] / "model.pt").is_file()
    assert last_json(run_cli(*args, env=cli_env).stdout)["export_cached"]
    # the R-GCN runs the whole graph every batch, so its default batch is large
    rgcn = last_json(run_cli("train", "--target", "CtD", "--model", "rotate", "--encoder", "rgcn", "--dim", "16",
                             "--epochs", "1", "--device", "cpu", "--json", env=cli_env).stdout)
    config = json.loads((Path(rgcn["run_dir"]) / "config.json").read_text())
    assert (config["encoder"], config["batch_size"]) == ("rgcn", ENCODERS["rgcn"].batch_size) == ("rgcn", 32768)

    wrong = run_cli("train", "--target", "TREATS_CtD", "--epochs", "1", env=cli_env)
    assert wrong.returncode == 2 and "not a relationship type" in wrong.stderr

    small = ("train", "--target", "CtD", "--model", "distmult", "--text", "llm", "--dim", "16", "--epochs", "1",
             "--device", "cpu", "--json")
    kinds = last_json(run_cli(*small, "--text-kinds", "Compound", env=cli_env).stdout)
    assert json.loads((Path(kinds["run_dir"]) / "config.json").read_text())["text_kinds"] == ["Compound"]
    runs = set((Path(settings.data_dir) / "runs").iterdir())
    typo = run_cli(*small, "--text-kinds", "Compund", env=cli_env)
    assert typo.returncode == 2 and "Compund are not entity kinds" in typo.stderr
    assert set((Path(settings.data_dir) / "runs").iterdir()) == runs  # refused before a run directory exists
