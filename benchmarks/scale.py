"""Scale: Hetionet-shaped graphs at 1x, 2x, 4x and 8x through every stage, on the embedded server.

Builds each graph from ../shared/data/hetionet (HETIONET_DIR overrides): ``copies`` copies of
every node (copy 0 keeps Hetionet's ids and names; copy k appends ``~k`` to the id and `` #k``
to the name) and of every edge, with a fraction (``--rewire``, 5 %) of each copy's edges moved
to end in another copy, so the result is one connected graph with Hetionet's metagraph and
degree distribution. The shipped Compound and Disease descriptions (data/descriptions) are
copied with their nodes. Then, on a fresh data directory, each stage runs as the user runs it
(one ``platform`` process each, wall time and peak memory from the kernel's accounting):

    db start, load, enrich --from-file (the descriptions), train TransE and DistMult for one
    epoch (the first train also exports), write-back of the top 50 per disease, ask --no-llm
    (whole process: the first builds the name index, then the median of 3 questions x 3) and
    the explorer's disease page (median of 3 after one untimed request).

Rates are per second of the stage's own wall time; the server's peak memory is its VmHWM.
Rows print as each size finishes and are appended to ``--rows`` (JSON lines), so a long run
that stops keeps the sizes it finished.

    .venv/bin/python benchmarks/scale.py                         # 1x, 2x, 4x, 8x
    .venv/bin/python benchmarks/scale.py --sizes 1,2 --json       # one JSON object last
    .venv/bin/python benchmarks/scale.py --sizes 8 --heap 8g --keep scale-data   # keep the 8x data directory
    .venv/bin/python benchmarks/scale.py --table benchmarks/results/scale-2026-12-03.jsonl   # tables only
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform as machine
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repurpose.cli_support import format_table

ROOT = Path(__file__).resolve().parents[1]
HETIONET = Path(os.environ.get("HETIONET_DIR", ROOT.parent / "shared" / "data" / "hetionet"))
DESCRIPTIONS = sorted((ROOT / "data" / "descriptions").glob("*.jsonl.gz"))
PLATFORM = Path(sys.executable).with_name("platform")
EXPLORER = Path(__file__).with_name("explorer.py")
QUESTIONS = ["What does donepezil treat?", "Which drugs could be repurposed for Alzheimer's disease, and why?",
             "Does metformin treat diabetes?"]
AD_PAGE = "disease Alzheimer's disease, 50 rows"


def copy_id(node_id: str, copy: int) -> str:
    """Copy ``copy``'s id of ``node_id``: itself in copy 0, ``id~k`` after."""
    return node_id if copy == 0 else f"{node_id}~{copy}"


def copy_name(name: str | None, copy: int) -> str | None:
    """Copy ``copy``'s name: itself in copy 0, ``name #k`` after (so ``ask`` links copy 0 by its own name)."""
    return name if copy == 0 or name is None else f"{name} #{copy}"


