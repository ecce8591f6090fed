"""Leak control and external validation through the CLI, on the Hetionet slice in the real server.

``platform train --text-mask partners`` encodes the partner-masked descriptions (real MiniLM) and
trains on them; the masked vectors do not depend on the split. ``platform validate`` scores a run
and the degree prior on DrugCentral pairs it never trained on.
"""

from __future__ import annotations

import pytest

import json
from pathlib import Path

import numpy as np
from hetionet_slice import SLICE
from helpers import last_json, run_cli

from repurpose.text_encoder import load_encoder

DONEPEZIL, ALZHEIMER = "Compound::DB00843", "Disease::DOID:10652"
TEXTS = {DONEPEZIL: "Donepezil is a cholinesterase inhibitor used in Alzheimer's disease.",
         ALZHEIMER: "Alzheimer's disease is a dementia; donepezil and galantamine are given."}


def _masked_vectors(store) -> dict[str, list[float]]:  # noqa: ANN001
    rows = store.read("MATCH (n:Entity) WHERE n.descriptionMaskedEmbedding IS NOT NULL "
                      "RETURN n.id AS id, n.descriptionMaskedEmbedding AS v")
    return {r["id"]: r["v"] for r in rows}


@pytest.mark.one_server("masked embed, two trainings and validate (86 s on Neo4j); embed with --text-mask, export and write-back run on Neo4j in tests/enrich, tests/trainers and tests/writeback")
def test_masked_training_and_validation(slice_store, cli_env, settings) -> None:
    slice_store.write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n.description = r.text",
                      rows=[{"id": k, "text": v} for k, v in TEXTS.items()])
    embedded = run_cli("embed", "--label", "Compound", "--label", "Disease", "--json", env=cli_env)
    assert embedded.returncode == 0, embedded.stderr
    assert not _masked_vectors(slice_store)  # unmasked embed writes no masked vectors

    args = ("train", "--model", "text-cosine", "--text", "llm", "--text-mask", "partners", "--json")
    first = run_cli(*args, "--seed", "0", env=cli_env)
    assert first.returncode == 0, first.stderr
    masked = _masked_vectors(slice_store)
    assert set(masked) == set(TEXTS)
    encoder = load_encoder()
    want = encoder.encode(["Donepezil is a cholinesterase inhibitor used in.",
                           "Alzheimer's disease is a dementia; and are given."])
    for node_id, vector in zip(TEXTS, want):
        np.testing.assert_allclose(masked[node_id], vector, atol=1e-4)

    second = run_cli(*args, "--seed", "1", env=cli_env)  # another split, same masked text
    out1, out2 = last_json(first.stdout), last_json(second.stdout)
    split1 = np.load(Path(out1["run_dir"]) / "split.npz")["test"]
    split2 = np.load(Path(out2["run_dir"]) / "split.npz")["test"]
    assert not np.array_equal(split1, split2)
    assert _masked_vectors(slice_store) == masked and out2["export_cached"]
    assert "0 nodes encoded" in second.stderr
    config = json.loads((Path(out1["run_dir"]) / "config.json").read_text())
    assert (config["text_mask"], config["model"], config["interaction"]) == ("partners", "text-cosine", "distmult")

    degree = last_json(run_cli("train", "--model", "degree", "--json", env=cli_env).stdout)
    check = run_cli("validate", "--run", degree["run_id"], "--pairs", str(SLICE / "drugcentral-indications.tsv"),
                    "--json", env=cli_env)
    assert check.returncode == 0, check.stderr
    got = last_json(check.stdout)
    assert got["pairs_file"]["columns"] == ["drugbank_id", "doid_id"]  # found by matching ids
    assert got["model"]["positives"] > 0 and got["file_pairs_trained_on"] > 0
    # the degree run is the degree prior: every figure agrees
    assert got["model"]["auroc"] == got["degree_prior"]["auroc"]
    assert 0.0 <= got["model"]["within_disease_auroc"] <= 1.0
    assert json.loads((Path(degree["run_dir"]) / "validation.json").read_text())["run_id"] == degree["run_id"]

    report = run_cli("report", degree["run_id"], "--no-graph", "--json", env=cli_env)
    assert report.returncode == 0, report.stderr
    page = Path(last_json(report.stdout)["path"]).read_text()
    assert "<h2>External validation</h2>" in page and "AUROC within disease" in page

    human = run_cli("validate", "--run", degree["run_id"], "--pairs", str(SLICE / "drugcentral-indications.tsv"),
                    env=cli_env)
    assert "AUROC within disease" in human.stdout and "degree prior" in human.stdout
    wrong = run_cli("validate", "--run", degree["run_id"], "--pairs", str(SLICE / "drugcentral-indications.tsv"),
                    "--id-columns", "drug,nope", env=cli_env)
    assert wrong.returncode == 1 and "no column nope" in wrong.stderr and "drugcentral-indications.tsv" in wrong.stderr
    blended = run_cli("train", "--model", "distmult", "--text", "llm", "--text-mask", "partners", "--blend",
                      "degree,text-cosine", "--dim", "16", "--epochs", "2", "--json", env=cli_env)
    assert blended.returncode == 0, blended.stderr
    blend_run = last_json(blended.stdout)
    assert set(blend_run["blend"]) == {"distmult", "degree", "text-cosine"}
    wrote = run_cli("writeback", "--run", blend_run["run_id"], "--top-k", "5", "--json", env=cli_env)
    assert wrote.returncode == 0, wrote.stderr
    assert last_json(wrote.stdout)["edges"] > 0
    no_text = run_cli("train", "--model", "degree", "--text-mask", "partners", env=cli_env)
    assert no_text.returncode == 2 and "--text-mask needs a text mode" in no_text.stderr
