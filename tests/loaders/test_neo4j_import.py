"""``platform export neo4j-import``: the printed neo4j-admin command, run with the Neo4j jars, builds a
Neo4j database equal to the exported graph (from whichever server the tests run on)."""

from __future__ import annotations

import random
import shlex
from pathlib import Path

from helpers import last_json, run_cli
from loader_support import HETIONET_EDGES, HETIONET_NODES

from repurpose import server
from repurpose.config import Settings, load_settings
from repurpose.engines import neo4j_community
from repurpose.store import GraphStore


def test_exported_csvs_import_into_neo4j_as_the_same_graph(cli_env: dict, settings: Settings, tmp_path: Path) -> None:
    loaded = run_cli("load", "hetionet", str(HETIONET_NODES), str(HETIONET_EDGES), "--json", env=cli_env)
    assert loaded.returncode == 0, loaded.stderr
    exported = run_cli("export", "neo4j-import", str(tmp_path / "csv"), "--json", env=cli_env)
    assert exported.returncode == 0, exported.stderr
    info = last_json(exported.stdout)
    with GraphStore.connect(settings) as store:
        ids = sorted(r["id"] for r in store.read("MATCH (n:Entity) RETURN n.id AS id"))

    args = shlex.split(info["command"])
    assert args[:6] == ["neo4j-admin", "database", "import", "full", "neo4j", "--overwrite-destination"]
    target = load_settings({"data_dir": str(tmp_path / "imported"), "engine": "neo4j"}, env={})
    home = server.server_root(target)
    home.mkdir(parents=True)
    done = neo4j_community.admin(home, *args[1:])
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]

    bolt = server.pick_port(random.randint(41000, 45000))
    server.start(target, bolt_port=bolt, http_port=server.pick_port(bolt + 300, exclude=(bolt,)), heap="1g")
    try:
        with GraphStore.connect(target) as imported:
            assert imported.database == "neo4j"
            counts = imported.counts()
            assert counts["relationships"] == info["counts"]["relationships"]
            assert {k: v for k, v in counts["labels"].items() if k != "Entity"} == info["counts"]["nodes"]
            assert sorted(r["id"] for r in imported.read("MATCH (n:Entity) RETURN n.id AS id")) == ids
            row = imported.read("MATCH (c:Compound {id: 'Compound::DB00331'}) RETURN c.name AS name, "
                                "labels(c) AS labels")[0]
            assert row["name"] == "Metformin" and sorted(row["labels"]) == ["Compound", "Entity"]
    finally:
        server.stop(target)
