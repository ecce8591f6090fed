"""Write-back on a real Hetionet slice with a really trained run, against the embedded ArcadeDB."""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest
from repurpose import writeback
from repurpose.config import Settings
from repurpose.store import GraphStore


def predicted(store: GraphStore, run_id: str) -> list[dict]:
    return store.read("MATCH (c:Compound)-[p:PREDICTED_TREATS]->(d:Disease) WHERE p.runId = $r "
                      "RETURN c.id AS c, d.id AS d, p.score AS score, p.probability AS probability, p.rank AS rank, "
                      "p.compoundRank AS compoundRank, p.diseaseRank AS diseaseRank, p.writeId AS writeId", r=run_id)


def write(run, store: GraphStore, **options) -> dict:
    return writeback.write(run, store, writeback.plan(run, store, **options))


def test_top_k_per_compound_leaves_out_known_pairs(slice_store: GraphStore, run_id: str, settings: Settings,
                                                   curated_pairs: set) -> None:
    run = writeback.open_run(run_id, settings)
    result = write(run, slice_store, top_k=3)
    rows = predicted(slice_store, run_id)
    known = curated_pairs
    compounds = [e for e in run.entity_ids if e.startswith("Compound::")]
    diseases = [e for e in run.entity_ids if e.startswith("Disease::")]
    allowed = Counter(c for c in compounds for d in diseases if (c, d) not in known)
    assert result["edges"] == len(rows) == sum(min(3, n) for n in allowed.values())
    assert not {(r["c"], r["d"]) for r in rows} & known, "a curated treatment was written as a prediction"
    per_compound: dict[str, list[dict]] = {}
    for r in rows:
        per_compound.setdefault(r["c"], []).append(r)
    for c, mine in per_compound.items():
        mine.sort(key=lambda r: r["rank"])
        assert [r["rank"] for r in mine] == list(range(1, len(mine) + 1))
        assert all(a["score"] >= b["score"] for a, b in zip(mine, mine[1:])), c
    probs = np.array([r["probability"] for r in sorted(rows, key=lambda r: r["score"])])
    assert ((probs > 0) & (probs < 1)).all() and (np.diff(probs) >= -1e-12).all()
    meta = slice_store.read("MATCH (m:ModelRun {runId: $r}) RETURN properties(m) AS m", r=run_id)[0]["m"]
    assert meta["currentWriteId"] == result["write_id"] and meta["edgeCount"] == len(rows)
    links = slice_store.read("MATCH (:ModelRun {runId: $r})-[l:PREDICTED]->(d:Disease) RETURN d.id AS d, l.edges AS n",
                             r=run_id)
    assert sum(link["n"] for link in links) == len(rows)


def test_include_known_and_per_disease_and_both(slice_store: GraphStore, run_id: str, settings: Settings,
                                                curated_pairs: set) -> None:
    run = writeback.open_run(run_id, settings)
    n_compounds = sum(e.startswith("Compound::") for e in run.entity_ids)
    write(run, slice_store, top_k=10, include_known=True)  # every pair: the slice has 10 diseases
    rows = predicted(slice_store, run_id)
    assert len(rows) == n_compounds * 10
    assert curated_pairs <= {(r["c"], r["d"]) for r in rows}

    write(run, slice_store, top_k=4, per="disease")
    rows = predicted(slice_store, run_id)
    assert len(rows) == 10 * 4 and Counter(r["d"] for r in rows) == Counter({d: 4 for d in {r["d"] for r in rows}})
    assert all(r["rank"] == r["diseaseRank"] and r["compoundRank"] is None for r in rows)

    p = writeback.plan(run, slice_store, top_k=2, per="both")
    writeback.write(run, slice_store, p)
    rows = predicted(slice_store, run_id)
    by_compound = sum(1 for r in rows if r["compoundRank"] is not None)
    by_disease = sum(1 for r in rows if r["diseaseRank"] is not None)
    both = sum(1 for r in rows if r["compoundRank"] is not None and r["diseaseRank"] is not None)
    assert len(rows) == by_compound + by_disease - both and by_disease == 10 * 2
    assert all(r["rank"] == (r["compoundRank"] or r["diseaseRank"]) for r in rows)


def test_rerun_replaces_cleanly_and_leaves_other_runs(slice_store: GraphStore, run_id: str, settings: Settings) -> None:
    run = writeback.open_run(run_id, settings)
    other = dataclasses.replace(run, run_id=run_id + "-other")
    first_other = write(other, slice_store, top_k=2)
    first = write(run, slice_store, top_k=3)
    second = write(run, slice_store, top_k=3)
    rows = predicted(slice_store, run_id)
    assert len(rows) == first["edges"] == second["edges"] and second["removed_stale"] == first["edges"]
    assert {r["writeId"] for r in rows} == {second["write_id"]}
    assert len({(r["c"], r["d"]) for r in rows}) == len(rows)
    other_rows = predicted(slice_store, other.run_id)
    assert len(other_rows) == first_other["edges"] and {r["writeId"] for r in other_rows} == {first_other["write_id"]}

    assert writeback.delete_run(slice_store, run_id)["edges_removed"] == len(rows)
    assert predicted(slice_store, run_id) == []
    assert slice_store.read("MATCH (m:ModelRun {runId: $r}) RETURN count(m) AS n", r=run_id)[0]["n"] == 0
    assert len(predicted(slice_store, other.run_id)) == first_other["edges"]
    with pytest.raises(writeback.RunNotFound, match=other.run_id):
        writeback.delete_run(slice_store, run_id)


