"""``platform ask`` as a user runs it: the console script in a subprocess, against the seeded slice."""

from __future__ import annotations

import pytest

from helpers import graph_env, last_json, run_cli
from repurpose.config import Settings

from rag.rag_slice import AD

QUESTION = "Which drugs could be repurposed for Alzheimer's disease, and why?"


@pytest.fixture()
def env(rag_settings: Settings) -> dict[str, str]:
    return graph_env(rag_settings)


def test_no_llm_json(env: dict[str, str]) -> None:
    proc = run_cli("ask", QUESTION, "--no-llm", "--json", "--k", "3", env=env)
    assert proc.returncode == 0, proc.stderr
    out = last_json(proc.stdout)
    assert out["status"] == "evidence" and [c["id"] for c in out["linked"]] == [AD]
    assert [i["ids"][0] for i in out["evidence"]["predicted"]] == ["Compound::DB00184", "Compound::DB00331"]
    assert len(out["evidence"]["curated"]) == 3


def test_llm_down_prints_evidence_and_the_reason(env: dict[str, str], llm) -> None:
    llm.fake.fail_after = 0
    proc = run_cli("ask", QUESTION, env={**env, **llm.env()})
    assert proc.returncode == 0, proc.stderr
    assert "no model answer" in proc.stderr and "HTTP 500" in proc.stderr
    assert "Donepezil [Compound::DB00843] treats (disease-modifying) Alzheimer's disease" in proc.stdout


def test_cypher_mode_refuses_a_write(env: dict[str, str], llm) -> None:
    llm.respond = lambda body: "MATCH (n) DETACH DELETE n"
    proc = run_cli("ask", "Remove every node", "--mode", "cypher", env={**env, **llm.env()})
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: refused the generated Cypher, nothing was run")
