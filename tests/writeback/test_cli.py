"""The writeback, runs, query and indications commands as a user runs them (console script, --json)."""

from __future__ import annotations

import torch
from helpers import last_json, run_cli
from hetionet_slice import SLICE

from repurpose.store import GraphStore


def test_writeback_runs_query_round_trip(slice_store: GraphStore, run_id: str, cli_env: dict[str, str]) -> None:
    dry = run_cli("writeback", "--run", run_id, "--top-k", "3", "--dry-run", "--device", "cpu", "--json", env=cli_env)
    assert dry.returncode == 0, dry.stderr
    planned = last_json(dry.stdout)
    assert planned["dry_run"] and planned["selected"] > 0 and planned["compounds"] == 333 and planned["diseases"] == 10
    assert slice_store.read("MATCH ()-[p:PREDICTED_TREATS]->() RETURN count(p) AS n")[0]["n"] == 0

    done = run_cli("writeback", "--run", run_id, "--top-k", "3", "--json", env=cli_env)
    assert done.returncode == 0, done.stderr
    written = last_json(done.stdout)
    assert written["edges"] == planned["selected"] == slice_store.read(
        "MATCH ()-[p:PREDICTED_TREATS {runId: $r}]->() RETURN count(p) AS n", r=run_id)[0]["n"]
    assert 0 < written["top"][0]["probability"] < 1

    listed = last_json(run_cli("runs", "--json", env=cli_env).stdout)["runs"]
    mine = [r for r in listed if r["run_id"] == run_id]
    assert len(mine) == 1 and mine[0]["edges"] == written["edges"] and mine[0]["on_disk"]
    assert mine[0]["model"] == "distmult" and mine[0]["test_mrr"] is not None

    loaded = run_cli("indications", str(SLICE / "drugcentral-indications.tsv"), "--json", env=cli_env)
    assert loaded.returncode == 0, loaded.stderr
    assert last_json(loaded.stdout)["written"] == 273

    out = run_cli("query", "top_predictions_for_disease", "--param", "disease=Alzheimer's disease",
                  "--param", "limit=500", "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    result = last_json(out.stdout)
    assert result["params"] == {"disease": "Disease::DOID:10652", "run": run_id, "limit": 500}
    assert result["count"] == slice_store.read(
        "MATCH ()-[p:PREDICTED_TREATS {runId: $r}]->(:Disease {id: 'Disease::DOID:10652'}) RETURN count(p) AS n",
        r=run_id)[0]["n"] > 0
    table = run_cli("query", "explain_prediction", "--param", "compound=donepezil",
                    "--param", "disease=Alzheimer's disease", env=cli_env)
    assert table.returncode == 0 and "shared gene" in table.stdout and "external indication" in table.stdout

    gone = run_cli("runs", "delete", run_id, "--json", env=cli_env)
    assert gone.returncode == 0 and last_json(gone.stdout)["edges_removed"] == written["edges"]
    assert slice_store.read("MATCH ()-[p:PREDICTED_TREATS]->() RETURN count(p) AS n")[0]["n"] == 0


def test_errors_name_the_valid_choices(run_id: str, cli_env: dict[str, str]) -> None:
    bad_run = run_cli("writeback", "--run", "no-such-run", env=cli_env)
    assert bad_run.returncode == 1 and "available runs:" in bad_run.stderr and run_id in bad_run.stderr
    if not torch.cuda.is_available():  # with a GPU, tests/trainers/test_devices.py scores on it instead
        no_gpu = run_cli("writeback", "--run", run_id, "--device", "cuda", env=cli_env)
        assert no_gpu.returncode == 2 and "--device" in no_gpu.stderr and "no CUDA device" in no_gpu.stderr
    bad_query = run_cli("query", "top_predictions", env=cli_env)
    assert bad_query.returncode == 1 and "no query named 'top_predictions'" in bad_query.stderr
    assert "top_predictions_for_disease" in bad_query.stderr
    bad_param = run_cli("query", "model_runs", "--param", "disease=x", env=cli_env)
    assert bad_param.returncode == 1 and "has no parameter disease; its parameters: none" in bad_param.stderr
    delete_unknown = run_cli("runs", "delete", "no-such-run", env=cli_env)
    assert delete_unknown.returncode == 1 and "no ModelRun 'no-such-run'" in delete_unknown.stderr

    listing = run_cli("query", "--list", "--json", env=cli_env)
    names = {q["name"] for q in last_json(listing.stdout)["queries"]}
    assert {"top_predictions_for_disease", "explain_prediction", "compare_runs"} <= names
