"""Benchmark enrichment and embedding end to end on Hetionet's 1,552 compounds and 137 diseases.

Scenarios (each on a real embedded ArcadeDB with the platform's schema, as `platform load` leaves
it, a fresh database, and a fresh answer cache):
  llm-0ms       the fake OpenAI server (its own process) answering at once, concurrency 16
  llm-100ms     the fake server with 100 ms latency per request, concurrency 16
  cached        the same run again after the graph lost its descriptions: all from the cache
  client-lc     the same 1,689 requests through ChatLLM.ask (LangChain) alone: no graph, cache or checks
  client-sdk    and through the bare OpenAI SDK (no LangChain): the two floors under llm-0ms
  import        --from-file of the shipped LLM descriptions
  curated       DrugBank + Disease Ontology TSVs converted to JSONL on the fly, imported --as curated
  embed-names   MiniLM (a torch thread per core, OMP_WAIT_POLICY=PASSIVE unless set, as in `platform
                embed`) over the names of --embed-n compounds (a few tokens each)
  embed-descr   then their LLM descriptions (about 120 tokens each): only the changed texts are encoded

The fake server is tests/fake_openai.py: the standard library's ThreadingHTTPServer (a thread per
keep-alive connection), a real OpenAI-compatible HTTP endpoint, run as its own process. LangChain
and the OpenAI SDK are imported, and one request sent, before the clock starts (`startup` line: a
one-off cost per command).

Besides wall-clock rates, each row shows this process's CPU milliseconds per item (`cpu_ms`), the
fake server's and the graph server's (`fake_ms`, `db_ms`), the mean number of requests in flight
(`in_flight`) and the 1-minute load average at the end of the row. On a shared machine the wall
rate depends on the neighbours, the CPU cost much less (1000 / cpu_ms is what one free core gives).

Targets (issue 5): >= 300 entities/s at 0 ms, >= 100 entities/s at 100 ms with concurrency 16,
>= 150 texts/s for embed. Reads ../shared/data/text directly (allowed for benchmarks).

    .venv/bin/python benchmarks/enrich.py [--json] [--skip-embed] [--concurrency 16] [--embed-n 500]
                                          [--precision auto|fp32|bf16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from repurpose.text_encoder import PRECISIONS  # light: torch loads only when encoding

ROOT = Path(__file__).resolve().parents[1]
TEXT = Path(__file__).resolve().parents[2] / "shared" / "data" / "text"  # ../shared/data from the repository
TARGETS = {"llm-0ms": 300.0, "llm-100ms": 100.0, "embed-names": 150.0, "embed-descr": 150.0}
COLUMNS = ["scenario", "items", "seconds", "rate", "unit", "target", "ok", "cpu_ms", "fake_ms", "db_ms", "in_flight",
           "tokens", "gflops", "precision", "load"]


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


def process_cpu(pid: int | None = None) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (all its threads), or by this one."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Meter:
    """CPU seconds of this process, the fake LLM server and the graph server since ``start``."""

    db_pid: int
    fake_pid: int | None = None

    def start(self) -> "Meter":
        self.marks = (process_cpu(), process_cpu(self.fake_pid) if self.fake_pid else 0.0, process_cpu(self.db_pid))
        return self

    def per_item(self, n: int) -> dict[str, float | None]:
        ours, fake, db = (process_cpu(), process_cpu(self.fake_pid) if self.fake_pid else 0.0,
                          process_cpu(self.db_pid))
        ms = (lambda a, b: round(1000 * (a - b) / n, 2) if n else None)
        return {"cpu_ms": ms(ours, self.marks[0]), "fake_ms": ms(fake, self.marks[1]) if self.fake_pid else None,
                "db_ms": ms(db, self.marks[2])}


async def sdk_requests(url: str, prompts: list[str], concurrency: int) -> None:
    """The same chat requests through the bare OpenAI SDK (aiohttp, no LangChain): the client's floor."""
    import openai

    async with openai.DefaultAioHttpClient() as http:
        client = openai.AsyncOpenAI(base_url=url, api_key="sk-test-fake", max_retries=0, timeout=60.0, http_client=http)
        queue = iter(prompts)

        async def worker() -> None:
            for prompt in queue:
                await client.chat.completions.create(model="fake-model", max_tokens=400, temperature=0.0,
                                                     messages=[{"role": "user", "content": prompt}])

        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def chat_requests(llm: Any, prompts: list[str], concurrency: int) -> None:
    """The same chat requests through ``ChatLLM.ask`` (LangChain) alone: no graph, cache or checks."""
    async with llm.session():
        queue = iter(prompts)

        async def worker() -> None:
            for prompt in queue:
                await llm.ask(prompt)

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def encoder_flops(config: Any, tokens: float) -> float:
    """Forward FLOPs for one text of ``tokens`` tokens through a BERT-style encoder (2 per weight and token,
    plus attention scores and mixing); embeddings and pooling are lookups and sums, left out."""
    d, ff, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    return layers * (2 * tokens * (4 * d * d + 2 * d * ff) + 4 * tokens * tokens * d)


