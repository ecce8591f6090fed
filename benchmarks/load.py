"""Benchmark: load Hetionet (47,031 nodes, 854,554 edges) into a fresh embedded server (ArcadeDB, Neo4j).

Starts its own server in a temporary data directory (stopped at the end), loads
../shared/data/hetionet with ``load_dataset``, and prints nodes/s, edges/s, wall time and
peak memory (this process and the server, from /proc), and the CPU seconds each process used
(an estimate of the wall time on an idle machine, since the CPU is shared). Target: <= 60 s on 2 cores.

    .venv/bin/python benchmarks/load.py                      # defaults: batch 20000, workers 1
    .venv/bin/python benchmarks/load.py --workers 1 --workers 3 --json
    .venv/bin/python benchmarks/load.py --edge-mode merge     # MERGE every edge instead of CREATE
    .venv/bin/python benchmarks/load.py --engine arcadedb --engine neo4j --json   # both servers, same run
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

import click

from repurpose import engines, server
from repurpose.cli_support import format_table
from repurpose.config import load_settings
from repurpose.loaders import LoadOptions, load_dataset
from repurpose.loaders.writer import EDGE_MODES
from repurpose.store import open_store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "hetionet"  # ../shared/data from the repository


def _peak_rss_mib(pid: int | None = None) -> float:
    """Peak resident memory (VmHWM) of ``pid`` from /proc, or of this process from getrusage."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (from /proc/PID/stat), whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(nodes: Path, edges: Path, batch_size: int, workers: int, edge_mode: str, reload: bool,
             engine: str) -> dict:
    """One load into a brand-new ``engine`` server; the result row (and a timed re-run when ``reload``)."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        settings = load_settings({"data_dir": tmp, "engine": engine}, env={})
        base = random.randint(41000, 50000)
        bolt = server.pick_port(base)
        state = server.start(settings, bolt_port=bolt, http_port=server.pick_port(base + 400, exclude=(bolt,)))
        try:
            with open_store(settings) as store:
                options = LoadOptions(batch_size=batch_size, workers=workers, edge_mode=edge_mode)
                load_before = os.getloadavg()[0]
                server_cpu, client_cpu = _cpu_seconds(state.pid), time.process_time()
                started = time.perf_counter()
                summary = load_dataset(store, "hetionet", nodes, edges, options=options)
                wall = time.perf_counter() - started
                server_cpu = _cpu_seconds(state.pid) - server_cpu
                client_cpu = time.process_time() - client_cpu
                row = {"engine": engine, "batch_size": batch_size, "workers": workers, "edge_mode": edge_mode,
                       "nodes": summary.node_count, "edges": summary.edge_count,
                       "read_s": round(summary.read_seconds, 1), "node_s": round(summary.node_seconds, 1),
                       "edge_s": round(summary.edge_seconds, 1), "wall_s": round(wall, 1),
                       "nodes_per_s": round(summary.nodes_per_second), "edges_per_s": round(summary.edges_per_second),
                       "server_cpu_s": round(server_cpu, 1), "client_cpu_s": round(client_cpu, 1),
                       "load_avg_1m": f"{load_before:.1f}->{os.getloadavg()[0]:.1f}",
                       "client_rss_mib": round(_peak_rss_mib()), "server_rss_mib": round(_peak_rss_mib(state.pid))}
                if reload:
                    started = time.perf_counter()
                    again = load_dataset(store, "hetionet", nodes, edges, options=options)
                    row["rerun_s"] = round(time.perf_counter() - started, 1)
                    counts = store.counts()
                    row["rerun_edges_in_graph"] = sum(counts["relationships"].values())
                    row["rerun_modes"] = sorted(set(again.edge_modes.values()))
        finally:
            server.stop(settings)
    return row


@click.command()
@click.option("--nodes", type=click.Path(exists=True, path_type=Path), default=DATA / "hetionet-v1.0-nodes.tsv")
@click.option("--edges", type=click.Path(exists=True, path_type=Path),
              default=DATA / "hetionet-v1.0-edges-19of24.sif.gz")
@click.option("--batch-size", type=int, default=20_000, show_default=True)
@click.option("--workers", type=int, multiple=True, help="Parallel sessions; repeat to compare (default 1).")
@click.option("--edge-mode", type=click.Choice(EDGE_MODES), default="auto", show_default=True)
@click.option("--reload", is_flag=True, help="Also time an idempotent re-run on the loaded graph.")
@click.option("--engine", "engine_names", type=click.Choice(sorted(engines.ENGINES)), multiple=True,
              help="Server to load into; repeat to compare in one run (default arcadedb).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def main(nodes: Path, edges: Path, batch_size: int, workers: tuple[int, ...], edge_mode: str, reload: bool,
         engine_names: tuple[str, ...], as_json: bool) -> None:
    """Time a full Hetionet load into a fresh embedded server."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server
    rows = [run_once(nodes, edges, batch_size, w, edge_mode, reload, engine)
            for engine in (engine_names or (engines.DEFAULT,)) for w in (workers or (1,))]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}), {platform.python_version()}"
    print(format_table(rows))
    print(f"machine: {machine}")
    if as_json:
        print(json.dumps({"benchmark": "load-hetionet", "machine": machine, "runs": rows}))


if __name__ == "__main__":
    main()
