"""Work at the same time: two write-backs of different runs, and a load while read queries run.

CI-sized versions of benchmarks/reliability.py's concurrency rows (which run the CLI commands
themselves): nothing fails, no query errs, and the graph ends equal to the reference built by
uninterrupted runs one at a time.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter

from fault_support import LOAD_SLICE, PLATFORM, Snapshot, cli_env, compare, reads_during, snapshot_of

from repurpose import writeback
from repurpose.config import Settings
from repurpose.rag.retrievers import RETRIEVERS
from repurpose.store import GraphStore


def test_two_writebacks_of_different_runs_at_once(slice_db: Settings, runs_in,
                                                  writeback_reference: tuple[Snapshot, Snapshot]) -> None:
    """Both runs planned first, then written from two connections released together, in small batches."""
    run_ids = runs_in(slice_db.data_dir)
    gate = threading.Barrier(len(run_ids))
    spans: dict[str, tuple[float, float]] = {}
    errors: list[str] = []

    def write(run_id: str) -> None:
        try:
            with GraphStore.connect(slice_db) as store:
                run = writeback.open_run(run_id, slice_db)
                plan = writeback.plan(run, store)
                gate.wait(timeout=120)
                started = time.monotonic()
                writeback.write(run, store, plan, batch_size=100)
                spans[run_id] = (started, time.monotonic())
        except Exception as exc:  # noqa: BLE001 - every failure is what the test counts
            errors.append(f"{run_id}: {exc!r}")

    writers = [threading.Thread(target=write, args=(run_id,)) for run_id in run_ids]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    assert errors == []
    (a0, a1), (b0, b1) = spans.values()
    assert a0 < b1 and b0 < a1  # the two writes really overlapped
    difference = compare(writeback_reference[1], snapshot_of(slice_db.data_dir, slice_db.database))
    assert difference.equal, difference.words()  # no edge lost, none duplicated, each run's scores intact


def test_a_load_while_read_queries_run(settings: Settings, load_reference: Snapshot) -> None:
    load = subprocess.Popen([PLATFORM, *LOAD_SLICE, "--batch-size", "200"], env=cli_env(settings.data_dir,
                            settings.database), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    reads, stderr = reads_during(load, settings)
    assert load.returncode == 0, stderr[-1500:]
    assert reads.errors == []
    assert reads.during >= 10  # the reads really ran while the load wrote
    difference = compare(load_reference, snapshot_of(settings.data_dir, settings.database))
    assert difference.equal, difference.words()



def test_ask_evidence_during_a_writeback_replacement_is_one_complete_set(slice_db: Settings, runs_in) -> None:
    """While a run's edges are replaced, the predicted retriever (ask's evidence) sees the old set or the new.

    Neo4j (read committed) read an edge deleted during the query as one with no properties, so the
    filter's "no writeId" branch let the old set's ghosts through: 500 rows where 329 were due.

    ArcadeDB reads have no snapshot: a read met edges the replacement had just deleted (EntityNotFound,
    now retried by the store), and a per-row lookup of the run's current write saw the switch half-way
    (a mixed count, now read once per query). Races: each failed in about a third to all of the runs.
    """
    run_id = runs_in(slice_db.data_dir)[0]
    with GraphStore.connect(slice_db) as store:
        run = writeback.open_run(run_id, slice_db)
        plan = writeback.plan(run, store)
        writeback.write(run, store, plan)
        expected = Counter(run.entity_ids[t] for t in plan.selection.tails)
        replacing = threading.Thread(target=writeback.write, args=(run, store, plan), kwargs={"batch_size": 50})
        replacing.start()
        seen: list[tuple[str, int]] = []
        diseases = sorted(expected)
        while replacing.is_alive():
            disease = diseases[len(seen) % len(diseases)]
            seen.append((disease, len(RETRIEVERS["predicted"](store).search([disease], k=500).items)))
        replacing.join()
    assert len(seen) >= 5  # reads really ran during the replacement
    assert [n for _, n in seen] == [expected[d] for d, _ in seen], f"{len(seen)} reads"  # no mix, no gap
