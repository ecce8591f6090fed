"""Every query of the cypher/ library runs on the embedded ArcadeDB and returns the expected rows.

One module-scoped database: the Hetionet slice, DrugCentral indications, and two written runs
(A: every pair including known ones; B: top 2 per compound). Expected rows are computed in
Python from the fixture files and from the write-back's own selection, not from the graph.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterator

import databases
import pytest
from hetionet_slice import SLICE, read_slice, seed_slice

from repurpose import querylib, writeback
from repurpose.config import Settings
from repurpose.indications import load_indications, read_indications
from repurpose.store import GraphStore

AD, PD = "Disease::DOID:10652", "Disease::DOID:14330"


@dataclasses.dataclass
class Library:
    store: GraphStore
    run_a: str
    run_b: str
    pairs_a: dict[tuple[str, str], dict]  # (compound, disease) -> {score, probability, rank}
    pairs_b: dict[tuple[str, str], dict]
    names: dict[str, str]


def _pairs(run, p) -> dict[tuple[str, str], dict]:
    sel = p.selection
    return {(run.entity_ids[h], run.entity_ids[t]): {"score": float(s), "probability": float(pr), "rank": int(r)}
            for h, t, s, pr, r in zip(sel.heads, sel.tails, sel.scores, p.probabilities, sel.rank)}


@pytest.fixture(scope="module")
def lib(server_settings: Settings, trained_run_dir: Path) -> Iterator[Library]:
    settings = databases.fresh(server_settings, "q")
    with GraphStore.connect(settings) as store:
        store.apply_schema()
        seed_slice(store)
        load_indications(store, SLICE / "drugcentral-indications.tsv")
        from repurpose.trainers.runs import load_run

        run_a = load_run(trained_run_dir)
        run_b = dataclasses.replace(run_a, run_id=run_a.run_id + "-b")
        plan_a = writeback.plan(run_a, store, top_k=10, include_known=True)
        plan_b = writeback.plan(run_b, store, top_k=2)
        writeback.write(run_a, store, plan_a)
        writeback.write(run_b, store, plan_b)
        names = {n["id"]: n["name"] for n in read_slice()[0]}
        yield Library(store, run_a.run_id, run_b.run_id, _pairs(run_a, plan_a), _pairs(run_b, plan_b), names)


@functools.lru_cache(maxsize=1)
def curated() -> frozenset[tuple[str, str]]:
    return frozenset((s, o) for s, t, o in read_slice()[1] if t.startswith("TREATS"))


@functools.lru_cache(maxsize=1)
def adjacency() -> dict[tuple[str, str], set[str]]:
    """(node, relationship type) -> neighbours, both directions (reverse types prefixed '~')."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, t, o in read_slice()[1]:
        out[(s, t)].add(o)
        out[(o, "~" + t)].add(s)
    return out


def check_top_predictions_for_disease(lib: Library) -> None:
    _, rows, params = querylib.run(lib.store, "top_predictions_for_disease",
                                   {"disease": "alzheimer's DISEASE", "run": lib.run_a, "limit": 1000})
    assert params["disease"] == AD
    expected = {c: v for (c, d), v in lib.pairs_a.items() if d == AD}
    assert {r["compoundId"] for r in rows} == set(expected)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    known = {c for c, d in curated() if d == AD}
    assert known and {r["compoundId"] for r in rows if r["status"] == "known"} == known
    assert all(abs(r["probability"] - expected[r["compoundId"]]["probability"]) < 1e-6 for r in rows)
    _, rows, params = querylib.run(lib.store, "top_predictions_for_disease", {"disease": AD, "limit": 3})
    assert len(rows) == 3 and params["run"] in (lib.run_a, lib.run_b)  # 'latest' resolves to a written run


def check_best_diseases_for_compound(lib: Library) -> None:
    _, rows, _ = querylib.run(lib.store, "best_diseases_for_compound", {"compound": "Donepezil", "run": lib.run_b})
    expected = {d for (c, d) in lib.pairs_b if c == "Compound::DB00843"}
    assert {r["diseaseId"] for r in rows} == expected and len(rows) == 2
    assert [r["compoundRank"] for r in sorted(rows, key=lambda r: -r["score"])] == [1, 2]
    assert all(r["status"] == "novel" for r in rows)  # run B left known treatments out


def evidence(compound: str, disease: str) -> dict[str, set]:
    """The explain_prediction evidence of one pair, computed from the fixture files."""
    adj = adjacency()
    treats = {c for c, d in curated() if d == disease}
    genes = adj[(compound, "BINDS_CbG")] & adj[(disease, "ASSOCIATES_DaG")]
    via_class = {o for pc in adj[(compound, "~INCLUDES_PCiC")] for o in adj[(pc, "INCLUDES_PCiC")]} & treats - {compound}
    similar = (adj[(compound, "RESEMBLES_CrC")] | adj[(compound, "~RESEMBLES_CrC")]) & treats - {compound}
    indicated = {(r["c"], r["d"]) for r in read_indications(SLICE / "drugcentral-indications.tsv")}
    return {"shared gene": genes, "pharmacologic class shared with a treatment": via_class,
            "similar compound that treats it": similar,
            "external indication": {"DrugCentral"} if (compound, disease) in indicated else set()}


