"""What ``platform report`` reads from the graph: a run's written predictions, and the evidence beside them.

Only the run's current write is read (cypher/runs.cypher); the per-disease tables come from the
library query ``top_predictions_for_disease`` with each prediction's evidence, through
``evidence.top_predictions``, the one home for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from repurpose import cypher, evidence
from repurpose.evidence import Evidence
from repurpose.store import GraphStore


@dataclass(frozen=True)
class Prediction:
    """One written prediction of a disease's table, with the graph evidence for the pair."""

    compound: str
    compound_id: str
    score: float
    probability: float | None
    status: str
    evidence: list[Evidence]


@dataclass(frozen=True)
class DiseaseTop:
    """One disease's best-scored compounds in one run: ids to name, best first."""

    id: str
    name: str
    compounds: dict[str, str]


def scores(store: GraphStore, run_id: str) -> tuple[list[float], list[float]]:
    """(raw scores, calibrated probabilities) of the run's written predictions; empty when none is written."""
    found = store.read(cypher.get("runs", "run_scores"), run_id=run_id)
    if not found:
        return [], []
    return found[0]["scores"], [p for p in found[0]["probabilities"] if p is not None]


def diseases(store: GraphStore, run_id: str, limit: int) -> list[dict]:
    """Up to ``limit`` diseases of the run (id, name), those with the most predictions first."""
    return store.read(cypher.get("runs", "run_diseases"), run_id=run_id, limit=limit)


def predictions(store: GraphStore, run_id: str, disease_id: str, top: int) -> list[Prediction]:
    """The run's ``top`` predictions for one disease, best score first, each with its evidence."""
    return [Prediction(r["compound"], r["compoundId"], r["score"], r["probability"], r["status"], found)
            for r, found in evidence.top_predictions(store, run_id, disease_id, top)]


def top_compounds(store: GraphStore, run_id: str, k: int) -> list[DiseaseTop]:
    """Every disease of the run (most predictions first) with its ``k`` best-scored compounds."""
    rows = store.read(cypher.get("runs", "run_top_compounds"), run_id=run_id, k=k)
    return [DiseaseTop(r["id"], r["name"], dict(zip(r["ids"], r["names"]))) for r in rows]
