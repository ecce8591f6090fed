"""The graph store against the real embedded server: round trips, batches, read-only guard."""

import pytest
from databases import ENGINE

from repurpose.errors import QueryError
from repurpose.store import GraphStore


def test_write_read_round_trip(store: GraphStore) -> None:
    store.write("CREATE (n:Entity:Compound {id: $id, name: $name})", id="Compound::DB1", name="Aspirin")
    rows = store.read("MATCH (n:Entity {id: $id}) RETURN n.name AS name, labels(n) AS labels", id="Compound::DB1")
    assert len(rows) == 1 and rows[0]["name"] == "Aspirin"
    assert set(rows[0]["labels"]) == {"Compound", "Entity"}


def test_write_batches_counts_and_idempotence(store: GraphStore) -> None:
    rows = [{"id": f"Gene::{i}", "name": f"G{i}"} for i in range(2500)]
    query = "UNWIND $rows AS r MERGE (n:Entity:Gene {id: r.id}) SET n.name = r.name"
    assert store.write_batches(query, rows, batch_size=1000) == 2500
    assert store.write_batches(query, iter(rows), batch_size=700, workers=2) == 2500
    assert store.read("MATCH (n:Gene) RETURN count(n) AS n")[0]["n"] == 2500
    assert store.counts()["labels"] == {"Entity": 2500, "Gene": 2500}


def test_uniqueness_constraint(store: GraphStore) -> None:
    store.write("CREATE (:Entity {id: 'a'})")
    with pytest.raises(QueryError, match="constraint"):
        store.write("CREATE (:Entity {id: 'a'})")


def test_user_query_is_read_only_even_past_the_check(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write("CREATE (:Entity:Compound {id: 'c1', name: 'x'})")
    with pytest.raises(QueryError, match="refused"):
        store.run_user_query("MATCH (n) DETACH DELETE n")
    # With the static check switched off: Neo4j refuses the write itself (Bolt's READ access mode);
    # ArcadeDB ignores that mode, so the write runs in a transaction that is rolled back.
    monkeypatch.setattr("repurpose.store.assert_read_only", lambda query: None)
    sneaky = "CREATE (n:Entity {id: 'sneaky'}) RETURN n.id AS id"
    if store.capabilities.read_access_enforced:
        with pytest.raises(QueryError, match="(?i)read access mode"):
            store.run_user_query(sneaky)
    else:
        assert store.run_user_query(sneaky)[1] == [{"id": "sneaky"}]
    assert store.read("MATCH (n:Entity) RETURN collect(n.id) AS ids")[0]["ids"] == ["c1"]


def test_user_query_write_flag_and_limit(store: GraphStore) -> None:
    cols, rows = store.run_user_query("UNWIND range(1, 50) AS i CREATE (n:Entity {id: toString(i)}) RETURN i",
                                      write=True)
    assert cols == ["i"] and len(rows) == 50
    cols, rows = store.run_user_query("MATCH (n:Entity) RETURN n.id AS id", limit=7)
    assert len(rows) == 7


def test_syntax_error_is_clear(store: GraphStore) -> None:
    with pytest.raises(QueryError, match="syntax"):
        store.read("MATCH (n RETURN n")


def test_capabilities(store: GraphStore) -> None:
    caps = store.capabilities
    assert caps.server == ENGINE.name and ENGINE.title in caps.agent and caps.version[0].isdigit()
    if ENGINE.name == "neo4j":
        assert caps.vector_index and caps.apoc and caps.read_access_enforced and caps.edition == "community"
        assert caps.version.startswith("5.26")
    else:
        assert not (caps.vector_index or caps.apoc or caps.read_access_enforced) and caps.edition is None


@pytest.mark.graph
def test_another_server_on_a_dead_servers_port_is_reported_as_the_stop(tmp_path) -> None:
    """Our embedded server dies and another one takes its port: its answer (our password refused) is not
    about our graph, so the error is the stop, with the re-run hint."""
    import os
    import random
    import signal
    import time

    from repurpose import server
    from repurpose.config import load_settings
    from repurpose.errors import GraphUnavailable
    from repurpose.store import open_store

    ours, theirs = (load_settings({"data_dir": str(tmp_path / name), "engine": ENGINE.name}, env={})
                    for name in ("ours", "theirs"))
    bolt = server.pick_port(random.randint(44000, 47000))
    http = server.pick_port(bolt + 400, exclude=(bolt,))
    state = server.start(ours, bolt_port=bolt, http_port=http, heap="1g")
    try:
        with open_store(ours) as store:
            assert store.read("RETURN 1 AS one") == [{"one": 1}]
            os.kill(state.pid, signal.SIGKILL)
            while server._pid_is_server(state.pid, state.root, ENGINE.name) or not (
                    server._port_free(bolt) and server._port_free(http)):
                time.sleep(0.1)
            server.start(theirs, bolt_port=bolt, http_port=http, heap="1g")
            try:
                with pytest.raises(GraphUnavailable, match="stopped while this command ran; run the command again"):
                    store.read("RETURN 1 AS one")
            finally:
                server.stop(theirs)
    finally:
        server.stop(ours)
