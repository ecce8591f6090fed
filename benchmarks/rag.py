"""Graph-RAG benchmark: entity-linking accuracy and ``ask --no-llm`` latency on the full Hetionet.

Loads ../shared/data/hetionet (47,031 nodes, 854,554 edges of 19 types) into a fresh embedded
ArcadeDB server in a temporary data directory with ``repurpose.loaders``, writes ``nameEmbedding`` vectors for the
Compound and Disease nodes (so the embedding pass has something to search), then:

- links 70 hand-written question phrasings of Hetionet diseases and compounds (lower case,
  misspellings, abbreviations, partial names, full questions) and reports top-1 accuracy,
  with and without the embedding pass;
- times the whole ``--no-llm`` pipeline (link + five retrievers + context) per question after
  start-up, reporting p50 / p95, and the start-up costs themselves (cold: the name index built
  and saved; warm: loaded from the data directory's cache, as a later ``platform ask`` does).

Usage: .venv/bin/python benchmarks/rag.py [--json] [--repeat 3] [--no-embeddings]
The 1-minute load average is reported: above the core count, other work shared the CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil

from repurpose import server
from repurpose.cli_support import format_table
from repurpose.config import load_settings
from repurpose.loaders import LoadOptions, load_dataset
from repurpose.rag.linking import EntityLinker
from repurpose.rag.name_index import NAME_INDEXES, name_index
from repurpose.rag.name_vectors import embedding_index
from repurpose.rag.pipeline import ask
from repurpose.store import GraphStore

HETIONET = Path(__file__).resolve().parents[2] / "shared" / "data" / "hetionet"  # ../shared/data from the repository
AD = "Disease::DOID:10652"

#: (phrasing, expected id, category). Written by hand; ids checked against hetionet-v1.0-nodes.tsv.
CASES: list[tuple[str, str, str]] = [
    ("Which drugs could be repurposed for Alzheimer's disease, and why?", AD, "question"),
    ("alzheimers disease", AD, "lower"),
    ("alzhiemer's desease treatments", AD, "misspelled"),
    ("what helps with alzheimers", AD, "partial"),
    ("Parkinson's disease", "Disease::DOID:14330", "exact"),
    ("drugs for parkinsons", "Disease::DOID:14330", "partial"),
    ("parkinson desease therapy", "Disease::DOID:14330", "misspelled"),
    ("multiple sclerosis", "Disease::DOID:2377", "lower"),
    ("new treatments for MS", "Disease::DOID:2377", "abbreviation"),
    ("multipel sclerosis", "Disease::DOID:2377", "misspelled"),
    ("Rheumatoid Arthritis", "Disease::DOID:7148", "exact"),
    ("rheumatiod arthritis drugs", "Disease::DOID:7148", "misspelled"),
    ("What could treat RA?", "Disease::DOID:7148", "abbreviation"),
    ("type 2 diabetes mellitus", "Disease::DOID:9352", "lower"),
    ("drugs for type 2 diabetes", "Disease::DOID:9352", "partial"),
    ("T2DM candidates", "Disease::DOID:9352", "abbreviation"),
    ("type 1 diabetes", "Disease::DOID:9744", "partial"),
    ("breast cancer", "Disease::DOID:1612", "lower"),
    ("brest cancer therapies", "Disease::DOID:1612", "misspelled"),
    ("COPD", "Disease::DOID:3083", "abbreviation"),
    ("chronic obstructive pulmonary disease", "Disease::DOID:3083", "lower"),
    ("hypertension", "Disease::DOID:10763", "lower"),
    ("hypertention medication", "Disease::DOID:10763", "misspelled"),
    ("schizophrenia", "Disease::DOID:5419", "lower"),
    ("schizophernia drugs", "Disease::DOID:5419", "misspelled"),
    ("ulcerative colitis", "Disease::DOID:8577", "lower"),
    ("Crohn's disease", "Disease::DOID:8778", "exact"),
    ("crohns", "Disease::DOID:8778", "partial"),
    ("ALS", "Disease::DOID:332", "abbreviation"),
    ("amyotrophic lateral sclerosis", "Disease::DOID:332", "lower"),
    ("SLE", "Disease::DOID:9074", "abbreviation"),
    ("lupus", "Disease::DOID:9074", "partial"),
    ("ADHD", "Disease::DOID:1094", "abbreviation"),
    ("asthma", "Disease::DOID:2841", "lower"),
    ("astma inhalers", "Disease::DOID:2841", "misspelled"),
    ("psoriasis", "Disease::DOID:8893", "lower"),
    ("psoriassis", "Disease::DOID:8893", "misspelled"),
    ("migraine", "Disease::DOID:6364", "lower"),
    ("migrane", "Disease::DOID:6364", "misspelled"),
    ("glaucoma", "Disease::DOID:1686", "lower"),
    ("osteoporosis", "Disease::DOID:11476", "lower"),
    ("osteoperosis", "Disease::DOID:11476", "misspelled"),
    ("gout", "Disease::DOID:13189", "lower"),
    ("prostate cancer", "Disease::DOID:10283", "lower"),
    ("prostrate cancer", "Disease::DOID:10283", "misspelled"),
    ("epilepsy", "Disease::DOID:1826", "partial"),
    ("bipolar disorder", "Disease::DOID:3312", "lower"),
    ("coronary artery disease", "Disease::DOID:3393", "lower"),
    ("idiopathic pulmonary fibrosis", "Disease::DOID:0050156", "lower"),
    ("IPF", "Disease::DOID:0050156", "abbreviation"),
    ("What does metformin treat?", "Compound::DB00331", "question"),
    ("metfromin", "Compound::DB00331", "misspelled"),
    ("Donepezil", "Compound::DB00843", "exact"),
    ("donepezel", "Compound::DB00843", "misspelled"),
    ("galantamine", "Compound::DB00674", "lower"),
    ("memantine", "Compound::DB01043", "lower"),
    ("ibuprofen", "Compound::DB01050", "lower"),
    ("ibuprofin", "Compound::DB01050", "misspelled"),
    ("atorvastatin", "Compound::DB01076", "lower"),
    ("atorvastatine", "Compound::DB01076", "misspelled"),
    ("simvastatin", "Compound::DB00641", "lower"),
    ("methotrexate", "Compound::DB00563", "lower"),
    ("methotrexat", "Compound::DB00563", "misspelled"),
    ("imatinib", "Compound::DB00619", "lower"),
    ("tamoxifen", "Compound::DB00675", "lower"),
    ("sildenafil", "Compound::DB00203", "lower"),
    ("sildenafill", "Compound::DB00203", "misspelled"),
    ("What else could hydroxychloroquine treat?", "Compound::DB01611", "question"),
    ("hydroxychloroquin", "Compound::DB01611", "misspelled"),
    ("aspirin", "Compound::DB00945", "synonym"),
    ("paracetamol", "Compound::DB00316", "synonym"),
    ("valproic acid", "Compound::DB00313", "lower"),
    ("fluorouracil", "Compound::DB00544", "lower"),
    ("5-FU", "Compound::DB00544", "abbreviation"),
    ("Can crizotinib be repurposed?", "Compound::DB08865", "question"),
]
LATENCY_QUESTIONS = [c[0] for c in CASES if c[2] in ("question", "partial", "misspelled", "abbreviation")]


def load_hetionet(store: GraphStore, folder: Path) -> dict[str, float]:
    """The whole of Hetionet through the platform's own loader (``platform load hetionet``)."""
    summary = load_dataset(store, "hetionet", folder / "hetionet-v1.0-nodes.tsv",
                           folder / "hetionet-v1.0-edges-19of24.sif.gz", options=LoadOptions(edge_mode="create"))
    return {"nodes": summary.node_count, "edges": summary.edge_count, "read_s": summary.read_seconds,
            "nodes_s": summary.node_seconds, "edges_s": summary.edge_seconds}


