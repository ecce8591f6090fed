"""Fault injection for the reliability tests and benchmarks/reliability.py.

Run a ``platform`` command as a user does, wait until it has made progress (a count read from
the graph by a separate connection), kill -9 the embedded server or the command itself, and
compare the graph afterwards with a reference by counts and a sha256 over sorted node and edge
keys. Every server started in a data directory here is stopped by ``stop_server``.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from databases import ENGINE
from helpers import graph_env
from repurpose import server
from repurpose.config import Settings, load_settings
from repurpose.cypher_safety import identifier
from repurpose.errors import RepurposeError
from repurpose.store import GraphStore

PLATFORM = str(Path(sys.executable).parent / "platform")
FIXTURES = Path(__file__).parent / "fixtures"
#: ``platform load`` of the Hetionet fixture slice (3,213 nodes, 4,230 edges).
LOAD_SLICE = ["load", "hetionet", str(FIXTURES / "hetionet" / "hetionet-slice-nodes.tsv"),
              str(FIXTURES / "hetionet" / "hetionet-slice-edges.sif.gz")]
TARGETS = ("server", "client")
#: Reads a user runs while a load writes: counts, a traversal, and a user query (checked, rolled back).
READ_QUERIES = [
    ("read", "MATCH (n:Entity) RETURN count(n) AS n"),
    ("read", "MATCH (c:Compound)-[:TREATS_CtD]->(d:Disease) RETURN c.id AS c, d.id AS d LIMIT 50"),
    ("user", "MATCH (d:Disease)<-[r]-(c:Compound) RETURN d.name AS disease, count(c) AS n ORDER BY n DESC LIMIT 5"),
]
#: A node's key: its labels and its own id (Entity), runId (ModelRun) or name (Dataset); and its description.
NODE_KEYS = ("MATCH (n) RETURN collect([labels(n), coalesce(n.id, n.runId, n.name), n.description, "
             "n.descriptionModel]) AS rows")
#: An edge's key: its ends and the properties a re-run must reproduce (not timestamps or write ids).
EDGE_KEYS = ("MATCH (a)-[r:{type}]->(b) RETURN collect([coalesce(a.id, a.runId, a.name), coalesce(b.id, b.runId, "
             "b.name), r.dataset, r.runId, r.model, r.score, r.probability, r.rank, r.edges]) AS rows")


def settings_for(data_dir: Path, database: str | None = None) -> Settings:
    """Embedded-server settings of ``data_dir`` on the tests' engine (no environment or platform.toml involved)."""
    return load_settings({"data_dir": str(data_dir), "database": database, "uri": "embedded",
                          "engine": ENGINE.name}, env={}, cwd=data_dir)