def matmul_gflops(threads: int, size: int = 1024, repeat: int = 20) -> float:
    """Best fp32 matrix-multiply rate of this CPU with ``threads`` torch threads: the encoder's practical ceiling."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - began)
    return 2 * size ** 3 / best / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--skip-embed", action="store_true", help="skip the MiniLM scenarios")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--embed-n", type=int, default=500, help="compounds whose texts the embed scenarios encode")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="encoder precision, as `platform embed --precision` (auto: bf16 on CPUs with AMX)")
    args = parser.parse_args()

    from repurpose.openmp import prefer_passive_waits

    prefer_passive_waits()  # as the platform command does, before torch loads its OpenMP runtime
    import torch

    began = time.perf_counter()
    import langchain_openai  # noqa: F401  (the one-off import, timed apart from the runs)
    import openai  # noqa: F401
    startup_s = time.perf_counter() - began

    from repurpose import server
    from repurpose.config import load_settings
    from repurpose.cypher_safety import identifier
    from repurpose.enrich.cache import AnswerCache
    from repurpose.enrich.embed import embed
    from repurpose.enrich.importer import import_file
    from repurpose.enrich.llm import Answer, ChatLLM
    from repurpose.enrich.prompts import PromptTemplate
    from repurpose.enrich.runner import EnrichOptions, enrich
    from repurpose.store import open_store
    from repurpose.text_encoder import load_encoder

    class TimedLLM(ChatLLM):
        """ChatLLM adding up its requests' durations: their sum over the run's seconds is the mean in flight."""

        busy = 0.0

        async def ask(self, prompt: str) -> Answer:
            began = time.perf_counter()
            try:
                return await super().ask(prompt)
            finally:
                self.busy += time.perf_counter() - began

    concise = PromptTemplate.load("concise")
    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    entities = read_jsonl(TEXT / "compounds-llm.jsonl") + read_jsonl(TEXT / "diseases-llm.jsonl")
    tmp = Path(tempfile.mkdtemp(prefix="bench-enrich-"))
    base = load_settings({"data_dir": str(tmp / "data")}, env={})
    bolt = server.pick_port(41000)
    server.start(base, bolt_port=bolt, http_port=server.pick_port(41300, exclude=(bolt,)))
    state = server.read_state(base)
    rows: list[dict[str, Any]] = []
    notes: dict[str, Any] = {"startup_s": round(startup_s, 2)}

    @contextlib.contextmanager
    def fresh_store() -> Iterator[Any]:
        """A new database with the platform's schema (the Entity.id constraint every id lookup uses)."""
        settings = base.replace(database=f"b{uuid.uuid4().hex[:10]}")
        server.ensure_database(settings)
        with open_store(settings) as store:
            store.apply_schema()
            yield store

    def seed(store: Any) -> None:
        for kind in ("Compound", "Disease"):
            part = [{"id": e["id"], "name": e["name"]} for e in entities if e["id"].startswith(kind + "::")]
            store.write(f"UNWIND $rows AS r MERGE (n:Entity:{identifier(kind)} {{id: r.id}}) SET n.name = r.name",
                        rows=part)

    def record(scenario: str, n: int, seconds: float, unit: str, meter: Meter, extra: dict | None = None) -> None:
        rate = n / seconds if seconds else 0.0
        target = TARGETS.get(scenario)
        print(f"{scenario}: {n} {unit.split('/')[0]} in {seconds:.1f}s ({rate:.1f} {unit})", file=sys.stderr, flush=True)
        rows.append({"scenario": scenario, "items": n, "seconds": round(seconds, 2), "rate": round(rate, 1),
                     "unit": unit, "target": target, "ok": None if target is None else rate >= target,
                     **meter.per_item(n), "load": round(os.getloadavg()[0], 1), **(extra or {})})

    try:
        with fresh_store() as store:
            seed(store)
            cache_file = tmp / "cache.sqlite"
            prompts = [concise.render(e["name"], e["id"].split("::")[0]) for e in entities]
            for scenario, latency in (("llm-0ms", 0.0), ("llm-100ms", 0.1)):
                proc, url = start_fake(latency)
                try:
                    llm = TimedLLM(base.replace(llm_base_url=url, llm_api_key="sk-test-fake", llm_model="fake-model"))
                    cache_file.unlink(missing_ok=True)
                    store.write("MATCH (n:Entity) REMOVE n.description, n.descriptionModel, n.descriptionPrompt, "
                                "n.descriptionAt")
                    if scenario == "llm-0ms":  # LangChain's first call imports more of itself: a one-off too
                        began = time.perf_counter()
                        asyncio.run(chat_requests(llm, prompts[:1], 1))
                        notes["first_request_s"] = round(time.perf_counter() - began, 2)
                    meter = Meter(state.pid, proc.pid).start()
                    with AnswerCache(cache_file) as cache:
                        stats = enrich(store, llm, cache, EnrichOptions(concurrency=args.concurrency))
                    record(scenario, stats.done, stats.seconds, "entities/s", meter,
                           {"in_flight": round(llm.busy / stats.seconds, 1), "requests": stats.requests,
                            "failed": stats.failed})
                    if scenario == "llm-0ms":
                        store.write("MATCH (n:Entity) REMOVE n.description")
                        meter = Meter(state.pid, proc.pid).start()
                        with AnswerCache(cache_file) as cache:
                            again = enrich(store, llm, cache, EnrichOptions(concurrency=args.concurrency))
                        record("cached", again.cached, again.seconds, "entities/s", meter, {"requests": again.requests})
                        for row, run in (("client-lc", chat_requests(llm, prompts, args.concurrency)),
                                         ("client-sdk", sdk_requests(url, prompts, args.concurrency))):
                            meter, began = Meter(state.pid, proc.pid).start(), time.perf_counter()
                            asyncio.run(run)
                            record(row, len(prompts), time.perf_counter() - began, "requests/s", meter)
                finally:
                    proc.terminate()
                    proc.wait()

        with fresh_store() as store:
            seed(store)
            meter = Meter(state.pid).start()
            stats = import_file(store, ROOT / "data" / "descriptions" / "compounds-llm.jsonl.gz")
            more = import_file(store, ROOT / "data" / "descriptions" / "diseases-llm.jsonl.gz")
            record("import", stats.done + more.done, stats.seconds + more.seconds, "entities/s", meter)
            meter = Meter(state.pid).start()
            curated = import_file(store, curated_jsonl(tmp), target="curated")
            record("curated", curated.done, curated.seconds, "entities/s", meter, {"unknown": curated.unknown})
        if not args.skip_embed:
            embed_scenarios(args.embed_n, entities, fresh_store, record, state.pid, threads, notes,
                            embed, load_encoder, args.precision)
    finally:
        server.stop(base)
        shutil.rmtree(tmp, ignore_errors=True)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from repurpose.cli_support import format_table

    print(format_table(rows, COLUMNS))
    first = f" + first request {notes['first_request_s']:.2f} s" if "first_request_s" in notes else ""
    print(f"startup (import LangChain + OpenAI SDK) {startup_s:.2f} s{first}, once per command; peak RSS {peak_mb:.0f} "
          f"MiB; 1-minute load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for scenario in ("embed-names", "embed-descr"):
        if scenario in notes:
            print(f"{scenario} fp32 ceiling: {notes[scenario]['gflop_per_text']} GFLOP per text of "
                  f"{notes[scenario]['tokens']} "
                  f"tokens at the {notes['matmul_gflops']:.0f} GFLOP/s of an fp32 matmul on {threads} threads: "
                  f"at most {notes[scenario]['ceiling_texts_per_s']:.0f} texts/s")
    if args.json:
        print(json.dumps({"rows": rows, "peak_rss_mib": round(peak_mb), "concurrency": args.concurrency,
                          "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), **notes}))


def embed_scenarios(n: int, entities: list[dict], fresh_store: Any, record: Any, db_pid: int, threads: int,
                    notes: dict[str, Any], embed: Any, load_encoder: Any, precision: str) -> None:
    """Names first, then descriptions on the same nodes (so only the changed texts are encoded), with the
    FLOP count per text and the CPU's fp32 matmul rate: the most texts/s MiniLM could reach here in fp32
    (bf16 matmuls on AMX go past it)."""
    began = time.perf_counter()
    encoder = load_encoder("all-MiniLM-L6-v2")
    notes["encoder_load_s"] = round(time.perf_counter() - began, 1)
    sample = [e for e in entities if e["id"].startswith("Compound::")][:n]
    config, limit = encoder[0].auto_model.config, encoder.max_seq_length
    notes["matmul_gflops"] = round(matmul_gflops(threads), 1)
    with fresh_store() as store:
        store.write("UNWIND $rows AS r MERGE (n:Entity:Compound {id: r.id}) SET n.name = r.name",
                    rows=[{"id": e["id"], "name": e["name"]} for e in sample])
        for scenario, field in (("embed-names", "name"), ("embed-descr", "description")):
            if field == "description":
                store.write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n.description = r.description",
                            rows=[{"id": e["id"], "description": e["description"]} for e in sample])
            tokens = sum(min(limit, len(encoder.tokenizer(e[field])["input_ids"])) for e in sample) / len(sample)
            gflop = encoder_flops(config, tokens) / 1e9
            meter = Meter(db_pid).start()
            stats = embed(store, encoder, "all-MiniLM-L6-v2", labels=("Compound",), precision=precision)
            record(scenario, stats.texts, stats.encode_seconds, "texts/s", meter,
                   {"tokens": round(tokens, 1), "gflops": round(stats.texts * gflop / stats.encode_seconds, 1),
                    "nodes": stats.updated, "end_to_end_s": round(stats.seconds, 2), "precision": stats.precision})
            notes[scenario] = {"tokens": round(tokens, 1), "gflop_per_text": round(gflop, 3),
                               "ceiling_texts_per_s": round(notes["matmul_gflops"] / gflop, 1)}


if __name__ == "__main__":
    main()
