"""Runs side by side in one HTML page: their metrics (the best of each row marked), the settings that differ,
their training curves, and how far their top predictions agree, disease by disease, in the graph.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Sequence

from repurpose import report_graph
from repurpose.errors import InputError
from repurpose.report import CLASSIFICATION, CURVES, PROTOCOLS, RANKING, RunFiles
from repurpose.report_graph import DiseaseTop
from repurpose.report_html import line_chart, note, number, page, setting, table
from repurpose.store import GraphStore
from repurpose.trainers.runs import RunDir, ranking_blocks

#: Settings shown even when every run has the same value.
ALWAYS = ("model", "text")
#: Settings never compared (each run has its own).
OWN = ("run_id",)
#: Protocol label of the classification figures in the side-by-side metrics.
AGAINST_NON_EDGES = "against non-edges"


def comparison_path(runs: Sequence[RunDir]) -> Path:
    """Where a comparison is written by default: beside the first run, ``compare-<id1>-vs-<id2>....html``."""
    return runs[0].path.parent / f"compare-{'-vs-'.join(r.path.name for r in runs)}.html"


def check_distinct(runs: Sequence[RunFiles]) -> None:
    """InputError naming a run given more than once: a run compared with itself says nothing."""
    seen: set[str] = set()
    for run in runs:
        if run.run_id in seen:
            raise InputError(f"run {run.run_id!r} is given twice; name each run to compare once")
        seen.add(run.run_id)


def _figures(metrics: dict) -> dict[tuple[str, str, str], float | None]:
    """(split, protocol, metric) -> figure, for every ranking and classification figure of one run."""
    out: dict[tuple[str, str, str], float | None] = {}
    for part, block in metrics.items():
        for protocol, m in ranking_blocks(block):
            out.update({(part, PROTOCOLS[protocol], col): m.get(key) for col, key in RANKING})
        if "auroc" in block:
            out.update({(part, AGAINST_NON_EDGES, col): block.get(key) for col, key in CLASSIFICATION})
    return out


def metrics_side_by_side(runs: Sequence[RunFiles]) -> tuple[list[dict[str, Any]], list[set[str]]]:
    """(rows of split, protocol, metric and one column per run id; per row, the run ids holding its best figure).

    Every figure is higher-better. Figures are compared as shown (``number``), so a row whose figures all
    read the same marks none.
    """
    figures = [_figures(r.metrics) for r in runs]
    keys = list(dict.fromkeys(k for f in figures for k in f))
    rows, best = [], []
    for key in keys:
        values = {r.run_id: f.get(key) for r, f in zip(runs, figures)}
        rows.append({"split": key[0], "protocol": key[1], "metric": key[2], **values})
        present = {i: v for i, v in values.items() if v is not None and v == v}
        top = number(max(present.values())) if present else None
        differ = len({number(v) for v in present.values()}) > 1
        best.append({i for i, v in present.items() if number(v) == top} if differ else set())
    return rows, best


def config_rows(runs: Sequence[RunFiles]) -> list[dict[str, Any]]:
    """The settings whose values differ between the runs (and ``ALWAYS``), one column per run id."""
    keys = sorted({k for r in runs for k in r.config} - set(OWN))
    rows = [{"setting": k, **{r.run_id: r.config.get(k) for r in runs}} for k in keys]
    return [row for row in rows
            if row["setting"] in ALWAYS or len({json.dumps(row[r.run_id], sort_keys=True) for r in runs}) > 1]


def overlap(tops: Sequence[list[DiseaseTop]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(per disease, overall) agreement of the runs' top-k compounds over the diseases every run wrote.

    shared = compounds in every run's top k, in any = in at least one; Jaccard = shared / in any. Overall
    sums both over the diseases (and gives the mean of the per-disease Jaccard). Diseases in the first
    run's order.
    """
    by_run = [{d.id: d for d in run} for run in tops]
    rows = []
    for disease in (d for d in tops[0] if all(d.id in run for run in by_run)):
        ids = [set(run[disease.id].compounds) for run in by_run]
        shared, union = set.intersection(*ids), set.union(*ids)
        rows.append({"disease": disease.name, "shared": len(shared), "in any": len(union),
                     "Jaccard": len(shared) / len(union) if union else None,
                     "shared compounds": ", ".join(n for i, n in disease.compounds.items() if i in shared)})
    shared, union = sum(r["shared"] for r in rows), sum(r["in any"] for r in rows)
    jaccards = [r["Jaccard"] for r in rows if r["Jaccard"] is not None]
    overall = {"diseases": len(rows), "shared": shared, "in any": union,
               "Jaccard": shared / union if union else None,
               "mean Jaccard per disease": sum(jaccards) / len(jaccards) if jaccards else None}
    return rows, overall


