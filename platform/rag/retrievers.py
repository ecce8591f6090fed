"""Retrievers: fixed Cypher templates that turn linked node ids into evidence items.

``Retriever.search()`` is a template method: it validates the request with a pydantic model,
calls ``_records()`` (one named query of ``cypher/rag.cypher``), formats each record as an
``Item`` that names every node id it mentions, and returns the items with metadata
(``retriever``, ``cypher``). Subclasses name their query and write ``format()``; writing the
class registers it in ``RETRIEVERS`` under its name minus ``Retriever`` (``CuratedRetriever`` ->
``curated``). The Cypher is fixed: nothing in a question or a node's text changes what runs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, Field, ValidationError

from repurpose import cypher
from repurpose.errors import InputError
from repurpose.registry import Registry
from repurpose.store import GraphStore

DESCRIPTION_CHARS = 600


class SearchRequest(BaseModel):
    """What every retriever is asked: the linked node ids and how many items at most."""

    node_ids: list[str] = Field(min_length=1, max_length=50)
    k: int = Field(default=10, ge=1, le=500)


@dataclass(frozen=True)
class Item:
    """One piece of evidence: a line of text for the model and the ids of every node it names."""

    retriever: str
    text: str
    ids: tuple[str, ...]
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ids"] = list(self.ids)
        return out


@dataclass
class RetrieverResult:
    """The items of one retriever and how they were found (``retriever``, ``cypher``, ``count``)."""

    items: list[Item]
    metadata: dict[str, Any]


def ref(name: Any, node_id: Any) -> str:
    """``Name [id]``: how every node appears in evidence, so the model can cite the id."""
    return f"{name} [{node_id}]"


class Retriever(ABC):
    """Base class: validation, the query call and formatting; subclasses give query and format."""

    #: The named query in rag.cypher; it reads ``$ids`` and ``$k``.
    query_name: ClassVar[str]
    #: The heading of this retriever's section in the context given to the model.
    title: ClassVar[str]
    #: Where the section comes in the context (lower first).
    order: ClassVar[int]

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @classmethod
    def key(cls) -> str:
        """Registry key: class name minus 'Retriever', lower-case (``CuratedRetriever`` -> ``curated``)."""
        return RETRIEVERS.key(cls)

    @property
    def cypher(self) -> str:
        return cypher.get("rag", self.query_name)

    def search(self, node_ids: list[str], k: int = 10) -> RetrieverResult:
        """Evidence about ``node_ids`` (at most ``k`` items); InputError on a malformed request."""
        try:
            request = SearchRequest(node_ids=node_ids, k=k)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise InputError(f"bad {self.key()} retriever request: {problems}") from None
        items = [self.format(record) for record in self._records(request)]
        return RetrieverResult(items, {"retriever": self.key(), "cypher": self.cypher, "count": len(items)})

    def _records(self, request: SearchRequest) -> list[dict[str, Any]]:
        return self.store.read(self.cypher, ids=request.node_ids, k=request.k)

    @abstractmethod
    def format(self, record: dict[str, Any]) -> Item:
        """One record as an evidence item."""


class DescriptionRetriever(Retriever):
    """What the linked nodes are: curated text first, then LLM-written text, each labelled."""

    query_name = "descriptions"
    title = "Linked entities"
    order = 1

    def format(self, record: dict[str, Any]) -> Item:
        texts = [f"{label}: {_clip(record[key])}" for key, label in
                 (("curatedDescription", "curated"), ("description", "LLM-written")) if record.get(key)]
        body = " | ".join(texts) or "no description in the graph"
        return Item(self.key(), f"{ref(record['name'], record['id'])} ({record['kind']}): {body}",
                    (record["id"],), record)


class CuratedRetriever(Retriever):
    """Known treatments: curated TREATS_CtD (disease-modifying) and PALLIATES_CpD (symptomatic) edges."""

    query_name = "curated_treatments"
    title = "Known treatments (curated edges)"
    order = 2
    KINDS: ClassVar[dict[str, str]] = {"TREATS_CtD": "treats (disease-modifying)",
                                       "PALLIATES_CpD": "palliates (symptomatic)"}

    def format(self, record: dict[str, Any]) -> Item:
        verb = self.KINDS.get(record["relation"], record["relation"])
        text = (f"{ref(record['compound'], record['compoundId'])} {verb} "
                f"{ref(record['disease'], record['diseaseId'])} [{record['relation']}]")
        return Item(self.key(), text, (record["compoundId"], record["diseaseId"]), record)


class PredictedRetriever(Retriever):
    """Model predictions (PREDICTED_TREATS) with score, probability, rank and run: hypotheses, not facts."""

    query_name = "predicted_treatments"
    title = "Predicted treatments (model hypotheses, not known treatments)"
    order = 3

    def format(self, record: dict[str, Any]) -> Item:
        facts = [f"{name} {_num(record.get(key))}" for key, name in
                 (("score", "score"), ("probability", "probability"), ("rank", "rank"),
                  ("diseaseRank", "rank for this disease")) if record.get(key) is not None]
        known = "; also a curated treatment" if record.get("known") else ""
        text = (f"{ref(record['compound'], record['compoundId'])} predicted to treat "
                f"{ref(record['disease'], record['diseaseId'])}: {', '.join(facts)} "
                f"(model {record.get('model')}, run {record.get('runId')}{known})")
        return Item(self.key(), text, (record["compoundId"], record["diseaseId"]), record)


class MechanismRetriever(Retriever):
    """Mechanism paths: the compound binds genes that are associated with the disease."""

    query_name = "mechanism_paths"
    title = "Mechanism paths (Compound -BINDS_CbG-> Gene <-ASSOCIATES_DaG- Disease)"
    order = 4

    def format(self, record: dict[str, Any]) -> Item:
        pairs = sorted(zip(record["genes"], record["geneIds"]), key=lambda p: (str(p[0]), p[1]))
        record = {**record, "genes": [n for n, _ in pairs], "geneIds": [i for _, i in pairs]}
        genes = ", ".join(ref(n, i) for n, i in pairs)
        text = (f"{ref(record['compound'], record['compoundId'])} binds {genes}, "
                f"associated with {ref(record['disease'], record['diseaseId'])}")
        return Item(self.key(), text, (record["compoundId"], *record["geneIds"], record["diseaseId"]), record)


class ClassRetriever(Retriever):
    """Pharmacologic classes (INCLUDES_PCiC) of the linked compounds and of the disease's treatments."""

    query_name = "pharmacologic_classes"
    title = "Pharmacologic classes"
    order = 5

    def format(self, record: dict[str, Any]) -> Item:
        text = f"{ref(record['compound'], record['compoundId'])} is in class {ref(record['class'], record['classId'])}"
        return Item(self.key(), text, (record["compoundId"], record["classId"]), record)


def _clip(text: Any, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _num(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


#: Every retriever by key, in the order their sections appear in the context.
RETRIEVERS: Registry[Retriever] = Registry(Retriever, "retriever", order=lambda cls: cls.order)
