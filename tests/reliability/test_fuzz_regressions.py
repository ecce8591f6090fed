"""Inputs the fuzzer found that once ended in a traceback, a half-written graph or a hang.

Each case must now fail with one clean error that names the file (and the line or field),
leaving the graph exactly as it was.
"""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path
from typing import Iterator

import pytest
from databases import SharedDatabase
from helpers import last_json, run_cli
from loader_support import DRKG_TREATS, HETIONET_EDGES, HETIONET_NODES, PRIMEKG, graph_totals

from repurpose.config import Settings
from repurpose.enrich.importer import import_file
from repurpose.errors import InputError
from repurpose.loaders import LoadOptions, TriplesLoader, load_dataset
from repurpose.loaders.staging import stage
from repurpose.store import GraphStore


#: Each format's fixture, to be damaged (Hetionet: its edges file, loaded with its nodes file).
SOURCES = {"triples": DRKG_TREATS, "drkg": DRKG_TREATS, "primekg": PRIMEKG, "hetionet": HETIONET_EDGES}
PRIMEKG_HEADER = PRIMEKG.read_bytes().split(b"\n", 1)[0] + b"\n"
HETIONET_NODE = {"kind": "Compound", "identifier": "DB00331", "name": "Metformin"}


def _json(nodes: object, edges: object = ()) -> bytes:
    return json.dumps({"nodes": nodes, "edges": list(edges) if isinstance(edges, tuple) else edges}).encode()


DAMAGED = {
    "gzip cut short": lambda data: gzip.compress(data)[:len(gzip.compress(data)) // 2],
    "gzip with a bad CRC": lambda data: gzip.compress(data)[:-8] + bytes(8),
    "gzip magic only": lambda data: b"\x1f\x8b",
    "bz2 cut short": lambda data: bz2.compress(data)[:len(bz2.compress(data)) // 2],
    "text starting like bz2": lambda data: b"BZh" + data,
}
MALFORMED = {
    "hetionet json: data is a list": ("hetionet", _json([{**HETIONET_NODE, "data": [1, 2]}]), "nodes[0] needs"),
    "hetionet json: nodes is a number": ("hetionet", _json(5), "top-level 'nodes' and 'edges' lists"),
    "hetionet json: a list as an edge kind": (
        "hetionet", _json([HETIONET_NODE], [{"source_id": [["Compound"], "DB00331"], "target_id": ["Disease", "x"],
                                             "kind": "treats"}]), "edges[0] needs"),
    "hetionet json: nested too deeply": ("hetionet", b'{"nodes": ' + b"[" * 100_000 + b"]" * 100_000 + b', "edges": []}',
                                         "nested too deeply"),
    "primekg: a field over the csv limit": (
        "primekg", PRIMEKG_HEADER + b'r,d,1,2,drug,"' + b"x" * 200_000 + b'",DrugBank,3,4,disease,y,MONDO\n',
        ":2: not a CSV line"),
}


def _seed(settings: Settings) -> None:
    with GraphStore.connect(settings) as store:
        load_dataset(store, "primekg", PRIMEKG)


@pytest.fixture(scope="module")
def primekg_database(server_settings: Settings) -> SharedDatabase:
    """One database for the module, holding data so that 'unchanged' means more than 'empty'."""
    return SharedDatabase(server_settings, _seed, "fz")


@pytest.fixture()
def graph(primekg_database: SharedDatabase) -> Iterator[tuple[GraphStore, tuple[int, int]]]:
    with GraphStore.connect(primekg_database.settings()) as store:
        yield store, graph_totals(store)


@pytest.mark.parametrize("fmt", sorted(SOURCES))
@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_a_damaged_compressed_file_is_an_input_error(graph, tmp_path, fmt, case):
    store, before = graph
    source = SOURCES[fmt]
    data = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
    path = tmp_path / "input.gz"
    path.write_bytes(DAMAGED[case](data))
    files = [HETIONET_NODES, path] if fmt == "hetionet" else [path]
    with pytest.raises(InputError, match=r"input\.gz: cannot read the file \(.+\); is it damaged or cut short\?"):
        load_dataset(store, fmt, *files)
    assert graph_totals(store) == before


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_structure_is_an_input_error(graph, tmp_path, case):
    store, before = graph
    fmt, data, message = MALFORMED[case]
    path = tmp_path / "input.data"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        load_dataset(store, fmt, path)
    assert str(info.value).startswith(f"{path}") and message in str(info.value)
    assert len(str(info.value).splitlines()) == 1
    assert graph_totals(store) == before


def _hetionet_json(tmp_path, nodes: list[dict]) -> Path:
    path = tmp_path / "hetionet.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": []}), encoding="utf-8")
    return path