def embed_names(store: GraphStore, encoder_name: str) -> dict[str, float]:
    """``nameEmbedding`` for every Compound and Disease (the kinds the questions name)."""
    from repurpose.text_encoder import load_encoder

    t0 = time.perf_counter()
    rows = store.read("MATCH (n:Entity) WHERE n:Compound OR n:Disease RETURN n.id AS id, n.name AS name")
    vectors = load_encoder(encoder_name).encode([r["name"] for r in rows], batch_size=128,
                                                normalize_embeddings=True)
    store.write_batches("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n.nameEmbedding = r.v",
                        ({"id": r["id"], "v": v.tolist()} for r, v in zip(rows, vectors)), batch_size=2000,
                        desc="nameEmbedding")
    return {"embedded": len(rows), "embed_s": time.perf_counter() - t0}


def accuracy(store: GraphStore, encoder: str | None) -> tuple[float, list[dict]]:
    """Top-1 accuracy: the first linked node of each phrasing is the expected one."""
    linker = EntityLinker(store, encoder)
    rows = []
    for text, expected, category in CASES:
        result = linker.link(text)
        got = result.linked[0].id if result.linked else ("ambiguous" if result.ambiguous else "none")
        rows.append({"phrasing": text, "category": category, "expected": expected, "got": got,
                     "ok": got == expected, "method": result.linked[0].method if result.linked else ""})
    return sum(r["ok"] for r in rows) / len(rows), rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print one JSON object last.")
    parser.add_argument("--repeat", type=int, default=3, help="Times each latency question is asked.")
    parser.add_argument("--no-embeddings", action="store_true", help="Skip writing nameEmbedding vectors.")
    parser.add_argument("--data", type=Path, default=HETIONET)
    args = parser.parse_args()
    report: dict = {"cpu_note": f"1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end",
                    "cases": len(CASES)}
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as tmp:
        settings = load_settings({"data_dir": tmp, "database": "hetionet"}, env={})
        server.start(settings, bolt_port=server.pick_port(17687), http_port=server.pick_port(12480))
        try:
            with GraphStore.connect(settings) as store:
                report["load"] = load_hetionet(store, args.data)
                encoder = None if args.no_embeddings else settings.encoder
                if encoder:
                    report["load"].update(embed_names(store, encoder))
                cache = Path(tmp) / "cache"
                t0 = time.perf_counter()
                name_index(store, cache, refresh=True)  # cold: one collect() + trigram fits, saved
                report["startup_cold_index_s"] = time.perf_counter() - t0
                NAME_INDEXES.clear()
                t0 = time.perf_counter()
                name_index(store, cache)  # what a later `platform ask` does: load the saved index
                report["startup_warm_index_s"] = time.perf_counter() - t0
                if encoder:
                    t0 = time.perf_counter()
                    embedding_index(store, encoder)
                    from repurpose.text_encoder import load_encoder
                    load_encoder(encoder)
                    report["startup_embeddings_s"] = time.perf_counter() - t0
                acc_plain, _ = accuracy(store, None)
                acc, rows = accuracy(store, encoder)
                report["accuracy_top1"] = acc
                report["accuracy_top1_without_embeddings"] = acc_plain
                report["misses"] = [r for r in rows if not r["ok"]]
                by_cat: dict[str, list[bool]] = defaultdict(list)
                for r in rows:
                    by_cat[r["category"]].append(r["ok"])
                report["by_category"] = {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by_cat.items())}
                for question in LATENCY_QUESTIONS:  # one untimed pass: the server's JIT and query plans warm up
                    ask(store, question, settings, use_llm=False)
                runs = []
                for _ in range(args.repeat):
                    for question in LATENCY_QUESTIONS:
                        t0 = time.perf_counter()
                        result = ask(store, question, settings, use_llm=False)
                        runs.append((time.perf_counter() - t0, result.timings.get("link_s", 0.0),
                                     result.timings.get("retrieve_s", 0.0), question))
                times = [r[0] for r in runs]
                report["latency"] = {"questions": len(LATENCY_QUESTIONS), "runs": len(times),
                                     "p50_s": statistics.median(times), "p95_s": percentile(times, 0.95),
                                     "max_s": max(times),
                                     "link_p50_s": statistics.median(r[1] for r in runs),
                                     "retrieve_p50_s": statistics.median(r[2] for r in runs),
                                     "slowest": [{"question": q, "total_s": a, "link_s": b, "retrieve_s": c}
                                                 for a, b, c, q in sorted(runs, reverse=True)[:3]]}
                report["rss_mib"] = psutil.Process().memory_info().rss / 2**20
        finally:
            server.stop(settings)
    table = [
        {"metric": "entity linking top-1 accuracy", "value": f"{report['accuracy_top1']:.1%} of {len(CASES)}"},
        {"metric": "  without the embedding pass", "value": f"{report['accuracy_top1_without_embeddings']:.1%}"},
        *({"metric": f"  {k}", "value": v} for k, v in report["by_category"].items()),
        {"metric": "ask --no-llm latency p50", "value": f"{report['latency']['p50_s'] * 1000:.0f} ms"},
        {"metric": "ask --no-llm latency p95", "value": f"{report['latency']['p95_s'] * 1000:.0f} ms"},
        {"metric": "  of which linking p50 / retrieval p50",
         "value": f"{report['latency']['link_p50_s'] * 1000:.0f} ms / {report['latency']['retrieve_p50_s'] * 1000:.0f} ms"},
        {"metric": "start-up, cold: name index built, trigrams fitted", "value": f"{report['startup_cold_index_s']:.1f} s"},
        {"metric": "start-up, warm: name index loaded from cache", "value": f"{report['startup_warm_index_s']:.1f} s"},
        *([{"metric": "start-up: name vectors fetched + encoder loaded",
            "value": f"{report['startup_embeddings_s']:.1f} s"}] if "startup_embeddings_s" in report else []),
        {"metric": "load: nodes / edges", "value": f"{report['load']['nodes']} in {report['load']['nodes_s']:.0f} s / "
                                                   f"{report['load']['edges']} in {report['load']['edges_s']:.0f} s"},
        {"metric": "process RSS", "value": f"{report['rss_mib']:.0f} MiB"},
    ]
    print(format_table(table, ["metric", "value"]), file=sys.stdout if not args.json else sys.stderr)
    for miss in report["misses"]:
        print(f"miss: {miss['phrasing']!r} ({miss['category']}) -> {miss['got']}, expected {miss['expected']}",
              file=sys.stderr)
    for slow in report["latency"]["slowest"]:
        print(f"slow: {slow['question']!r} {slow['total_s']:.3f} s (link {slow['link_s']:.3f}, "
              f"retrieve {slow['retrieve_s']:.3f})", file=sys.stderr)
    print(report["cpu_note"], file=sys.stderr)
    if args.json:
        print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
