"""Fixtures for graph-RAG tests: the Hetionet slice seeded once per module, and a scripted LLM."""

from __future__ import annotations

import threading
from typing import Any, Iterator

import pytest

import fake_openai
from fake_openai import FakeOpenAI
from repurpose.config import Settings
from repurpose.store import GraphStore

from rag.rag_slice import ScriptedLLM, fresh_database, seed_slice


@pytest.fixture(scope="module")
def rag_settings(server_settings: Settings) -> Settings:
    """A database seeded with the slice, shared by the tests of one module (they only read it)."""
    settings = fresh_database(server_settings)
    with GraphStore.connect(settings) as graph:
        graph.apply_schema()
        seed_slice(graph)
    return settings


@pytest.fixture()
def rag_store(rag_settings: Settings) -> Iterator[GraphStore]:
    with GraphStore.connect(rag_settings) as graph:
        yield graph


@pytest.fixture()
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedLLM]:
    """A started fake server whose 200 answers come from ``llm.respond`` (the request body)."""
    with FakeOpenAI() as fake:
        scripted = ScriptedLLM(fake)
        current = threading.local()
        original_chat = fake_openai._Handler._chat

        def chat(handler: Any, body: dict[str, Any]) -> int:
            current.body = body
            return original_chat(handler, body)

        monkeypatch.setattr(fake_openai._Handler, "_chat", chat)
        monkeypatch.setattr(fake_openai, "answer_for",
                            lambda prompt, model, action="ok": scripted.respond(current.body))
        yield scripted


