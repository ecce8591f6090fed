"""The enrichment run: read entities from the graph, skip what is done, ask the LLM, check, write.

Flow: one ``collect()`` read per label -> a plan (skip nodes already described, unless
``overwrite``) -> cached answers written without a request -> the rest asked with at most
``concurrency`` requests in flight -> each accepted answer stored in the cache (committed within a
second, and at the end) and written to the graph in batches. A bad answer is retried and then
counted as failed, never written. A dead endpoint, wrong key or unknown model stops the run;
what was done stays cached.
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, AsyncContextManager, Iterator, Protocol

from repurpose import cypher
from repurpose.enrich.cache import AnswerCache
from repurpose.enrich.llm import Answer, EndpointError, RequestFailed, RetryableError, RetryPolicy
from repurpose.enrich.prompts import PromptTemplate, kind_words
from repurpose.enrich.validate import BadAnswer, Bounds, clean_description
from repurpose.errors import RepurposeError
from repurpose.progress import progress
from repurpose.store import GraphStore

DEFAULT_LABELS = ("Compound", "Disease")
SHOWN_IDS = 5


class Asker(Protocol):
    """What the runner needs from an LLM client (``ChatLLM``)."""

    model: str

    def session(self) -> AsyncContextManager[Any]: ...

    async def ask(self, prompt: str) -> Answer: ...


@dataclass(frozen=True)
class Entity:
    """A node to describe."""

    id: str
    name: str
    label: str


@dataclass(frozen=True)
class EnrichOptions:
    """What to enrich and how hard to push the endpoint."""

    labels: tuple[str, ...] = DEFAULT_LABELS
    prompt: str = "concise"
    context: str = "none"
    concurrency: int = 8
    limit: int | None = None
    overwrite: bool = False
    retry: RetryPolicy = RetryPolicy()
    bounds: Bounds = Bounds()
    batch_size: int = 1000
    facts_per_type: int = 3
    max_facts: int = 8


@dataclass
class EnrichStats:
    """Counts for the end summary and ``--json``."""

    entities: int = 0
    skipped: int = 0
    done: int = 0
    cached: int = 0
    failed: int = 0
    requests: int = 0
    retried: int = 0
    tokens: int = 0
    failures: collections.Counter = field(default_factory=collections.Counter)
    failed_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def fail(self, entity_id: str, reason: str) -> None:
        self.failed += 1
        self.failures[reason] += 1
        if len(self.failed_ids) < SHOWN_IDS:
            self.failed_ids.append(entity_id)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("failures", "seconds")}
        out["failures"] = dict(self.failures.most_common())
        out["seconds"] = round(self.seconds, 3)
        out["rate"] = round((self.done + self.cached) / self.seconds, 1) if self.seconds else None
        return out


def now_iso() -> str:
    """The current UTC time as ISO 8601, for ``descriptionAt``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_candidates(store: GraphStore, labels: tuple[str, ...]) -> dict[str, tuple[Entity, bool, str | None, str | None]]:
    """Every named node of ``labels``: id -> (entity, has description, its model, its prompt)."""
    found: dict[str, tuple[Entity, bool, str | None, str | None]] = {}
    for label in labels:
        rows = store.read(cypher.get("enrich", "entities_to_enrich", label=label))[0]["rows"]
        for node_id, name, has, model, prompt in rows:
            found.setdefault(node_id, (Entity(node_id, name, label), has, model, prompt))
    return found


def plan(candidates: dict[str, tuple[Entity, bool, str | None, str | None]], model: str, prompt_id: str,
         overwrite: bool, limit: int | None) -> tuple[list[Entity], int]:
    """(entities to describe, sorted by id and cut to ``limit``; how many were skipped).

    A node is skipped when it already holds this model's answer to this prompt, or any
    description at all unless ``overwrite``.
    """
    todo = [entity for entity, has, m, p in candidates.values()
            if not has or (overwrite and (m, p) != (model, prompt_id))]
    todo.sort(key=lambda e: e.id)
    skipped = len(candidates) - len(todo)
    return (todo[:limit] if limit is not None else todo), skipped


def format_fact(rel: str, outgoing: bool, kind: str | None, names: list[str]) -> str:
    """One graph fact in words: ``binds gene: EGFR, ERBB2`` or ``compound that treats it: Metformin``."""
    verb = rel.split("_")[0].lower().replace("downregulates", "down-regulates")
    what = kind_words(kind or "entity")
    listed = ", ".join(str(n) for n in names)
    return f"{verb} {what}: {listed}" if outgoing else f"{what} that {verb} it: {listed}"


def neighbor_facts(store: GraphStore, ids: list[str], per_type: int, max_facts: int,
                   chunk: int = 500) -> dict[str, list[str]]:
    """A few facts per entity from its neighbours (targets, classes, diseases...), for the prompt."""
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), chunk):
        for row in store.read(cypher.get("enrich", "neighbor_facts"), ids=ids[start:start + chunk], per_type=per_type):
            facts = [format_fact(*f) for f in row["facts"] if f[3]]
            out[row["id"]] = sorted(facts)[:max_facts]
    return out