def _fingerprint_note(runs: Sequence[RunFiles]) -> str:
    """Whether the runs were trained on the same graph export, by the fingerprints their configs recorded."""
    prints = {r.config.get("fingerprint") or "" for r in runs}
    if "" in prints:
        return "Not every run recorded the fingerprint of its graph export."
    if len(prints) == 1:
        return f"All runs were trained on the same graph export ({prints.pop()})."
    return "The runs were trained on different graph exports (fingerprint above): their figures are not comparable."


def _overlap_section(store: GraphStore, runs: Sequence[RunFiles], diseases: int, top: int) -> str:
    tops = [report_graph.top_compounds(store, r.run_id, top) for r in runs]
    unwritten = [r.run_id for r, t in zip(runs, tops) if not t]
    head = f"<h2>Top-{top} overlap of predictions</h2>"
    if unwritten:
        commands = "; ".join(f"platform writeback --run {i}" for i in unwritten)
        return head + f"<p>No predictions in the graph yet for {html.escape(', '.join(unwritten))}: run " \
                      f"<code>{html.escape(commands)}</code>.</p>"
    rows, overall = overlap(tops)
    out = [head, table([overall], list(overall)),
           note(f"Per disease that every run wrote: shared = compounds in every run's top {top} by score, in any = "
                "in at least one run's; Jaccard = shared / in any. Overall sums both over the diseases.")]
    if rows:
        out.append(f"<h3>By disease (first {number(min(diseases, len(rows)))} of {number(len(rows))})</h3>" +
                   table(rows[:diseases], ["disease", "shared", "in any", "Jaccard", "shared compounds"]))
    return "".join(out)


def build_comparison(runs: Sequence[RunFiles], store: GraphStore | None, *, diseases: int = 12,
                     top: int = 10) -> str:
    """The HTML text comparing ``runs`` (two or more, each once); the overlap is skipped when ``store`` is None."""
    check_distinct(runs)
    ids = [r.run_id for r in runs]
    rows, best = metrics_side_by_side(runs)
    parts = ["<h2>Settings that differ</h2>", table(config_rows(runs), ["setting", *ids], fmt=setting),
             note("Model and text always shown. " + _fingerprint_note(runs)),
             "<h2>Metrics</h2>", table(rows, ["split", "protocol", "metric", *ids], marked=best),
             note("One column per run; the best figure of each row is marked (all figures are higher-better). "
                  "Filtered ranking over all candidates; the paper's 50-candidate protocol for comparison only; "
                  "classification: held-out edges against sampled non-edges.")]
    histories = [r.results.get("history", {}) for r in runs]
    charts = [line_chart({i: h[key] for i, h in zip(ids, histories) if h.get(key)}, title, ylabel)
              for key, title, ylabel in CURVES if any(h.get(key) for h in histories)]
    if charts:
        parts.append(f"<h2>Training curves</h2><div class='charts'>{''.join(charts)}</div>")
    if store is not None:
        parts.append(_overlap_section(store, runs, diseases, top))
    parts.append(note("Run directories: " + "; ".join(str(r.run_dir) for r in runs)))
    return page(f"Comparing {len(runs)} runs: {', '.join(ids)}", parts)
