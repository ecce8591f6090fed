"""Benchmark: export full Hetionet (854,554 edges) from the embedded server for training.

Starts its own server in a temporary data directory (stopped at the end), loads
../shared/data/hetionet, then times the trainer's export (``export_graph``: one record of
``collect(a.id), collect(b.id)`` per relationship type, read raw) against the peer, the same query
fetched row by row (``RETURN a.id, b.id``), in the same run; ``client_cpu_s`` is this process's share (Bolt
decoding and indexing), the rest is the server. Target (issue 10): >= 100,000 edges/s.

    .venv/bin/python benchmarks/export.py [--engine arcadedb --engine neo4j] [--json]
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import click

from repurpose import engines, server
from repurpose.cli_support import format_table
from repurpose.config import load_settings
from repurpose.cypher_safety import identifier
from repurpose.loaders import load_dataset
from repurpose.store import GraphStore, open_store
from repurpose.trainers.export import export_graph, relationship_types

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "hetionet"  # ../shared/data from the repository


def row_by_row(store: GraphStore) -> int:
    """The peer: every exportable edge as its own Bolt record; returns the edge count."""
    count = 0
    for rel in relationship_types(store):
        count += len(store.read(f"MATCH (a:Entity)-[:{identifier(rel, 'relationship type')}]->(b:Entity) "
                                "RETURN a.id AS a, b.id AS b"))
    return count


def timed(label: str, fn, store: GraphStore) -> dict:
    load = os.getloadavg()[0]
    cpu, started = time.process_time(), time.perf_counter()
    edges = fn(store)
    seconds = time.perf_counter() - started
    return {"method": label, "edges": edges, "seconds": round(seconds, 2), "edges_per_s": round(edges / seconds),
            "client_cpu_s": round(time.process_time() - cpu, 2), "load_avg_1m": f"{load:.1f}->{os.getloadavg()[0]:.1f}"}


def measure(engine: str, nodes: Path, edges: Path) -> list[dict]:
    """Load Hetionet into a fresh ``engine`` server, then time both exports; their rows."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        settings = load_settings({"data_dir": tmp, "engine": engine}, env={})
        server.start(settings)
        try:
            with open_store(settings) as store:
                load_dataset(store, "hetionet", nodes, edges)
                rows = [timed("export_graph (2 collects per type)", lambda s: len(export_graph(s).triples), store),
                        timed("row by row (peer)", row_by_row, store)]
        finally:
            server.stop(settings)
    rows[0]["x_peer"] = round(rows[0]["edges_per_s"] / rows[1]["edges_per_s"], 1)
    rows[1]["x_peer"] = 1.0
    return [{"engine": engine, **row} for row in rows]


@click.command()
@click.option("--nodes", type=click.Path(exists=True, path_type=Path), default=DATA / "hetionet-v1.0-nodes.tsv")
@click.option("--edges", type=click.Path(exists=True, path_type=Path),
              default=DATA / "hetionet-v1.0-edges-19of24.sif.gz")
@click.option("--engine", "engine_names", type=click.Choice(sorted(engines.ENGINES)), multiple=True,
              help="Server to export from; repeat to compare in one run (default arcadedb).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def main(nodes: Path, edges: Path, engine_names: tuple[str, ...], as_json: bool) -> None:
    """Time the training export of Hetionet against row-by-row fetching."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server
    rows = [row for engine in (engine_names or (engines.DEFAULT,)) for row in measure(engine, nodes, edges)]
    print(format_table(rows))
    if as_json:
        print(json.dumps({"benchmark": "export-hetionet", "cpus": os.cpu_count(), "runs": rows}))


if __name__ == "__main__":
    main()
