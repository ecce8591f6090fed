"""``platform report``: a self-contained HTML report of a real trained run and its predictions."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from helpers import last_json, run_cli
from repurpose.config import Settings
from repurpose.report import number
from repurpose.store import GraphStore


def test_report_of_a_written_run(slice_store: GraphStore, run_id: str, settings: Settings, cli_env: dict) -> None:
    wrote = run_cli("writeback", "--run", run_id, "--top-k", "3", "--json", env=cli_env)
    assert wrote.returncode == 0, wrote.stderr
    out = run_cli("report", run_id, "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    result = last_json(out.stdout)
    page = Path(result["path"]).read_text()
    assert result["run_id"] == run_id and page.startswith("<!doctype html>")
    # Self-contained: no scripts, stylesheets or images fetched from anywhere.
    assert "<script" not in page and "<link" not in page and not re.search(r"(src|href)=\"https?:", page)
    metrics = json.loads((Path(settings.data_dir) / "runs" / run_id / "metrics.json").read_text())
    assert f'<td class="num">{number(metrics["test"]["filtered"]["mrr"])}</td>' in page
    assert "<th>AUROC</th><th>AUPRC</th>" in page  # classification metrics in their own labelled table
    assert page.count("<svg") >= 3  # loss, validation MRR, score histogram (+ probabilities)
    edges = slice_store.read("MATCH ()-[p:PREDICTED_TREATS {runId: $r}]->() RETURN count(p) AS n", r=run_id)[0]["n"]
    assert f"Predictions ({edges} edges)" in page
    # Each disease table lists compounds best score first, and marks none of them known
    # (curated pairs are left out without --include-known).
    top = slice_store.read(
        "MATCH (c:Compound)-[p:PREDICTED_TREATS {runId: $r}]->(d:Disease) WITH d, c, p ORDER BY p.score DESC "
        "WITH d, collect(c.name)[0] AS best RETURN d.name AS disease, best", r=run_id)
    for row in top:
        section = page.split(f"<h3>{html.escape(row['disease'])}</h3>", 1)[1]
        first = re.search(r"<tr class=\"(\w+)\"><td>1</td><td>([^<]*)</td>", section)
        assert first and first.group(2) == html.escape(row["best"]) and first.group(1) == "novel"


def test_numbers_are_formatted_for_people() -> None:
    assert (number(68426.1377), number(1141.4805), number(0.38012), number(12.345), number(3.2e-7)) == \
        ("68,426", "1,141", "0.380", "12.3", "3.2e-07")
    assert number(float("nan")) == "—"


def test_report_without_graph_and_unknown_run(run_id: str, cli_env: dict, tmp_path: Path) -> None:
    out = run_cli("report", run_id, "--no-graph", "--out", str(tmp_path / "r.html"), env=cli_env)
    assert out.returncode == 0, out.stderr
    assert "Predictions" not in (tmp_path / "r.html").read_text()
    missing = run_cli("report", "no-such-run", env=cli_env)
    assert missing.returncode == 1 and "no run 'no-such-run'" in missing.stderr and run_id in missing.stderr
