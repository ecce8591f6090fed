"""kill -9 mid-way, re-run the same command: the graph ends exactly as after an uninterrupted run.

CI-sized versions of benchmarks/reliability.py's fault rows: the embedded server killed during a
load (in a data directory of the test's own), and the client killed during a write-back.
"""

from __future__ import annotations

from pathlib import Path

from fault_support import LOAD_SLICE, Snapshot, cli_env, compare, run, run_killed, snapshot_of
from helpers import last_json

from repurpose.config import Settings
from repurpose.store import RERUN_HINT

EDGES = "MATCH ()-[r]->() RETURN count(r) AS n"
PREDICTED = "MATCH ()-[p:PREDICTED_TREATS]->() RETURN count(p) AS n"


def test_server_killed_during_a_load_then_rerun_equals_the_reference(fault_dir: Path,
                                                                      load_reference: Snapshot) -> None:
    env = cli_env(fault_dir)
    fault = run_killed([*LOAD_SLICE, "--batch-size", "100"], env, "server", EDGES, threshold=300)
    assert fault.injected, "the load finished before the server could be killed"
    # "stopped while this command ran", or "lost the connection while committing" when the kill hit a commit
    assert fault.returncode == 1 and RERUN_HINT in fault.stderr_tail, fault.to_dict()
    assert "Traceback" not in fault.stderr_tail, fault.stderr_tail
    # the driver's own log lines stay quiet
    assert "will be retried" not in fault.stderr_tail and "defunct" not in fault.stderr_tail, fault.stderr_tail
    assert fault.seconds_to_exit < 20, fault.to_dict()  # not minutes of retries against a dead server

    rerun = last_json(run([*LOAD_SLICE, "--json"], env).stdout)  # restarts the server (with recovery)
    # it resumed (the committed edges survived the kill), it did not start over
    assert {"skip", "complete"} & set(rerun["edge_modes"].values()), (rerun["edge_modes"], fault.to_dict())
    difference = compare(load_reference, snapshot_of(fault_dir))
    assert difference.equal, difference.words()


def test_client_killed_during_a_writeback_then_rerun_equals_the_reference(
        slice_db: Settings, runs_in, writeback_reference: tuple[Snapshot, Snapshot]) -> None:
    first, _ = runs_in(slice_db.data_dir)
    env = cli_env(slice_db.data_dir, slice_db.database)
    args = ["writeback", "--run", first, "--batch-size", "50"]
    fault = run_killed(args, env, "client", PREDICTED, threshold=100)
    assert fault.injected, "the write-back finished before it could be killed"

    rerun = last_json(run([*args, "--json"], env).stdout)
    assert rerun["removed_stale"] >= fault.progress  # the half-written set was found and removed
    difference = compare(writeback_reference[0], snapshot_of(slice_db.data_dir, slice_db.database))
    assert difference.equal, difference.words()
