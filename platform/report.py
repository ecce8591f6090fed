"""A self-contained HTML report of one training run: metrics, curves, scores, top predictions.

Everything is inline (SVG charts drawn by matplotlib, CSS in a style tag): the file can be mailed
or opened offline. Run files come from the run directory; predictions from the graph.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from repurpose import cypher
from repurpose.store import GraphStore
from repurpose.trainers.runs import RunDir, ranking_blocks

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;
text-align:left;font-variant-numeric:tabular-nums}th{background:#f6f6f6}.num{text-align:right}
.novel{color:#0a6}.known{color:#888}.charts{display:flex;flex-wrap:wrap;gap:1rem}.muted{color:#777}
"""

# Predictions are read from the run's current write only (cypher/runs.cypher); the per-disease
# tables come from the library query ``top_predictions_for_disease`` (cypher/).


#: Row labels of the metrics table for each ranking protocol of ``runs.ranking_blocks``.
PROTOCOLS = {"filtered": "filtered (mean)", "tail": "filtered tail", "head": "filtered head",
             "paper50": "paper 50-candidate"}


@dataclass
class RunFiles:
    """What ``train()`` (and ``platform validate``, when run) left in a run directory, read once for a report."""

    run_dir: Path
    config: dict
    results: dict
    metrics: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)

    @classmethod
    def read(cls, run: RunDir) -> "RunFiles":
        """The run's records; InputError naming the file when one is missing or malformed."""
        results = run.results()
        return cls(run.path, run.config(), results, results.get("metrics") or run.metrics(), run.validation())


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _line_chart(values: Sequence[float], title: str, ylabel: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3)
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    ax.grid(alpha=0.3)
    out = _svg(fig)
    plt.close(fig)
    return out


def _histogram(values: Sequence[float], title: str, xlabel: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.hist(values, bins=40, color="#4a7ab5")
    ax.set(title=title, xlabel=xlabel, ylabel="predicted edges")
    ax.grid(alpha=0.3)
    out = _svg(fig)
    plt.close(fig)
    return out


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str], classes: Sequence[str] | None = None) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f'<td class="num">{number(v)}</td>'
        return f"<td>{html.escape('' if v is None else str(v))}</td>"

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes else ""
        body.append(f"<tr{cls}>" + "".join(cell(row.get(c)) for c in columns) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def number(v: float) -> str:
    """A figure for people: thousands separated from 1,000 up, 3 decimals below 1, 2 significant places for p."""
    if v != v:  # NaN
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:,.1f}"
    if v and abs(v) < 0.001:
        return f"{v:.2g}"
    return f"{v:.3f}"


def classification_rows(metrics: dict) -> list[dict[str, Any]]:
    """AUROC and AUPRC of each split part against its sampled non-edges."""
    return [{"split": part, "AUROC": block["auroc"], "AUPRC": block.get("auprc")}
            for part, block in metrics.items() if "auroc" in block]


def validation_rows(validation: dict) -> list[dict[str, Any]]:
    """The run's and the degree prior's external-validation figures side by side."""
    model, prior = validation["model"], validation["degree_prior"]
    rows = [{"figure": label, "run": model[key], "degree prior": prior[key]}
            for label, key in (("AUROC", "auroc"), ("AUROC within disease", "within_disease_auroc"),
                               ("AUROC within compound", "within_compound_auroc"), ("AUPRC", "auprc"))]
    for key, label in (("top_fraction", f"top {model['top_fraction']['fraction']:.0%} of pairs"),
                       ("top_per_disease", f"top {model['top_per_disease']['k']} per disease")):
        for stat in ("positives", "fold", "p_value"):
            rows.append({"figure": f"{label}: {stat.replace('_', ' ')}",
                         "run": float(model[key][stat]), "degree prior": float(prior[key][stat])})
    return rows


def metric_rows(metrics: dict) -> list[dict[str, Any]]:
    """Flatten ``metrics[part][protocol][direction]`` into table rows (ranking metrics only)."""
    return [{"split": part, "protocol": PROTOCOLS[protocol], "MRR": m["mrr"], "Hits@1": m.get("hits_at_1"),
             "Hits@3": m.get("hits_at_3"), "Hits@10": m.get("hits_at_10")}
            for part, block in metrics.items() for protocol, m in ranking_blocks(block)]