def test_interrupted_write_is_invisible_and_a_rerun_completes(slice_store: GraphStore, run_id: str,
                                                               settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    run = writeback.open_run(run_id, settings)
    first = write(run, slice_store, top_k=3)
    real_rows = writeback.edge_rows

    def crash_half_way(*args, **kwargs):
        for i, row in enumerate(real_rows(*args, **kwargs)):
            if i == first["edges"] // 2:
                raise KeyboardInterrupt
            yield row

    monkeypatch.setattr(writeback, "edge_rows", crash_half_way)
    p = writeback.plan(run, slice_store, top_k=3)
    with pytest.raises(KeyboardInterrupt):
        writeback.write(run, slice_store, p, batch_size=100)
    monkeypatch.setattr(writeback, "edge_rows", real_rows)
    visible = slice_store.read(
        "MATCH (m:ModelRun {runId: $r}) MATCH ()-[p:PREDICTED_TREATS]->() WHERE p.runId = m.runId "
        "RETURN sum(CASE WHEN p.writeId = m.currentWriteId THEN 1 ELSE 0 END) AS current, count(p) AS all", r=run_id)[0]
    assert visible["current"] == first["edges"] < visible["all"], "readers must still see exactly the old set"

    again = writeback.write(run, slice_store, p)
    rows = predicted(slice_store, run_id)
    assert len(rows) == again["edges"] == first["edges"]
    assert len({(r["c"], r["d"]) for r in rows}) == len(rows), "duplicate prediction for a pair"
    assert {r["writeId"] for r in rows} == {again["write_id"]}


def test_graph_changed_since_training_is_refused(slice_store: GraphStore, run_id: str, settings: Settings) -> None:
    run = writeback.open_run(run_id, settings)
    slice_store.write("MERGE (n:Entity:Disease {id: 'Disease::DOID:0000001'}) SET n.name = 'new disease'")
    with pytest.raises(writeback.GraphChanged, match=r"1 diseases in the graph are not in the run.*DOID:0000001"):
        writeback.plan(run, slice_store)
    slice_store.write("MATCH (n:Disease {id: 'Disease::DOID:0000001'}) DETACH DELETE n")
    slice_store.write("MATCH (n:Compound {id: 'Compound::DB00843'}) DETACH DELETE n")
    with pytest.raises(writeback.GraphChanged, match=r"1 compounds of the run are not in the graph.*DB00843"):
        writeback.plan(run, slice_store)
    assert predicted(slice_store, run_id) == []


def test_unknown_run_lists_the_available_ones(run_id: str, settings: Settings) -> None:
    with pytest.raises(writeback.RunNotFound, match=f"no run 'nope'.*available runs: .*{run_id}"):
        writeback.open_run("nope", settings)


def test_fingerprint_change_with_the_same_vocabulary_warns(slice_store: GraphStore, run_id: str,
                                                           settings: Settings) -> None:
    from repurpose.trainers.export import graph_fingerprint

    run = writeback.open_run(run_id, settings)
    now, _ = graph_fingerprint(slice_store)
    assert writeback.plan(dataclasses.replace(run, fingerprint=now), slice_store, top_k=1).warnings == []
    notes = writeback.plan(dataclasses.replace(run, fingerprint="0123456789abcdef"), slice_store, top_k=1).warnings
    assert len(notes) == 1 and now in notes[0] and "edges or text vectors changed" in notes[0]


def test_first_write_interrupted_then_completed(slice_store: GraphStore, run_id: str, settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run = writeback.open_run(run_id, settings)
    p = writeback.plan(run, slice_store, top_k=3)
    real_rows = writeback.edge_rows

    def crash_after_200(*args, **kwargs):
        for i, row in enumerate(real_rows(*args, **kwargs)):
            if i == 200:
                raise KeyboardInterrupt
            yield row

    monkeypatch.setattr(writeback, "edge_rows", crash_after_200)
    with pytest.raises(KeyboardInterrupt):
        writeback.write(run, slice_store, p, batch_size=50)
    monkeypatch.setattr(writeback, "edge_rows", real_rows)
    assert len(predicted(slice_store, run_id)) == 200  # written batches stay, invisible: no currentWriteId yet
    done = writeback.write(run, slice_store, p)
    rows = predicted(slice_store, run_id)
    assert done["removed_stale"] == 200 and len(rows) == len(p.selection) == done["edges"]
    assert {r["writeId"] for r in rows} == {done["write_id"]}
