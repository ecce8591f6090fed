"""Reliability: faults injected, concurrent work, fuzzing and injection, and what each lost (must be nothing).

1. Reference: one data directory built by uninterrupted commands: ``platform load hetionet``,
   ``platform enrich`` (Compound, Disease) against tests/fake_openai.py, ``platform train`` of
   two tiny DistMult runs, ``platform writeback`` of each. A snapshot after each step: counts per
   label and type, and a sha256 over the sorted node keys and edge keys (tests/fault_support.py).
2. Faults: in a fresh data directory per target, each command is started, and once the graph
   shows progress (polled from a separate connection) kill -9 hits the embedded server (pid from
   ``<data_dir>/server.json``) or the command; then the same command is run again (it restarts
   the server) and the graph is compared with the reference snapshot of that step.
3. Concurrency: two write-backs of different runs at once (CLI processes); a load into a second
   database while reader threads query; ``ask --no-llm`` (the pipeline ``platform ask`` runs)
   from ``--clients`` processes for ``--ask-seconds``: throughput and p95, graph unchanged.
4. Fuzzing and injection: ``benchmarks/fuzz_inputs.py --json`` in a subprocess, its last line read.

    .venv/bin/python benchmarks/reliability.py                   # full Hetionet (40 min on the shared cores)
    .venv/bin/python benchmarks/reliability.py --data slice --clients 4 --ask-seconds 10   # a quick look
    .venv/bin/python benchmarks/reliability.py --json            # one JSON object as the last line
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fault_support as fs  # noqa: E402 (tests/ on the path first)

from repurpose import server  # noqa: E402
from repurpose.cli_support import format_table  # noqa: E402
from repurpose.store import GraphStore  # noqa: E402

DATA = {
    "full": [str(ROOT / "data" / "hetionet" / "hetionet-v1.0-nodes.tsv.gz"),
             str(ROOT / "data" / "hetionet" / "hetionet-v1.0-edges-19of24.sif.gz")],
    "slice": fs.LOAD_SLICE[2:],
}
ENRICH = ["enrich", "--label", "Compound", "--label", "Disease", "--concurrency", "8"]
TRAIN = ["train", "--model", "distmult", "--text", "none", "--dim", "32", "--epochs", "1", "--negatives", "16",
         "--batch-size", "4096", "--lr", "0.01", "--json"]
EDGES = "MATCH ()-[r]->() RETURN count(r) AS n"
DESCRIBED = "MATCH (n:Entity) WHERE n.description IS NOT NULL RETURN count(n) AS n"
PREDICTED = "MATCH ()-[p:PREDICTED_TREATS]->() RETURN count(p) AS n"
PER_RUN = "MATCH ()-[p:PREDICTED_TREATS]->() RETURN p.runId AS run, count(p) AS n"
FUZZ_KEYS = ("cases", "clean_errors", "tracebacks", "partial_writes", "injection_attempts", "injection_reached_query")


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    out = work()
    return out, time.perf_counter() - started


class Bench:
    """The data directories, the fake LLM, the reference snapshots and the rows of the table."""

    def __init__(self, root: Path, data: str, llm_env: dict[str, str]) -> None:
        self.root = root
        self.load_args = ["load", "hetionet", *DATA[data]]
        self.slow_load = ["--batch-size", "100"] if data == "slice" else []  # a window to kill in
        self.poll = 0.05 if data == "slice" else 0.5  # seconds between progress probes
        self.llm_env = llm_env
        self.reference_dir = root / "reference"
        self.refs: dict[str, fs.Snapshot] = {}
        self.seconds: dict[str, float] = {}
        self.run_ids: list[str] = []
        self.rows: list[dict[str, Any]] = []

    def env(self, data_dir: Path, database: str = "kg") -> dict[str, str]:
        return fs.cli_env(data_dir, database, **self.llm_env)

    # -- 1. reference --------------------------------------------------------------------------
    def reference(self) -> None:
        env, ref = self.env(self.reference_dir), self.reference_dir
        fs.run(["db", "start"], env)  # so the load's time is the load's
        _, self.seconds["load"] = timed(lambda: fs.run(self.load_args, env))
        self.refs["load"] = fs.snapshot_of(ref)
        _, self.seconds["enrich"] = timed(lambda: fs.run(ENRICH, env))
        self.refs["enrich"] = fs.snapshot_of(ref)
        for seed in (0, 1):
            out, self.seconds[f"train{seed}"] = timed(lambda: fs.run([*TRAIN, "--seed", str(seed)], env))
            self.run_ids.append(json.loads(out.stdout.strip().splitlines()[-1])["run_id"])
        for i, run_id in enumerate(self.run_ids):
            _, self.seconds[f"writeback{i}"] = timed(lambda: fs.run(["writeback", "--run", run_id], env))
            self.refs[f"writeback{i}"] = fs.snapshot_of(ref)

    # -- 2. faults -----------------------------------------------------------------------------
    def faults(self, target: str) -> None:
        data_dir = self.root / f"killed-{target}"
        env = self.env(data_dir)
        expected_edges = sum(self.refs["load"].types.values())
        steps = [
            ("load", self.load_args, self.slow_load, EDGES, max(300, expected_edges // 3)),
            ("enrich", ENRICH, [], DESCRIBED, 400),
            ("writeback", ["writeback", "--run", self.run_ids[0]], [], PREDICTED, 20_000),
        ]
        shutil.copytree(self.reference_dir / "runs" / self.run_ids[0], data_dir / "runs" / self.run_ids[0])
        try:
            for step, args, slow, probe, threshold in steps:
                fault = fs.run_killed([*args, *slow], env, target, probe, threshold, poll=self.poll)
                _, rerun_s = timed(lambda: fs.run(args, env))
                reference = self.refs["writeback0" if step == "writeback" else step]
                difference = fs.compare(reference, fs.snapshot_of(data_dir))
                self.add("fault", f"kill -9 {target} during {step}", fault=fault.to_dict(),
                         rerun_seconds=rerun_s, difference=difference.to_dict(),
                         measured=(f"killed at {fault.progress:,} (of {self._total(step, reference):,}) after "
                                   f"{fault.seconds_to_fault:.1f} s; command exit {fault.returncode} "
                                   f"{fault.seconds_to_exit:.1f} s later; re-run {rerun_s:.1f} s"
                                   if fault.injected else "command finished before the fault: not injected"),
                         lost=difference.words() if fault.injected else "not measured",
                         ok=fault.injected and difference.equal)
        finally:
            fs.stop_server(data_dir)

    @staticmethod
    def _total(step: str, reference: fs.Snapshot) -> int:
        if step == "load":
            return sum(reference.types.values())
        if step == "enrich":
            return sum(1 for key in reference.nodes if key[2] is not None)
        return reference.types.get("PREDICTED_TREATS", 0)

    # -- 3. concurrency ------------------------------------------------------------------------
    def two_writebacks(self) -> None:
        """Delete both runs' edges, then write both back at once from two CLI processes."""
        env = self.env(self.reference_dir)
        for run_id in self.run_ids:
            fs.run(["runs", "delete", run_id], env)
        settings = fs.settings_for(self.reference_dir)
        started = time.perf_counter()
        procs = [subprocess.Popen([fs.PLATFORM, "writeback", "--run", run_id], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for run_id in self.run_ids]
        overlap = 0
        with GraphStore.connect(settings) as store:
            while any(p.poll() is None for p in procs):
                counts = {r["run"]: r["n"] for r in store.read(PER_RUN)}
                overlap += len(counts) == 2 and all(p.poll() is None for p in procs)
                time.sleep(0.2)
        seconds = time.perf_counter() - started
        errors = [p.communicate()[1][-300:] for p in procs if p.returncode != 0]
        difference = fs.compare(self.refs["writeback1"], fs.snapshot_of(self.reference_dir))
        sequential = self.seconds["writeback0"] + self.seconds["writeback1"]
        self.add("concurrency", "2 write-backs of different runs at once", errors=errors, seconds=seconds,
                 overlap_samples=overlap, difference=difference.to_dict(),
                 measured=(f"{seconds:.1f} s together (one after the other: {sequential:.1f} s); both runs' edges "
                           f"in the graph at once in {overlap} samples; failures {len(errors)}"),
                 lost=difference.words(), ok=not errors and difference.equal and overlap > 0)

    def load_under_queries(self, readers: int) -> None:
        """Load the same data into a second database of the reference server while threads query it."""
        database = "kgreads"
        settings = fs.settings_for(self.reference_dir, database)
        server.ensure_database(settings)
        proc = subprocess.Popen([fs.PLATFORM, *self.load_args], env=self.env(self.reference_dir, database),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = time.perf_counter()
        reads, stderr = fs.reads_during(proc, settings, readers)
        seconds = time.perf_counter() - started
        difference = fs.compare(self.refs["load"], fs.snapshot_of(self.reference_dir, database))
        p95 = percentile(reads.latencies, 0.95) or 0.0
        self.add("concurrency", f"load while {readers} readers query", load_rc=proc.returncode,
                 load_seconds=seconds, reference_load_seconds=self.seconds["load"], queries=len(reads.latencies),
                 during=reads.during, errors=reads.errors[:5], error_count=len(reads.errors), read_p95=p95,
                 difference=difference.to_dict(),
                 measured=(f"load {seconds:.1f} s (alone {self.seconds['load']:.1f} s), exit {proc.returncode}; "
                           f"{reads.during:,} queries during it, p95 {p95 * 1000:.0f} ms, errors {len(reads.errors)}"),
                 lost=difference.words(),
                 ok=proc.returncode == 0 and not reads.errors and difference.equal and reads.during > 0)
        if proc.returncode != 0:
            self.rows[-1]["load_stderr"] = stderr[-500:]

    def ask_clients(self, clients: int, seconds: float) -> None:
        """``ask --no-llm`` from ``clients`` processes at once for ``seconds``; the graph must not change."""
        before = fs.snapshot_of(self.reference_dir)
        questions = ask_questions(self.reference_dir)
        out = ask_load(self.reference_dir, questions, clients, seconds)
        difference = fs.compare(before, fs.snapshot_of(self.reference_dir))
        lat = out["latencies"]
        throughput = len(lat) / out["seconds"] if out["seconds"] else 0.0
        p50, p95 = percentile(lat, 0.5) or 0.0, percentile(lat, 0.95) or 0.0
        self.add("concurrency", f"ask --no-llm, {clients} clients x {seconds:.0f} s", clients=clients,
                 answers=len(lat), throughput=throughput, p50=p50, p95=p95, errors=out["errors"][:5],
                 error_count=len(out["errors"]), statuses=out["statuses"], difference=difference.to_dict(),
                 measured=(f"{len(lat):,} answers, {throughput:.1f}/s, p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                           f"errors {len(out['errors'])}"),
                 lost=difference.words(),
                 ok=not out["errors"] and difference.equal and len(lat) > 0)

    # -- 4. fuzzing and injection --------------------------------------------------------------------
    def fuzz(self, timeout: float) -> None:
        script = ROOT / "benchmarks" / "fuzz_inputs.py"
        if not script.exists():
            self.add("fuzz + injection", "benchmarks/fuzz_inputs.py", status="not run", measured="not run (no script)",
                     lost="not measured", ok=None)
            return
        done = subprocess.run([sys.executable, str(script), "--json"], capture_output=True, text=True, timeout=timeout,
                              cwd=ROOT)
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            self.add("fuzz + injection", "benchmarks/fuzz_inputs.py", status=f"failed (exit {done.returncode})",
                     stderr=done.stderr[-500:], measured=f"not run: exit {done.returncode}, no JSON line",
                     lost="not measured", ok=False)
            return
        got = {k: report.get(k) for k in FUZZ_KEYS}
        accepted = f"{report['accepted']:,} accepted, " if "accepted" in report else ""
        self.add("fuzz + injection", "fuzzed and mutated input files and lines", report=report,
                 measured=(f"{got['cases']:,} cases: {accepted}{got['clean_errors']:,} clean errors, "
                           f"{got['tracebacks']} tracebacks"),
                 lost=f"{got['partial_writes']} partial writes", ok=got["tracebacks"] == 0 and got["partial_writes"] == 0)
        outcome = (f" ({report['injection_refused']} refused, {report['injection_made_safe']} made safe)"
                   if {"injection_refused", "injection_made_safe"} <= report.keys() else "")
        self.add("fuzz + injection", "injection attempts (labels, types, properties, questions)",
                 measured=f"{got['injection_attempts']} attempts{outcome}",
                 lost=f"{got['injection_reached_query']} reached a query unchecked",
                 ok=got["injection_reached_query"] == 0)

    def add(self, section: str, scenario: str, *, measured: str, lost: str, ok: bool | None, **details: Any) -> None:
        self.rows.append({"section": section, "scenario": scenario, "measured": measured, "lost": lost, "ok": ok,
                          **details})


# -- ask under concurrent clients -------------------------------------------------------------------
def ask_questions(data_dir: Path, per_kind: int = 12) -> list[str]:
    """Questions naming real diseases and compounds of the graph (the first by id, so every run asks the same)."""
    with GraphStore.connect(fs.settings_for(data_dir)) as store:
        diseases = store.read("MATCH (d:Disease) RETURN d.name AS name ORDER BY d.id LIMIT $n", n=per_kind)
        compounds = store.read("MATCH (c:Compound) RETURN c.name AS name ORDER BY c.id LIMIT $n", n=per_kind)
    return ([f"Which drugs could be repurposed for {r['name']}?" for r in diseases]
            + [f"What else could {r['name']} treat?" for r in compounds])


def _ask_client(data_dir: str, questions: list[str], offset: int, ready: Any, go: Any, seconds: float,
                results: Any) -> None:
    """One client process: warm up (name index), wait for the start, ask in a loop, report latencies."""
    from repurpose.rag.pipeline import ask

    settings = fs.settings_for(Path(data_dir))
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[str, int] = {}
    with GraphStore.connect(settings) as store:
        ask(store, questions[offset % len(questions)], settings, use_llm=False)
        ready.put(offset)
        go.wait()
        deadline = time.monotonic() + seconds
        i = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status = ask(store, questions[i % len(questions)], settings, use_llm=False).status
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(time.perf_counter() - started)
            except Exception as exc:  # noqa: BLE001 - every failure is what is measured
                errors.append(repr(exc)[:300])
            i += 1
    results.put({"latencies": latencies, "errors": errors, "statuses": statuses})


def ask_load(data_dir: Path, questions: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """Start ``clients`` processes, release them together, collect their latencies."""
    ctx = mp.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_ask_client, args=(str(data_dir), questions, i, ready, go, seconds, results))
             for i in range(clients)]
    for proc in procs:
        proc.start()
    try:
        for _ in procs:
            ready.get(timeout=600)
        go.set()
        started = time.perf_counter()
        parts = [results.get(timeout=seconds + 600) for _ in procs]
        elapsed = time.perf_counter() - started
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    statuses: dict[str, int] = {}
    for part in parts:
        for key, n in part["statuses"].items():
            statuses[key] = statuses.get(key, 0) + n
    return {"latencies": [x for p in parts for x in p["latencies"]], "errors": [e for p in parts for e in p["errors"]],
            "statuses": statuses, "seconds": elapsed}


# -- the run ------------------------------------------------------------------------------------------
def fake_llm(latency: float) -> tuple[subprocess.Popen, dict[str, str]]:
    """tests/fake_openai.py as its own process; the PLATFORM_* variables that point enrich at it."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_openai.py"), "--latency", str(latency)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # killed clients: resets
    base_url = proc.stdout.readline().strip()
    return proc, {"PLATFORM_LLM_BASE_URL": base_url, "PLATFORM_LLM_API_KEY": "sk-test-fake",
                  "PLATFORM_LLM_MODEL": "fake-model"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print one JSON object last.")
    parser.add_argument("--data", choices=sorted(DATA), default="full",
                        help="full: data/hetionet (47,031 nodes, 854,554 edges); slice: the test fixture (3,213, 4,230).")
    parser.add_argument("--clients", type=int, default=20, help="Concurrent ask clients.")
    parser.add_argument("--ask-seconds", type=float, default=60.0, help="How long the ask clients run.")
    parser.add_argument("--readers", type=int, default=4, help="Query threads during the concurrent load.")
    parser.add_argument("--llm-latency", type=float, default=0.02, help="Fake LLM seconds per answer.")
    parser.add_argument("--fuzz-timeout", type=float, default=1800, help="Seconds allowed to fuzz_inputs.py.")
    parser.add_argument("--skip", action="append", default=[], choices=["faults", "concurrency", "fuzz"],
                        help="Leave a section out (repeatable).")
    parser.add_argument("--keep", type=Path, default=None, help="Keep the data directories under this folder.")
    args = parser.parse_args()

    os.environ.setdefault("PLATFORM_SERVER_HEAP", "4g" if args.data == "full" else "2g")
    load_before = os.getloadavg()
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="reliability-", dir=args.keep))
    llm, llm_env = fake_llm(args.llm_latency)
    bench = Bench(root, args.data, llm_env)
    try:
        bench.reference()
        if "faults" not in args.skip:
            for target in fs.TARGETS:
                bench.faults(target)
        if "concurrency" not in args.skip:
            bench.two_writebacks()
            bench.load_under_queries(args.readers)
            bench.ask_clients(args.clients, args.ask_seconds)
    finally:
        fs.stop_server(bench.reference_dir)
        llm.terminate()
        llm.wait()
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if "fuzz" not in args.skip:
        bench.fuzz(args.fuzz_timeout)

    machine = (f"{os.cpu_count()} CPUs; 1/5/15-minute load average {'/'.join(f'{x:.1f}' for x in load_before)} "
               f"before, {'/'.join(f'{x:.1f}' for x in os.getloadavg())} after")
    print(format_table(bench.rows, ["section", "scenario", "measured", "lost"], max_width=200))
    failed = [r["scenario"] for r in bench.rows if r["ok"] is False]
    print(f"\ndata {args.data}: reference load {bench.seconds['load']:.1f} s, enrich {bench.seconds['enrich']:.1f} s; "
          f"total {time.perf_counter() - started:.0f} s; {machine}")
    print("every row lost nothing" if not failed else f"ROWS THAT FAILED: {', '.join(failed)}")
    if args.json:
        print(json.dumps({"data": args.data, "machine": machine, "reference_seconds": bench.seconds,
                          "reference_checksums": {k: v.checksum for k, v in bench.refs.items()},
                          "rows": bench.rows, "failed": failed, "seconds": time.perf_counter() - started},
                         default=str))


if __name__ == "__main__":
    main()
