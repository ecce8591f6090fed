"""Why a compound might treat a disease: the graph evidence of one pair, and the best of it in one line.

One home for what the demo, the report and the explorer show beside a prediction. The evidence
itself is the library query ``explain_prediction`` (cypher/explain_prediction.cypher): one row per
kind (shared gene, pharmacologic class shared with a treatment, similar compound that treats it,
external indication), each with a count and a few examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from repurpose.store import GraphStore

NO_PATH = "no direct path in the graph"
#: Each kind of ``explain_prediction`` by a short name for tables, in the order they are shown.
SHORT = {"shared gene": "gene", "pharmacologic class shared with a treatment": "class",
         "similar compound that treats it": "similar", "external indication": "indication"}


@dataclass(frozen=True)
class Evidence:
    """One kind of evidence for a pair: how many paths of that kind, and some of their middle nodes."""

    kind: str
    count: int
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"evidence": self.kind, "count": self.count, "examples": list(self.examples)}

    def line(self) -> str:
        """``shared gene x12: APP, PSEN1, ...``: what a table cell shows."""
        return f"{self.kind} x{self.count}: {', '.join(self.examples)}"


def of_pair(store: GraphStore, compound: str, disease: str, *, examples: int = 3) -> list[Evidence]:
    """Every kind of evidence for ``compound`` treating ``disease`` (ids or names), strongest first."""
    from repurpose import querylib

    _, rows, _ = querylib.run(store, "explain_prediction",
                              {"compound": compound, "disease": disease, "examples": examples})
    found = [Evidence(r["evidence"], int(r["count"]), tuple(str(x) for x in r["examples"] or ())) for r in rows]
    return sorted(found, key=lambda e: -e.count)


def top_predictions(store: GraphStore, run_id: str, disease_id: str, top: int) -> list[tuple[dict, list[Evidence]]]:
    """The run's ``top`` predictions of one disease (rows of the library query ``top_predictions_for_disease``,
    best score first), each with the graph evidence for its pair."""
    from repurpose import querylib

    _, rows, _ = querylib.run(store, "top_predictions_for_disease", {"disease": disease_id, "run": run_id,
                                                                     "limit": top})
    return [(row, of_pair(store, row["compoundId"], disease_id)) for row in rows]


def best(found: list[Evidence]) -> Evidence | None:
    """The kind with the most paths, or None when the pair has no path at all."""
    strongest = max(found, key=lambda e: e.count, default=None)
    return strongest if strongest and strongest.count else None


def best_line(found: list[Evidence]) -> str:
    """The best evidence as one line, or a plain statement that there is none."""
    top = best(found)
    return top.line() if top else NO_PATH


def counts_line(found: list[Evidence]) -> str:
    """``gene 12 · class 3 · similar 1 · indication 0``: every kind's count, in a fixed order."""
    counts = {e.kind: e.count for e in found}
    kinds = list(SHORT) + [k for k in counts if k not in SHORT]
    return " · ".join(f"{SHORT.get(k, k)} {counts[k]}" for k in kinds if k in counts)
