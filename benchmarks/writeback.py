"""Write-back speed: top-k scoring of every Compound x Disease pair, and writing the edges.

1. Scoring: top-50 per compound (and per disease) for 10,000 compounds x 5,000 diseases from a
   random model satisfying the LoadedRun contract (real ``Embeddings`` + score module of
   repurpose.trainers, random vectors), chunked (``trainers/predict.py``), against a peer that
   materialises the full score matrix and takes ``torch.topk`` on it. Each runs in its own
   subprocess on ``--threads`` threads so peak resident memory is its own.
2. Writing: 100,000 PREDICTED_TREATS edges (top 10 for 10,000 compounds) through
   ``repurpose.writeback.write`` into a fresh embedded ArcadeDB holding the 15,000 nodes, then
   a re-run that replaces them; peer: bare ``CREATE`` of the same 100,000 pairs without
   properties (the brief's edge-speed query) on the same server under the same load.

Targets (issue 6): scoring <= 10 s on 2 cores; writing 100,000 edges <= 60 s.

    .venv/bin/python benchmarks/writeback.py            # table
    .venv/bin/python benchmarks/writeback.py --json     # one JSON object as the last line
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RandomRun:
    """A run satisfying the LoadedRun contract with random vectors: ``Compound::C<i>`` then ``Disease::D<j>``."""

    compounds: int
    diseases: int
    model: str = "distmult"
    dim: int = 200
    seed: int = 0
    run_id: str = "benchmark-random"
    metrics: dict = field(default_factory=dict)
    relation_types: list = field(default_factory=lambda: ["TREATS_CtD"])
    target_relation: str = "TREATS_CtD"
    known_pairs: set = field(default_factory=set)
    fingerprint: str = "random"

    def __post_init__(self) -> None:
        import torch

        from repurpose.trainers.model import Embeddings
        from repurpose.trainers.scores import make_interaction

        gen = torch.Generator().manual_seed(self.seed)
        interaction = make_interaction(self.model)
        n = self.compounds + self.diseases
        self.emb = Embeddings(torch.randn(n, self.dim, generator=gen),
                              torch.randn(1, interaction.relation_dim(self.dim), generator=gen), interaction)
        self.entity_ids = ([f"Compound::C{i}" for i in range(self.compounds)]
                           + [f"Disease::D{j}" for j in range(self.diseases)])
        self.config = {"run_id": self.run_id, "model": self.model, "text": "none", "encoder": "none",
                       "dim": self.dim, "seed": self.seed}

    def score(self, heads, tails, relation: int | None = None):
        import torch

        heads = torch.as_tensor(heads)
        return self.emb.score_tails(heads, torch.zeros_like(heads), torch.as_tensor(tails))

    def calibration_data(self) -> tuple[np.ndarray, np.ndarray, float]:
        """Scores of 1,000 random pairs; the top tenth labelled true (a random model has no real labels)."""
        rng = np.random.default_rng(self.seed)
        h = rng.integers(0, self.compounds, 1000)
        t = rng.integers(self.compounds, self.compounds + self.diseases, 1000)
        import torch

        s = self.emb.score_triples(torch.as_tensor(h), torch.zeros(1000, dtype=torch.long), torch.as_tensor(t)).numpy()
        labels = (s >= np.quantile(s, 0.9)).astype(int)
        return s, labels, float(labels.mean())


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def phase_score(args: argparse.Namespace) -> dict:
    """One scoring method in this process: seconds, pairs selected, peak memory."""
    import torch

    from repurpose.trainers.predict import top_k

    torch.set_num_threads(args.threads)
    run = RandomRun(args.compounds, args.diseases, model=args.model, dim=args.dim)
    heads = np.arange(args.compounds)
    tails = np.arange(args.compounds, args.compounds + args.diseases)
    base = _peak_mb()
    start = time.perf_counter()
    if args.method == "peer-full-matrix":
        full = run.score(torch.as_tensor(heads), torch.as_tensor(tails))
        val, idx = torch.topk(full, args.top_k, dim=1)
        val_d, idx_d = torch.topk(full, args.top_k, dim=0) if args.per == "both" else (None, None)
        selected = val.numel() + (val_d.numel() if val_d is not None else 0)
    else:
        selected = len(top_k(run.score, heads, tails, k=args.top_k, per=args.per, chunk_size=args.chunk_size))
    seconds = time.perf_counter() - start
    return {"method": args.method, "per": args.per, "seconds": seconds, "selected": selected,
            "pairs_per_second": args.compounds * args.diseases / seconds, "peak_memory_mb": _peak_mb(),
            "model_memory_mb": base}


def phase_write(args: argparse.Namespace) -> dict:
    """Nodes into a fresh embedded server (``args.engine``), then write-back of compounds x top-k edges, timed."""
    from repurpose import server, writeback
    from repurpose.config import load_settings
    from repurpose.store import GraphStore

    run = RandomRun(args.write_compounds, args.write_diseases, model=args.model, dim=args.dim)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings({"data_dir": data_dir, "engine": args.engine}, env={})
        bolt = server.pick_port(37000)
        server.start(settings, bolt_port=bolt, http_port=server.pick_port(37400, exclude=(bolt,)))
        try:
            with GraphStore.connect(settings) as store:
                store.apply_schema()
                for kind in ("Compound", "Disease"):
                    rows = [{"id": e} for e in run.entity_ids if e.startswith(kind + "::")]
                    store.write_batches(f"UNWIND $rows AS row CREATE (:Entity:{kind} {{id: row.id, name: row.id}})",
                                        rows, batch_size=20_000, desc=f"{kind} nodes")
                t0 = time.perf_counter()
                p = writeback.plan(run, store, top_k=args.write_top_k)
                t1 = time.perf_counter()
                first = writeback.write(run, store, p)
                t2 = time.perf_counter()
                second = writeback.write(run, store, p)  # replacement: new set + delete of the old one
                t3 = time.perf_counter()
                count = store.read("MATCH ()-[p:PREDICTED_TREATS]->() RETURN count(p) AS n")[0]["n"]
                # peer: the brief's bare edge creation (no properties) of the same pairs, same server, same load
                pairs = [{"c": run.entity_ids[h], "d": run.entity_ids[t]} for h, t in zip(p.selection.heads, p.selection.tails)]
                t4 = time.perf_counter()
                store.write_batches("UNWIND $rows AS row MATCH (c:Entity {id: row.c}) MATCH (d:Entity {id: row.d}) "
                                    "CREATE (c)-[:BARE_PEER]->(d)", pairs, batch_size=20_000, desc="peer")
                peer_seconds = time.perf_counter() - t4
        finally:
            server.stop(settings)
    return {"engine": args.engine, "edges": first["edges"], "edges_in_graph_after_rewrite": count, "plan_seconds": t1 - t0,
            "write_seconds": t2 - t1, "edges_per_second": first["edges"] / (t2 - t1),
            "peer_bare_create_seconds": peer_seconds, "peer_edges_per_second": len(pairs) / peer_seconds,
            "rewrite_seconds": t3 - t2, "rewrite_cleanup_seconds": second["seconds"]["cleanup"],
            "detail": first["seconds"]}


def _subprocess(args: argparse.Namespace, phase: str, **extra: str) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--threads", str(args.threads), "--model", args.model,
           "--dim", str(args.dim), "--compounds", str(args.compounds), "--diseases", str(args.diseases),
           "--top-k", str(args.top_k), "--chunk-size", str(args.chunk_size),
           "--write-compounds", str(args.write_compounds), "--write-diseases", str(args.write_diseases),
           "--write-top-k", str(args.write_top_k)]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", value]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", default="distmult", help="score module of the random model")
    parser.add_argument("--dim", type=int, default=200)
    parser.add_argument("--compounds", type=int, default=10_000)
    parser.add_argument("--diseases", type=int, default=5_000)
    parser.add_argument("--top-k", type=int, default=50)
    parser.add_argument("--chunk-size", type=int, default=4096)
    parser.add_argument("--write-compounds", type=int, default=10_000)
    parser.add_argument("--write-diseases", type=int, default=5_000)
    parser.add_argument("--write-top-k", type=int, default=10)
    parser.add_argument("--skip-write", action="store_true", help="only the scoring part")
    parser.add_argument("--engine", action="append", choices=("arcadedb", "neo4j"),
                        help="server to write into; repeat to compare in one run (default arcadedb)")
    parser.add_argument("--phase", choices=("score", "write"), help=argparse.SUPPRESS)
    parser.add_argument("--method", default="chunked", help=argparse.SUPPRESS)
    parser.add_argument("--per", default="compound", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        args.engine = (args.engine or ["arcadedb"])[0]
        result = phase_score(args) if args.phase == "score" else phase_write(args)
        print(json.dumps(result))
        return

    scoring = [_subprocess(args, "score", method=m, per=per)
               for per in ("compound", "both") for m in ("chunked", "peer-full-matrix")]
    writing = [] if args.skip_write else [_subprocess(args, "write", engine=engine)
                                          for engine in (args.engine or ["arcadedb"])]
    result = {"machine": f"{args.threads} threads, 1-minute load average {os.getloadavg()[0]:.1f} at the end",
              "model": f"random {args.model} dim {args.dim}", "compounds": args.compounds,
              "diseases": args.diseases, "top_k": args.top_k, "scoring": scoring, "writing": writing}
    if args.json:
        print(json.dumps(result))
        return
    print(f"Scoring {args.compounds:,} compounds x {args.diseases:,} diseases, top-{args.top_k}, random "
          f"{args.model} dim {args.dim}, {args.threads} threads (target <= 10 s)")
    print(f"{'method':<18} {'per':<9} {'seconds':>8} {'Mpairs/s':>9} {'selected':>9} {'peak MB':>8} {'vs peer':>8}")
    peers = {r["per"]: r for r in scoring if r["method"] == "peer-full-matrix"}
    for r in scoring:
        ratio = peers[r["per"]]["seconds"] / r["seconds"]
        print(f"{r['method']:<18} {r['per']:<9} {r['seconds']:>8.2f} {r['pairs_per_second'] / 1e6:>9.1f} "
              f"{r['selected']:>9,} {r['peak_memory_mb']:>8.0f} {ratio:>7.2f}x")
    for written in writing:
        print(f"\nWriting {written['edges']:,} PREDICTED_TREATS edges into a fresh embedded {written['engine']} "
              "(target <= 60 s)")
        print(f"  plan (graph checks + scoring + calibration): {written['plan_seconds']:.1f} s")
        print(f"  write: {written['write_seconds']:.1f} s = {written['edges_per_second']:,.0f} edges/s "
              f"(edges {written['detail']['write']:.1f} s, switch {written['detail']['switch']:.1f} s, "
              f"cleanup {written['detail']['cleanup']:.1f} s)")
        print(f"  peer, bare CREATE of the same edges without properties: {written['peer_bare_create_seconds']:.1f} s "
              f"= {written['peer_edges_per_second']:,.0f} edges/s (ours at "
              f"{written['edges_per_second'] / written['peer_edges_per_second']:.2f}x its rate)")
        print(f"  re-run replacing them: {written['rewrite_seconds']:.1f} s (deleting the old set "
              f"{written['rewrite_cleanup_seconds']:.1f} s); edges after: {written['edges_in_graph_after_rewrite']:,}")
    print(f"\n1-minute load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(above the core count, other work shared the CPU and these numbers are upper bounds).")


if __name__ == "__main__":
    main()
