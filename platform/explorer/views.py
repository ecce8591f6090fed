"""One function per explorer route: read the graph (query library, ``reads``), answer with a page or JSON.

A view takes the ``Explorer`` (the open store and the default run), the request's query fields and
the parts of its path, and returns a ``Response``; a ``PageError`` is an answer that says what went wrong.
Every read is a read transaction: library queries through ``querylib.run`` (``run_user_query``), the rest
through ``GraphStore.read``. Nothing here writes.
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass, field
from typing import Any

from repurpose import evidence as graph_evidence
from repurpose import querylib
from repurpose.config import Settings
from repurpose.errors import QueryError
from repurpose.explorer import pages, reads
from repurpose.explorer.reads import Node
from repurpose.store import GraphStore
from repurpose.trainers.runs import RunDir

#: Rows a page shows unless asked (``?limit=``), and at most.
ROWS, MAX_ROWS = 50, 500
#: The query page's limits for one library query.
QUERY_ROWS, QUERY_SECONDS = 500, 30.0
#: Explorer pages load this server's script and style sheet and nothing else: no inline script, no other host.
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
#: A run's report is self-contained (inline style and SVG) and needs no script.
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STATIC = {"explorer.js": "text/javascript; charset=utf-8", "explorer.css": "text/css; charset=utf-8"}
HTML, JSON = "text/html; charset=utf-8", "application/json"


@dataclass(frozen=True)
class Response:
    """What the server sends: status, body, its type and extra headers."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class PageError(Exception):
    """An answer other than 200 for a reason people can act on: status, title, message, close names."""

    def __init__(self, status: int, title: str, message: str, suggestions: list[Node] | None = None) -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.suggestions = status, title, message, suggestions or []


@dataclass(frozen=True)
class Explorer:
    """What every view reads from: the settings (runs directory), one open store, the run given by ``--run``."""

    settings: Settings
    store: GraphStore
    run: str | None = None

    def run_id(self, requested: str | None) -> str:
        """The run a page shows: ``?run=``, else ``--run``, else the latest written (QueryError when none fits)."""
        return querylib.resolve_run(self.store, requested or self.run or "latest")

    def node(self, label: str, node_id: str) -> Node:
        """The ``label`` node ``node_id``; a 404 offering close names when the graph has none."""
        found = reads.node(self.store, label, node_id)
        if found is None:
            raise PageError(404, f"No {label} {node_id}", f"the graph has no {label} with id {node_id!r}",
                            reads.close_to(self.store, label, node_id.rsplit("::", 1)[-1]))
        return found

    def reports(self) -> dict[str, RunDir]:
        """Runs of the runs directory with an HTML report, by run id (the directory's name)."""
        return {r.path.name: r for r in RunDir.all(self.settings.runs_dir) if r.report_path.is_file()}


def page(text: str, status: int = 200) -> Response:
    """An HTML page, under the policy that keeps it to this server's script and style sheet."""
    return Response(status, text.encode("utf-8"), HTML, {"Content-Security-Policy": PAGE_POLICY})


def data(value: dict[str, Any], status: int = 200) -> Response:
    """A JSON answer (values the driver returns that JSON lacks, such as dates, as text)."""
    return Response(status, json.dumps(value, default=str).encode("utf-8"), JSON)


def failure(error: PageError, api: bool) -> Response:
    """``error`` as JSON for /api/ routes, else as a page."""
    if api:
        return data({"error": error.message, "suggestions": [n.to_dict() for n in error.suggestions]}, error.status)
    return page(pages.error(error.title, error.message, error.suggestions), error.status)


def _limit(query: dict[str, str]) -> int:
    raw = query.get("limit") or str(ROWS)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ROWS:
        raise PageError(400, "Bad row count", f"limit must be a whole number from 1 to {MAX_ROWS}, not {raw!r}")
    return int(raw)


def _required(query: dict[str, str], name: str) -> str:
    if not query.get(name):
        raise PageError(400, "Missing parameter", f"the request needs ?{name}=")
    return query[name]


# -- routes -----------------------------------------------------------------------------------
def home(ex: Explorer, query: dict[str, str]) -> Response:
    """The runs with predictions, the chosen one's busiest diseases."""
    runs = reads.runs(ex.store)
    run = ex.run_id(query.get("run")) if runs else None
    diseases = reads.busiest_diseases(ex.store, run) if run else []
    return page(pages.home(runs, run, diseases, set(ex.reports())))


def disease(ex: Explorer, query: dict[str, str], node_id: str) -> Response:
    """A disease's predicted treatments (library query ``top_predictions_for_disease``)."""
    return _predictions(ex, query, ex.node("Disease", node_id), "Compound", "top_predictions_for_disease")


