"""``platform report``: a self-contained HTML report of a real trained run and its predictions, and a
comparison of two real runs."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from helpers import last_json, run_cli

from repurpose import evidence, writeback
from repurpose.config import Settings
from repurpose.report import RunFiles, build_report
from repurpose.report_html import number, setting
from repurpose.store import GraphStore
from repurpose.trainers.external import read_pairs, validate_run
from repurpose.trainers.runs import RunDir, load_run

#: A table cell holding a float with four or more decimals: a figure nobody formatted.
RAW_FLOAT = re.compile(r"<td[^>]*>[^<]*\d\.\d{4,}")
EVIDENCE_COUNTS = re.compile(r"gene \d+ · class \d+ · similar \d+ · indication \d+")


class _Tables(HTMLParser):
    """Every table of a page: its header cells and its rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            head, rows = self.tables[-1]
            (head if tag == "th" else rows[-1]).append("".join(self._cell))
            self._cell = None


def tables(page: str) -> dict[tuple[str, ...], list[dict[str, str]]]:
    """Header -> rows (header cell -> text) of every table of ``page``; rows must fill their header."""
    parser = _Tables()
    parser.feed(page)
    found: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for head, rows in parser.tables:
        body = [r for r in rows if r]
        assert all(len(r) == len(head) for r in body), (head, body)
        found.setdefault(tuple(head), []).extend(dict(zip(head, r)) for r in body)
    return found



def test_report_of_a_written_run(slice_store: GraphStore, run_id: str, settings: Settings, cli_env: dict) -> None:
    wrote = run_cli("writeback", "--run", run_id, "--top-k", "3", "--json", env=cli_env)
    assert wrote.returncode == 0, wrote.stderr
    out = run_cli("report", run_id, "--top", "3", "--json", env=cli_env)  # 3 a disease: evidence costs queries
    assert out.returncode == 0, out.stderr
    result = last_json(out.stdout)
    page = Path(result["path"]).read_text()
    assert result["run_id"] == run_id and result["run_ids"] == [run_id] and page.startswith("<!doctype html>")
    # Self-contained: no scripts, stylesheets or images fetched from anywhere.
    assert "<script" not in page and "<link" not in page and not re.search(r"(src|href)=\"https?:", page)
    assert RAW_FLOAT.findall(page) == []
    metrics = json.loads((Path(settings.data_dir) / "runs" / run_id / "metrics.json").read_text())
    found = tables(page)
    ranking = found[("split", "protocol", "MRR", "Hits@1", "Hits@3", "Hits@10")]
    assert {"split": "test", "protocol": "filtered (mean)", "MRR": number(metrics["test"]["filtered"]["mrr"]),
            "Hits@1": number(metrics["test"]["filtered"]["hits_at_1"]),
            "Hits@3": number(metrics["test"]["filtered"]["hits_at_3"]),
            "Hits@10": number(metrics["test"]["filtered"]["hits_at_10"])} in ranking
    # Classification figures in their own table, each under its own header.
    assert found[("split", "AUROC", "AUPRC")] == [
        {"split": part, "AUROC": number(metrics[part]["auroc"]), "AUPRC": number(metrics[part]["auprc"])}
        for part in ("valid", "test")]
    assert page.count("<svg") >= 3  # loss, validation MRR, score histogram (+ probabilities)
    edges = slice_store.read("MATCH ()-[p:PREDICTED_TREATS {runId: $r}]->() RETURN count(p) AS n", r=run_id)[0]["n"]
    assert f"Predictions ({number(edges)} edges)" in page
    # Each disease table lists compounds best score first, marks none of them known (curated pairs
    # are left out without --include-known), and explains every prediction.
    top = slice_store.read(
        "MATCH (c:Compound)-[p:PREDICTED_TREATS {runId: $r}]->(d:Disease) WITH d, c, p ORDER BY p.score DESC "
        "WITH d, collect(c.name)[0] AS best, collect(c.id)[0] AS best_id RETURN d.id AS id, d.name AS disease, "
        "best, best_id", r=run_id)
    for row in top:
        section = page.split(f"<h3>{html.escape(row['disease'])}</h3>", 1)[1].split("</table>", 1)[0]
        first = re.search(r"<tr class=\"(\w+)\"><td class=\"num\">1</td><td>([^<]*)</td>", section)
        assert first and first.group(2) == html.escape(row["best"]) and first.group(1) == "novel"
        found_evidence = evidence.of_pair(slice_store, row["best_id"], row["id"])
        assert html.escape(evidence.best_line(found_evidence)) in section
    predictions = found[("rank", "compound", "id", "score", "probability", "status", "best evidence",
                         "evidence counts")]
    assert len(predictions) == 3 * len(top)
    assert all(p["best evidence"] and EVIDENCE_COUNTS.fullmatch(p["evidence counts"]) for p in predictions)
    data = {r["item"]: r["value"] for r in found[("item", "value")]}
    assert (data["entities"], data["split seed"], data["graph fingerprint"]) == ("703", "0", "—")


def test_numbers_are_formatted_for_people() -> None:
    assert (number(68426.1377), number(1141.4805), number(0.38012), number(12.345), number(3.2e-7)) == \
        ("68,426", "1,141", "0.380", "12.3", "3.2e-07")
    assert (number(float("nan")), number(None), number(3858), number(12)) == ("—", "—", "3,858", "12")
    assert (setting(0.0001), setting(9.0), setting(4096), setting(["TREATS_CtD"]), setting("")) == \
        ("0.0001", "9", "4,096", '["TREATS_CtD"]', "—")


