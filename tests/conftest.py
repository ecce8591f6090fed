"""Shared fixtures: one real graph server per test session, an empty database per test.

No mocks: every graph test talks Bolt to the server started here: the embedded ArcadeDB, or Neo4j
when PLATFORM_TEST_ENGINE=neo4j (tests/databases.py). Each test that asks for ``store`` gets an
empty database on that server, so tests cannot see each other's data. Tests that use the server
carry the marker ``graph`` (added here), so ``pytest -m graph`` runs just those.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Iterator

import pytest

import databases
from helpers import graph_env
from repurpose import server
from repurpose.config import Settings, load_settings
from repurpose.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the session's server (its default database)."""
    data_dir = tmp_path_factory.mktemp("platform-data")
    settings = load_settings({"data_dir": str(data_dir), "engine": databases.ENGINE.name}, env={})
    base = random.randint(20000, 40000)
    bolt = server.pick_port(base)
    server.start(settings, bolt_port=bolt, http_port=server.pick_port(base + 300, exclude=(bolt,)),
                 heap=os.environ.get("PLATFORM_SERVER_HEAP", "2g"))
    yield settings
    server.stop(settings)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reaches a graph server (the session's, or one of its own) with ``graph``."""
    for item in items:
        if {"server_settings", "fault_dir"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.graph)


@pytest.fixture()
def settings(server_settings: Settings) -> Settings:
    """Settings pointing at an empty database on the session's server."""
    return databases.fresh(server_settings)


@pytest.fixture()
def store(settings: Settings) -> Iterator[GraphStore]:
    """A connected store on a fresh database with the schema applied."""
    with GraphStore.connect(settings) as graph:
        graph.apply_schema()
        yield graph


@pytest.fixture()
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment that points the ``platform`` CLI at the test's fresh database."""
    return graph_env(settings)
