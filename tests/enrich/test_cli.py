"""``platform enrich`` as a user runs it: the real console script, the fake server, a real graph."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from fake_openai import FakeOpenAI
from helpers import PLATFORM, last_json, run_cli

NO_KEY = {"OPENAI_API_KEY": ""}  # whatever the machine has, these tests decide the key


@pytest.fixture()
def cache(tmp_path) -> tuple[str, str]:  # noqa: ANN001
    """``--cache`` for this test alone (the data directory is shared by the session's tests)."""
    return ("--cache", str(tmp_path / "cache.sqlite"))


def error_line(result) -> str:  # noqa: ANN001
    lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[-1]


def test_enrich_then_rerun_with_json(store, seed, compounds, diseases, cli_env, cache):
    seed(compounds[:20] + diseases[:4])
    with FakeOpenAI(latency=0.05, script=["429"], retry_after=0.05) as fake:
        env = {**cli_env, **NO_KEY, **fake.env()}
        first = run_cli("enrich", *cache, "--concurrency", "3", "--backoff", "0.01", "--json", env=env)
        assert first.returncode == 0, first.stderr
        out = last_json(first.stdout)
        assert (out["done"], out["cached"], out["failed"], out["requests"], out["retried"]) == (24, 0, 0, 25, 1)
        assert out["tokens"] > 0 and out["model"] == "fake-model"
        assert fake.max_in_flight <= 3
        again = run_cli("enrich", *cache, "--concurrency", "3", "--overwrite", "--json", env=env)
        assert last_json(again.stdout)["requests"] == 0 and len(fake.chat_requests) == 25
        human = run_cli("enrich", *cache, "--label", "Disease", "--prompt", "structured", "--overwrite", env=env)
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("enrich: entities 4, done 4, failed 0, requests 4")
    assert sum("Background:" in p for p in fake.prompts()) == 4
    described = store.read("MATCH (n:Disease) RETURN n.descriptionPrompt AS p")
    assert all(r["p"].startswith("structured:") for r in described)


def test_no_endpoint_wrong_key_and_unknown_model_are_one_line_errors(store, seed, compounds, cli_env, cache):
    seed(compounds[:3])
    none = run_cli("enrich", env={**cli_env, **NO_KEY})
    assert error_line(none).startswith("Error: no LLM endpoint configured")
    with FakeOpenAI() as fake:
        wrong = run_cli("enrich", *cache, env={**cli_env, **fake.env(), "PLATFORM_LLM_API_KEY": "sk-secret-wrong-123"})
        missing = run_cli("enrich", *cache, "--model", "gpt-nonexistent", env={**cli_env, **NO_KEY, **fake.env()})
    assert "refused the API key (401)" in error_line(wrong)
    assert "sk-secret-wrong-123" not in wrong.stdout + wrong.stderr
    assert "model 'gpt-nonexistent' not found" in error_line(missing)


def test_from_file_reports_unknown_ids_and_bad_lines(store, seed, compounds, cli_env, tmp_path):
    seed(compounds[:2])
    rows = [{"id": c["id"], "name": c["name"], "description": c["description"]} for c in compounds[:2]]
    rows.append({"id": "Compound::DB99999", "name": "Unknown", "description": compounds[0]["description"]})
    path = tmp_path / "desc.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = run_cli("enrich", "--from-file", str(path), "--json", env={**cli_env, **NO_KEY})
    assert result.returncode == 0, result.stderr
    out = last_json(result.stdout)
    assert (out["done"], out["unknown"], out["unknown_ids"]) == (2, 1, ["Compound::DB99999"])
    curated = run_cli("enrich", "--from-file", str(path), "--as", "curated", env={**cli_env, **NO_KEY})
    assert curated.returncode == 0 and "done 2" in curated.stdout and "1 ids not in the graph" in curated.stderr
    path.write_text(path.read_text() + "{not json\n", encoding="utf-8")
    bad = run_cli("enrich", "--from-file", str(path), env={**cli_env, **NO_KEY})
    assert error_line(bad).startswith(f"Error: {path}:4: not valid JSON")


def test_ctrl_c_then_rerun_resumes(store, seed, compounds, cli_env, cache):
    seed(compounds[:30])
    args = ("enrich", *cache, "--label", "Compound", "--concurrency", "2")
    with FakeOpenAI(latency=0.2) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
        env.update({**cli_env, **NO_KEY, **fake.env()})
        # A Ctrl-C reaches a foreground command: undo an ignored SIGINT inherited from a background job
        # (a shell starts `cmd &` with SIGINT ignored, and Python then installs no KeyboardInterrupt).
        proc = subprocess.Popen([PLATFORM, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 120
        while sum(r.status == 200 for r in fake.chat_requests) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130 and "run the same command again to resume" in err
        first = len(fake.chat_requests)
        assert first < 30
        again = run_cli(*args, "--json", env={**cli_env, **NO_KEY, **fake.env()})
    out = last_json(again.stdout)
    # 6 answers were sent before Ctrl-C; at most the 2 still in flight to the client may be lost.
    assert out["skipped"] + out["cached"] >= 6 - 2
    assert out["skipped"] + out["cached"] + out["done"] == 30 and out["failed"] == 0
    assert len(fake.chat_requests) <= 30 + 2  # at most the requests in flight at Ctrl-C were asked twice