def check_explain_prediction(lib: Library) -> None:
    compounds = sorted({c for c, _ in lib.pairs_a})
    # the pair with the most kinds of evidence, so that every row is exercised with real counts
    best = max(((c, d) for c in compounds[:120] for d in (AD, PD)),
               key=lambda pair: (sum(bool(v) for v in evidence(*pair).values()), pair))
    for compound, disease in (best, ("Compound::DB00843", PD)):
        _, rows, _ = querylib.run(lib.store, "explain_prediction",
                                  {"compound": lib.names[compound], "disease": disease, "examples": 100})
        got = {r["evidence"]: r for r in rows}
        want = evidence(compound, disease)
        assert set(got) == set(want)
        for kind, members in want.items():
            assert got[kind]["count"] == len(members), (compound, disease, kind)
        assert set(got["shared gene"]["examples"]) == {lib.names[g] for g in want["shared gene"]}
    assert sum(bool(v) for v in evidence(*best).values()) >= 2


def check_compare_runs(lib: Library) -> None:
    _, rows, _ = querylib.run(lib.store, "compare_runs", {"run_a": lib.run_a, "run_b": lib.run_b,
                                                          "disease": "Alzheimer's disease", "limit": 1000})
    in_a = {c for c, d in lib.pairs_a if d == AD}
    in_b = {c for c, d in lib.pairs_b if d == AD}
    by_name = {lib.names[c]: c for c in in_a | in_b}
    assert len(rows) == len(in_a | in_b)
    for r in rows:
        c = by_name[r["compound"]]
        assert r["predictedBy"] == {(True, True): "both", (True, False): "only A", (False, True): "only B"}[
            (c in in_a, c in in_b)]
        assert r["rankA"] == (lib.pairs_a[(c, AD)]["rank"] if c in in_a else None)
        assert r["rankB"] == (lib.pairs_b[(c, AD)]["rank"] if c in in_b else None)
    _, rows, _ = querylib.run(lib.store, "compare_runs", {"run_a": lib.run_a, "run_b": lib.run_b, "limit": 5})
    assert len(rows) == 5


def check_novel_predictions_with_evidence(lib: Library) -> None:
    _, rows, _ = querylib.run(lib.store, "novel_predictions_with_evidence",
                              {"run": lib.run_a, "source": "DrugCentral", "limit": 10_000})
    indicated = {(r["c"], r["d"]) for r in read_indications(SLICE / "drugcentral-indications.tsv")}
    expected = {pair for pair in lib.pairs_a if pair in indicated and pair not in curated()}
    assert expected, "the seeded case needs novel predictions with DrugCentral support"
    assert {(lib.names[c], lib.names[d]) for c, d in expected} == {(r["compound"], r["disease"]) for r in rows}
    assert all(r["sources"] == ["DrugCentral"] for r in rows)
    _, rows, _ = querylib.run(lib.store, "novel_predictions_with_evidence", {"run": lib.run_a, "source": "Elsewhere"})
    assert rows == []


def check_model_runs(lib: Library) -> None:
    _, rows, _ = querylib.run(lib.store, "model_runs", {})
    assert {r["runId"]: r["edges"] for r in rows} == {lib.run_a: len(lib.pairs_a), lib.run_b: len(lib.pairs_b)}


#: One check per library query; the meta-test below fails when a query has none.
CASES: dict[str, Callable[[Library], None]] = {
    "top_predictions_for_disease": check_top_predictions_for_disease,
    "best_diseases_for_compound": check_best_diseases_for_compound,
    "explain_prediction": check_explain_prediction,
    "compare_runs": check_compare_runs,
    "novel_predictions_with_evidence": check_novel_predictions_with_evidence,
    "model_runs": check_model_runs,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_library_query(name: str, lib: Library) -> None:
    CASES[name](lib)


def test_every_library_query_and_file_has_a_test() -> None:
    queries = querylib.library()
    assert set(queries) == set(CASES), f"queries without a test: {sorted(set(queries) - set(CASES))}"
    from repurpose import cypher

    untested = set(cypher.files()) - {q.file for q in queries.values()} - querylib.SKIP_FILES
    internal = {f for f in untested if not any(q.public for q in cypher.blocks(f).values())}
    assert untested == internal, f"library files without a tested query: {sorted(untested - internal)}"
    assert all(q.description and q.text for q in queries.values())


def test_library_queries_are_read_only() -> None:
    from repurpose.cypher_safety import write_clauses

    assert {name: write_clauses(q.text) for name, q in querylib.library().items() if write_clauses(q.text)} == {}


def test_bad_names_and_parameters(lib: Library) -> None:
    with pytest.raises(querylib.QueryError, match="no query named 'nope'; available: .*top_predictions_for_disease"):
        querylib.run(lib.store, "nope")
    with pytest.raises(querylib.QueryError, match="has no parameter dise; its parameters: disease, limit, run"):
        querylib.run(lib.store, "top_predictions_for_disease", {"dise": "x"})
    with pytest.raises(querylib.QueryError, match=r"needs --param disease=\.\.\."):
        querylib.run(lib.store, "top_predictions_for_disease", {})
    with pytest.raises(querylib.QueryError, match="no Disease with id or name 'alzheimer'.*did you mean Alzheimer's disease"):
        querylib.run(lib.store, "top_predictions_for_disease", {"disease": "alzheimer"})
    with pytest.raises(querylib.QueryError, match="no ModelRun 'nope' with predictions.*" + lib.run_a):
        querylib.run(lib.store, "top_predictions_for_disease", {"disease": AD, "run": "nope"})
    with pytest.raises(querylib.QueryError, match="--param limit: expected int"):
        querylib.run(lib.store, "top_predictions_for_disease", {"disease": AD, "limit": "many"})
