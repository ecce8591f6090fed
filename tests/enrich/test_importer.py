"""``--from-file``: the shipped Hetionet descriptions, unknown ids, malformed lines, curated text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repurpose.enrich.importer import check_import, import_file
from repurpose.errors import InputError

DESCRIPTIONS = Path(__file__).resolve().parents[2] / "data" / "descriptions"


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_shipped_hetionet_descriptions_import_cleanly(store, seed, compounds, diseases):
    assert (len(compounds), len(diseases)) == (1552, 137)
    seed(compounds + diseases)
    for kind, expected in (("compounds", 1552), ("diseases", 137)):
        stats = import_file(store, DESCRIPTIONS / f"{kind}-llm.jsonl.gz")
        assert (stats.done, stats.failed, stats.unknown, stats.skipped) == (expected, 0, 0, 0), stats.failures
    row = store.read("MATCH (n:Compound {id: 'Compound::DB00014'}) RETURN n.description AS d, "
                     "n.descriptionModel AS m, n.descriptionPrompt AS p")[0]
    assert row["d"].startswith("Goserelin is a") and row["m"] == row["p"] == "file:compounds-llm.jsonl"
    described = store.read("MATCH (n:Entity) WHERE n.description IS NOT NULL RETURN count(n) AS n")[0]["n"]
    assert described == 1552 + 137
    again = import_file(store, DESCRIPTIONS / "diseases-llm.jsonl.gz")
    assert (again.done, again.skipped) == (0, 137)


def test_unknown_ids_are_reported_and_bad_text_is_not_written(store, seed, compounds, tmp_path):
    seed(compounds[:3])
    rows = [{"id": c["id"], "name": c["name"], "description": c["description"]} for c in compounds[:3]]
    rows[1]["description"] = "**" + rows[1]["description"] + "**"  # markdown: stripped, then written
    rows[2]["description"] = "???? !!!! #### 1234"
    rows += [{"id": f"Compound::DBX{i}", "name": "nowhere", "description": compounds[0]["description"]}
             for i in range(7)]
    stats = import_file(store, write_jsonl(tmp_path / "d.jsonl", rows))
    assert (stats.done, stats.failed, stats.unknown) == (2, 1, 7)
    assert stats.unknown_ids == [f"Compound::DBX{i}" for i in range(5)]
    written = {r["id"]: r["d"] for r in store.read("MATCH (n:Compound) RETURN n.id AS id, n.description AS d")}
    assert written[compounds[1]["id"]] == compounds[1]["description"]
    assert written[compounds[2]["id"]] is None


def test_a_file_of_only_unknown_ids_fails(store, seed, compounds, tmp_path):
    seed(compounds[:1])
    path = write_jsonl(tmp_path / "none.jsonl", [{"id": "Gene::1", "description": compounds[0]["description"]}])
    stats = import_file(store, path)
    with pytest.raises(InputError, match="none of the 1 ids is in the graph"):
        check_import(stats, path)


@pytest.mark.parametrize("line, problem", [
    ('{"id": "Compound::DB00014", "description": ', "not valid JSON"),
    ('["Compound::DB00014", "text"]', "expected a JSON object"),
    ('{"id": "Compound::DB00014", "name": "Goserelin"}', "field 'description' missing"),
])
def test_malformed_lines_name_file_and_line(store, seed, compounds, tmp_path, line, problem):
    seed(compounds[:2])
    good = {"id": compounds[1]["id"], "description": compounds[1]["description"]}
    path = write_jsonl(tmp_path / "bad.jsonl", [good, "", line])
    with pytest.raises(InputError) as err:
        import_file(store, path)
    assert f"{path}:3: " in str(err.value) and problem in str(err.value)
    assert store.read("MATCH (n:Entity) WHERE n.description IS NOT NULL RETURN count(n) AS n")[0]["n"] == 0


def test_curated_text_goes_to_curated_description(store, seed, compounds, tmp_path):
    seed(compounds[:2])
    rows = [{"id": c["id"], "name": c["name"], "description": f"Curated text about {c['name']} from a source."}
            for c in compounds[:2]]
    stats = import_file(store, write_jsonl(tmp_path / "curated.jsonl", rows), target="curated")
    assert stats.done == 2
    got = store.read("MATCH (n:Compound) RETURN n.description AS d, n.curatedDescription AS c ORDER BY n.id")
    assert [r["d"] for r in got] == [None, None]
    assert [r["c"] for r in got] == [r["description"] for r in rows]