def build_report(run: RunFiles, store: GraphStore | None, *, diseases: int = 12, top: int = 10) -> str:
    """The HTML text of the report; graph sections are skipped when ``store`` is None."""
    run_id = run.results.get("run_id", run.run_dir.name)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Run {html.escape(run_id)}</title>"
             f"<style>{CSS}</style></head><body><h1>Training run {html.escape(run_id)}</h1>"]
    config_rows = [{"setting": k, "value": json.dumps(v) if isinstance(v, (dict, list)) else v}
                   for k, v in sorted(run.config.items())]
    speed = {"triples/s": run.results.get("triples_per_second"), "peak memory (MiB)": run.results.get("peak_memory_mb"),
             "training seconds": run.results.get("train_seconds")}
    parts.append("<h2>Metrics</h2>" + _table(metric_rows(run.metrics),
                                               ["split", "protocol", "MRR", "Hits@1", "Hits@3", "Hits@10"]))
    parts.append("<p class='muted'>Filtered ranking over all candidates of the tail (head) kind; the paper's "
                 "50-candidate protocol (raw) is shown for comparison only.</p>")
    classification = classification_rows(run.metrics)
    if classification:
        parts.append(_table(classification, ["split", "AUROC", "AUPRC"]) +
                     "<p class='muted'>Held-out edges against sampled non-edges of the same diseases.</p>")
    blend = run.results.get("blend") or {}
    if blend.get("weights"):
        weights = [{"component": k, "weight": float(v)} for k, v in blend["weights"].items()]
        parts.append("<h2>Blend</h2>" + _table(weights, ["component", "weight"]) +
                     "<p class='muted'>Weighted sum of standardized scores; the peers' weights were chosen on "
                     f"validation MRR ({number(blend['model_alone_validation_mrr'])} for the model alone).</p>")
    if run.validation:
        v, f = run.validation, run.validation["pairs_file"]
        parts.append(f"<h2>External validation</h2><p>{f['pairs']} pairs of {html.escape(Path(f['path']).name)} "
                     f"(columns {html.escape(', '.join(f['columns']))}), {v['file_pairs_trained_on']} of them trained "
                     f"on and left out; {v['model']['positives']} positives among {v['model']['pairs']:,} unseen "
                     "pairs.</p>" + _table(validation_rows(v), ["figure", "run", "degree prior"]) +
                     "<p class='muted'>Rephetio's protocol (<code>platform validate</code>): every compound-disease "
                     "pair without a training edge is scored; AUROC within disease/compound averages over "
                     "groups holding both classes; fold = positives over chance, p hypergeometric.</p>")
    parts.append("<h2>Training</h2>" + _table([{k: v for k, v in speed.items()}], list(speed)))
    history = run.results.get("history", {})
    charts = [_line_chart(history[key], title, ylabel) for key, title, ylabel in
              (("loss", "Training loss", "loss"), ("validation_mrr", "Validation filtered MRR", "MRR"))
              if history.get(key)]
    if charts:
        parts.append(f"<div class='charts'>{''.join(charts)}</div>")
    if store is not None:
        parts.append(_prediction_sections(store, run_id, diseases, top))
    parts.append("<h2>Configuration</h2>" + _table(config_rows, ["setting", "value"]))
    parts.append(f"<p class='muted'>Run directory: {html.escape(str(run.run_dir))}</p></body></html>")
    return "".join(parts)


def _prediction_sections(store: GraphStore, run_id: str, diseases: int, top: int) -> str:
    found = store.read(cypher.get("runs", "run_scores"), run_id=run_id)
    scores = found[0] if found else {"scores": [], "probabilities": []}
    if not scores["scores"]:
        return ("<h2>Predictions</h2><p>No predictions of this run are in the graph yet: "
                f"run <code>platform writeback --run {html.escape(run_id)}</code>.</p>")
    charts = [_histogram(scores["scores"], "Raw scores of written predictions", "score")]
    probabilities = [p for p in scores["probabilities"] if p is not None]
    if probabilities:
        charts.append(_histogram(probabilities, "Calibrated probabilities", "probability"))
    out = [f"<h2>Predictions ({len(scores['scores'])} edges)</h2><div class='charts'>{''.join(charts)}</div>"]
    from repurpose import querylib

    chosen = store.read(cypher.get("runs", "run_diseases"), run_id=run_id, limit=diseases)
    out.append(f"<h2>Top {top} predictions per disease</h2><p class='muted'>novel = no edge of the run's known-treatment types; "
               "known = already a curated treatment.</p>")
    for disease in chosen:
        _, rows, _ = querylib.run(store, "top_predictions_for_disease",
                                  {"disease": disease["id"], "run": run_id, "limit": top})
        shown = [{"rank": i + 1, "compound": r["compound"], "id": r["compoundId"], "score": r["score"],
                  "probability": r["probability"], "status": r["status"]} for i, r in enumerate(rows)]
        out.append(f"<h3>{html.escape(disease['name'])}</h3>" +
                   _table(shown, ["rank", "compound", "id", "score", "probability", "status"],
                          [s["status"] for s in shown]))
    return "".join(out)