def _compound(i: int, **extra: object) -> dict:
    return {"kind": "Compound", "identifier": f"DB{i:05d}", "name": f"compound {i}", **extra}


UNWRITABLE = {  # each once passed validation and failed at commit, after the batches before it were written
    "an integer over 64 bits": ([_compound(1), _compound(2, data={"mass": 10 ** 30})],
                                "property 'mass': the number 1000000000000000000000000000000 does not fit in 64 bits"),
    "an id of 300,000 bytes": ([_compound(1), _compound(2, identifier="x" * 300_000)],
                               "the id is 300,010 bytes long; at most 512"),
    "a name of 4,500 bytes": ([_compound(1), _compound(2, name="\u20ac" * 1500)], "the name is 4,500 bytes long"),
    "a lone surrogate": ([_compound(1), _compound(2, name="bad \ud800 text")], "the name is not valid Unicode"),
}


@pytest.mark.parametrize("case", sorted(UNWRITABLE))
def test_values_the_graph_cannot_hold_are_refused_before_writing(graph, tmp_path, case):
    store, before = graph
    nodes, message = UNWRITABLE[case]
    path = _hetionet_json(tmp_path, nodes)
    with pytest.raises(InputError) as info:
        load_dataset(store, "hetionet", path, options=LoadOptions(batch_size=1))
    assert str(info.value).startswith(f"{path}: {message}")
    assert graph_totals(store) == before


def test_skipping_drops_every_record_of_a_line_with_an_unwritable_value(store, tmp_path):
    header, first, *_ = PRIMEKG.read_text(encoding="utf-8").splitlines()
    fields = first.split(",")
    fields[10] = "y" * 5000  # y_name
    path = tmp_path / "kg.csv"
    path.write_text("\n".join([header, first, ",".join(fields)]) + "\n", encoding="utf-8")
    summary = load_dataset(store, "primekg", path, options=LoadOptions(skip_bad_lines=True))
    assert summary.skipped_lines == 1 and "kg.csv:3: the name is 5,000 bytes long" in summary.skipped_examples[0]
    assert (summary.node_count, summary.edge_count) == (2, 1) and graph_totals(store) == (2 + 1, 1)  # + Dataset


def test_batches_stay_under_the_message_size_arcadedb_answers(cli_env, tmp_path):
    """20 records of 900 KB: one 18 MB batch got no answer from ArcadeDB, and the load waited forever."""
    path = _hetionet_json(tmp_path, [_compound(i, data={"note": f"{i}" + "n" * 900_000}) for i in range(20)])
    done = run_cli("load", "hetionet", str(path), "--json", env=cli_env, timeout=240)
    assert done.returncode == 0, done.stderr
    assert last_json(done.stdout)["node_count"] == 20


