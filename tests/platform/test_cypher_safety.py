"""The identifier check and the read-only check that guard user- and LLM-supplied Cypher."""

import pytest

from repurpose.cypher_safety import assert_read_only, identifier, write_clauses
from repurpose.errors import QueryError


@pytest.mark.parametrize("name", ["Compound", "TREATS_CtD", "_x1"])
def test_identifier_ok(name: str) -> None:
    assert identifier(name) == f"`{name}`"


@pytest.mark.parametrize("name", ["Compound) DETACH DELETE n //", "a`b", "1abc", "", "a b", "x" * 200, None])
def test_identifier_rejected(name: object) -> None:
    with pytest.raises(QueryError, match="invalid label"):
        identifier(name, "label")  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    "MATCH (n) RETURN n LIMIT 5",
    "MATCH (n {name: 'CREATE TABLE'}) RETURN n",          # a keyword inside a string
    "MATCH (n) WHERE n.note = \"SET x\" RETURN n // DELETE in a comment",
    "MATCH (n:`CREATE`) RETURN n",                        # a quoted name
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (n) RETURN n.offset, n.created",               # words that merely contain keywords
])
def test_read_queries_pass(query: str) -> None:
    assert write_clauses(query) == []
    assert_read_only(query)


@pytest.mark.parametrize("query,clause", [
    ("CREATE (n:X)", "CREATE"),
    ("match (n) detach delete n", "DETACH"),
    ("MATCH (n) SET n.x = 1", "SET"),
    ("MERGE (n:X {id: 1})", "MERGE"),
    ("MATCH (n) REMOVE n.x", "REMOVE"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD CSV"),
    ("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS", "DELETE"),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})", "CALL apoc.periodic.iterate"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
    ("DROP CONSTRAINT entity_id", "DROP"),
])
def test_writes_refused(query: str, clause: str) -> None:
    with pytest.raises(QueryError, match="refused"):
        assert_read_only(query)
    assert clause in " ".join(write_clauses(query)).upper() or clause in write_clauses(query)
