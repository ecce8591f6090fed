"""Write a run's predicted treatments into the graph, and list or delete what runs wrote.

Graph layout (docs/writeback.md):

- ``(:ModelRun {runId, model, text, encoder, params, metrics, calibration, createdAt,
  currentWriteId, edgeCount, writtenAt, topK, per})`` per run (params, metrics, calibration as
  JSON strings);
- ``(:Compound)-[:PREDICTED_TREATS {score, probability, rank, compoundRank, diseaseRank, runId,
  model, createdAt, writeId}]->(:Disease)`` per predicted pair;
- ``(:ModelRun)-[:PREDICTED {writeId, edges}]->(:Disease)`` per disease the run predicted for.

Replacement without a gap: every write-back gets a fresh ``writeId``. The new edges are created
first (readers filtering on ``p.writeId = m.currentWriteId`` do not see them yet), then the
ModelRun's ``currentWriteId`` switches to the new id in one transaction, then edges of any other
writeId of that run (the previous set, or a set left half-written by a crash) are deleted.
So readers see the old set or the new one, never a mix or nothing, and a re-run after a crash
completes the job with no duplicates. Other runs' edges are never touched.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator, Protocol

import numpy as np

from repurpose import cypher
from repurpose.config import Settings
from repurpose.errors import InputError, RepurposeError
from repurpose.store import GraphStore, open_store
from repurpose.trainers.runs import Headline, LoadedRun, RunDir, RunNotFound, load_run

COMPOUND, DISEASE = "Compound", "Disease"
EDGE_BATCH = 20_000
DELETE_BATCH = 20_000
#: How many example ids an error message shows.
SHOWN = 5


class RunLike(Protocol):
    """What write-back needs from a run: ``repurpose.trainers.runs.LoadedRun`` or any lookalike."""

    run_id: str
    config: dict
    metrics: dict
    entity_ids: list[str]
    target_relation: str
    known_pairs: set[tuple[int, int]]
    fingerprint: str

    def score(self, heads: Any, tails: Any, relation: int | None = None) -> Any: ...

    def calibration_data(self) -> tuple[np.ndarray, np.ndarray, float]: ...


class GraphChanged(RepurposeError):
    """The graph's compounds/diseases are not the ones the run was trained on."""


def open_run(run_id: str, settings: Settings) -> LoadedRun:
    """Load a run of the settings' runs directory by id (or ``latest``) or directory; RunNotFound lists those there."""
    return load_run(run_id, settings.runs_dir)


def model_label(config: dict) -> str:
    """The model name written on edges: ``rotate``, or ``rgcn_rotate`` under the GNN encoder."""
    model = str(config.get("model", "unknown"))
    encoder = config.get("encoder") or "none"
    return model if encoder == "none" else f"{encoder}_{model}"


def _kind_from_id(entity_id: str) -> str | None:
    head, sep, _ = entity_id.partition("::")
    return head if sep else None


def entity_kinds(store: GraphStore, entity_ids: list[str]) -> list[str | None]:
    """Kind of each entity: the ``Kind::`` id prefix, else the node's Compound/Disease label in the graph."""
    kinds = [_kind_from_id(e) for e in entity_ids]
    unknown = [e for e, k in zip(entity_ids, kinds) if k is None]
    if unknown:
        rows = store.read(cypher.get("writeback", "kinds_of_ids"), ids=unknown)
        found = dict(tuple(p) for p in rows[0]["pairs"]) if rows else {}
        kinds = [k if k is not None else found.get(e) for e, k in zip(entity_ids, kinds)]
    return kinds


def graph_ids(store: GraphStore, label: str) -> set[str]:
    """Every ``id`` of nodes with ``label`` (Compound or Disease) in the graph."""
    rows = store.read(cypher.get("writeback", "ids_of_label", label=label))
    return set(rows[0]["ids"]) if rows else set()


def known_relations(config: dict) -> list[str]:
    """The run's known-treatment relationship types (its target for runs that did not record them)."""
    return list(config.get("known_relations") or ([config["target"]] if config.get("target") else []))


def known_treatment_pairs(store: GraphStore, types: list[str]) -> list[tuple[str, str]]:
    """(compound id, disease id) of every edge of the known-treatment ``types`` now in the graph."""
    rows = store.read(cypher.get("writeback", "known_treatment_pairs"), types=types)
    return [tuple(p) for p in rows[0]["pairs"]] if rows else []


