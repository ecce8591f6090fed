"""Shared fixtures: one real embedded ArcadeDB server per test session, a fresh database per test.

No mocks: every graph test talks Bolt to the server started here. Each test that asks for
``store`` gets its own empty database on that server, so tests cannot see each other's data.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from repurpose import server
from repurpose.config import Settings, load_settings
from repurpose.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the session's embedded server (database ``kg``)."""
    data_dir = tmp_path_factory.mktemp("platform-data")
    settings = load_settings({"data_dir": str(data_dir)}, env={})
    base = random.randint(20000, 40000)
    bolt = server.pick_port(base)
    server.start(settings, bolt_port=bolt, http_port=server.pick_port(base + 300, exclude=(bolt,)))
    yield settings
    server.stop(settings)


@pytest.fixture()
def settings(server_settings: Settings) -> Settings:
    """Settings pointing at a new, empty database on the session's server."""
    fresh = server_settings.replace(database=f"t{uuid.uuid4().hex[:12]}")
    server.ensure_database(fresh)
    return fresh


@pytest.fixture()
def store(settings: Settings) -> Iterator[GraphStore]:
    """A connected store on a fresh database with the schema applied."""
    with GraphStore.connect(settings) as graph:
        graph.apply_schema()
        yield graph


@pytest.fixture()
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment that points the ``platform`` CLI at the test's fresh database."""
    return {"PLATFORM_DATA_DIR": str(settings.data_dir), "PLATFORM_DATABASE": settings.database,
            "PLATFORM_URI": "embedded"}