def cli_env(data_dir: Path, database: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a ``platform`` command on ``data_dir``: no other PLATFORM_* variable leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
    env.update(graph_env(settings_for(data_dir, database),
                         PLATFORM_SERVER_HEAP=os.environ.get("PLATFORM_SERVER_HEAP", "2g"), **extra))
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``platform ARGS`` to the end; raises with its stderr when it fails."""
    done = subprocess.run([PLATFORM, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"platform {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def stop_server(data_dir: Path) -> None:
    """Stop the embedded server recorded for ``data_dir``, if one runs (safe to call any time)."""
    server.stop(settings_for(data_dir))


# -- reading the graph --------------------------------------------------------------------------
def recorded_store(settings: Settings) -> GraphStore | None:
    """A connection to the server recorded for ``settings.data_dir``, without starting one; None if none runs."""
    state = server.read_state(settings)
    if state is None:
        return None
    engine = server.engine_of(settings)
    direct = settings.replace(uri=state.uri, user=engine.user, password=server.root_password(settings, engine),
                              database=server.database_name(settings, engine))
    try:
        return GraphStore.connect(direct)
    except RepurposeError:
        return None


@dataclass
class Snapshot:
    """What a graph holds: counts per label and type, and every node and edge key (a multiset)."""

    labels: dict[str, int]
    types: dict[str, int]
    nodes: Counter
    edges: Counter

    @staticmethod
    def _digest(keys: Counter) -> str:
        return hashlib.sha256(json.dumps(sorted(keys.elements()), default=str).encode()).hexdigest()

    @property
    def node_checksum(self) -> str:
        return self._digest(self.nodes)

    @property
    def edge_checksum(self) -> str:
        return self._digest(self.edges)

    @property
    def checksum(self) -> str:
        """sha256 over the sorted node keys and the sorted edge keys."""
        return hashlib.sha256((self.node_checksum + self.edge_checksum).encode()).hexdigest()


def _key(row: list[Any]) -> tuple:
    return tuple(tuple(sorted(v)) if isinstance(v, list) else round(v, 6) if isinstance(v, float) else v
                 for v in row)


def snapshot(store: GraphStore) -> Snapshot:
    """Read every node and edge key of the graph (one ``collect()`` per relationship type)."""
    counts = store.counts()
    nodes = Counter(_key(r) for r in store.read(NODE_KEYS)[0]["rows"])
    edges: Counter = Counter()
    for rel in counts["relationships"]:
        rows = store.read(EDGE_KEYS.format(type=identifier(rel, "type")))[0]["rows"]
        edges.update((rel, *_key(r)) for r in rows)
    return Snapshot(counts["labels"], counts["relationships"], nodes, edges)


def snapshot_of(data_dir: Path, database: str | None = None) -> Snapshot:
    """The snapshot of ``data_dir``'s graph (its server is started if it is not running)."""
    with GraphStore.connect(settings_for(data_dir, database)) as store:
        return snapshot(store)


@dataclass
class Difference:
    """How a graph differs from its reference; ``lost`` and ``extra`` must both be zero."""

    nodes_missing: int
    nodes_extra: int
    edges_missing: int
    edges_extra: int
    duplicate_edges: int
    counts_equal: bool
    checksum: str
    reference_checksum: str

    @property
    def lost(self) -> int:
        return self.nodes_missing + self.edges_missing

    @property
    def extra(self) -> int:
        return self.nodes_extra + self.edges_extra

    @property
    def equal(self) -> bool:
        return self.checksum == self.reference_checksum and self.counts_equal

    def words(self) -> str:
        """``nothing`` when equal to the reference, else what differs."""
        if self.equal:
            return "nothing"
        return (f"{self.nodes_missing} nodes, {self.edges_missing} edges missing; {self.nodes_extra} nodes, "
                f"{self.edges_extra} edges extra ({self.duplicate_edges} duplicated)")

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "lost": self.lost, "extra": self.extra, "equal": self.equal}


def compare(reference: Snapshot, got: Snapshot) -> Difference:
    """Count what ``got`` lacks and adds against ``reference``, key by key."""
    return Difference(
        nodes_missing=sum((reference.nodes - got.nodes).values()), nodes_extra=sum((got.nodes - reference.nodes).values()),
        edges_missing=sum((reference.edges - got.edges).values()), edges_extra=sum((got.edges - reference.edges).values()),
        duplicate_edges=sum(n - 1 for n in got.edges.values() if n > 1),
        counts_equal=(reference.labels, reference.types) == (got.labels, got.types),
        checksum=got.checksum, reference_checksum=reference.checksum)


# -- injecting the fault --------------------------------------------------------------------------
@dataclass
class Fault:
    """One killed command: what was killed, when, and how the command ended."""

    target: str
    injected: bool  # False: the command finished before it made the progress awaited
    progress: int  # the probe's count when the kill was sent
    seconds_to_fault: float
    returncode: int | None = None
    seconds_to_exit: float = 0.0  # from the kill to the command's exit
    killed_pid: int | None = None
    stderr_tail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_query(store: GraphStore, i: int) -> None:
    """Run the ``i``-th (cyclically) of READ_QUERIES, the way a user's read or ``platform cypher`` would."""
    kind, query = READ_QUERIES[i % len(READ_QUERIES)]
    if kind == "read":
        store.read(query)
    else:
        store.run_user_query(query)


