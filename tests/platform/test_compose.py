"""docker-compose.yml: Neo4j 5 with APOC, loopback ports, a data volume, and no default secret."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_compose_file() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    neo4j = spec["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5")
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert set(neo4j["ports"]) == {"127.0.0.1:7474:7474", "127.0.0.1:7687:7687"}
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    # The password must come from the environment, with no fallback value (":?" makes compose refuse).
    auth = neo4j["environment"]["NEO4J_AUTH"]
    assert auth.startswith("neo4j/${NEO4J_PASSWORD:?")