def check_vocabulary(run_id: str, kind: str, run_side: set[str], graph_side: set[str]) -> None:
    """Refuse when the run's compounds/diseases and the graph's differ (the graph changed)."""
    missing, new = sorted(run_side - graph_side), sorted(graph_side - run_side)
    if not missing and not new:
        return
    parts = []
    if missing:
        parts.append(f"{len(missing)} {kind} of the run are not in the graph (e.g. {', '.join(missing[:SHOWN])})")
    if new:
        parts.append(f"{len(new)} {kind} in the graph are not in the run (e.g. {', '.join(new[:SHOWN])})")
    raise GraphChanged(f"the graph changed since run {run_id} was trained: {'; '.join(parts)}. "
                       "Nothing was written. Retrain on the current graph (`platform train`) or load the graph "
                       "the run was trained on.")


def fingerprint_warnings(run: RunLike, store: GraphStore) -> list[str]:
    """A note when the graph's fingerprint differs from the run's though its compounds/diseases match.

    Same vocabulary means the scores are still about the right entities, so write-back goes on;
    but edges or text changed since training, and the note says so.
    """
    if not run.fingerprint:
        return []
    from repurpose.trainers.export import graph_fingerprint

    now, _ = graph_fingerprint(store, str(run.config.get("text") or "none"), str(run.config.get("text_mask") or "none"))
    if now == run.fingerprint:
        return []
    return [f"the graph's fingerprint is {now}, run {run.run_id} was trained on {run.fingerprint}: its compounds "
            "and diseases are the same, but edges or text vectors changed since training (predictions reflect "
            "the graph as it was then; retrain with `platform train` to use the changes)"]


@dataclass
class Plan:
    """Everything computed before writing: candidates, left-out pairs, selected pairs, calibration."""

    run_id: str
    model: str
    compounds: np.ndarray
    diseases: np.ndarray
    excluded: np.ndarray
    selection: Any  # repurpose.trainers.predict.TopK
    probabilities: np.ndarray
    calibration: Any  # repurpose.trainers.calibrate.Calibration
    options: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def plan(run: RunLike, store: GraphStore, *, top_k: int = 50, per: str = "compound",
         min_score: float | None = None, include_known: bool = False, chunk_size: int = 4096) -> Plan:
    """Check the run against the graph, score every Compound x Disease pair, keep the top k, calibrate."""
    import time

    from repurpose.trainers.calibrate import fit_platt, with_base_rate
    from repurpose.trainers.predict import top_k as select_top_k

    t0 = time.perf_counter()
    kinds = entity_kinds(store, run.entity_ids)
    compounds = np.array([i for i, k in enumerate(kinds) if k == COMPOUND], np.int64)
    diseases = np.array([i for i, k in enumerate(kinds) if k == DISEASE], np.int64)
    if not len(compounds) or not len(diseases):
        raise InputError(f"run {run.run_id} has {len(compounds)} compounds and {len(diseases)} diseases in its "
                         "vocabulary; write-back needs both (ids like 'Compound::DB00014' / 'Disease::DOID:10652')")
    for kind, idx in ((COMPOUND, compounds), (DISEASE, diseases)):
        check_vocabulary(run.run_id, kind.lower() + "s",
                         {run.entity_ids[i] for i in idx}, graph_ids(store, kind))
    warnings = fingerprint_warnings(run, store)
    excluded = np.zeros((0, 2), np.int64)
    if not include_known:
        index = {e: i for i, e in enumerate(run.entity_ids)}
        graph_pairs = [(index[c], index[d]) for c, d in known_treatment_pairs(store, known_relations(run.config))
                       if c in index and d in index]
        pairs = set(run.known_pairs) | set(graph_pairs)
        excluded = np.array(sorted(pairs), np.int64).reshape(-1, 2)
    t1 = time.perf_counter()
    try:
        scores, labels, base_rate = run.calibration_data()
        calibration = with_base_rate(fit_platt(scores, labels), base_rate)
    except ValueError as exc:
        raise InputError(f"run {run.run_id}: cannot calibrate probabilities on its test split ({exc})") from None
    t2 = time.perf_counter()
    selection = select_top_k(run.score, compounds, diseases, k=top_k, per=per, exclude=excluded,
                             min_score=min_score, chunk_size=chunk_size)
    t3 = time.perf_counter()
    options = {"topK": top_k, "per": per, "minScore": min_score, "includeKnown": include_known}
    return Plan(run.run_id, model_label(run.config), compounds, diseases, excluded, selection,
                calibration(selection.scores), calibration, options,
                {"check": t1 - t0, "calibrate": t2 - t1, "score": t3 - t2}, warnings)