class BatchWriter:
    """Collects description rows and writes them to the graph in batches of ``size``."""

    def __init__(self, store: GraphStore, size: int) -> None:
        self.store = store
        self.size = size
        self.rows: list[dict[str, Any]] = []
        self.written = 0
        self._query = cypher.get("enrich", "set_description")
        self._lock = asyncio.Lock()

    async def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            async with self._lock:
                batch, self.rows = self.rows, []
                if batch:
                    await asyncio.to_thread(self.store.write, self._query, rows=batch)
                    self.written += len(batch)

    def flush(self) -> None:
        """Write what is left (also after an interruption, so the graph matches the cache)."""
        batch, self.rows = self.rows, []
        if batch:
            self.store.write(self._query, rows=batch)
            self.written += len(batch)


class Run:
    """One enrichment run's state: the client, cache, writer, template and counters."""

    def __init__(self, llm: Asker, cache: AnswerCache, writer: BatchWriter, template: PromptTemplate,
                 options: EnrichOptions, stats: EnrichStats) -> None:
        self.llm, self.cache, self.writer, self.template = llm, cache, writer, template
        self.options, self.stats = options, stats

    def row(self, entity_id: str, text: str) -> dict[str, Any]:
        return {"id": entity_id, "description": text, "model": self.llm.model, "prompt": self.template.id,
                "at": now_iso()}

    async def describe(self, entity: Entity, prompt: str) -> None:
        """Ask until a good answer (cached and queued for writing) or out of retries (counted failed)."""
        retry, stats = self.options.retry, self.stats
        last: Exception | None = None
        for attempt in range(retry.max_retries + 1):
            if attempt:
                stats.retried += 1
                await asyncio.sleep(retry.delay(attempt - 1, getattr(last, "retry_after", None)))
            stats.requests += 1
            try:
                answer = await self.llm.ask(prompt)
            except RetryableError as exc:
                last = exc
                continue
            except RequestFailed as exc:
                stats.fail(entity.id, str(exc))
                return
            stats.tokens += answer.tokens
            try:
                text = clean_description(answer.text, self.options.bounds)
            except BadAnswer as exc:
                last = exc
                continue
            self.cache.put(entity.id, self.template.hash, self.llm.model, self.template.id, text, answer.tokens)
            await self.writer.add(self.row(entity.id, text))
            stats.done += 1
            return
        if isinstance(last, RetryableError) and last.fatal:
            raise EndpointError(last.reason)
        stats.fail(entity.id, getattr(last, "reason", None) or str(last))

    async def ask_all(self, jobs: list[tuple[Entity, str]], bar: Any) -> None:
        """Describe every job with at most ``concurrency`` requests in flight; stop all on EndpointError."""
        queue: Iterator[tuple[Entity, str]] = iter(jobs)

        async def worker() -> None:
            for entity, prompt in queue:
                await self.describe(entity, prompt)
                bar.update(1)

        async with self.llm.session():
            tasks = [asyncio.create_task(worker()) for _ in range(min(self.options.concurrency, len(jobs)))]
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    task.result()  # re-raise the first failure
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)


def enrich(store: GraphStore, llm: Asker, cache: AnswerCache, options: EnrichOptions) -> EnrichStats:
    """Describe the entities of ``options.labels`` with ``llm``; returns the counts."""
    started = time.perf_counter()
    template = PromptTemplate.load(options.prompt, options.context)
    stats = EnrichStats()
    candidates = read_candidates(store, options.labels)
    stats.entities = len(candidates)
    todo, stats.skipped = plan(candidates, llm.model, template.id, options.overwrite, options.limit)
    cached = cache.get_many([e.id for e in todo], template.hash, llm.model)
    writer = BatchWriter(store, options.batch_size)
    run = Run(llm, cache, writer, template, options, stats)
    try:
        rows = [run.row(e.id, cached[e.id]) for e in todo if e.id in cached]
        for start in range(0, len(rows), options.batch_size):
            store.write(cypher.get("enrich", "set_description"), rows=rows[start:start + options.batch_size])
        stats.cached = len(rows)
        asking = [e for e in todo if e.id not in cached]
        facts = (neighbor_facts(store, [e.id for e in asking], options.facts_per_type, options.max_facts)
                 if template.context_text and asking else {})
        jobs = [(e, template.render(e.name, e.label, facts.get(e.id))) for e in asking]
        if jobs:
            with progress(total=len(jobs), desc=f"enrich ({llm.model})", unit="entity") as bar:
                asyncio.run(run.ask_all(jobs, bar))
    except EndpointError as exc:
        kept = f"; {stats.done} new answers kept, re-run to resume" if stats.done else ""
        raise EndpointError(f"{exc}{kept}") from exc
    finally:
        cache.commit()
        writer.flush()
        stats.seconds = time.perf_counter() - started
    return stats


class EnrichFailed(RepurposeError):
    """Nothing could be described: every attempt failed (the message gives the commonest reason)."""


def check_progress(stats: EnrichStats) -> None:
    """Raise EnrichFailed when there was work but none of it succeeded (partial progress is fine)."""
    if stats.failed and not (stats.done or stats.cached):
        reason, count = stats.failures.most_common(1)[0]
        raise EnrichFailed(f"no description could be made: {stats.failed} failed (most often: {reason}, {count}x; "
                           f"first: {', '.join(stats.failed_ids)}); nothing was written")
