"""Which server the tests run on, and an empty database for each test on it.

``PLATFORM_TEST_ENGINE`` names the engine (``arcadedb``, the default, or ``neo4j``); tests/conftest.py
starts one server of it per test session. ArcadeDB makes a new database per test. Neo4j Community
has one database, so there "fresh" means that database emptied (data, constraints and indexes),
and a database shared by a module's tests is seeded again when a test in between emptied it.
"""

from __future__ import annotations

import os
import uuid
from typing import Callable

import neo4j

from repurpose import engines, server
from repurpose.config import Settings
from repurpose.cypher_safety import identifier
from repurpose.store import GraphStore

ENGINE = engines.get(os.environ.get("PLATFORM_TEST_ENGINE", engines.DEFAULT))
#: How many times the one database of a single-database server has been emptied.
_emptied = 0


def fresh(server_settings: Settings, prefix: str = "t") -> Settings:
    """Settings of an empty database on the session's server."""
    global _emptied
    if ENGINE.creates_databases:
        settings = server_settings.replace(database=f"{prefix}{uuid.uuid4().hex[:12]}")
        server.ensure_database(settings)
        return settings
    with GraphStore.connect(server_settings) as store:
        empty(store)
    _emptied += 1
    return server_settings


def empty(store: GraphStore) -> None:
    """Remove every node, relationship, constraint and index (but the token lookups) of ``store``'s database."""
    for row in store.read("SHOW CONSTRAINTS YIELD name RETURN name"):
        store.write(f"DROP CONSTRAINT {identifier(row['name'], 'constraint')} IF EXISTS")
    for row in store.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
        store.write(f"DROP INDEX {identifier(row['name'], 'index')} IF EXISTS")
    # In batches, in an auto-commit transaction (the only kind CALL ... IN TRANSACTIONS may run in).
    with store.driver.session(database=store.database, default_access_mode=neo4j.WRITE_ACCESS) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


class SharedDatabase:
    """A database seeded once for a module's tests; on a single-database server, seeded again
    whenever another test emptied it since."""

    def __init__(self, server_settings: Settings, seed: Callable[[Settings], None], prefix: str = "s") -> None:
        self.server_settings = server_settings
        self.seed = seed
        self.prefix = prefix
        self._settings: Settings | None = None
        self._seeded_at = -1

    def settings(self) -> Settings:
        """The seeded database's settings (seeding it first when needed)."""
        if self._settings is None or (not ENGINE.creates_databases and self._seeded_at != _emptied):
            self._settings = fresh(self.server_settings, self.prefix)
            self.seed(self._settings)
            self._seeded_at = _emptied
        return self._settings
