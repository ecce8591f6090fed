"""Benchmark enrichment and embedding end to end on Hetionet's 1,552 compounds and 137 diseases.

Scenarios (each on a real embedded ArcadeDB, a fresh database, and a fresh answer cache):
  llm-0ms       the fake OpenAI server (its own process) answering at once, concurrency 16
  llm-100ms     the fake server with 100 ms latency per request, concurrency 16
  cached        the same run again after the graph lost its descriptions: all from the cache
  import        --from-file of the shipped LLM descriptions
  curated       DrugBank + Disease Ontology TSVs converted to JSONL on the fly, imported --as curated
  embed         MiniLM (2 threads) over the names and LLM descriptions of --embed-n compounds

Besides wall-clock rates, each row shows this process's CPU milliseconds per item: on a shared
machine the wall rate depends on the neighbours, the CPU cost does not (1000 / cpu_ms is the
rate one free core would give).

Targets (issue 5): >= 300 entities/s at 0 ms, >= 100 entities/s at 100 ms with concurrency 16,
>= 150 texts/s for embed. Reads /work/shared/data/text directly (allowed for benchmarks).

    .venv/bin/python benchmarks/enrich.py [--json] [--skip-embed]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TEXT = Path("/work/shared/data/text")
TARGETS = {"llm-0ms": 300.0, "llm-100ms": 100.0, "embed": 150.0}


def start_fake(latency: float) -> tuple[subprocess.Popen, str]:
    """The fake OpenAI server in its own process (so it does not share our GIL); its base URL."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_openai.py"), "--latency", str(latency)],
                            stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def curated_jsonl(folder: Path) -> Path:
    """DrugBank and Disease Ontology TSVs as one JSON-lines file (CC BY-NC / CC BY: benchmark use only)."""
    out = folder / "curated.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for name in ("compounds-drugbank.tsv", "diseases-do.tsv"):
            with (TEXT / name).open(encoding="utf-8") as tsv:
                for row in csv.DictReader(tsv, delimiter="\t"):
                    if row.get("description"):
                        handle.write(json.dumps({"id": row["id"], "name": row["name"],
                                                 "description": row["description"]}) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--skip-embed", action="store_true", help="skip the MiniLM scenario")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--embed-n", type=int, default=500, help="compounds whose texts the embed scenario encodes")
    args = parser.parse_args()

    import torch

    from repurpose import server
    from repurpose.config import load_settings
    from repurpose.cypher_safety import identifier
    from repurpose.enrich.cache import AnswerCache
    from repurpose.enrich.embed import embed
    from repurpose.enrich.importer import import_file
    from repurpose.enrich.llm import ChatLLM
    from repurpose.enrich.runner import EnrichOptions, enrich
    from repurpose.store import open_store
    from repurpose.text_encoder import load_encoder

    torch.set_num_threads(2)
    entities = read_jsonl(TEXT / "compounds-llm.jsonl") + read_jsonl(TEXT / "diseases-llm.jsonl")
    tmp = Path(tempfile.mkdtemp(prefix="bench-enrich-"))
    base = load_settings({"data_dir": str(tmp / "data")}, env={})
    bolt = server.pick_port(41000)
    server.start(base, bolt_port=bolt, http_port=server.pick_port(41300, exclude=(bolt,)))
    rows: list[dict[str, Any]] = []

    def fresh_db() -> Any:
        settings = base.replace(database=f"b{uuid.uuid4().hex[:10]}")
        server.ensure_database(settings)
        return settings

    def seed(store: Any) -> None:
        for kind in ("Compound", "Disease"):
            part = [{"id": e["id"], "name": e["name"]} for e in entities if e["id"].startswith(kind + "::")]
            store.write(f"UNWIND $rows AS r MERGE (n:Entity:{identifier(kind)} {{id: r.id}}) SET n.name = r.name",
                        rows=part)

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def record(scenario: str, n: int, seconds: float, unit: str, cpu_s: float, extra: dict | None = None) -> None:
        rate = n / seconds if seconds else 0.0
        extra = {"cpu_ms": round(1000 * cpu_s / n, 2) if n else None, **(extra or {})}
        target = TARGETS.get(scenario)
        print(f"{scenario}: {n} {unit.split('/')[0]} in {seconds:.1f}s ({rate:.1f} {unit})", file=sys.stderr, flush=True)
        rows.append({"scenario": scenario, "items": n, "seconds": round(seconds, 2), "rate": round(rate, 1),
                     "unit": unit, "target": target, "ok": None if target is None else rate >= target,
                     **(extra or {})})

    try:
        with open_store(fresh_db()) as store:
            seed(store)
            cache_file = tmp / "cache.sqlite"
            for scenario, latency in (("llm-0ms", 0.0), ("llm-100ms", 0.1)):
                proc, url = start_fake(latency)
                try:
                    llm = ChatLLM(base.replace(llm_base_url=url, llm_api_key="sk-test-fake", llm_model="fake-model"))
                    cache_file.unlink(missing_ok=True)
                    store.write("MATCH (n:Entity) REMOVE n.description, n.descriptionModel, n.descriptionPrompt, "
                                "n.descriptionAt")
                    began = cpu()
                    with AnswerCache(cache_file) as cache:
                        stats = enrich(store, llm, cache, EnrichOptions(concurrency=args.concurrency))
                    record(scenario, stats.done, stats.seconds, "entities/s", cpu() - began,
                           {"requests": stats.requests, "failed": stats.failed})
                    if scenario == "llm-0ms":
                        store.write("MATCH (n:Entity) REMOVE n.description")
                        began = cpu()
                        with AnswerCache(cache_file) as cache:
                            again = enrich(store, llm, cache, EnrichOptions(concurrency=args.concurrency))
                        record("cached", again.cached, again.seconds, "entities/s", cpu() - began,
                               {"requests": again.requests})
                finally:
                    proc.terminate()
                    proc.wait()

        with open_store(fresh_db()) as store:
            seed(store)
            began = cpu()
            stats = import_file(store, ROOT / "data" / "descriptions" / "compounds-llm.jsonl.gz")
            more = import_file(store, ROOT / "data" / "descriptions" / "diseases-llm.jsonl.gz")
            record("import", stats.done + more.done, stats.seconds + more.seconds, "entities/s", cpu() - began)
            began = cpu()
            curated = import_file(store, curated_jsonl(tmp), target="curated")
            record("curated", curated.done, curated.seconds, "entities/s", cpu() - began,
                   {"unknown": curated.unknown})
        if not args.skip_embed:
            with open_store(fresh_db()) as store:
                sample = entities[:args.embed_n]
                store.write("UNWIND $rows AS r MERGE (n:Entity:Compound {id: r.id}) "
                            "SET n.name = r.name, n.description = r.description", rows=sample)
                began = time.perf_counter()
                encoder = load_encoder("all-MiniLM-L6-v2")
                load_s = time.perf_counter() - began
                began = cpu()
                stats = embed(store, encoder, "all-MiniLM-L6-v2", labels=("Compound",))
                record("embed", stats.texts, stats.encode_seconds, "texts/s", cpu() - began,
                       {"nodes": stats.updated, "end_to_end_s": round(stats.seconds, 2),
                        "encoder_load_s": round(load_s, 1)})
    finally:
        server.stop(base)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from repurpose.cli_support import format_table

    print(format_table(rows, ["scenario", "items", "seconds", "rate", "unit", "target", "ok", "cpu_ms"]))
    print(f"peak RSS {peak_mb:.0f} MiB; 1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.json:
        print(json.dumps({"rows": rows, "peak_rss_mib": round(peak_mb), "concurrency": args.concurrency}))


if __name__ == "__main__":
    main()