def test_training_and_validation_figures_are_formatted(trained_run_dir: Path, tmp_path: Path) -> None:
    run_dir = Path(shutil.copytree(trained_run_dir, tmp_path / trained_run_dir.name))
    run = load_run(run_dir)
    heads, tails = run.candidates()
    pairs = tmp_path / "pairs.tsv"
    test = run.split.test
    pairs.write_text("compound\tdisease\n" + "".join(f"{run.entity_ids[h]}\t{run.entity_ids[t]}\n"
                                                     for h, t in test[:, [0, 2]].tolist()))
    RunDir(run_dir).save_validation(validate_run(run, read_pairs(pairs, run.entity_ids, heads, tails), heads, tails))
    files = RunFiles.read(RunDir(run_dir))
    files = dataclasses.replace(files, results={**files.results, "triples_per_second": 68426.1377,
                                                "peak_memory_mb": 1141.4805})
    page = build_report(files, None)
    assert RAW_FLOAT.findall(page) == []
    found = tables(page)
    assert found[("triples/s", "peak memory (MiB)", "training seconds")][0]["triples/s"] == "68,426"
    assert found[("triples/s", "peak memory (MiB)", "training seconds")][0]["peak memory (MiB)"] == "1,141"
    validation = {r["figure"]: r for r in found[("figure", "run", "degree prior")]}
    assert validation["AUROC"]["run"] == number(files.validation["model"]["auroc"])
    assert validation["top 50 per disease: positives"]["run"] == number(
        files.validation["model"]["top_per_disease"]["positives"])
    assert f"{number(len(np.unique(test[:, [0, 2]], axis=0)))} pairs of pairs.tsv" in page


def test_report_without_graph_and_unknown_run(run_id: str, cli_env: dict, tmp_path: Path) -> None:
    out = run_cli("report", run_id, "--no-graph", "--out", str(tmp_path / "r.html"), env=cli_env)
    assert out.returncode == 0, out.stderr
    assert "Predictions" not in (tmp_path / "r.html").read_text()
    missing = run_cli("report", "no-such-run", env=cli_env)
    assert missing.returncode == 1 and "no run 'no-such-run'" in missing.stderr and run_id in missing.stderr
    compared = run_cli("report", run_id, "no-such-run", "--no-graph", env=cli_env)
    assert compared.returncode == 1 and "no run 'no-such-run'" in compared.stderr
    twice = run_cli("report", run_id, run_id, "--no-graph", env=cli_env)
    assert twice.returncode == 1 and f"run {run_id!r} is given twice" in twice.stderr


def _top_k(store: GraphStore, run: str, k: int) -> dict[str, set[str]]:
    """Disease id -> the run's k best-scored compound ids, as the comparison should count them."""
    rows = store.read("MATCH (c:Compound)-[p:PREDICTED_TREATS {runId: $r}]->(d:Disease) "
                      "RETURN d.id AS d, c.id AS c, p.score AS s", r=run)
    by_disease: dict[str, list[tuple[float, str]]] = {}
    for row in rows:
        by_disease.setdefault(row["d"], []).append((-row["s"], row["c"]))
    return {d: {c for _, c in sorted(found)[:k]} for d, found in by_disease.items()}


def test_compare_two_runs(slice_store: GraphStore, run_id: str, second_run_id: str, settings: Settings,
                          cli_env: dict) -> None:
    runs_dir, other = Path(settings.data_dir) / "runs", second_run_id
    for run in (run_id, other):
        loaded = load_run(runs_dir / run)
        writeback.write(loaded, slice_store, writeback.plan(loaded, slice_store, top_k=3))
    out = run_cli("report", run_id, second_run_id, "--top", "5", "--json", env=cli_env)
    assert out.returncode == 0, out.stderr
    result = last_json(out.stdout)
    assert result["run_ids"] == [run_id, other] and "run_id" not in result
    path = Path(result["path"])
    assert path == runs_dir / f"compare-{run_id}-vs-{other}.html"
    page = path.read_text()
    assert "<script" not in page and "<link" not in page and RAW_FLOAT.findall(page) == []
    found = tables(page)
    metrics = {run: json.loads((runs_dir / run / "metrics.json").read_text()) for run in (run_id, other)}
    rows = {(r["split"], r["protocol"], r["metric"]): r for r in found[("split", "protocol", "metric", run_id, other)]}
    mrr = rows[("test", "filtered (mean)", "MRR")]
    assert (mrr[run_id], mrr[other]) == tuple(number(metrics[r]["test"]["filtered"]["mrr"]) for r in (run_id, other))
    auprc = rows[("test", "against non-edges", "AUPRC")]
    assert (auprc[run_id], auprc[other]) == tuple(number(metrics[r]["test"]["auprc"]) for r in (run_id, other))
    assert 'class="num best"' in page
    settings_rows = {r["setting"]: r for r in found[("setting", run_id, other)]}
    assert set(settings_rows) >= {"model", "text", "seed"} and "dim" not in settings_rows
    assert (settings_rows["seed"][run_id], settings_rows["seed"][other]) == ("0", "1")
    # The overlap of each disease's top 5, summed over the diseases both runs wrote.
    a, b = _top_k(slice_store, run_id, 5), _top_k(slice_store, other, 5)
    common = [d for d in a if d in b]
    shared, union = sum(len(a[d] & b[d]) for d in common), sum(len(a[d] | b[d]) for d in common)
    overall = found[("diseases", "shared", "in any", "Jaccard", "mean Jaccard per disease")][0]
    assert (overall["diseases"], overall["shared"], overall["in any"], overall["Jaccard"]) == \
        (number(len(common)), number(shared), number(union), number(shared / union))
    assert len(found[("disease", "shared", "in any", "Jaccard", "shared compounds")]) == min(12, len(common))