def compound(ex: Explorer, query: dict[str, str], node_id: str) -> Response:
    """The diseases a compound is predicted to treat (library query ``best_diseases_for_compound``)."""
    return _predictions(ex, query, ex.node("Compound", node_id), "Disease", "best_diseases_for_compound")


def _predictions(ex: Explorer, query: dict[str, str], subject: Node, partner: str, name: str) -> Response:
    run, limit = ex.run_id(query.get("run")), _limit(query)
    _, rows, _ = querylib.run(ex.store, name, {subject.label.lower(): subject.id, "run": run, "limit": limit})
    return page(pages.predictions(subject, partner, rows, run, reads.runs(ex.store), limit))


def evidence(ex: Explorer, query: dict[str, str]) -> Response:
    """A pair's graph evidence as JSON: per kind a count and examples, and the HTML the page shows."""
    compound = ex.node("Compound", _required(query, "compound"))
    disease = ex.node("Disease", _required(query, "disease"))
    found = graph_evidence.of_pair(ex.store, compound.id, disease.id)
    return data({"compound": compound.to_dict(), "disease": disease.to_dict(),
                 "evidence": [e.to_dict() for e in found], "html": pages.evidence(compound, disease, found)})


def search_api(ex: Explorer, query: dict[str, str]) -> Response:
    """Diseases and compounds whose name contains ``?q=``, as JSON (the type-ahead's source)."""
    text = query.get("q", "")
    return data({"query": text, "results": [n.to_dict() for n in reads.search(ex.store, text)]})


def search_page(ex: Explorer, query: dict[str, str]) -> Response:
    """The same search as a page (the search box without its script)."""
    text = query.get("q", "")
    return page(pages.search_results(text, reads.search(ex.store, text)))


def compare(ex: Explorer, query: dict[str, str]) -> Response:
    """Two runs side by side (library query ``compare_runs``), once a run or a disease is asked for.

    Runs not given are the two newest. The bare page only shows the form: over every disease of a large
    graph the query can outgrow the server's query memory, so the disease is asked for first.
    """
    runs = reads.runs(ex.store)
    if not runs:
        raise PageError(404, "No runs", "no run has written predictions yet; run `platform writeback --run RUN_ID`")
    newest = [r["id"] for r in runs]
    run_a, run_b = query.get("run_a") or newest[0], query.get("run_b") or newest[min(1, len(newest) - 1)]
    disease, limit = query.get("disease", "").strip(), _limit(query)
    if not {"run_a", "run_b", "disease"} & set(query):
        return page(pages.compare(runs, run_a, run_b, disease, limit, None, None))
    params: dict[str, Any] = {"run_a": run_a, "run_b": run_b, "limit": limit}
    if disease:
        params["disease"] = disease
    try:
        columns, rows, _ = querylib.run(ex.store, "compare_runs", params)
    except QueryError as exc:
        return page(pages.compare(runs, run_a, run_b, disease, limit, None, str(exc)), 400)
    return page(pages.compare(runs, run_a, run_b, disease, limit, (columns, rows), None))


def library_query(ex: Explorer, query: dict[str, str]) -> Response:
    """A query of the library chosen by name, run read-only with its parameters (``?exec=1``); 400 on a refusal."""
    name = query.get("query", "")
    given = {k[len(pages.PARAM_PREFIX):]: v.strip() for k, v in query.items()
             if k.startswith(pages.PARAM_PREFIX) and v.strip()}
    chosen, result, error = None, None, None
    try:
        chosen = querylib.get(name) if name else None
        if chosen is not None and query.get("exec"):
            columns, rows, _ = querylib.run(ex.store, name, given, limit=QUERY_ROWS, timeout=QUERY_SECONDS)
            result = (columns, rows)
    except QueryError as exc:
        error = str(exc)
    return page(pages.query(querylib.library(), chosen, given, result, error, QUERY_ROWS), 400 if error else 200)


def report(ex: Explorer, query: dict[str, str], run_id: str) -> Response:
    """A run's ``platform report`` file, for runs of the runs directory only (no other file is served)."""
    found = ex.reports().get(run_id)
    if found is None:
        raise PageError(404, "No report", f"run {run_id!r} has no HTML report in {ex.settings.runs_dir}; "
                                          f"write one with `platform report {run_id}`")
    return Response(200, found.report_path.read_bytes(), HTML, {"Content-Security-Policy": REPORT_POLICY})


def static(ex: Explorer, query: dict[str, str], name: str) -> Response:
    """The explorer's script or style sheet (package data)."""
    if name not in STATIC:
        raise PageError(404, "Not found", f"no static file {name!r}")
    body = importlib.resources.files(__package__).joinpath("static", name).read_bytes()
    return Response(200, body, STATIC[name])
