"""The store retries a lost connection only when that is safe (no commit in doubt) and useful (server alive)."""

from __future__ import annotations

import pytest
from neo4j import exceptions as neo4j_errors

from repurpose.errors import GraphUnavailable
from repurpose.store import GraphStore


def failing(errors: list[Exception], calls: list[int]):  # noqa: ANN201
    """A unit of work that raises ``errors`` in turn, then returns how often it ran."""
    def work() -> int:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return len(calls)
    return work


def test_a_write_whose_commit_is_in_doubt_is_not_run_again(store: GraphStore) -> None:
    calls: list[int] = []
    with pytest.raises(GraphUnavailable, match="may or may not be in the graph"):
        store._retry(failing([neo4j_errors.IncompleteCommit("lost during commit")], calls))
    assert len(calls) == 1


def test_a_lost_connection_is_retried_while_the_server_runs(store: GraphStore) -> None:
    calls: list[int] = []
    assert store.server_alive is not None and store.server_alive()  # the session's embedded server
    errors = [neo4j_errors.ServiceUnavailable("blip"), neo4j_errors.SessionExpired("blip")]
    assert store._retry(failing(errors, calls)) == 3


def test_a_stopped_embedded_server_ends_the_command_at_once(store: GraphStore) -> None:
    calls: list[int] = []
    store.server_alive = lambda: False  # what server.still_running says once the process is gone
    with pytest.raises(GraphUnavailable, match="stopped while this command ran; run the command again"):
        store._retry(failing([neo4j_errors.ServiceUnavailable("refused")] * 3, calls))
    assert len(calls) == 1
