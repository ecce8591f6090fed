"""Fixtures for graph-RAG tests: the Hetionet slice seeded once per module, and a scripted LLM."""

from __future__ import annotations

from typing import Iterator

import pytest

from fake_openai import FakeOpenAI
from repurpose.config import Settings
from repurpose.store import GraphStore

from databases import SharedDatabase
from rag.rag_slice import ScriptedLLM, seed_slice


def _seed(settings: Settings) -> None:
    with GraphStore.connect(settings) as graph:
        graph.apply_schema()
        seed_slice(graph)


@pytest.fixture(scope="module")
def rag_database(server_settings: Settings) -> SharedDatabase:
    """A database seeded with the slice, shared by the tests of one module (which undo any change)."""
    return SharedDatabase(server_settings, _seed, "rag")


@pytest.fixture()
def rag_settings(rag_database: SharedDatabase) -> Settings:
    return rag_database.settings()


@pytest.fixture()
def rag_store(rag_settings: Settings) -> Iterator[GraphStore]:
    with GraphStore.connect(rag_settings) as graph:
        yield graph


@pytest.fixture()
def llm() -> Iterator[ScriptedLLM]:
    """A started fake server whose 200 answers come from ``llm.respond`` (the request body)."""
    with FakeOpenAI() as fake:
        scripted = ScriptedLLM(fake)
        fake.responder = lambda body: scripted.respond(body)
        yield scripted
