"""``ask``: link the question, retrieve evidence, bound it, and answer (graph or Cypher mode).

Outcomes (``status``): ``answered`` (the model answered from the evidence), ``evidence`` (no
model, by choice or because it failed: the evidence is the answer, ``llm_error`` says why),
``no_match`` (the question names nothing in the graph; close names are suggested) and
``ambiguous`` (a name fits several nodes; the candidates are listed, nothing is guessed).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from pydantic import ConfigDict

from repurpose.config import Settings
from repurpose.errors import InputError
from repurpose.rag.answer import Answer, LLMUnavailable, answer
from repurpose.rag.context import MAX_CHARS, MAX_ITEMS, Context, build_context
from repurpose.rag.linking import EntityLinker, Linking
from repurpose.rag.retrievers import RETRIEVERS, Item
from repurpose.rag.text2cypher import CypherResult, answer_rows, text_to_cypher
from repurpose.registry import Registry
from repurpose.store import GraphStore

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models.chat_models import BaseChatModel

@dataclass
class AskResult:
    """Everything one question produced; ``public()`` is the ``--json`` object."""

    question: str
    mode: str
    status: str
    linking: Linking
    evidence: dict[str, list[Item]] = field(default_factory=dict)
    retrievals: list[dict[str, Any]] = field(default_factory=list)
    context: Context | None = None
    answer: Answer | None = None
    llm_error: str | None = None
    cypher: CypherResult | None = None
    cypher_answer: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question, "mode": self.mode, "status": self.status,
            "linked": [c.to_dict() for c in self.linking.linked],
            "ambiguous": [m.to_dict() for m in self.linking.ambiguous],
            "suggestions": [c.to_dict() for c in self.linking.suggestions],
            "evidence": {k: [i.to_dict() for i in items] for k, items in self.evidence.items()},
            "metadata": {"retrievers": self.retrievals,
                         "context": None if self.context is None else
                         {"items": len(self.context.items), "dropped": self.context.dropped,
                          "chars": len(self.context.text)}},
            "answer": None if self.answer is None else self.answer.text,
            "cited": [] if self.answer is None else self.answer.cited,
            "llm_error": self.llm_error, "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }
        if self.cypher is not None:
            out["metadata"]["cypher"] = self.cypher.cypher
            out["metadata"]["cypher_attempts"] = self.cypher.attempts
            out["columns"], out["rows"] = self.cypher.columns, self.cypher.rows
            out["answer"] = self.cypher_answer
        return out


def cache_dir(settings: Settings) -> Path:
    """Where ``ask`` keeps its name index between runs."""
    return settings.cache_dir / "rag"


def retrieve(store: GraphStore, node_ids: list[str], k: int, names: Sequence[str] | None = None
             ) -> tuple[dict[str, list[Item]], list[dict[str, Any]]]:
    """Run the named retrievers (all by default) on ``node_ids`` at once, each in its own session."""
    keys = list(names or RETRIEVERS)
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        results = list(pool.map(lambda key: RETRIEVERS[key](store).search(node_ids, k), keys))
    return {key: r.items for key, r in zip(keys, results)}, [r.metadata for r in results]


class AskMode:
    """How ``ask`` answers a linked question; writing a subclass registers a mode (``GraphMode`` -> ``graph``)."""

    abstract = True
    #: Position in ``--mode``'s choices.
    order: int

    def run(self, store: GraphStore, result: AskResult, settings: Settings, model: "BaseChatModel | None", *,
            k: int, max_chars: int, max_items: int, use_llm: bool) -> AskResult:
        raise NotImplementedError


class GraphMode(AskMode):
    """Retrieve the evidence around the linked nodes; the model (if any) answers from it alone."""

    order = 0

    def run(self, store: GraphStore, result: AskResult, settings: Settings, model: "BaseChatModel | None", *,
            k: int, max_chars: int, max_items: int, use_llm: bool) -> AskResult:
        linking, timings = result.linking, result.timings
        if linking.ambiguous:
            result.status = "ambiguous"
            return result
        if not linking.linked:
            result.status = "no_match"
            return result
        t1 = time.perf_counter()
        result.evidence, result.retrievals = retrieve(store, [c.id for c in linking.linked], k)
        result.context = build_context(result.evidence, {key: RETRIEVERS[key].title for key in result.evidence},
                                       max_chars=max_chars, max_items=max_items)
        timings["retrieve_s"] = time.perf_counter() - t1
        if use_llm:
            t2 = time.perf_counter()
            try:
                result.answer = answer(result.question, result.context.text, result.context.ids, settings, model)
                result.status = "answered"
            except LLMUnavailable as exc:
                result.llm_error = result.llm_error or str(exc)
            timings["answer_s"] = time.perf_counter() - t2
        return result


class CypherMode(AskMode):
    """The model writes one read-only Cypher query and answers from its rows; graph mode when no model answers."""

    order = 1

    def run(self, store: GraphStore, result: AskResult, settings: Settings, model: "BaseChatModel | None", *,
            k: int, max_chars: int, max_items: int, use_llm: bool) -> AskResult:
        if use_llm and not result.linking.ambiguous:
            try:
                return self._cypher(store, result, settings, model)
            except LLMUnavailable as exc:
                result.llm_error = f"{exc}; showing the graph-mode evidence instead"
                result.mode = "graph"
                use_llm = False
        return GraphMode().run(store, result, settings, model, k=k, max_chars=max_chars, max_items=max_items,
                               use_llm=use_llm)

    @staticmethod
    def _cypher(store: GraphStore, result: AskResult, settings: Settings, model: "BaseChatModel | None") -> AskResult:
        t = time.perf_counter()
        result.cypher = text_to_cypher(store, result.question, settings, linked=result.linking.linked, model=model)
        result.status = "answered"
        try:
            result.cypher_answer = answer_rows(result.question, result.cypher, settings, model)
        except LLMUnavailable as exc:
            result.llm_error = str(exc)
            result.status = "evidence"
        result.timings["cypher_s"] = time.perf_counter() - t
        return result


#: ``ask --mode`` choices, in their declared order.
MODES: Registry[AskMode] = Registry(AskMode, "mode", suffix="Mode", order=lambda cls: cls.order)


def ask(store: GraphStore, question: str, settings: Settings, *, k: int = 10, use_llm: bool = True,
        mode: str = "graph", max_chars: int = MAX_CHARS, max_items: int = MAX_ITEMS,
        model: "BaseChatModel | None" = None, by_meaning: bool = False) -> AskResult:
    """Answer ``question`` from the graph; never writes to it. ``by_meaning`` lets the linker fall back
    to name vectors when no name matches (it loads the text encoder: seconds for a new process)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    linking = EntityLinker(store, settings.encoder if by_meaning else None, cache_dir(settings)).link(question)
    timings["link_s"] = time.perf_counter() - t0
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
    result = AskResult(question, mode if use_llm else "graph", "evidence", linking, timings=timings)
    result = MODES[mode]().run(store, result, settings, model, k=k, max_chars=max_chars, max_items=max_items,
                               use_llm=use_llm)
    timings["total_s"] = time.perf_counter() - t0
    return result


def langchain_retriever(store: GraphStore, settings: Settings, k: int = 10) -> Any:
    """A LangChain ``BaseRetriever`` over the graph: question -> one Document per evidence item."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class _GraphRAGRetriever(BaseRetriever):
        """Links the question and runs every registered retriever; metadata carries the node ids."""

        model_config = ConfigDict(arbitrary_types_allowed=True)
        store: Any
        settings: Any
        k: int = 10

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                    ) -> list[Document]:
            linked = EntityLinker(self.store, self.settings.encoder).link(query).linked
            if not linked:
                return []
            evidence, _ = retrieve(self.store, [c.id for c in linked], self.k)
            return [Document(page_content=item.text, metadata={"retriever": item.retriever, "ids": list(item.ids)})
                    for items in evidence.values() for item in items]

    return _GraphRAGRetriever(store=store, settings=settings, k=k)
