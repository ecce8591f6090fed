"""Known treatments come from the run's relation types, not from a ``TREATS`` name prefix.

DRKG-style: a DrugBank-treats target beside GNBR's treatment type; PrimeKG-style: ``INDICATION``.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import last_json, run_cli
from loader_support import PRIMEKG

from repurpose.writeback import known_treatment_pairs

DRKG_TREATS = Path(__file__).parents[1] / "fixtures" / "drkg" / "drugbank-treats.tsv"


def _predicted(store, run_id: str) -> set[tuple[str, str]]:  # noqa: ANN001
    rows = store.read("MATCH (c)-[p:PREDICTED_TREATS {runId: $run}]->(d) RETURN c.id AS c, d.id AS d", run=run_id)
    return {(r["c"], r["d"]) for r in rows}


def test_drkg_treatment_types_are_never_written_as_novel(store, cli_env, tmp_path) -> None:
    rows = DRKG_TREATS.read_text(encoding="utf-8").splitlines()[:80]
    # DRKG-style file: the first 60 DrugBank rows stay DrugBank treats, the next 20 pairs come as GNBR's
    # treatment type (DRKG holds both kinds for many pairs).
    gnbr = [r.replace("DRUGBANK::treats::", "GNBR::T::") for r in rows[60:]]
    path = tmp_path / "drkg.tsv"
    path.write_text("\n".join(rows[:60] + gnbr) + "\n", encoding="utf-8")
    assert run_cli("load", "drkg", str(path), env=cli_env).returncode == 0
    gnbr_pairs = {(r.split("\t")[0], r.split("\t")[2]) for r in gnbr}

    written = {}
    for label, extra in (("default", ()), ("target only", ("--known-relations", "DRUGBANK_TREATS_COMPOUND_DISEASE"))):
        run = last_json(run_cli("train", "--model", "degree", "--target", "DRUGBANK_TREATS_COMPOUND_DISEASE", *extra,
                                "--json", env=cli_env).stdout)
        out = run_cli("writeback", "--run", run["run_id"], "--top-k", "500", "--json", env=cli_env)
        assert out.returncode == 0, out.stderr
        written[label] = (run, _predicted(store, run["run_id"]))
    run, pairs = written["default"]
    config = json.loads((Path(run["run_dir"]) / "config.json").read_text())
    assert config["known_relations"] == ["DRUGBANK_TREATS_COMPOUND_DISEASE", "GNBR_T_COMPOUND_DISEASE"]
    assert pairs and not pairs & gnbr_pairs
    assert store.read("MATCH (m:ModelRun {runId: $run}) RETURN m.knownRelations AS k",
                      run=run["run_id"])[0]["k"] == config["known_relations"]
    # a run that counts only its target writes the GNBR pairs as novel
    _, only_target = written["target only"]
    assert only_target & gnbr_pairs
    bad = run_cli("train", "--model", "degree", "--target", "DRUGBANK_TREATS_COMPOUND_DISEASE",
                  "--known-relations", "NO_SUCH_TYPE", env=cli_env)
    assert bad.returncode == 2 and "NO_SUCH_TYPE" in bad.stderr


def test_primekg_indications_are_known_by_relation(store, cli_env) -> None:
    assert run_cli("load", "primekg", str(PRIMEKG), env=cli_env).returncode == 0
    pairs = set(known_treatment_pairs(store, ["INDICATION"]))
    assert pairs == {("Compound::DrugBank:DB00331", "Disease::MONDO:5148"),
                     ("Compound::DrugBank:DB00317", "Disease::MONDO:5233")}
    assert not known_treatment_pairs(store, ["TREATS_CtD"])  # a name prefix would have found nothing either way
