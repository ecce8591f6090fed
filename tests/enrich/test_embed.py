"""Real MiniLM vectors on 50 nodes: dimension, which texts, and re-runs that skip unchanged text."""

from __future__ import annotations

import math

import pytest
import torch
from helpers import run_cli

from repurpose.enrich.embed import changed_fields, embed, updated_hash
from repurpose.errors import ConfigError
from repurpose.text_encoder import load_encoder, resolve_precision

MODEL = "all-MiniLM-L6-v2"


@pytest.fixture(scope="session")
def encoder():  # noqa: ANN201
    """MiniLM, loaded once for the whole session (about 8 s)."""
    return load_encoder(MODEL)


def vectors(store) -> dict[str, dict]:  # noqa: ANN001
    rows = store.read("MATCH (n:Entity) RETURN n.id AS id, n.nameEmbedding AS name, n.descriptionEmbedding AS d, "
                      "n.curatedDescriptionEmbedding AS c, n.embeddingModel AS model, n.embeddingHash AS hash")
    return {r["id"]: r for r in rows}


def test_fifty_nodes_get_real_vectors_and_unchanged_text_is_skipped(store, seed, compounds, encoder):
    nodes = compounds[:50]
    seed(nodes)
    store.write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n.description = r.description",
                rows=[{"id": c["id"], "description": c["description"]} for c in nodes[:40]])
    store.write("MATCH (n:Entity {id: $id}) SET n.curatedDescription = $text", id=nodes[0]["id"],
                text="A curated sentence about this drug.")
    stats = embed(store, encoder, MODEL, labels=("Compound",), precision="fp32")
    assert (stats.nodes, stats.updated, stats.unchanged, stats.dimension) == (50, 50, 0, 384)
    assert stats.texts == 50 + 40 + 1
    got = vectors(store)
    for i, c in enumerate(nodes):
        row = got[c["id"]]
        assert len(row["name"]) == 384 and row["model"] == MODEL
        assert math.isclose(sum(x * x for x in row["name"]), 1.0, rel_tol=1e-3)  # MiniLM normalises
        assert (row["d"] is not None) == (i < 40) and (row["c"] is not None) == (i == 0)
    first = got[nodes[0]["id"]]
    expected = encoder.encode([nodes[0]["name"]])[0]
    assert max(abs(a - b) for a, b in zip(first["name"], expected)) < 1e-4

    again = embed(store, encoder, MODEL, labels=("Compound",))
    assert (again.updated, again.unchanged, again.texts) == (0, 50, 0)

    store.write("MATCH (n:Entity {id: $id}) SET n.description = $text", id=nodes[45]["id"],
                text="A new description, written after the first run.")
    third = embed(store, encoder, MODEL, labels=("Compound",))
    assert (third.updated, third.unchanged, third.texts) == (1, 49, 1)
    assert vectors(store)[nodes[45]["id"]]["name"] == got[nodes[45]["id"]]["name"]


def test_bf16_vectors_stay_within_cosine_of_fp32(store, seed, compounds, encoder):
    nodes = compounds[:20]
    seed(nodes)
    store.write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n.description = r.description",
                rows=[{"id": c["id"], "description": c["description"]} for c in nodes])
    stats = embed(store, encoder, MODEL, labels=("Compound",), precision="bf16", overwrite=True)
    assert (stats.precision, stats.updated, stats.texts) == ("bf16", 20, 40)
    got = vectors(store)
    expected = encoder.encode([c["description"] for c in nodes], normalize_embeddings=True)
    # bfloat16 matmuls did run: the vectors are not the fp32 ones to the last digits
    assert max(abs(a - b) for c, want in zip(nodes, expected) for a, b in zip(got[c["id"]]["d"], want)) > 1e-5
    for c, want in zip(nodes, expected):
        have = got[c["id"]]["d"]
        cosine = sum(a * b for a, b in zip(have, want)) / math.sqrt(sum(a * a for a in have))
        assert cosine > 0.9995  # measured >= 0.99997 on 500 LLM descriptions


def test_precision_auto_resolves_to_a_concrete_one():
    assert resolve_precision("fp32") == "fp32" and resolve_precision("bf16") == "bf16"
    assert resolve_precision("auto") in {"fp32", "bf16"}
    with pytest.raises(ConfigError, match="unknown precision 'fp16'"):
        resolve_precision("fp16")


def test_changed_fields_compares_each_text_hash():
    texts = ["Aspirin", "Aspirin is a drug.", None]
    stored = updated_hash("m", texts, None)
    assert changed_fields("m", texts, stored) == []
    assert changed_fields("m", ["Aspirin", "Aspirin is an NSAID.", None], stored) == [1]
    assert changed_fields("m", ["Aspirin", None, None], stored) == [1]  # removed text: vector cleared
    assert changed_fields("other-model", texts, stored) == [0, 1]
    assert changed_fields("m", texts, None) == [0, 1]


def test_an_unmasked_run_keeps_the_masked_hashes():
    masked = updated_hash("m", ["A", "A is a drug.", None, "A is a drug.", None], None)
    kept = updated_hash("m", ["A", "A is an NSAID.", None], masked)
    assert kept.split(",")[3:] == masked.split(",")[3:] and kept.split(",")[1] != masked.split(",")[1]
    assert changed_fields("m", ["A", "A is an NSAID.", None, "A is a drug.", None], kept) == []


def test_an_encoder_that_cannot_load_offline_is_one_clear_line(cli_env):
    result = run_cli("embed", "--model", "no-such-org/no-such-encoder", env=cli_env)
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
    assert lines[-1].startswith("Error: cannot load the text encoder 'no-such-org/no-such-encoder' offline")
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU: the cuda test below runs instead")
def test_device_cuda_without_a_gpu_is_refused_naming_the_option(cli_env):
    result = run_cli("embed", "--device", "cuda", env=cli_env)
    assert result.returncode == 2 and "--device" in result.stderr and "no CUDA device" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_vectors_encoded_on_the_gpu_match_the_cpu_ones():
    texts = ["Donepezil is a cholinesterase inhibitor.", "Alzheimer's disease", "metformin"]
    cpu = load_encoder(MODEL, "cpu").encode(texts, normalize_embeddings=True)
    gpu = load_encoder(MODEL, "cuda").encode(texts, normalize_embeddings=True)
    assert min(float(a @ b) for a, b in zip(cpu, gpu)) > 0.9999
