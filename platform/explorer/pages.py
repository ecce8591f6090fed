"""The explorer's HTML: one function per page, plain server-rendered markup, every value from the graph escaped.

Pages load one script and one style sheet from this server (static/) and nothing else; the script
adds the type-ahead, the evidence of a prediction when it is opened, and selects that submit.
"""

from __future__ import annotations

import html
import json
from typing import Any, Sequence
from urllib.parse import quote, urlencode

from repurpose.cypher import NamedQuery
from repurpose.evidence import Evidence
from repurpose.explorer import drawing
from repurpose.explorer.reads import Node
from repurpose.report_html import number

#: Query-page inputs are named ``p.<parameter>``, so that no library parameter clashes with the page's fields.
PARAM_PREFIX = "p."
#: Columns and rows of a library query's result.
Result = tuple[Sequence[str], Sequence[dict[str, Any]]]


def esc(value: Any) -> str:
    """``value`` as text safe in an element or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def cell(value: Any) -> str:
    """A value as people read it: figures rounded, lists and maps as JSON, nothing for null."""
    if isinstance(value, float):
        return number(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str)
    return "" if value is None else str(value)


def report_url(run_id: str) -> str:
    """Where the explorer serves a run's HTML report (``platform report``)."""
    return f"/runs/{quote(run_id, safe='')}/report.html"


def layout(title: str, body: str) -> str:
    """A whole page: header with navigation and the name search, then ``body``."""
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)} · repurpose explorer</title><link rel='icon' href='data:,'>"
            "<link rel='stylesheet' href='/static/explorer.css'><script src='/static/explorer.js' defer></script>"
            "</head><body><header><a class='brand' href='/'>repurpose explorer</a><nav><a href='/'>runs</a>"
            "<a href='/compare'>compare runs</a><a href='/query'>query library</a></nav>"
            "<form class='search' action='/search' method='get' role='search'>"
            "<input type='search' name='q' id='search' placeholder='find a disease or compound' autocomplete='off' "
            "aria-label='find a disease or compound'><ul id='search-results' class='suggestions'></ul></form>"
            f"</header><main>{body}</main></body></html>")