GOOD_DESCRIPTION = "PHYHIP is a gene whose protein interacts with phytanoyl-CoA hydroxylase in the brain."
BAD_IMPORT_LINES = {  # a good line for a node of the graph comes first, so a half-written import would show
    "bytes that are not UTF-8": (b'{"id": "Gene::NCBI:56992", "description": "caf\xe9"}', "not UTF-8 (byte 0xe9"),
    "nesting too deep for the parser": (b"[" * 100_000 + b"]" * 100_000, "not valid JSON (nested too deeply)"),
    "a map as the model": (b'{"id": "Gene::NCBI:56992", "description": "%s", "model": {"a": 1}}'
                           % GOOD_DESCRIPTION.encode(), "field 'model' must be a string"),
    "a number over 64 bits as the model": (b'{"id": "Gene::NCBI:56992", "description": "%s", "model": 1%s}'
                                           % (GOOD_DESCRIPTION.encode(), b"0" * 30), "field 'model' must be a string"),
    "a lone surrogate in the description": (b'{"id": "Gene::NCBI:56992", "description": "%s \\ud800"}'
                                            % GOOD_DESCRIPTION.encode(), "field 'description' is not valid Unicode"),
    "an id of 600 bytes": (b'{"id": "%s", "description": "%s"}' % (b"x" * 600, GOOD_DESCRIPTION.encode()),
                           "field 'id' is 600 bytes long; at most 512"),
}


def _described(store: GraphStore) -> int:
    return store.read("MATCH (n:Entity) WHERE n.description IS NOT NULL RETURN count(n) AS n")[0]["n"]


@pytest.mark.parametrize("case", sorted(BAD_IMPORT_LINES))
def test_a_bad_descriptions_line_is_an_input_error_and_nothing_is_written(graph, tmp_path, case):
    store, before = graph
    bad, message = BAD_IMPORT_LINES[case]
    good = json.dumps({"id": "Gene::NCBI:9796", "name": "PHYHIP", "description": GOOD_DESCRIPTION}).encode()
    path = tmp_path / "descriptions.jsonl"
    path.write_bytes(good + b"\n" + bad + b"\n")
    with pytest.raises(InputError) as info:
        import_file(store, path, batch_size=1)
    assert str(info.value).startswith(f"{path}:2: {message}") and len(str(info.value).splitlines()) == 1
    assert _described(store) == 0 and graph_totals(store) == before


def test_a_damaged_gzip_descriptions_file_is_an_input_error(graph, tmp_path):
    store, _ = graph
    path = tmp_path / "descriptions.jsonl.gz"
    data = gzip.compress(b"".join(b'{"id": "Gene::%d", "description": "x"}\n' % i for i in range(500)))
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(InputError, match=r"descriptions\.jsonl\.gz: cannot read the file"):
        import_file(store, path)
    assert _described(store) == 0


UNCLEAR = {  # each once failed with a message that named no file and line, or quoted a field of 150 KB
    "a relation too long for a relationship type": (
        {"train.txt": b"a\tlocation_of\tb\nc\t" + b"r" * 200 + b"\td\n"}, "train.txt:2: cannot make a relationship type"),
    "one id with two kinds": ({"nodes.tsv": b"id\tname\tkind\na\tA\tGene\na\tA\tDisease\n", "train.txt": b"a\tr\ta\n"},
                              "nodes.tsv:3: node 'a' is listed before as Gene; one id must have one kind"),
    "a kind of 150 KB": ({"nodes.tsv": b"id\tname\tkind\na\tA\t" + b"k" * 150_000 + b"\n", "train.txt": b"a\tr\ta\n"},
                         "nodes.tsv:2: cannot make a node label from kind 'kkkk"),
}


@pytest.mark.parametrize("case", sorted(UNCLEAR))
def test_errors_name_file_and_line_in_one_short_line(tmp_path, case):
    files, message = UNCLEAR[case]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    nodes = {"nodes": tmp_path / "nodes.tsv"} if "nodes.tsv" in files else {}
    loader = TriplesLoader(**nodes)
    with pytest.raises(InputError) as info:
        stage(loader, loader.read([tmp_path / "train.txt"]))
    assert message in str(info.value) and len(str(info.value)) < 1000
