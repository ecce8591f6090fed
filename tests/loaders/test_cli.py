"""``platform load`` and ``platform export neo4j-import`` through the installed console script."""

from __future__ import annotations

import csv

from helpers import last_json, run_cli
from loader_support import HETIONET_EDGES, HETIONET_NODES, PRIMEKG, UMLS

from repurpose.loaders import registry


def test_help_lists_every_registered_format(cli_env):
    result = run_cli("load", "--help", env=cli_env)
    assert result.returncode == 0
    for key in registry():
        assert key in result.stdout


def test_load_json_then_table_then_export(cli_env, tmp_path):
    result = run_cli("load", "hetionet", str(HETIONET_NODES), str(HETIONET_EDGES), "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    summary = last_json(result.stdout)
    assert summary["dataset"] == "hetionet" and summary["edges"]["TREATS_CtD"] == 755
    assert summary["skipped_lines"] == 0 and summary["edges_per_second"] > 0

    again = run_cli("load", "hetionet", str(HETIONET_NODES), str(HETIONET_EDGES), env=cli_env)
    assert again.returncode == 0, again.stderr
    assert "TREATS_CtD" in again.stdout and "skip" in again.stdout and "edges/s" in again.stdout

    out = tmp_path / "export"
    exported = run_cli("export", "neo4j-import", str(out), "--json", env=cli_env)
    assert exported.returncode == 0, exported.stderr
    info = last_json(exported.stdout)
    assert info["command"].startswith("neo4j-admin database import full")
    assert info["counts"]["relationships"]["TREATS_CtD"] == 755
    assert info["counts"]["nodes"]["Compound"] == summary["nodes"]["Compound"]
    with open(out / "rels-TREATS_CtD.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [":START_ID", ":END_ID", ":TYPE"] and len(rows) == 756
    assert all(r[0].startswith("Compound::") and r[1].startswith("Disease::") and r[2] == "TREATS_CtD" for r in rows[1:])
    with open(out / "nodes-Compound.csv", newline="", encoding="utf-8") as handle:
        nodes = list(csv.reader(handle))
    assert nodes[0] == ["id:ID", "name", ":LABEL"] and ["Compound::DB00331", "Metformin", "Entity;Compound"] in nodes


def test_cli_errors_and_options(cli_env, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = PRIMEKG.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0], lines[1], "indication,indication,1", *lines[2:]]) + "\n", encoding="utf-8")
    failed = run_cli("load", "primekg", str(bad), env=cli_env)
    assert failed.returncode == 1 and f"Error: {bad}:3: expected 12 columns, found 3" in failed.stderr

    skipped = run_cli("load", "primekg", str(bad), "--skip-bad-lines", "--json", env=cli_env)
    assert skipped.returncode == 0, skipped.stderr
    assert last_json(skipped.stdout)["skipped_lines"] == 1 and "skipped" in skipped.stderr

    replaced = run_cli("load", "primekg", str(PRIMEKG), "--replace", "--json", env=cli_env)
    body = last_json(replaced.stdout)
    assert body["removed_edges"] == len(lines) - 1 == body["edge_count"]  # the skip run loaded every good row

    wrong = run_cli("load", "primekg", str(PRIMEKG), "--nodes", str(PRIMEKG), env=cli_env)
    assert wrong.returncode == 2 and "--nodes is only for the triples format" in wrong.stderr

    umls = run_cli("load", "triples", str(UMLS / "valid.txt"), "--name", "umls-valid", "--json", env=cli_env)
    assert last_json(umls.stdout)["dataset"] == "umls-valid"