def table(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Rows under their columns; figures right-aligned."""
    def td(value: Any) -> str:
        figure = isinstance(value, (int, float)) and not isinstance(value, bool)
        return f"<td{' class=num' if figure else ''}>{esc(cell(value))}</td>"

    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(td(row.get(c)) for c in columns) + "</tr>" for row in rows)
    return f"<table class='results'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def run_select(name: str, runs: Sequence[dict[str, Any]], current: str | None) -> str:
    """A select of the written runs, ``current`` chosen; it submits its form when changed."""
    options = "".join(f"<option value='{esc(r['id'])}'{' selected' if r['id'] == current else ''}>"
                      f"{esc(r['id'])} ({esc(r['model'])}, text {esc(r['text'] or 'none')})</option>" for r in runs)
    return f"<select name='{esc(name)}' data-autosubmit>{options}</select>"


def _message(error: str | None) -> str:
    return f"<p class='error' role='alert'>{esc(error)}</p>" if error else ""


def home(runs: Sequence[dict[str, Any]], run: str | None, diseases: Sequence[dict[str, Any]],
         reports: set[str]) -> str:
    """The runs with predictions (``run`` chosen, its report linked when written) and its busiest diseases."""
    if not runs:
        return layout("Runs", "<h1>Predicted treatments</h1><p>No run has written predictions to this graph yet: "
                              "train one with <code>platform train</code> (or run <code>platform demo</code>), then "
                              "<code>platform writeback --run RUN_ID</code>, and reload this page.</p>")
    rows = []
    for r in runs:
        report = (f"<a href='{esc(report_url(r['id']))}'>report</a>" if r["id"] in reports
                  else f"<span class='muted'>platform report {esc(r['id'])}</span>")
        rows.append(f"<tr{' class=current' if r['id'] == run else ''}>"
                    f"<td><a href='/?{esc(urlencode({'run': r['id']}))}'>{esc(r['id'])}</a></td>"
                    f"<td>{esc(r['model'])}</td><td>{esc(r['text'])}</td><td class=num>{esc(cell(r['edges']))}</td>"
                    f"<td>{esc(r['writtenAt'])}</td><td>{report}</td></tr>")
    busiest = "".join(f"<li><a href='{esc(Node(d['id'], d['name'] or d['id'], 'Disease').url(run))}'>"
                      f"{esc(d['name'] or d['id'])}</a> <span class='muted'>{esc(d['n'])} predictions</span></li>"
                      for d in diseases)
    return layout("Runs", "<h1>Predicted treatments</h1><h2>Runs with predictions in the graph</h2>"
                          "<p class='muted'>Newest first; pick one to browse its predictions.</p>"
                          "<table class='results runs'><thead><tr><th>run</th><th>model</th><th>text</th>"
                          "<th>edges</th><th>written</th><th>HTML report</th></tr></thead>"
                          f"<tbody>{''.join(rows)}</tbody></table>"
                          f"<h2>Diseases with the most predictions of {esc(run)}</h2><ol class='busiest'>{busiest}</ol>"
                          "<p class='muted'>Or find any disease or compound by name in the box above.</p>")


def predictions(subject: Node, partner: str, rows: Sequence[dict[str, Any]], run: str,
                runs: Sequence[dict[str, Any]], limit: int) -> str:
    """One disease's predicted compounds, or one compound's predicted diseases (``partner``), best first.

    Each row opens to the pair's graph evidence, which the script fetches only then (/api/evidence).
    """
    key = partner.lower()
    items = []
    for rank, r in enumerate(rows, 1):
        other = Node(r[f"{key}Id"], r[key] or r[f"{key}Id"], partner)
        compound, disease = (other, subject) if partner == "Compound" else (subject, other)
        items.append(f"<details class='prediction' data-compound='{esc(compound.id)}' data-disease='{esc(disease.id)}'>"
                     f"<summary><span class='rank'>{rank}</span><a href='{esc(other.url(run))}'>{esc(other.name)}</a>"
                     f"<span class='num'>{esc(cell(r['score']))}</span>"
                     f"<span class='num'>{esc(cell(r['probability']) or '—')}</span>"
                     f"<span class='status {esc(r['status'])}'>{esc(r['status'])}</span></summary>"
                     "<div class='evidence' aria-live='polite'>loading the graph evidence…</div></details>")
    what = (f"Compounds predicted to treat {esc(subject.name)}" if partner == "Compound"
            else f"Diseases {esc(subject.name)} is predicted to treat")
    listing = ("<div class='predictions'><div class='prediction-head'><span>rank</span>"
               f"<span>{key}</span><span>score</span><span>probability</span><span>status</span></div>"
               f"{''.join(items)}</div>" if items
               else f"<p>Run {esc(run)} wrote no prediction for {esc(subject.name)} (it keeps only the top k of each "
                    "compound or disease).</p>")
    compare = (f"<a href='/compare?{esc(urlencode({'disease': subject.id}))}'>compare runs for this disease</a>"
               if subject.label == "Disease" else "")
    return layout(subject.name,
                  f"<h1>{esc(subject.name)}</h1><p class='muted'>{esc(subject.id)} {compare}</p>"
                  f"<form class='picker' method='get'><label>run {run_select('run', runs, run)}</label>"
                  f"<label>rows <input type='number' name='limit' min='1' value='{limit}'></label>"
                  "<button>show</button></form>"
                  f"<p>{what} by run {esc(run)}, best score first. <span class='muted'>known: already an edge of the "
                  "run's known-treatment types; novel: not. Open a row for its graph evidence.</span></p>" + listing)


def evidence(compound: Node, disease: Node, found: Sequence[Evidence]) -> str:
    """A pair's evidence as a list (count and examples per kind) and as a drawing."""
    items = "".join(f"<li{'' if e.count else ' class=muted'}><b>{esc(e.kind)}</b> ×{e.count}"
                    f"{': ' + esc(', '.join(e.examples)) if e.examples else ''}</li>" for e in found)
    return f"<ul class='evidence-list'>{items}</ul>" + drawing.svg(compound.name, disease.name, list(found))


def search_results(text: str, found: Sequence[Node]) -> str:
    """The diseases and compounds whose name contains ``text``."""
    items = "".join(f"<li><a href='{esc(n.url())}'>{esc(n.name)}</a> <span class='muted'>{esc(n.label)} "
                    f"{esc(n.id)}</span></li>" for n in found)
    return layout(f"Search {text}", f"<h1>Names containing “{esc(text)}”</h1>"
                  + (f"<ul>{items}</ul>" if items else "<p>No disease or compound has a name containing it.</p>"))


def compare(runs: Sequence[dict[str, Any]], run_a: str, run_b: str, disease: str, limit: int,
            result: Result | None, error: str | None) -> str:
    """Two runs' predictions side by side (library query ``compare_runs``), with the form that chose them."""
    form = ("<form class='picker' method='get' action='/compare'>"
            f"<label>run A {run_select('run_a', runs, run_a)}</label>"
            f"<label>run B {run_select('run_b', runs, run_b)}</label>"
            f"<label>disease <input name='disease' value='{esc(disease)}' placeholder='all (id or name)'></label>"
            f"<label>rows <input type='number' name='limit' min='1' value='{limit}'></label>"
            "<button>compare</button></form>")
    shown = "" if error else ("<p class='muted'>Pick two runs and a disease; left empty, every disease is "
                              "compared (slow on a large graph).</p>")
    if result is not None:
        shown = (f"<p class='muted'>A = {esc(run_a)}, B = {esc(run_b)}; calibrated probabilities compare across "
                 "runs, raw scores do not.</p>" + (table(*result) if result[1] else "<p>No predictions.</p>"))
    return layout("Compare runs", "<h1>Compare two runs</h1>" + form + _message(error) + shown)


def query(library: dict[str, NamedQuery], chosen: NamedQuery | None, given: dict[str, str], result: Result | None,
          error: str | None, row_limit: int) -> str:
    """The query library's form (the chosen query's parameters), its error or its rows, and its Cypher."""
    options = "<option value=''>choose a query</option>" + "".join(
        f"<option value='{esc(name)}' title='{esc(q.description)}'{' selected' if q is chosen else ''}>{esc(name)}"
        "</option>" for name, q in sorted(library.items()))
    fields, cypher_text = "", ""
    if chosen is not None:
        for p in chosen.params:
            value = given.get(p.name, "" if p.default in (None, "none") else p.default)
            need = "required" if p.required else f"default {p.default}"
            fields += (f"<label class='param'><span>{esc(p.name)} <span class='muted'>({esc(p.type)}, {esc(need)})"
                       f"</span></span><input name='{esc(PARAM_PREFIX + p.name)}' value='{esc(value)}'>"
                       f"<span class='muted'>{esc(p.description)}</span></label>")
        fields = f"<p>{esc(chosen.description)}</p>{fields}<button type='submit' name='exec' value='1'>run</button>"
        cypher_text = (f"<details><summary>its Cypher ({esc(chosen.file)})</summary>"
                       f"<pre>{esc(chosen.text)}</pre></details>")
    shown = ""
    if result is not None:
        columns, rows = result
        cut = f", the first {row_limit}" if len(rows) >= row_limit else ""
        shown = f"<p class='muted'>{len(rows)} rows{cut}</p>" + (table(columns, rows) if rows else "")
    return layout("Query library", "<h1>Query library</h1><p class='muted'>The named, read-only queries of "
                  "<code>cypher/</code> (<code>platform query --list</code>); nothing else runs here.</p>"
                  "<form class='query' method='get' action='/query'>"
                  f"<label>query <select name='query' data-autosubmit>{options}</select></label>{fields}</form>"
                  + _message(error) + shown + cypher_text)


def error(title: str, message: str, suggestions: Sequence[Node]) -> str:
    """What went wrong, in words, with close names when something was not found."""
    hint = ("<p>Did you mean:</p><ul>" + "".join(f"<li><a href='{esc(n.url())}'>{esc(n.name)}</a> "
                                                 f"<span class='muted'>{esc(n.id)}</span></li>" for n in suggestions)
            + "</ul>") if suggestions else ""
    return layout(title, f"<h1>{esc(title)}</h1>{_message(message)}{hint}<p><a href='/'>all runs</a></p>")
