"""A self-contained HTML report of one training run: metrics, data, curves, scores, explained top predictions.

Everything is inline (SVG charts, CSS in a style tag): the file can be mailed or opened offline.
Run files come from the run directory (``RunFiles``); predictions and their evidence from the graph
(``report_graph``); the HTML pieces from ``report_html``. ``report_compare`` puts runs side by side.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repurpose import atomic, evidence, report_graph
from repurpose.report_graph import Prediction
from repurpose.report_html import histogram, line_chart, note, number, page, setting, table
from repurpose.store import GraphStore
from repurpose.trainers.runs import RunDir, ranking_blocks

#: Row labels of the ranking tables for each protocol of ``runs.ranking_blocks``.
PROTOCOLS = {"filtered": "filtered (mean)", "tail": "filtered tail", "head": "filtered head",
             "paper50": "paper 50-candidate"}
#: (column, key) of the ranking figures of one protocol.
RANKING = (("MRR", "mrr"), ("Hits@1", "hits_at_1"), ("Hits@3", "hits_at_3"), ("Hits@10", "hits_at_10"))
#: (column, key) of the classification figures of one split part.
CLASSIFICATION = (("AUROC", "auroc"), ("AUPRC", "auprc"))
#: (label, results.json key) of the training speed figures.
SPEED = (("triples/s", "triples_per_second"), ("peak memory (MiB)", "peak_memory_mb"),
         ("training seconds", "train_seconds"))
#: (label, config.json key) of what a run was trained on.
DATA = (("graph fingerprint", "fingerprint"), ("entities", "num_entities"), ("relation types", "num_relations"),
        ("training triples", "num_train"), ("validation edges", "num_valid"), ("test edges", "num_test"),
        ("target relation", "target"), ("split", "split"), ("split seed", "seed"), ("text vectors", "text"),
        ("text mask", "text_mask"), ("text kinds", "text_kinds"), ("text encoder", "text_encoder"),
        ("GNN encoder", "encoder"))
#: Training history series drawn as curves: (key, title, y label).
CURVES = (("loss", "Training loss", "loss"), ("validation_mrr", "Validation filtered MRR", "MRR"))


@dataclass
class RunFiles:
    """What ``train()`` (and ``platform validate``, when run) left in a run directory, read once for a report."""

    run_dir: Path
    config: dict
    results: dict
    metrics: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)

    @classmethod
    def read(cls, run: RunDir) -> RunFiles:
        """The run's records; InputError naming the file when one is missing or malformed."""
        results = run.results()
        return cls(run.path, run.config(), results, results.get("metrics") or run.metrics(), run.validation())

    @property
    def run_id(self) -> str:
        """The run's id, as ``train()`` recorded it."""
        return self.results.get("run_id", self.run_dir.name)


@dataclass(frozen=True)
class Written:
    """A report written to ``path``: which runs it covers and its size."""

    run_ids: list[str]
    path: Path
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        one = {"run_id": self.run_ids[0]} if len(self.run_ids) == 1 else {}
        return {**one, "run_ids": self.run_ids, "path": str(self.path), "bytes": self.bytes}


def write(text: str, path: Path, runs: list[RunFiles]) -> Written:
    """Replace ``path`` with the report ``text`` of ``runs``, whole."""
    atomic.write_text(path, text)
    return Written([r.run_id for r in runs], path, len(text.encode("utf-8")))


def metric_rows(metrics: dict) -> list[dict[str, Any]]:
    """One row per split part and ranking protocol: MRR and Hits@k (``metrics[part][protocol]``)."""
    return [{"split": part, "protocol": PROTOCOLS[protocol], **{col: m.get(key) for col, key in RANKING}}
            for part, block in metrics.items() for protocol, m in ranking_blocks(block)]


def classification_rows(metrics: dict) -> list[dict[str, Any]]:
    """AUROC and AUPRC of each split part against its sampled non-edges."""
    return [{"split": part, **{col: block.get(key) for col, key in CLASSIFICATION}}
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
                         "run": model[key][stat], "degree prior": prior[key][stat]})
    return rows


def data_rows(config: dict) -> list[dict[str, Any]]:
    """What the run was trained on, as recorded in its config: graph export, counts, split, text."""
    return [{"item": label, "value": config.get(key)} for label, key in DATA]


def prediction_rows(found: list[Prediction]) -> list[dict[str, Any]]:
    """A disease table's rows: rank, compound, figures, status, and the best evidence with every kind's count."""
    return [{"rank": i, "compound": p.compound, "id": p.compound_id, "score": p.score, "probability": p.probability,
             "status": p.status, "best evidence": evidence.best_line(p.evidence),
             "evidence counts": evidence.counts_line(p.evidence)} for i, p in enumerate(found, 1)]


