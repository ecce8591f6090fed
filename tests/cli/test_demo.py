"""``platform demo --quick`` end to end on the embedded server, on a CI-sized Hetionet slice."""

from __future__ import annotations

import pytest

from databases import ENGINE
from helpers import last_json, run_cli
from repurpose.store import GraphStore
from conftest import FIXTURES

SLICE = FIXTURES / "hetionet"
ARGS = ("demo", "--quick", "--nodes", str(SLICE / "hetionet-slice-nodes.tsv"),
        "--edges", str(SLICE / "hetionet-slice-edges.sif.gz"), "--json")


@pytest.mark.one_server("the whole pipeline (110 s on Neo4j); each graph step runs on Neo4j in its own tests, and `platform demo --quick` on full Hetionet ran on Neo4j by hand (README, Using Neo4j)")
def test_demo_quick_end_to_end_then_resume(store: GraphStore, cli_env: dict[str, str]) -> None:
    first = run_cli(*ARGS, env=cli_env, timeout=900)
    assert first.returncode == 0, first.stderr[-3000:]
    result = last_json(first.stdout)
    stages = {s["name"]: s for s in result["stages"]}
    assert len(stages) == 5 and not any(s["skipped"] for s in stages.values())
    run_id = result["run_id"]
    assert run_id and result["metrics"]["test_filtered_mrr"] > 0

    counts = store.counts()
    assert counts["labels"]["Compound"] == 1552 and counts["labels"]["Disease"] == 137
    assert counts["relationships"]["TREATS_CtD"] == 755
    described = store.read("MATCH (n:Compound) WHERE n.description IS NOT NULL AND n.descriptionEmbedding IS NOT NULL "
                           "RETURN count(n) AS n")[0]["n"]
    assert described > 1500  # the shipped LLM descriptions, embedded
    predicted = store.read("MATCH (c:Compound)-[p:PREDICTED_TREATS {runId: $r}]->(d:Disease) "
                           "OPTIONAL MATCH (c)-[t:TREATS_CtD]->(d) RETURN count(p) AS n, count(t) AS known",
                           r=run_id)[0]
    assert predicted["n"] == stages["write back predictions"]["detail"]["edges"] > 0
    assert predicted["known"] == 0  # curated treatments are not written as predictions

    # Three diseases (Alzheimer's, Parkinson's, MS are in the slice), ten predictions each, best first,
    # each marked known/novel as the graph says and carrying an explanation.
    assert [b["disease_id"] for b in result["predictions"]] == [
        "Disease::DOID:10652", "Disease::DOID:14330", "Disease::DOID:2377"]
    for block in result["predictions"]:
        rows = block["predictions"]
        assert len(rows) == 10
        assert all(a["score"] >= b["score"] for a, b in zip(rows, rows[1:]))
        for row in rows:
            known = store.read("MATCH (:Compound {id: $c})-[t:TREATS_CtD]->(:Disease {id: $d}) RETURN count(t) AS n",
                               c=row["compoundId"], d=block["disease_id"])[0]["n"] > 0
            assert row["status"] == ("known" if known else "novel") and row["explanation"]
    assert run_id in result["query"] and result["browse"].startswith("run `platform serve` and open http://127.0.0.1:")
    web_console = f"; or {ENGINE.console[0]} at http://127.0.0.1:" if ENGINE.console else None
    assert (web_console in result["browse"]) if web_console else ("; or" not in result["browse"])

    again = run_cli(*ARGS, env=cli_env, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    second = last_json(again.stdout)
    assert all(s["skipped"] for s in second["stages"]), second["stages"]
    assert second["run_id"] == run_id and second["predictions"] == result["predictions"]
    assert store.counts() == counts
