"""``platform serve``: the explorer over HTTP and in headless Chromium, on the write-back slice with a run written back.

One database and one explorer (in this process, on a free port) serve the whole module; no test writes.
Screenshots go to artifacts/ (chromium.py).
"""

from __future__ import annotations

import html
import http.client
import json
import os
import shutil
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlencode, urlsplit

import chromium
import pytest
from databases import SharedDatabase
from helpers import PLATFORM, graph_env, run_cli
from hetionet_slice import seed_slice

from repurpose import querylib, writeback
from repurpose.config import Settings
from repurpose.explorer.app import create_server
from repurpose.store import GraphStore
from repurpose.trainers.runs import RunDir, load_run

DISEASE, DISEASE_NAME = "Disease::DOID:10652", "Alzheimer's disease"


@dataclass(frozen=True)
class Explored:
    """The running explorer and what its pages should show."""

    url: str
    settings: Settings
    run_id: str
    top: list[dict[str, Any]]  # the library's top predictions for DISEASE, best first


def _seeder(run_dir: Path) -> Callable[[Settings], None]:
    """Load the slice into a database and write the run's top 5 per compound and per disease back."""
    def seed(settings: Settings) -> None:
        with GraphStore.connect(settings) as store:
            store.apply_schema()
            seed_slice(store)
            run = load_run(run_dir)
            writeback.write(run, store, writeback.plan(run, store, top_k=5, per="both"))
    return seed