def edge_rows(run: RunLike, p: Plan) -> Iterator[dict[str, Any]]:
    """One parameter row per PREDICTED_TREATS edge to create (run-wide values travel as parameters)."""
    sel, ids = p.selection, run.entity_ids
    ranks = sel.rank
    for i in range(len(sel)):
        c_rank, d_rank = int(sel.compound_rank[i]), int(sel.disease_rank[i])
        yield {"c": ids[sel.heads[i]], "d": ids[sel.tails[i]], "score": float(sel.scores[i]),
               "probability": float(p.probabilities[i]), "rank": int(ranks[i]),
               "compoundRank": c_rank or None, "diseaseRank": d_rank or None}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def delete_edges(store: GraphStore, run_id: str, keep: str | None = None) -> int:
    """Delete the run's PREDICTED_TREATS edges (all, or all but writeId ``keep``) and PREDICTED links.

    Edges go in batches of DELETE_BATCH, one transaction each, so a huge run never needs one
    giant transaction; an interrupted delete is finished by running it again.
    """
    total = 0
    while True:
        n = store.write(cypher.get("writeback", "delete_stale_edges"), runId=run_id, keep=keep,
                        batch=DELETE_BATCH)["relationships_deleted"]
        total += n
        if n < DELETE_BATCH:
            break
    store.write(cypher.get("writeback", "delete_stale_links"), runId=run_id, keep=keep)
    return total


def write(run: RunLike, store: GraphStore, p: Plan, *, batch_size: int = EDGE_BATCH,
          write_id: str | None = None) -> dict[str, Any]:
    """Create the plan's edges under a fresh writeId, switch the ModelRun to it, delete stale edges."""
    import time

    write_id = write_id or uuid.uuid4().hex
    now = _now()
    config = run.config
    t0 = time.perf_counter()
    before = store.read(cypher.get("writeback", "write_state"), runId=p.run_id)
    # A first write of a run that never crashed has nothing to clean up: skip the edge scan.
    may_be_stale = bool(before) and (before[0]["current"] is not None or before[0]["pending"] is not None)
    store.write(cypher.get("writeback", "upsert_run"), runId=p.run_id, model=p.model, text=config.get("text"),
                encoder=config.get("encoder"),
                params=json.dumps(config, sort_keys=True, default=str),
                metrics=json.dumps(run.metrics, sort_keys=True, default=str),
                calibration=json.dumps(p.calibration.to_dict()), target=run.target_relation,
                known=known_relations(config),
                fingerprint=run.fingerprint, now=now, writeId=write_id)
    written = store.write_batches(cypher.get("writeback", "create_edges"), edge_rows(run, p), batch_size=batch_size,
                                  total=len(p.selection), desc=f"writing {p.run_id}", unit="edges",
                                  runId=p.run_id, model=p.model, createdAt=now, writeId=write_id)
    t1 = time.perf_counter()
    diseases, counts = np.unique(p.selection.tails, return_counts=True)
    links = [{"d": run.entity_ids[d], "n": int(n)} for d, n in zip(diseases, counts)]
    store.write(cypher.get("writeback", "create_links"), runId=p.run_id, writeId=write_id, rows=links)
    store.write(cypher.get("writeback", "switch_current"), runId=p.run_id, writeId=write_id, edgeCount=written,
                now=now, **p.options)
    t2 = time.perf_counter()
    removed = delete_edges(store, p.run_id, keep=write_id) if may_be_stale else 0
    t3 = time.perf_counter()
    return {"run_id": p.run_id, "write_id": write_id, "edges": written, "diseases": len(links),
            "removed_stale": removed, "seconds": {"write": t1 - t0, "switch": t2 - t1, "cleanup": t3 - t2}}


def summary(p: Plan, run: RunLike, limit: int = 10) -> list[dict[str, Any]]:
    """The best ``limit`` selected pairs by score, as rows for a table."""
    sel = p.selection
    order = np.argsort(-sel.scores, kind="stable")[:limit]
    ranks = sel.rank
    return [{"compound": run.entity_ids[sel.heads[i]], "disease": run.entity_ids[sel.tails[i]],
             "score": float(sel.scores[i]), "probability": float(p.probabilities[i]), "rank": int(ranks[i])}
            for i in order]