@dataclass
class Reads:
    """Read queries run while a command worked: latencies, errors, and how many ended before it did."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    during: int = 0


def reads_during(proc: subprocess.Popen, settings: Settings, readers: int = 3,
                 timeout: float = 900) -> tuple[Reads, str]:
    """Run READ_QUERIES from ``readers`` threads (one connection each) until ``proc`` exits; (reads, its stderr)."""
    reads = Reads()

    def reader() -> None:
        with GraphStore.connect(settings) as store:
            i = 0
            while proc.poll() is None:
                started = time.perf_counter()
                try:
                    read_query(store, i)
                except Exception as exc:  # noqa: BLE001 - every failure is what is measured
                    reads.errors.append(f"{READ_QUERIES[i % len(READ_QUERIES)][1]}: {exc!r}"[:300])
                reads.latencies.append(time.perf_counter() - started)
                reads.during += proc.poll() is None
                i += 1

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    _, stderr = proc.communicate(timeout=timeout)
    for thread in threads:
        thread.join(timeout=120)
    return reads, stderr or ""


def _count(store: GraphStore | None, query: str) -> int | None:
    if store is None:
        return None
    try:
        return int(store.read(query)[0]["n"])
    except RepurposeError:
        return None


def _progress(settings: Settings, query: str) -> Iterator[int | None]:
    """The probe's count each time it is asked (None until the command's server answers)."""
    store: GraphStore | None = None
    try:
        while True:
            if store is None:
                store = recorded_store(settings)
            yield _count(store, query)
    finally:
        if store is not None:
            store.close()


def run_killed(args: list[str], env: dict[str, str], target: str, probe: str, threshold: int = 1, *,
               poll: float = 0.05, timeout: float = 900) -> Fault:
    """Start ``platform ARGS``; once ``probe`` (a query returning ``n``) reaches ``threshold``, kill -9 ``target``.

    ``target`` is ``server`` (the pid in ``<data_dir>/server.json``) or ``client`` (the command).
    Waits for the command to exit (a killed server makes it fail) and returns what happened.
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}")
    settings = settings_for(Path(env["PLATFORM_DATA_DIR"]), env.get("PLATFORM_DATABASE"))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([PLATFORM, *args], env=env, stdout=out, stderr=err)
        try:
            fault = _inject(proc, settings, target, probe, threshold, poll, started, timeout)
            if fault.injected:
                killed_at = time.monotonic()
                fault.returncode = proc.wait(timeout=timeout)
                fault.seconds_to_exit = time.monotonic() - killed_at
            else:
                fault.returncode = proc.returncode
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err.seek(0)
        fault.stderr_tail = err.read().decode(errors="replace")[-1500:]
    return fault


def _inject(proc: subprocess.Popen, settings: Settings, target: str, probe: str, threshold: int, poll: float,
            started: float, timeout: float) -> Fault:
    """Poll until the command progressed, then send SIGKILL to ``target``."""
    counts = _progress(settings, probe)
    try:
        while True:
            n = next(counts)
            elapsed = time.monotonic() - started
            if proc.poll() is not None:
                return Fault(target, False, n or 0, elapsed)
            if elapsed > timeout:
                raise TimeoutError(f"no progress ({probe!r} < {threshold}) within {timeout:.0f}s")
            pid = proc.pid if target == "client" else getattr(server.read_state(settings), "pid", None)
            if n is not None and n >= threshold and pid is not None:
                os.kill(pid, signal.SIGKILL)
                return Fault(target, True, n, elapsed, killed_pid=pid)
            time.sleep(poll)
    finally:
        counts.close()