@pytest.fixture(scope="module")
def explored(server_settings: Settings, trained_run_dir: Path) -> Iterator[Explored]:
    settings = SharedDatabase(server_settings, _seeder(trained_run_dir), "ex").settings()
    run = RunDir(settings.runs_dir / trained_run_dir.name)
    if not run.path.exists():
        shutil.copytree(trained_run_dir, run.path)
    wrote_report = not run.report_path.exists()
    if wrote_report:
        run.report_path.write_text("<!doctype html><title>report</title><h1>Training run</h1>", encoding="utf-8")
    with GraphStore.connect(settings) as store:
        _, top, _ = querylib.run(store, "top_predictions_for_disease", {"disease": DISEASE, "limit": 5})
    server = create_server(settings, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Explored(server.url, settings, trained_run_dir.name, top)
    finally:
        server.shutdown()
        server.server_close()
        if wrote_report:
            run.report_path.unlink(missing_ok=True)


def get(url: str) -> tuple[int, str]:
    """Status and body text of GET ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def page_of(explored: Explored, label: str, node_id: str, **query: str) -> str:
    """The address of a node's page, its id quoted whole."""
    return f"{explored.url}{label}/{quote(node_id, safe='')}" + (f"?{urlencode(query)}" if query else "")


def test_disease_page_ranks_the_librarys_top_compound_first(explored: Explored) -> None:
    status, text = get(page_of(explored, "disease", DISEASE))
    assert status == 200 and len(explored.top) == 5
    rows = text.split("<details class='prediction'")[1:]
    assert len(rows) == 50  # the page's default row count: the run wrote more for it (its top 5, and each compound's)
    expected = html.escape(explored.top[0]["compound"])
    assert "<span class='rank'>1</span>" in rows[0] and expected in rows[0] and "<span class='rank'>2</span>" in rows[1]
    assert html.escape(DISEASE_NAME) in text and explored.run_id in text and "/api/evidence" not in text


def test_compound_page_lists_the_disease(explored: Explored) -> None:
    compound = explored.top[0]["compoundId"]
    status, text = get(page_of(explored, "compound", compound, run=explored.run_id))
    assert status == 200
    assert html.escape(explored.top[0]["compound"]) in text and quote(DISEASE, safe="") in text


def test_unknown_ids_are_404_with_close_names(explored: Explored) -> None:
    status, text = get(page_of(explored, "disease", "Disease::DOID:1065"))
    assert status == 404 and "Disease::DOID:1065" in text and f"/disease/{quote(DISEASE, safe='')}" in text
    assert get(page_of(explored, "compound", DISEASE))[0] == 404  # a disease is no compound
    assert get(explored.url + "nowhere")[0] == 404


def test_search_finds_names_by_any_part_in_any_case(explored: Explored) -> None:
    status, text = get(explored.url + "api/search?q=ZHEIM")
    found = json.loads(text)["results"]
    assert status == 200 and [r["id"] for r in found] == [DISEASE]
    assert found[0]["url"] == f"/disease/{quote(DISEASE, safe='')}"
    assert json.loads(get(explored.url + "api/search?q=")[1])["results"] == []
    many = json.loads(get(explored.url + "api/search?q=e")[1])["results"]
    assert 1 < len(many) <= 15 and all("e" in r["name"].lower() for r in many)


def test_evidence_of_a_prediction_as_json_and_drawing(explored: Explored) -> None:
    query = urlencode({"compound": explored.top[0]["compoundId"], "disease": DISEASE})
    status, text = get(f"{explored.url}api/evidence?{query}")
    found = json.loads(text)
    assert status == 200 and {e["evidence"] for e in found["evidence"]} >= {"shared gene", "external indication"}
    assert "<svg" in found["html"] and found["disease"]["name"] == DISEASE_NAME
    status, text = get(f"{explored.url}api/evidence?compound=nothing&disease={quote(DISEASE)}")
    assert status == 404 and "no Compound" in json.loads(text)["error"]


def test_query_page_runs_a_library_query_and_shows_errors(explored: Explored) -> None:
    ran = {"query": "top_predictions_for_disease", "p.disease": DISEASE_NAME.upper(), "p.limit": "3", "exec": "1"}
    status, text = get(f"{explored.url}query?{urlencode(ran)}")
    assert status == 200 and "<table class='results'>" in text
    assert html.escape(explored.top[0]["compound"]) in text and "3 rows" in text
    status, text = get(f"{explored.url}query?{urlencode({**ran, 'p.limit': 'many'})}")
    assert status == 400 and "expected int" in text and "Traceback" not in text
    status, text = get(f"{explored.url}query?{urlencode({**ran, 'p.disease': 'no such disease'})}")
    assert status == 400 and "no Disease" in text


def test_nothing_can_write(explored: Explored) -> None:
    with GraphStore.connect(explored.settings) as store:
        before = store.counts()
    statement = "CREATE (n:Written {id: 'x'}) RETURN n"
    status, text = get(f"{explored.url}query?{urlencode({'query': statement, 'exec': '1'})}")
    assert status == 400 and "no query named" in text
    address = urlsplit(explored.url)
    for method in ("POST", "PUT", "DELETE"):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request(method, "/query", body=urlencode({"query": statement}))
        response = connection.getresponse()
        assert response.status == 405 and response.getheader("Allow") == "GET"
        connection.close()
    with GraphStore.connect(explored.settings) as store:
        assert store.counts() == before


def test_home_lists_the_run_with_its_report_and_busiest_diseases(explored: Explored) -> None:
    status, text = get(explored.url)
    assert status == 200 and explored.run_id in text and html.escape(DISEASE_NAME) in text
    report = f"/runs/{quote(explored.run_id, safe='')}/report.html"
    assert report in text
    status, served = get(explored.url.rstrip("/") + report)
    assert (status, served) == (200, RunDir(explored.settings.runs_dir / explored.run_id).report_path.read_text())
    assert get(explored.url + "runs/..%2F..%2Fetc/report.html")[0] == 404
    assert get(f"{explored.url}runs/{explored.run_id}/config.json")[0] == 404


def test_compare_puts_two_runs_side_by_side(explored: Explored) -> None:
    status, text = get(f"{explored.url}compare")
    assert status == 200 and "<form" in text and "<table" not in text  # the form first: no query yet
    status, text = get(f"{explored.url}compare?{urlencode({'disease': DISEASE})}")
    assert status == 200 and "<table class='results'>" in text and "both" in text
    status, text = get(f"{explored.url}compare?{urlencode({'run_a': 'nope'})}")
    assert status == 400 and "no ModelRun &#x27;nope&#x27;" in text


def test_other_host_names_are_refused(explored: Explored) -> None:
    address = urlsplit(explored.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", "/", headers={"Host": f"attacker.example:{address.port}"})
    response = connection.getresponse()
    assert response.status == 403 and b"answers requests to 127.0.0.1 only" in response.read()
    connection.close()


def test_serve_prints_its_address_and_stops_on_ctrl_c(explored: Explored) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
    env.update(graph_env(explored.settings))
    # Ctrl-C as from a terminal: a job started in the background of a script inherits SIGINT ignored, and
    # Python then never raises KeyboardInterrupt; the child gets the default back before it starts.
    with subprocess.Popen([PLATFORM, "serve", "--port", "0", "--run", explored.run_id], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) as proc:
        try:
            first = proc.stdout.readline()
            assert first.startswith("explorer at http://127.0.0.1:"), first + proc.stderr.read()
            url = first.split()[2]
            assert get(f"{url}disease/{quote(DISEASE, safe='')}")[0] == 200
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=30)
        finally:
            proc.kill()  # only where it is still running: a failed check must not leave a server behind
        assert code == 0 and "explorer stopped" in proc.stderr.read()
    refused = run_cli("serve", "--run", "no-such-run", "--port", "0", env=graph_env(explored.settings))
    assert refused.returncode == 1 and "no ModelRun 'no-such-run'" in refused.stderr


def test_a_person_opens_a_prediction_and_runs_a_query_in_chromium(explored: Explored) -> None:
    expected = explored.top[0]["compound"]
    with chromium.page() as (tab, seen):
        tab.goto(explored.url, wait_until="load")
        chromium.screenshot(tab, "explorer-home")
        with tab.expect_navigation():
            tab.locator("ol.busiest a", has_text=DISEASE_NAME).click()
        first = tab.locator("details.prediction").first
        assert first.locator(".rank").inner_text() == "1" and first.locator("summary a").inner_text() == expected
        first.locator(".rank").click()  # the row, not its link
        first.locator("svg.ev-drawing").wait_for(timeout=30_000)
        assert first.locator(".evidence-list li").count() >= 4
        chromium.screenshot(tab, "explorer-disease")

        tab.locator("#search").fill("parkin")
        tab.locator("#search-results a", has_text="Parkinson's disease").wait_for(timeout=30_000)
        chromium.screenshot(tab, "explorer-search")

        tab.goto(explored.url + "query", wait_until="load")
        with tab.expect_navigation():
            tab.locator("select[name=query]").select_option("top_predictions_for_disease")
        tab.locator("input[name='p.disease']").fill(DISEASE_NAME)
        tab.get_by_role("button", name="run").click()
        tab.locator("table.results").wait_for(timeout=30_000)
        assert tab.locator("table.results td", has_text=expected).count() >= 1
        chromium.screenshot(tab, "explorer-query")
    assert (seen.console, seen.exceptions, seen.local_failures()) == ([], [], [])