def scaled_edges(sources: np.ndarray, targets: np.ndarray, copies: int, rewire: float,
                 seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source copy, target copy, edge row) of every edge of the ``copies``-fold graph.

    Each copy holds every edge between its own nodes, except a ``rewire`` fraction whose target
    lies in another copy, chosen uniformly, so the copies form one connected graph while every
    node keeps its degree in expectation."""
    rng = np.random.default_rng(seed)
    n = len(sources)
    source_copy = np.repeat(np.arange(copies), n)
    target_copy = source_copy.copy()
    if copies > 1:
        moved = rng.random(n * copies) < rewire
        shift = rng.integers(1, copies, size=int(moved.sum()))
        target_copy[moved] = (source_copy[moved] + shift) % copies
    return source_copy, target_copy, np.tile(np.arange(n), copies)


def write_graph(copies: int, rewire: float, seed: int, into: Path) -> dict[str, Path]:
    """The nodes TSV, SIF edges and description files of the ``copies``-fold graph, written under ``into``."""
    nodes = [line.rstrip("\n").split("\t") for line in
             (HETIONET / "hetionet-v1.0-nodes.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    with gzip.open(HETIONET / "hetionet-v1.0-edges-19of24.sif.gz", "rt", encoding="utf-8") as fh:
        edges = [line.rstrip("\n").split("\t") for line in fh.readlines()[1:]]
    files = {"nodes": into / "nodes.tsv", "edges": into / "edges.sif.gz"}
    with open(files["nodes"], "w", encoding="utf-8") as out:
        out.write("id\tname\tkind\n")
        for k in range(copies):
            out.writelines(f"{copy_id(i, k)}\t{copy_name(name, k)}\t{kind}\n"
                           for i, name, kind in nodes)
    sources = np.array([e[0] for e in edges], dtype=object)
    targets = np.array([e[2] for e in edges], dtype=object)
    source_copy, target_copy, rows = scaled_edges(sources, targets, copies, rewire, seed)
    with gzip.open(files["edges"], "wt", encoding="utf-8", compresslevel=1) as out:
        out.write("source\tmetaedge\ttarget\n")
        out.writelines(f"{copy_id(edges[r][0], s)}\t{edges[r][1]}\t{copy_id(edges[r][2], t)}\n"
                       for s, t, r in zip(source_copy.tolist(), target_copy.tolist(), rows.tolist()))
    for path in DESCRIPTIONS:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        files[path.name] = into / path.name.removesuffix(".gz")
        with open(files[path.name], "w", encoding="utf-8") as out:
            for k in range(copies):
                out.writelines(json.dumps({**r, "id": copy_id(r["id"], k), "name": copy_name(r.get("name"), k)}) + "\n"
                               for r in records)
    return files


@dataclass
class Stage:
    """One ``platform`` process: its wall seconds, peak resident MiB and last JSON object (or None)."""

    seconds: float
    peak_mib: float
    out: dict | None


def run_stage(args: list[str], env: dict[str, str], want_json: bool = True) -> Stage:
    """Run ``platform ARGS`` to the end; its own peak memory comes from wait4's rusage of that child."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(PLATFORM), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    stdout, stderr = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"platform {' '.join(args)} failed ({proc.returncode}): {stderr.strip()[-800:]}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    return Stage(seconds, usage.ru_maxrss / 1024, json.loads(lines[-1]) if want_json and lines else None)


def _server_peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _disk_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2 ** 20


def measure(copies: int, rewire: float, seed: int, heap: str | None, engine: str, work: Path) -> dict:
    """Every stage on the ``copies``-fold graph in a fresh data directory under ``work``; one result row."""
    t0 = time.perf_counter()
    files = write_graph(copies, rewire, seed, work)
    row: dict = {"size": f"{copies}x", "build_s": round(time.perf_counter() - t0, 1)}
    env = {**os.environ, "PLATFORM_DATA_DIR": str(work / "platform-data"), "PLATFORM_ENGINE": engine}
    env.pop("PLATFORM_SERVER_HEAP", None) if heap is None else env.update(PLATFORM_SERVER_HEAP=heap)
    started = run_stage(["db", "start", "--json"], env).out or {}
    row["heap"] = started.get("heap")
    try:
        load = run_stage(["load", "hetionet", str(files["nodes"]), str(files["edges"]), "--json"], env)
        summary = load.out or {}
        row.update(nodes=summary.get("node_count"), edges=summary.get("edge_count"), load_s=round(load.seconds, 1),
                   load_read_s=round(summary.get("read_seconds", 0), 1),
                   load_edge_write_s=round(summary.get("edge_seconds", 0), 1),
                   load_edges_per_s=round(summary.get("edge_count", 0) / load.seconds),
                   server_mib_after_load=round(_server_peak_mib(started["pid"])))
        text = [run_stage(["enrich", "--from-file", str(files[p.name]), "--json"], env) for p in DESCRIPTIONS]
        row["text_import_s"] = round(sum(s.seconds for s in text), 1)
        for model in ("transe", "distmult"):
            trained = run_stage(["train", "--model", model, "--epochs", "1", "--device", "cpu", "--json"], env)
            out = trained.out or {}
            if model == "transe":
                row.update(export_s=round(out["export_seconds"], 1), test_edges=out["metrics"]["test"]["count"])
                run_id = out["run_id"]
            row.update({f"{model}_triples_per_s": round(out["triples_per_second"]),
                        f"{model}_train_s": round(out["train_seconds"], 1),
                        f"{model}_peak_mib": round(trained.peak_mib),
                        f"{model}_evaluate_s": round(out["evaluate_seconds"], 2)})
        written = run_stage(["writeback", "--run", run_id, "--per", "disease", "--top-k", "50", "--json"], env)
        row.update(writeback_s=round(written.seconds, 1), writeback_edges=(written.out or {}).get("edges"),
                   writeback_peak_mib=round(written.peak_mib))
        row["ask_first_s"] = round(run_stage(["ask", "--no-llm", "--json", QUESTIONS[0]], env).seconds, 2)
        asks = [run_stage(["ask", "--no-llm", "--json", q], env).seconds for _ in range(3) for q in QUESTIONS]
        row["ask_median_s"] = round(statistics.median(asks), 2)
        row["explorer_disease_ms"] = _explorer_ms(env)
        row["server_peak_mib"] = round(_server_peak_mib(started["pid"]))
    finally:
        run_stage(["db", "stop", "--json"], env)
    row["disk_mib"] = round(_disk_mib(work / "platform-data"))
    return row


