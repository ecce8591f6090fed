"""Bad input: each case names file, line and text, and leaves the graph exactly as it was."""

from __future__ import annotations

import gzip
import shutil

import pytest
from loader_support import DRKG_TREATS, HETIONET_EDGES, HETIONET_NODES, PRIMEKG, graph_totals

from repurpose.errors import InputError
from repurpose.loaders import LoadOptions, load_dataset

GOOD_EDGE = "Compound::DB00331\tCtD\tDisease::DOID:9352"


def _edges_with(tmp_path, bad: bytes, at: int = 3):
    """The slice's edges file with ``bad`` inserted as line ``at`` (gzip kept)."""
    lines = gzip.decompress(HETIONET_EDGES.read_bytes()).split(b"\n")
    lines.insert(at - 1, bad)
    path = tmp_path / "edges.sif.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines)))
    return path


HETIONET_CASES = {
    "malformed line": (b"Compound::DB00331 CtD Disease::DOID:9352", "expected 3 columns, found 1"),
    "wrong column count": (b"Compound::DB00331\tCtD\tDisease::DOID:9352\textra", "expected 3 columns, found 4"),
    "unknown metaedge": (b"Compound::DB00331\tCxD\tDisease::DOID:9352", "unknown metaedge 'CxD'"),
    "missing node": (b"Compound::DB00331\tCtD\tDisease::DOID:0000000", "edge to a missing node 'Disease::DOID:0000000'"),
    "wrong kind": (b"Compound::DB00331\tCtD\tCompound::DB00014", "CtD needs a Disease here"),
    "non-UTF-8": (b"Compound::DB00331\tCtD\tDisease::DOID:9352\xff", "not UTF-8"),
}


@pytest.fixture()
def preloaded(store):
    """A graph that already holds some data, so 'unchanged' means more than 'empty'."""
    load_dataset(store, "primekg", PRIMEKG)
    return graph_totals(store)


@pytest.mark.parametrize("case", sorted(HETIONET_CASES))
def test_bad_hetionet_line_names_file_line_text_and_writes_nothing(store, preloaded, tmp_path, case):
    bad, message = HETIONET_CASES[case]
    edges = _edges_with(tmp_path, bad, at=3)
    with pytest.raises(InputError) as info:
        load_dataset(store, "hetionet", HETIONET_NODES, edges)
    text = str(info.value)
    assert text.startswith(f"{edges}:3: ") and message in text
    assert info.value.line == 3 and info.value.text == bad.decode("utf-8", "replace")
    assert repr(info.value.text)[:40] in text  # the offending text is shown
    assert graph_totals(store) == preloaded


@pytest.mark.parametrize("fmt,source", [("hetionet", HETIONET_NODES), ("drkg", DRKG_TREATS), ("primekg", PRIMEKG),
                                        ("triples", DRKG_TREATS)])
def test_empty_file_is_an_error(store, preloaded, tmp_path, fmt, source):
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.tsv: the file is empty"):
        load_dataset(store, fmt, empty)
    assert graph_totals(store) == preloaded


def test_bad_lines_in_other_formats(store, preloaded, tmp_path):
    drkg = tmp_path / "drkg.tsv"
    drkg.write_text(DRKG_TREATS.read_text(encoding="utf-8") + "Compound::DB00004\tDRUGBANK::treats::Compound:Disease\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"drkg\.tsv:3468: expected 3 columns, found 2"):
        load_dataset(store, "drkg", drkg)
    primekg = tmp_path / "kg.csv"
    primekg.write_text(PRIMEKG.read_text(encoding="utf-8").replace(",NCBI\n", ",NCBI,extra\n", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"kg\.csv:2: expected 12 columns, found 13"):
        load_dataset(store, "primekg", primekg)
    assert graph_totals(store) == preloaded


def test_skip_bad_lines_counts_and_loads_the_rest(store, tmp_path):
    lines = [GOOD_EDGE.encode(), *(bad for bad, _ in HETIONET_CASES.values())]
    edges = _edges_with(tmp_path, b"\n".join(lines), at=2)
    summary = load_dataset(store, "hetionet", HETIONET_NODES, edges, options=LoadOptions(skip_bad_lines=True))
    assert summary.skipped_lines == len(HETIONET_CASES)
    assert len(summary.skipped_examples) == 5 and all(str(edges) in e for e in summary.skipped_examples)
    original = gzip.decompress(HETIONET_EDGES.read_bytes()).decode().strip().split("\n")[1:]
    assert summary.edge_count == len(set(original) | {GOOD_EDGE})


def test_a_missing_file_is_an_input_error(store, tmp_path):
    shutil.copy(HETIONET_NODES, tmp_path / "nodes.tsv")
    with pytest.raises(InputError, match="no such file"):
        load_dataset(store, "hetionet", tmp_path / "nodes.tsv", tmp_path / "absent.sif")
