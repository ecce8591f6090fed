"""Fixtures for enrichment tests: the fake OpenAI server, settings pointing at it, seeded nodes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Iterator

import pytest
from fake_openai import FakeOpenAI

from repurpose.config import Settings
from repurpose.cypher_safety import identifier
from repurpose.store import GraphStore

DESCRIPTIONS = Path(__file__).resolve().parents[2] / "data" / "descriptions"


def shipped(kind: str) -> list[dict]:
    """The shipped LLM descriptions of ``compounds`` or ``diseases`` (Hetionet ids and names)."""
    with gzip.open(DESCRIPTIONS / f"{kind}-llm.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seed_nodes(store: GraphStore, rows: list[dict]) -> None:
    """Create ``Entity:<Kind>`` nodes from rows with ``id`` (``Kind::...``) and ``name``."""
    by_kind: dict[str, list[dict]] = {}
    for row in rows:
        by_kind.setdefault(row["id"].split("::")[0], []).append({"id": row["id"], "name": row["name"]})
    for kind, part in by_kind.items():
        store.write(f"UNWIND $rows AS row MERGE (n:Entity:{identifier(kind)} {{id: row.id}}) SET n.name = row.name",
                    rows=part)


@pytest.fixture(scope="session")
def compounds() -> list[dict]:
    return shipped("compounds")


@pytest.fixture(scope="session")
def diseases() -> list[dict]:
    return shipped("diseases")


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def seed(store: GraphStore):  # noqa: ANN201
    """A function that seeds the test's graph with nodes (see ``seed_nodes``)."""
    return lambda rows: seed_nodes(store, rows)


@pytest.fixture()
def llm_settings(settings: Settings, fake: FakeOpenAI) -> Settings:
    """``settings`` with the LLM endpoint, key and model of ``fake``."""
    return settings.replace(llm_base_url=fake.base_url, llm_api_key=fake.api_key, llm_model=fake.models[0])