@dataclass
class WritebackResult:
    """What one write-back did (on a dry run: would do): the plan, the write, and the best pairs."""

    run_id: str
    dry_run: bool
    plan: Plan
    top: list[dict[str, Any]]
    written: dict[str, Any] | None = None

    @property
    def nothing_selected(self) -> bool:
        return not len(self.plan.selection)

    def to_dict(self) -> dict[str, Any]:
        p = self.plan
        out = {"run_id": self.run_id, "model": p.model, "dry_run": self.dry_run, "compounds": len(p.compounds),
               "diseases": len(p.diseases), "known_left_out": len(p.excluded), "selected": len(p.selection),
               **p.options, "calibration": p.calibration.to_dict(), "seconds": dict(p.seconds),
               "warnings": p.warnings}
        if self.written is not None:
            out.update(edges=self.written["edges"], write_id=self.written["write_id"],
                       removed_stale=self.written["removed_stale"])
            out["seconds"].update(self.written["seconds"])
        out["top"] = self.top
        return out


def run(run_id: str, settings: Settings, *, top_k: int = 50, per: str = "compound", min_score: float | None = None,
        include_known: bool = False, dry_run: bool = False, chunk_size: int = 4096,
        batch_size: int = EDGE_BATCH, device: str = "cpu") -> WritebackResult:
    """Plan a run's write-back against the graph of ``settings`` and, unless ``dry_run``, write it;
    the scoring runs on ``device`` (``devices.DEVICES``)."""
    from repurpose.devices import resolve_device

    where = resolve_device(device)  # a missing GPU is refused before the run is read
    loaded = open_run(run_id, settings).to(where)
    with open_store(settings) as store:
        p = plan(loaded, store, top_k=top_k, per=per, min_score=min_score, include_known=include_known,
                 chunk_size=chunk_size)
        written = None if dry_run else write(loaded, store, p, batch_size=batch_size)
    return WritebackResult(loaded.run_id, dry_run, p, summary(p, loaded), written)


def graph_runs(store: GraphStore) -> list[dict[str, Any]]:
    """Every ModelRun node's properties (params/metrics/calibration parsed from JSON)."""
    rows = store.read(cypher.get("writeback", "run_properties"))
    out = []
    for row in rows:
        props = dict(row["m"])
        for key in ("params", "metrics", "calibration"):
            if isinstance(props.get(key), str):
                try:
                    props[key] = json.loads(props[key])
                except json.JSONDecodeError:
                    pass
        out.append(props)
    return out


def all_runs(settings: Settings) -> list[dict[str, Any]]:
    """One row per run found in the runs directory or as a ModelRun node, newest id first."""
    rows: dict[str, dict[str, Any]] = {}
    for run in RunDir.all(settings.runs_dir):
        row = {**run.summary(), "on_disk": True, "edges": 0, "written_at": None, "run_dir": str(run.path)}
        rows[row["run_id"]] = row
    with open_store(settings) as store:
        for m in graph_runs(store):
            params, headline = m.get("params") or {}, Headline.of(m.get("metrics"))
            row = rows.setdefault(m["runId"], {
                "run_id": m["runId"], "model": m.get("model"), "text": m.get("text"), "encoder": m.get("encoder"),
                "split": params.get("split") if isinstance(params, dict) else None,
                "test_mrr": headline.mrr, "test_auroc": headline.auroc, "on_disk": False, "run_dir": None})
            row.update(edges=m.get("edgeCount") or 0, written_at=m.get("writtenAt"), write_id=m.get("currentWriteId"))
    return sorted(rows.values(), key=lambda r: r["run_id"], reverse=True)


def delete_run(store: GraphStore, run_id: str) -> dict[str, Any]:
    """Remove a ModelRun node and every edge it wrote; RunNotFound lists the runs in the graph."""
    exists = store.read(cypher.get("writeback", "run_exists"), runId=run_id)[0]["n"]
    if not exists:
        known = [r["runId"] for r in graph_runs(store)]
        raise RunNotFound(f"no ModelRun {run_id!r} in the graph; runs there: {', '.join(known) or 'none'}")
    removed = delete_edges(store, run_id, keep=None)
    store.write(cypher.get("writeback", "delete_run"), runId=run_id)
    return {"run_id": run_id, "deleted": True, "edges_removed": removed}