def _explorer_ms(env: dict[str, str]) -> float | None:
    """Median milliseconds of Alzheimer's disease's page in ``benchmarks/explorer.py``, None when it failed."""
    done = subprocess.run([sys.executable, str(EXPLORER), "--data-dir", env["PLATFORM_DATA_DIR"], "--repeat", "3",
                           "--json"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"explorer benchmark failed: {done.stderr.strip()[-400:]}", file=sys.stderr)
        return None
    pages = json.loads(done.stdout.splitlines()[-1])["pages"]
    return next(p["median_ms"] for p in pages if p["page"] == AD_PAGE)


#: Rates: each size should keep its 1x value (the target: within 2x).
RATES = ["load_edges_per_s", "transe_triples_per_s", "distmult_triples_per_s"]
#: Times: each size's should grow with its size (1.0 per size: linear).
TIMES = ["load_s", "text_import_s", "export_s", "transe_train_s", "transe_evaluate_s", "distmult_train_s",
         "writeback_s", "ask_first_s", "ask_median_s", "explorer_disease_ms"]


def growth(rows: list[dict]) -> dict[str, float]:
    """The last row against the first: rates as a ratio (1.0: kept), times as a ratio per size (1.0: linear)."""
    first, last = rows[0], rows[-1]
    factor = int(last["size"][:-1]) / int(first["size"][:-1])
    out = {k: round(last[k] / first[k], 2) for k in RATES if last.get(k) and first.get(k)}
    out.update({k: round(last[k] / first[k] / factor, 2) for k in TIMES if last.get(k) and first.get(k)})
    return out


def transposed(rows: list[dict]) -> tuple[list[dict], list[str]]:
    """One line per figure, one column per size, and the last size's growth against the first."""
    ratio = growth(rows)
    sizes = [r["size"] for r in rows]
    label = f"{sizes[-1]} vs {sizes[0]}" if len(rows) > 1 else "growth"
    lines = []
    for key in (k for k in rows[0] if k != "size"):
        line = {"figure": key, **{r["size"]: r.get(key) for r in rows}}
        if key in ratio:
            line[label] = f"{ratio[key]}{' of rate' if key in RATES else ' per size'}"
        lines.append(line)
    return lines, ["figure", *sizes, label]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8", help="Comma-separated copies of Hetionet.")
    parser.add_argument("--rewire", type=float, default=0.05, help="Fraction of each copy's edges moved to another.")
    parser.add_argument("--heap", default=None, help="Server heap (default: `platform db start`'s own default).")
    parser.add_argument("--engine", default="arcadedb", choices=["arcadedb", "neo4j"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="Keep each size's data directory under this folder.")
    parser.add_argument("--rows", type=Path, default=None, help="Append each size's row to this JSON-lines file.")
    parser.add_argument("--table", type=Path, default=None,
                        help="Print the tables of a --rows file (JSON lines) instead of running.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object last.")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.table.read_text().splitlines() if line.strip()] if args.table else []
    for copies in (int(s) for s in args.sizes.split(",") if not args.table):
        work = Path(tempfile.mkdtemp(prefix=f"scale-{copies}x-", dir=args.keep))
        try:
            rows.append(measure(copies, args.rewire, args.seed, args.heap, args.engine, work))
        finally:
            if args.keep is None:
                shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        if args.rows:
            with open(args.rows, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(rows[-1]) + "\n")
    about = {"machine": f"{machine.machine()}, {os.cpu_count()} CPUs", "engine": args.engine,
             "rewire": args.rewire, "load_average_1min": round(os.getloadavg()[0], 1)}
    stream = sys.stderr if args.json else sys.stdout
    print(format_table(*transposed(rows)), file=stream)
    print(f"rows of {args.table}" if args.table else ", ".join(f"{k} {v}" for k, v in about.items()), file=stream)
    if args.json:
        print(json.dumps({"benchmark": "scale", **about, "rows": rows, "growth": growth(rows)}))


if __name__ == "__main__":
    main()
