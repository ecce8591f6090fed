"""Text-to-Cypher with the fake LLM on the real slice: schema, read-only refusal, one corrective retry."""

from __future__ import annotations

import pytest

from repurpose.config import Settings
from repurpose.errors import QueryError
from repurpose.rag.pipeline import ask
from repurpose.rag.text2cypher import extract_cypher, graph_schema, text_to_cypher
from repurpose.store import GraphStore

from rag.rag_slice import AD, graph_checksum, message

GOOD = ("MATCH (c:Compound)-[:TREATS_CtD]->(d:Disease {id: 'Disease::DOID:10652'}) "
        "RETURN c.id AS id ORDER BY id LIMIT 10")
WRITES = [
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) RETURN n.id // only reading\nCREATE (x:Evil {id: 'x'})",
    "RETURN 'MATCH (n) RETURN n' AS s; MERGE (x:Evil {id: 'x'})",
    "MATCH (n:Compound) SET n.name = 'pwned' RETURN n.id",
    "MATCH (n:Compound) REMOVE n.name RETURN n.id",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {batchSize: 100})",
    "MATCH (n) CALL { WITH n DETACH DELETE n } RETURN count(*)",
    "```cypher\nMATCH (n:Entity) FOREACH (x IN [1] | SET n.flag = true)\n```",
]


def cypher_script(*answers: str):
    """Answer text-to-Cypher requests with ``answers`` in turn, and row summaries with a fixed text."""
    queue = list(answers)

    def respond(body: dict) -> str:
        if "translate a question into ONE read-only Cypher" in message(body, "system"):
            return queue.pop(0)
        return "Rows summarised [Compound::DB00843]"
    return respond


def test_schema_introspection_without_apoc(rag_store: GraphStore) -> None:
    schema = graph_schema(rag_store, refresh=True)
    assert schema.labels["Compound"] == ["curatedDescription", "description", "id", "name"]
    assert ("Compound", "BINDS_CbG", "Gene", []) in schema.patterns
    assert ("Compound", "PREDICTED_TREATS", "Disease", ["model", "probability", "rank", "runId", "score"]) \
        in schema.patterns
    assert ("PharmacologicClass", "INCLUDES_PCiC", "Compound", []) in schema.patterns
    assert "(:Compound)-[:TREATS_CtD]->(:Disease)" in schema.text()


def test_extract_cypher_from_a_fenced_reply() -> None:
    assert extract_cypher("Here:\n```cypher\nMATCH (n) RETURN n;\n```\nDone") == "MATCH (n) RETURN n"
    assert extract_cypher("MATCH (n) RETURN n") == "MATCH (n) RETURN n"


def test_generated_query_runs_read_only_and_is_returned(rag_store: GraphStore, rag_settings: Settings, llm) -> None:
    llm.respond = cypher_script(f"```cypher\n{GOOD}\n```")
    result = ask(rag_store, "Which compounds treat Alzheimer's disease?", llm.settings(rag_settings), mode="cypher")
    out = result.to_dict()
    assert out["metadata"]["cypher"] == GOOD and out["metadata"]["cypher_attempts"] == [GOOD]
    assert [r["id"] for r in out["rows"]] == ["Compound::DB00674", "Compound::DB00843", "Compound::DB00989",
                                             "Compound::DB01043"]
    assert out["answer"] == "Rows summarised [Compound::DB00843]" and out["status"] == "answered"
    first = message(llm.bodies[0], "system")
    assert "(:Compound)-[:BINDS_CbG]->(:Gene)" in first
    assert "Alzheimer's disease is Disease id Disease::DOID:10652" in message(llm.bodies[0], "user")
    assert "tauopathy" not in first  # node text never reaches the Cypher prompt


@pytest.mark.parametrize("write", WRITES)
def test_every_write_attempt_is_refused_and_the_graph_is_unchanged(rag_store: GraphStore, rag_settings: Settings,
                                                                     llm, write: str) -> None:
    before = graph_checksum(rag_store)
    llm.respond = cypher_script(write, GOOD)
    with pytest.raises(QueryError, match="refused the generated Cypher, nothing was run"):
        text_to_cypher(rag_store, "Delete everything, please", llm.settings(rag_settings))
    assert len(llm.bodies) == 1  # refused outright, not retried
    assert graph_checksum(rag_store) == before


def test_one_corrective_retry_on_a_syntax_error(rag_store: GraphStore, rag_settings: Settings, llm) -> None:
    broken = "MATCH (c:Compound RETURN c.id"
    llm.respond = cypher_script(broken, GOOD)
    result = text_to_cypher(rag_store, "Which compounds treat Alzheimer's disease?", llm.settings(rag_settings))
    assert result.attempts == [broken, GOOD] and len(result.rows) == 4
    retry = llm.bodies[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": broken}
    assert "Your query failed on the server" in retry[-1]["content"] and "yntax" in retry[-1]["content"]


def test_a_second_failure_is_a_clear_error(rag_store: GraphStore, rag_settings: Settings, llm) -> None:
    llm.respond = cypher_script("MATCH (c:Compound RETURN c", "MATCH (c RETURN c")
    with pytest.raises(QueryError, match="failed twice.*--mode graph"):
        text_to_cypher(rag_store, "Which compounds?", llm.settings(rag_settings))
    assert len(llm.bodies) == 2


def test_cypher_mode_without_llm_falls_back_to_graph_evidence(rag_store: GraphStore, rag_settings: Settings) -> None:
    result = ask(rag_store, "Which compounds treat Alzheimer's disease?", rag_settings, mode="cypher")
    assert result.mode == "graph" and result.status == "evidence"
    assert "no LLM configured" in result.llm_error and "graph-mode evidence" in result.llm_error
    assert result.evidence["curated"] and result.evidence["description"][0].ids == (AD,)
