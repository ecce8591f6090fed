"""The graph store: one class over the official neo4j driver, for Neo4j and embedded ArcadeDB.

Every value travels as a ``$parameter``. Batched writes go through ``UNWIND $rows`` with a
progress bar and, optionally, several sessions in parallel. Anything user-supplied runs through
``run_user_query``: checked for write clauses, in a read session, in a transaction that is always
rolled back (ArcadeDB ignores Bolt's read access mode), with a timeout and a row limit.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import neo4j
from neo4j import exceptions as neo4j_errors

from repurpose import cypher
from repurpose import engines, server
from repurpose.config import Settings
from repurpose.cypher_safety import IDENTIFIER, assert_read_only
from repurpose.errors import GraphUnavailable, QueryError
from repurpose.progress import progress

TRANSIENT = (neo4j_errors.TransientError, neo4j_errors.SessionExpired, neo4j_errors.ServiceUnavailable)
RETRIES = 5
RECORD_GONE = "Neo.ClientError.Statement.EntityNotFound"
#: The driver's own retry window for a transaction on the local embedded server (its default, 30 s,
#: suits a remote cluster; locally a failure that outlasts this means the server is gone).
EMBEDDED_RETRY_SECONDS = 2.0
RERUN_HINT = "run the command again: load, enrich and writeback complete their work without duplicates on a re-run"


@dataclass(frozen=True)
class Capabilities:
    """What the connected server is and can do, read from its agent string and procedures."""

    agent: str
    server: str  # "neo4j" or "arcadedb"
    version: str
    edition: str | None  # Neo4j's "community" or "enterprise"; None where the server has no editions
    vector_index: bool
    apoc: bool
    #: Bolt's READ access mode refuses writes on the server (Neo4j); ArcadeDB ignores it.
    read_access_enforced: bool

    @classmethod
    def from_agent(cls, agent: str, apoc: bool, edition: str | None = None) -> "Capabilities":
        is_arcade = "arcadedb" in agent.lower()
        # "Neo4j/5.26.19"; ArcadeDB: "Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)"
        found = re.search(r"ArcadeDB[ /]([\w.+-]+)" if is_arcade else r"/([\w.+-]+)", agent)
        version = found.group(1) if found else ""
        return cls(agent=agent, server="arcadedb" if is_arcade else "neo4j", version=version, edition=edition,
                   vector_index=not is_arcade, apoc=apoc, read_access_enforced=not is_arcade)


def _conflict(exc: Exception) -> bool:
    """True when a concurrent transaction made this one fail before it committed, so it may run again.

    ArcadeDB reports concurrent-modification conflicts as general errors, and a query that meets a
    record another transaction has just deleted (a reader during a write-back's replacement, say)
    as EntityNotFound.
    """
    if isinstance(exc, neo4j_errors.DatabaseError):
        return "concurrent" in str(exc).lower()
    return getattr(exc, "code", None) == RECORD_GONE


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class GraphStore:
    """Parameterised reads and writes against one database of a Bolt server."""

    def __init__(self, driver: neo4j.Driver, database: str | None, uri: str,
                 server_alive: Callable[[], bool] | None = None) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri
        #: For the embedded server: whether the process we connected to still runs (checked before retrying).
        self.server_alive = server_alive
        self._capabilities: Capabilities | None = None

    # -- connection -------------------------------------------------------------------------
    @classmethod
    def connect(cls, settings: Settings) -> "GraphStore":
        """Connect (starting the embedded server first when the URI is ``embedded``)."""
        alive: Callable[[], bool] | None = None
        retry_seconds: dict[str, float] = {}
        database = settings.database
        if settings.embedded:
            state = server.ensure_running(settings)
            engine = engines.get(state.engine)
            server.ensure_database(settings, state)
            uri, user, password = state.uri, engine.user, server.root_password(settings, engine)
            database = server.database_name(settings, engine)
            alive = functools.partial(server.still_running, settings, state)
            retry_seconds = {"max_transaction_retry_time": EMBEDDED_RETRY_SECONDS}
        else:
            uri, user, password = settings.uri, settings.user, settings.password
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password or ""), connection_timeout=10,
                                            max_connection_pool_size=16, **retry_seconds)
        try:
            driver.verify_connectivity()
        except neo4j_errors.AuthError as exc:
            driver.close()
            raise GraphUnavailable(f"{uri} refused the credentials for user {user!r}; "
                                   "check --user/--password (PLATFORM_USER, PLATFORM_PASSWORD)") from exc
        except (neo4j_errors.ServiceUnavailable, OSError, ValueError) as exc:
            driver.close()
            hint = "try `platform db start`" if settings.embedded else "is the server running and the URI right?"
            raise GraphUnavailable(f"cannot reach {uri}; {hint}") from exc
        store = cls(driver, database, uri, alive)
        try:
            store.read(cypher.get("store", "ping"))
            if database is None:  # the server's home database: name it, for caches and messages
                store.database = store.read(cypher.get("store", "home_database"))[0]["name"]
        except QueryError as exc:
            driver.close()
            shown = "its home database" if database is None else f"database {database!r}"
            raise GraphUnavailable(f"{uri}: cannot open {shown} ({exc}); name an existing one with "
                                   "PLATFORM_DATABASE or --database") from exc
        return store

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def capabilities(self) -> Capabilities:
        """Server kind, version, edition and features (vector index, APOC), probed once."""
        if self._capabilities is None:
            agent = self.driver.get_server_info().agent
            apoc, edition = False, None
            if "arcadedb" not in agent.lower():
                with contextlib.suppress(QueryError):
                    apoc = bool(self.read(cypher.get("store", "apoc_procedures"))[0]["n"])
                with contextlib.suppress(QueryError, IndexError):
                    edition = self.read(cypher.get("store", "edition"))[0]["edition"]
            self._capabilities = Capabilities.from_agent(agent, apoc, edition)
        return self._capabilities

    # -- queries ----------------------------------------------------------------------------
    def _session(self, read: bool = False) -> neo4j.Session:
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    def _retry(self, work: Callable[[], Any]) -> Any:
        for attempt in range(RETRIES):
            try:
                return work()
            except neo4j_errors.IncompleteCommit as exc:
                # The commit may have been applied: running the work again could write it twice.
                raise GraphUnavailable(f"lost the connection to {self.uri} while committing, so the last write "
                                       f"may or may not be in the graph; {RERUN_HINT}") from exc
            except TRANSIENT as exc:
                self._raise_if_server_stopped(exc)
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * 2 ** attempt)
            except (neo4j_errors.DatabaseError, neo4j_errors.ClientError) as exc:
                # After our server died another one may answer on its port (e.g. refusing our password):
                # its answer is not about our graph.
                self._raise_if_server_stopped(exc)
                if not _conflict(exc) or attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * 2 ** attempt)
        raise AssertionError("unreachable")

    def _raise_if_server_stopped(self, exc: Exception) -> None:
        """GraphUnavailable with the re-run hint when the embedded server this store talks to has died."""
        if self.server_alive is not None and not self.server_alive():
            raise GraphUnavailable(f"the embedded graph server at {self.uri} stopped while this command "
                                   f"ran; {RERUN_HINT} (it restarts the server)") from exc

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a trusted read query; rows as dicts."""
        def work() -> list[dict[str, Any]]:
            with self._session(read=True) as session:
                return session.run(query, params).data()
        return self._wrap(work, query)

    def read_columns(self, query: str, **params: Any) -> dict[str, Any]:
        """Run a trusted read query that returns ONE record (e.g. of ``collect(...)`` lists); its values
        as they came off the wire. Skipping ``.data()``'s per-element conversion of graph types makes
        bulk reads of plain lists about 10x cheaper on the client."""
        def work() -> dict[str, Any]:
            with self._session(read=True) as session:
                record = session.run(query, params).single(strict=True)
                return dict(zip(record.keys(), record.values()))
        return self._wrap(work, query)

    def write(self, query: str, **params: Any) -> dict[str, int]:
        """Run a trusted write query in one transaction; the summary's counters."""
        def work() -> dict[str, int]:
            with self._session() as session:
                summary = session.execute_write(lambda tx: tx.run(query, params).consume())
            counters = summary.counters
            return {k: getattr(counters, k) for k in ("nodes_created", "nodes_deleted", "relationships_created",
                                                      "relationships_deleted", "properties_set")}
        return self._wrap(work, query)

    def write_batches(self, query: str, rows: Iterable[dict[str, Any]], *, batch_size: int = 5000,
                      total: int | None = None, desc: str = "writing", unit: str = "rows",
                      workers: int = 1, **params: Any) -> int:
        """Run ``query`` (which reads ``$rows``) over ``rows`` in batches; returns rows written.

        Each batch is one transaction, retried on transient conflicts, so a re-run after a crash
        only needs idempotent queries (MERGE) to complete the work. ``workers`` > 1 writes
        batches from several sessions at once.
        """
        done = 0
        with progress(total=total, desc=desc, unit=unit) as bar:
            def one(batch: list[dict[str, Any]]) -> int:
                def work() -> None:
                    with self._session() as session:
                        session.execute_write(lambda tx: tx.run(query, {**params, "rows": batch}).consume())
                self._wrap(work, query)
                return len(batch)

            if workers <= 1:
                for batch in _chunks(rows, batch_size):
                    n = one(batch)
                    done += n
                    bar.update(n)
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    pending: list = []
                    for batch in _chunks(rows, batch_size):
                        pending.append(pool.submit(one, batch))
                        if len(pending) >= workers * 2:
                            n = pending.pop(0).result()
                            done += n
                            bar.update(n)
                    for fut in pending:
                        n = fut.result()
                        done += n
                        bar.update(n)
        return done

    def run_user_query(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False,
                       timeout: float | None = 30.0, limit: int | None = None) -> tuple[list[str], list[dict]]:
        """Run a query that came from a user or an LLM: read-only unless ``write``; (columns, rows)."""
        params = params or {}
        if not write:
            assert_read_only(query)

        def work() -> tuple[list[str], list[dict]]:
            with self._session(read=not write) as session:
                tx = session.begin_transaction(timeout=timeout)
                try:
                    result = tx.run(query, params)
                    keys = list(result.keys())
                    rows = []
                    for record in result:
                        rows.append(record.data())
                        if limit is not None and len(rows) >= limit:
                            break
                    if write:
                        tx.commit()
                    return keys, rows
                finally:
                    if tx.closed() is False:
                        tx.rollback()
        return self._wrap(work, query)

    def _wrap(self, work: Callable[[], Any], query: str) -> Any:
        """Run ``work`` with retries, turning driver errors into the platform's own."""
        try:
            return self._retry(work)
        except neo4j_errors.CypherSyntaxError as exc:
            raise QueryError(f"Cypher syntax error: {_one_line(exc.message)}") from exc
        except neo4j_errors.ConstraintError as exc:
            raise QueryError(f"constraint violated: {exc.message}") from exc
        except neo4j_errors.AuthError as exc:
            raise GraphUnavailable(f"{self.uri} refused the credentials: {exc.message}") from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise GraphUnavailable(f"lost the connection to {self.uri}: {exc}") from exc
        except neo4j_errors.Neo4jError as exc:
            raise QueryError(f"query failed: {_one_line(exc.message or str(exc))[:500]}") from exc

    # -- schema and inspection -------------------------------------------------------------
    def apply_schema(self) -> int:
        """Run every statement of ``cypher/schema.cypher`` (idempotent); returns how many ran."""
        statements = cypher.statements("schema")
        for statement in statements:
            self.write(statement)
        return len(statements)

    def labels(self) -> list[str]:
        """Every node label of the graph, sorted by code point (as the server reports them, unchecked)."""
        return sorted(r["label"] for r in self.read(cypher.get("store", "labels")))

    def relationship_types(self) -> list[str]:
        """Every relationship type of the graph, sorted by code point (as the server reports them, unchecked)."""
        return sorted(r["relationshipType"] for r in self.read(cypher.get("store", "relationship_types")))

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type."""
        labels = {label: self.read(cypher.get("store", "count_label", label=label))[0]["n"]
                  for label in self.labels() if IDENTIFIER.match(label)}
        types = {rel: self.read(cypher.get("store", "count_type", type=rel))[0]["n"]
                 for rel in self.relationship_types() if IDENTIFIER.match(rel)}
        return {"labels": {k: v for k, v in sorted(labels.items()) if v},
                "relationships": {k: v for k, v in sorted(types.items()) if v}}


def _one_line(message: str | None) -> str:
    """A server message on one line (Neo4j's syntax errors span several, with a caret under the query)."""
    return re.sub(r"\s+", " ", message or "").strip()


@contextlib.contextmanager
def open_store(settings: Settings) -> Iterator[GraphStore]:
    """A connected store for ``settings`` (auto-starting the embedded server), closed on exit."""
    store = GraphStore.connect(settings)
    try:
        yield store
    finally:
        store.close()

