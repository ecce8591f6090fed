"""Pages as a person sees them, in headless Chromium: Neo4j Browser running a query of the cypher/
library against the test server, and ``platform report``. Screenshots go to artifacts/ (chromium.py)."""

from __future__ import annotations

from pathlib import Path

import chromium
import pytest
from databases import ENGINE, fresh
from helpers import graph_env, last_json, run_cli
from hetionet_slice import seed_slice

from repurpose import querylib, server, writeback
from repurpose.config import Settings
from repurpose.store import GraphStore
from repurpose.trainers.runs import load_run


def _one_line(cypher: str) -> str:
    """The query as one line without comments: what a person pastes into the Browser's editor."""
    return " ".join(line.strip() for line in cypher.splitlines() if line.strip() and not line.strip().startswith("//"))


def test_neo4j_browser_shows_a_library_query_result(server_settings: Settings, trained_run_dir: Path) -> None:
    if ENGINE.console is None:
        pytest.skip("ArcadeDB's arcadedb-embedded wheel has no web console: its HTTP root says Studio is not "
                    "bundled, and Studio is not on Maven Central (run with PLATFORM_TEST_ENGINE=neo4j)")
    settings = fresh(server_settings, "pg")
    with GraphStore.connect(settings) as store:
        store.apply_schema()
        seed_slice(store)
        run = load_run(trained_run_dir)
        writeback.write(run, store, writeback.plan(run, store, top_k=5))
        disease = store.read("MATCH (:Compound)-[p:PREDICTED_TREATS]->(d:Disease) RETURN d.id AS id, count(p) AS n "
                             "ORDER BY n DESC, id LIMIT 1")[0]["id"]
        _, rows, _ = querylib.run(store, "top_predictions_for_disease", {"disease": disease, "limit": 5})
    expected = rows[0]["compound"]
    state = server.read_state(server_settings)
    password = server.root_password(server_settings, ENGINE)

    with chromium.page() as (tab, seen):
        tab.goto(f"http://127.0.0.1:{state.http_port}/browser/?dbms=bolt://neo4j@127.0.0.1:{state.bolt_port}",
                 wait_until="networkidle")
        tab.locator("input[data-testid=password]").fill(password)
        tab.get_by_test_id("connect").click()
        tab.get_by_text("You are connected as user").wait_for(timeout=30_000)
        for command in (f":param disease => '{disease}'", f":param run => '{run.run_id}'", ":param limit => 5",
                        _one_line(querylib.get("top_predictions_for_disease").text)):
            tab.locator("#monaco-main-editor").first.click()
            tab.keyboard.type(command)
            tab.keyboard.press("Escape")  # close the completion list, which would take the key below
            tab.keyboard.press("Control+Enter")
            tab.wait_for_timeout(500)
        cell = tab.get_by_role("cell", name=f'"{expected}"').first
        cell.wait_for(timeout=30_000)
        shot = chromium.screenshot(tab, "neo4j-browser-top-predictions")
    assert cell is not None and shot.stat().st_size > 10_000
    # The Browser asks Google Fonts, Segment and Canny for files (unreachable offline, and harmless), and
    # probes the Bolt port over HTTP; nothing else of this machine may fail, and no script may throw.
    bolt_probe = f"http://127.0.0.1:{state.bolt_port}/"
    assert [url for url in seen.local_failures() if url != bolt_probe] == [] and seen.exceptions == []


def test_report_renders_with_its_plots_and_no_console_error(slice_store: GraphStore, run_id: str,
                                                             settings: Settings) -> None:
    env = graph_env(settings)
    assert run_cli("writeback", "--run", run_id, "--top-k", "3", env=env).returncode == 0
    out = run_cli("report", run_id, "--json", env=env)
    assert out.returncode == 0, out.stderr
    with chromium.page() as (tab, seen):
        tab.goto(Path(last_json(out.stdout)["path"]).resolve().as_uri(), wait_until="load")
        plots = tab.locator("svg")
        sizes = [plots.nth(i).bounding_box() for i in range(plots.count())]
        chromium.screenshot(tab, "report")
    assert len(sizes) >= 3 and all(box and box["width"] > 200 and box["height"] > 100 for box in sizes), sizes
    assert (seen.console, seen.exceptions, seen.failed) == ([], [], [])  # self-contained: nothing fetched


def test_report_comparison_renders_without_console_error(slice_store: GraphStore, run_id: str,
                                                         second_run_id: str, settings: Settings) -> None:
    runs_dir = Path(settings.data_dir) / "runs"
    for run in (run_id, second_run_id):
        loaded = load_run(runs_dir / run)
        writeback.write(loaded, slice_store, writeback.plan(loaded, slice_store, top_k=3))
    out = run_cli("report", run_id, second_run_id, "--json", env=graph_env(settings))
    assert out.returncode == 0, out.stderr
    with chromium.page() as (tab, seen):
        tab.goto(Path(last_json(out.stdout)["path"]).resolve().as_uri(), wait_until="load")
        plots = tab.locator("svg")
        sizes = [plots.nth(i).bounding_box() for i in range(plots.count())]
        best = tab.locator("td.best").count()
        chromium.screenshot(tab, "report-compare")
    assert len(sizes) == 2 and all(box and box["width"] > 200 and box["height"] > 100 for box in sizes), sizes
    assert best > 0  # the best figure of rows where the runs differ is marked
    assert (seen.console, seen.exceptions, seen.failed) == ([], [], [])  # self-contained: nothing fetched