def metrics_section(metrics: dict) -> str:
    """The ranking table and, when there are AUROC figures, the classification table, each under its heading."""
    out = ["<h2>Ranking metrics</h2>", table(metric_rows(metrics), ["split", "protocol", *(c for c, _ in RANKING)]),
           note("Filtered ranking over all candidates of the tail (head) kind; the paper's 50-candidate protocol "
                "(raw) is shown for comparison only.")]
    classification = classification_rows(metrics)
    if classification:
        out += ["<h2>Classification metrics</h2>",
                table(classification, ["split", *(c for c, _ in CLASSIFICATION)]),
                note("Held-out edges against sampled non-edges of the same diseases.")]
    return "".join(out)


def _validation_section(v: dict) -> str:
    f, model = v["pairs_file"], v["model"]
    return (f"<h2>External validation</h2><p>{number(f['pairs'])} pairs of {html.escape(Path(f['path']).name)} "
            f"(columns {html.escape(', '.join(f['columns']))}), {number(v['file_pairs_trained_on'])} of them trained "
            f"on and left out; {number(model['positives'])} positives among {number(model['pairs'])} unseen pairs.</p>"
            + table(validation_rows(v), ["figure", "run", "degree prior"])
            + note("Rephetio's protocol (platform validate): every compound-disease pair without a training edge is "
                   "scored; AUROC within disease/compound averages over groups holding both classes; fold = "
                   "positives over chance, p hypergeometric."))


def build_report(run: RunFiles, store: GraphStore | None, *, diseases: int = 12, top: int = 10) -> str:
    """The HTML text of the report; graph sections are skipped when ``store`` is None."""
    parts = [metrics_section(run.metrics)]
    blend = run.results.get("blend") or {}
    if blend.get("weights"):
        weights = [{"component": k, "weight": float(v)} for k, v in blend["weights"].items()]
        parts.append("<h2>Blend</h2>" + table(weights, ["component", "weight"]) +
                     note("Weighted sum of standardized scores; the peers' weights were chosen on validation MRR "
                          f"({number(blend['model_alone_validation_mrr'])} for the model alone)."))
    if run.validation:
        parts.append(_validation_section(run.validation))
    parts.append("<h2>Data</h2>" + table(data_rows(run.config), ["item", "value"], fmt=setting))
    parts.append("<h2>Training</h2>" + table([{label: run.results.get(key) for label, key in SPEED}],
                                             [label for label, _ in SPEED]))
    history = run.results.get("history", {})
    charts = [line_chart({run.run_id: history[key]}, title, ylabel) for key, title, ylabel in CURVES
              if history.get(key)]
    if charts:
        parts.append(f"<div class='charts'>{''.join(charts)}</div>")
    if store is not None:
        parts.append(_prediction_sections(store, run.run_id, diseases, top))
    parts.append("<h2>Configuration</h2>" + table([{"setting": k, "value": v} for k, v in sorted(run.config.items())],
                                                  ["setting", "value"], fmt=setting))
    parts.append(note(f"Run directory: {run.run_dir}"))
    return page(f"Training run {run.run_id}", parts)


def _prediction_sections(store: GraphStore, run_id: str, diseases: int, top: int) -> str:
    raw, probabilities = report_graph.scores(store, run_id)
    if not raw:
        return ("<h2>Predictions</h2><p>No predictions of this run are in the graph yet: "
                f"run <code>platform writeback --run {html.escape(run_id)}</code>.</p>")
    charts = [histogram(raw, "Raw scores of written predictions", "score")]
    if probabilities:
        charts.append(histogram(probabilities, "Calibrated probabilities", "probability"))
    out = [f"<h2>Predictions ({number(len(raw))} edges)</h2><div class='charts'>{''.join(charts)}</div>",
           f"<h2>Top {top} predictions per disease</h2>",
           note("novel = no edge of the run's known-treatment types; known = already a curated treatment. Best "
                "evidence: the kind of graph path with the most paths between the pair; counts: shared genes, "
                "pharmacologic classes shared with a treatment, similar compounds that treat it, external "
                "indications.")]
    columns = ["rank", "compound", "id", "score", "probability", "status", "best evidence", "evidence counts"]
    for disease in report_graph.diseases(store, run_id, diseases):
        rows = prediction_rows(report_graph.predictions(store, run_id, disease["id"], top))
        out.append(f"<h3>{html.escape(disease['name'])}</h3>" +
                   table(rows, columns, classes=[r["status"] for r in rows]))
    return "".join(out)
