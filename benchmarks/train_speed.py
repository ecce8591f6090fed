"""Training speed on Hetionet: our trainer against PyKEEN 1.11.1, same configuration, same run.

TransE (L2; or RotatE with ``--model rotate``), dim 200 reals, batch 1024, 64 negatives per
positive, self-adversarial negative sampling loss, Adam, CPU. Reports positive training triples
per second and peak resident memory. Each framework runs in its own subprocess so peak memory is
its own. Ours trains for ``--seconds`` on the full graph (854k edges); PyKEEN trains one epoch over
``--pykeen-batches`` random batches of the same graph (all 47k entities; a full epoch would take
several minutes).

Two rows of ours: ``ours`` shares each draw of 64 negatives among a chunk of 128 positives
(DGL-KE's chunked sampling, the trainer's default); ``ours-per-positive`` draws 64 negatives for
every positive (chunks of 1), PyKEEN's basic sampler: the like-for-like comparison.

This benchmark reads ../shared/data/hetionet directly (allowed for benchmarks; HETIONET_DIR overrides).

    .venv/bin/pip install pykeen==1.11.1 psutil torch==2.13.0
    .venv/bin/python benchmarks/train_speed.py            # table
    .venv/bin/python benchmarks/train_speed.py --json     # one JSON object as the last line
    .venv/bin/python benchmarks/train_speed.py --model rotate --pykeen-batches 10
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HETIONET = Path(os.environ.get("HETIONET_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "hetionet"))
#: Positives sharing one draw of negatives, per row of ours.
CHUNKS = {"ours": 128, "ours-per-positive": 1}
DIM, BATCH, NEGATIVES, LR = 200, 1024, 64, 1e-3


def _load():
    from repurpose.trainers.data import read_nodes_and_edges

    return read_nodes_and_edges(HETIONET / "hetionet-v1.0-nodes.tsv", HETIONET / "hetionet-v1.0-edges-19of24.sif.gz")


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_ours(model: str, seconds: float, threads: int, framework: str = "ours") -> dict:
    """Our trainer on the full graph for ``seconds`` of training loop (``CHUNKS[framework]`` positives a draw)."""
    from repurpose.trainers.train import train

    data = _load()
    with tempfile.TemporaryDirectory() as runs:
        result = train(data, model=model, target="CtD", dim=DIM, epochs=1000, negatives=NEGATIVES,
                       batch_size=BATCH, chunk_size=CHUNKS[framework], lr=LR, margin=9.0, device="cpu", seed=0,
                       runs_root=runs, eval_every=10**6, max_seconds=seconds, num_threads=threads)
    return {"framework": framework, "triples_per_second": result.triples_per_second,
            "peak_memory_mb": result.peak_memory_mb, "train_seconds": result.train_seconds,
            "positives": round(result.triples_per_second * result.train_seconds)}


def _pykeen_model(name: str, factory):
    """PyKEEN's model of the same width: TransE with the L2 norm, or RotatE of DIM / 2 complex numbers."""
    from pykeen.models import RotatE, TransE

    if name == "rotate":
        return RotatE(triples_factory=factory, embedding_dim=DIM // 2, loss="nssa", random_seed=0)
    return TransE(triples_factory=factory, embedding_dim=DIM, scoring_fct_norm=2, loss="nssa", random_seed=0)


def run_pykeen(model_name: str, batches: int, threads: int) -> dict:
    """PyKEEN's sLCWA loop, one epoch over ``batches`` x 1024 random training triples."""
    import numpy as np
    import torch
    from pykeen.training import SLCWATrainingLoop
    from pykeen.triples import TriplesFactory

    torch.set_num_threads(threads)
    data = _load()
    rng = np.random.default_rng(0)
    rows = data.triples[rng.choice(len(data.triples), size=batches * BATCH, replace=False)]
    factory = TriplesFactory(torch.as_tensor(rows), {e: i for i, e in enumerate(data.entity_ids)},
                             {r: i for i, r in enumerate(data.relation_types)},
                             num_entities=data.num_entities, num_relations=data.num_relations)
    model = _pykeen_model(model_name, factory)
    loop = SLCWATrainingLoop(model=model, triples_factory=factory,
                             optimizer=torch.optim.Adam(model.parameters(), lr=LR),
                             negative_sampler="basic", negative_sampler_kwargs={"num_negs_per_pos": NEGATIVES})
    start = time.perf_counter()
    loop.train(triples_factory=factory, num_epochs=1, batch_size=BATCH, use_tqdm=False, use_tqdm_batch=False)
    seconds = time.perf_counter() - start
    return {"framework": "pykeen 1.11.1", "triples_per_second": len(rows) / seconds, "peak_memory_mb": _peak_mb(),
            "train_seconds": seconds, "positives": len(rows)}


def _subprocess(worker: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--worker", worker, "--model", args.model, "--seconds", str(args.seconds),
           "--pykeen-batches", str(args.pykeen_batches), "--threads", str(args.threads)]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("transe", "rotate"), default="transe")
    parser.add_argument("--seconds", type=float, default=60.0, help="training-loop seconds for ours")
    parser.add_argument("--pykeen-batches", type=int, default=40, help="batches of 1024 for PyKEEN")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--frameworks", default="ours,ours-per-positive,pykeen",
                        help="comma-separated: ours, ours-per-positive, pykeen")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--worker", choices=(*CHUNKS, "pykeen"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = run_pykeen(args.model, args.pykeen_batches, args.threads) if args.worker == "pykeen" else \
            run_ours(args.model, args.seconds, args.threads, args.worker)
        print(json.dumps(result))
        return
    load_before = os.getloadavg()[0]
    rows = [_subprocess(name, args) for name in args.frameworks.split(",")]
    pykeen = next((r for r in rows if r["framework"].startswith("pykeen")), None)
    for row in rows:
        row["ratio_vs_pykeen"] = (row["triples_per_second"] / pykeen["triples_per_second"]
                                  if pykeen and row is not pykeen else None)
        row["positives_per_negative_draw"] = CHUNKS.get(row["framework"], 1)
    summary = {"config": {"model": args.model, "norm": 2 if args.model == "transe" else None, "dim": DIM,
                          "batch_size": BATCH, "negatives": NEGATIVES,
                          "loss": "self-adversarial NS", "threads": args.threads, "graph": "hetionet 19/24 types",
                          "load_average_before": load_before, "load_average_after": os.getloadavg()[0]},
               "results": rows}
    print(f"{'framework':<18} {'positives/draw':>14} {'triples/s':>12} {'peak MiB':>10} {'seconds':>8} {'x PyKEEN':>9}",
          file=sys.stderr if args.json else sys.stdout)
    for row in rows:
        ratio = f"{row['ratio_vs_pykeen']:.1f}" if row["ratio_vs_pykeen"] else "1.0" if row is pykeen else "-"
        print(f"{row['framework']:<18} {row['positives_per_negative_draw']:>14} {row['triples_per_second']:>12,.0f} "
              f"{row['peak_memory_mb']:>10,.0f} {row['train_seconds']:>8.1f} {ratio:>9}",
              file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
