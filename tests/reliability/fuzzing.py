"""Fuzz cases for every loader and ``platform enrich --from-file``, and one judge of what a case did.

A case starts from real fixture lines (tests/fixtures, data/descriptions) and applies one to three
mutations drawn by hypothesis: lines cut short, columns dropped or repeated, bytes that are not
UTF-8, NUL bytes, huge fields, empty ids, CRLF endings, Cypher-like labels with backticks, wrong
JSON types, unknown kinds; sometimes the file is then gzipped, bz2-compressed or cut short.
``parse`` runs the read-and-validate layer only (no graph, milliseconds a case); ``load`` runs the
whole load or import against a real graph and compares snapshots before and after a failure.
The tests (test_fuzz_*.py) run a few cases each; ``benchmarks/fuzz_inputs.py`` many, with this code.
"""

from __future__ import annotations

import bz2
import gzip
import json
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from fault_support import snapshot
from hypothesis import HealthCheck, settings, strategies as st

from repurpose.enrich.importer import check_import, import_file, read_records
from repurpose.enrich.validate import BadAnswer, clean_description
from repurpose.errors import RepurposeError
from repurpose.loaders import LoadOptions, load_dataset, registry
from repurpose.loaders.staging import stage
from repurpose.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

# -- outcomes ---------------------------------------------------------------------------------------
ACCEPTED = "accepted"  # a valid file: read (and, for ``load``, written exactly as reported)
CLEAN = "clean error"  # a RepurposeError whose message is one line naming the file
UNCLEAR = "unclear error"  # a RepurposeError whose message is not one short line naming the file
TRACEBACK = "traceback"  # any other exception: the CLI would print a traceback
PARTIAL = "partial write"  # a failure that changed the graph
MISREPORTED = "misreported"  # accepted, but the graph does not hold what the summary says
OUTCOMES = (ACCEPTED, CLEAN, UNCLEAR, TRACEBACK, PARTIAL, MISREPORTED)
GOOD = (ACCEPTED, CLEAN)
#: Characters a clean error message may take: a file path, a message and a snippet of the line.
MAX_MESSAGE = 1500


@dataclass(frozen=True)
class Outcome:
    kind: str
    detail: str = ""


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/repurpose/" in f.filename
              or "/platform/" in f.filename or "/loaders/" in f.filename]
    last = (frames or traceback.extract_tb(exc.__traceback__) or [None])[-1]
    return f" at {Path(last.filename).name}:{last.lineno}" if last else ""


def judge_error(exc: BaseException, paths: list[Path]) -> Outcome:
    """What an exception from a load or import means for a user of the CLI."""
    if not isinstance(exc, RepurposeError):
        return Outcome(TRACEBACK, f"{type(exc).__name__}: {str(exc)[:300]}{_where(exc)}")
    message = str(exc)
    if "\n" in message or len(message) > MAX_MESSAGE or not any(str(p) in message for p in paths):
        return Outcome(UNCLEAR, message[:300])
    return Outcome(CLEAN, message[:300])


# -- the seed files -----------------------------------------------------------------------------------
def _lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).splitlines()


def _every(lines: list[bytes], count: int) -> list[bytes]:
    """``count`` lines spread over ``lines`` (fixtures are sorted by type: a head would hold one)."""
    step = max(1, len(lines) // count)
    return lines[::step][:count]


@dataclass(frozen=True)
class SeedFile:
    """A fixture's lines, to be mutated and written as ``name``; ``sep`` separates its columns."""

    name: str
    lines: tuple[bytes, ...]
    sep: bytes


@dataclass(frozen=True)
class Target:
    """A loader (``fmt``) or the descriptions importer (``fmt`` None) with its seed files.

    ``nodes`` names the seed file passed as the triples loader's ``nodes=`` option;
    ``json`` says the files are JSON, so mutations may also change values inside the document.
    """

    name: str
    fmt: str | None
    files: tuple[SeedFile, ...]
    nodes: str | None = None
    json: bool = False

    def arguments(self, paths: dict[str, Path]) -> tuple[list[Path], dict[str, Any]]:
        """The input files and loader options for the written ``paths`` (by seed name)."""
        options = {"nodes": paths[self.nodes]} if self.nodes else {}
        return [p for name, p in paths.items() if name != self.nodes], options


def _hetionet_tsv() -> tuple[SeedFile, ...]:
    nodes_file, edges_file = _lines(FIXTURES / "hetionet" / "hetionet-slice-nodes.tsv"), \
        _lines(FIXTURES / "hetionet" / "hetionet-slice-edges.sif.gz")
    edges = _every(edges_file[1:], 30)
    ends = {end for line in edges for end in (line.split(b"\t")[0], line.split(b"\t")[2])}
    nodes = [line for line in nodes_file[1:] if line.split(b"\t")[0] in ends]
    return (SeedFile("nodes.tsv", (nodes_file[0], *nodes), b"\t"), SeedFile("edges.sif", (edges_file[0], *edges), b"\t"))


def _hetionet_json() -> tuple[SeedFile, ...]:
    document = json.loads((FIXTURES / "hetionet-json" / "hetionet-handmade.json").read_text(encoding="utf-8"))
    return (SeedFile("hetionet.json", tuple(json.dumps(document, indent=1).encode().splitlines()), b'"'),)


def _triples_with_nodes() -> tuple[SeedFile, ...]:
    triples = _every(_lines(FIXTURES / "umls" / "train.txt"), 30)
    ids = sorted({end for line in triples for end in (line.split(b"\t")[0], line.split(b"\t")[2])})
    nodes = [b"id\tname\tkind"] + [b"%s\t%s\t%s" % (i, i.replace(b"_", b" ").title(), b"Semantic Type") for i in ids]
    return SeedFile("nodes.tsv", tuple(nodes), b"\t"), SeedFile("train.txt", tuple(triples), b"\t")


def _targets() -> dict[str, Target]:
    drkg = _every(_lines(FIXTURES / "drkg" / "drugbank-treats.tsv"), 15) + \
        _every(_lines(FIXTURES / "drkg" / "drugbank-targets-head2000.tsv"), 15)
    descriptions = _lines(ROOT / "data" / "descriptions" / "compounds-llm.jsonl.gz")[:12]
    targets = [
        Target("hetionet TSV", "hetionet", _hetionet_tsv()),
        Target("hetionet JSON", "hetionet", _hetionet_json(), json=True),
        Target("drkg", "drkg", (SeedFile("drkg.tsv", tuple(drkg), b"\t"),)),
        Target("primekg", "primekg", (SeedFile("kg.csv", tuple(_lines(FIXTURES / "primekg" / "kg-handmade.csv")), b","),)),
        Target("triples (UMLS)", "triples", (SeedFile("train.txt", tuple(_every(_lines(FIXTURES / "umls" / "train.txt"), 40)),
                                                      b"\t"),)),
        Target("triples --nodes", "triples", _triples_with_nodes(), nodes="nodes.tsv"),
        Target("enrich --from-file", None, (SeedFile("descriptions.jsonl", tuple(descriptions), b'"'),), json=True),
    ]
    return {t.name: t for t in targets}


TARGETS = _targets()


def description_ids() -> list[tuple[str, str]]:
    """(id, name) of the compounds the descriptions seed file describes: the importer's graph needs them."""
    rows = [json.loads(line) for line in TARGETS["enrich --from-file"].files[0].lines]
    return [(r["id"], r["name"]) for r in rows]


# -- mutations ----------------------------------------------------------------------------------------
#: Texts a parser or a query could trip on: Cypher in labels, quotes, separators, ids, odd Unicode.
EVIL = ["Compound) DETACH DELETE n //", "x`) MATCH (n) DETACH DELETE n //", "`", "a`b", "'", '"', "\\", "",
        " ", "::", "Gene::", "Compound::", "${id}", "{label}", "Unknown Kind", "Side Effect", "CtD", "Gr>G",
        "treats", "DRUGBANK::treats::Compound:Disease", "drug", "NaN", "null", "-0", "9" * 25, "\u00e9",
        "\u202e", "\U0001f600", "\u0000"]
#: Byte strings that are not text: invalid UTF-8, a UTF-8 surrogate, NUL, stray CR, gzip and bz2 magic.
BAD_BYTES = [b"\xff", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\x00", b"\r", b"\x1f\x8b", b"BZh", b"\xef\xbb\xbf"]
HUGE = [600, 5_000, 150_000]


def _at(items: list, index: int) -> int:
    return index % len(items) if items else 0


def _edit_column(lines: list[bytes], sep: bytes, i: int, j: int, edit: Callable[[list[bytes], int], None]) -> list[bytes]:
    if not lines:
        return lines
    row = lines[_at(lines, i)].split(sep)
    edit(row, _at(row, j))
    lines[_at(lines, i)] = sep.join(row)
    return lines


def truncate(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    if lines:
        line = lines[_at(lines, i)]
        lines[_at(lines, i)] = line[:j % (len(line) + 1)]
    return lines


def drop_column(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    return _edit_column(lines, sep, i, j, lambda row, k: row.pop(k))


def repeat_column(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    return _edit_column(lines, sep, i, j, lambda row, k: row.insert(k, row[k]))


def set_column(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    return _edit_column(lines, sep, i, j, lambda row, k: row.__setitem__(k, payload))


def insert_bytes(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    if lines:
        line = lines[_at(lines, i)]
        at = j % (len(line) + 1)
        lines[_at(lines, i)] = line[:at] + payload + line[at:]
    return lines


def repeat_line(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    return lines[:_at(lines, i) + 1] + lines[_at(lines, i):] if lines else lines


def drop_line(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    return lines[:_at(lines, i)] + lines[_at(lines, i) + 1:]


def swap_lines(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    if lines:
        a, b = _at(lines, i), _at(lines, j)
        lines[a], lines[b] = lines[b], lines[a]
    return lines


def insert_line(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    return lines[:_at(lines, i)] + [payload] + lines[_at(lines, i):]


def change_separator(lines: list[bytes], sep: bytes, i: int, j: int, payload: bytes) -> list[bytes]:
    other = [b" ", b",", b"\t", b";", b"  "][j % 5]
    return [line.replace(sep, other) for line in lines]


LINE_MUTATIONS = (truncate, drop_column, repeat_column, set_column, insert_bytes, repeat_line, drop_line,
                  swap_lines, insert_line, change_separator)

payloads = st.one_of(
    st.sampled_from(EVIL).map(lambda t: t.encode("utf-8")),
    st.sampled_from(BAD_BYTES),
    st.sampled_from(HUGE).map(lambda n: b"x" * n),
    st.binary(max_size=24),
    st.text(max_size=24).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2 ** 70), 2 ** 70) | st.floats() | st.text(max_size=16)
    | st.sampled_from(EVIL) | st.sampled_from(HUGE).map(lambda n: "x" * n),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=5)
JSON_KEYS = ["id", "name", "description", "model", "kind", "identifier", "data", "source_id", "target_id",
             "direction", "nodes", "edges", "inchikey"]


def _edit(draw: st.DrawFn, obj: dict) -> None:
    key = draw(st.sampled_from(sorted(obj)) if obj and draw(st.booleans()) else st.sampled_from(JSON_KEYS))
    if draw(st.booleans()):
        obj[key] = draw(json_values)
    else:
        obj.pop(key, None)


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@st.composite
def _json_edit(draw: st.DrawFn, lines: list[bytes]) -> list[bytes]:
    """Set or delete one key of one object of a JSON document, or of one line of a JSON-lines file."""
    ascii_only = draw(st.booleans())

    def dump(value: Any, indent: int | None) -> bytes:
        return json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8", "surrogatepass")

    try:
        document = json.loads(b"\n".join(lines))
    except ValueError:
        document = None
    if isinstance(document, dict):
        _edit(draw, draw(st.sampled_from([document, *_dicts(document.get("nodes")), *_dicts(document.get("edges"))])))
        return dump(document, 1).splitlines()
    if not lines:
        return lines
    index = draw(st.integers(0, len(lines) - 1))
    try:
        obj = json.loads(lines[index])
    except ValueError:
        return lines
    if isinstance(obj, dict):
        _edit(draw, obj)
    else:
        obj = draw(json_values)
    return [*lines[:index], dump(obj, None), *lines[index + 1:]]


def _gzip_cut(data: bytes) -> bytes:
    packed = gzip.compress(data)
    return packed[:len(packed) // 2]


def _as_is(data: bytes) -> bytes:
    return data


def _empty(data: bytes) -> bytes:
    return b""


#: What happens to one file of a case at the end: mostly nothing; else compressed, cut short or emptied.
FINISHES: tuple[Callable[[bytes], bytes], ...] = (_as_is,) * 12 + (gzip.compress, bz2.compress, _gzip_cut, _empty)


@st.composite
def cases(draw: st.DrawFn, target: Target) -> dict[str, bytes]:
    """One fuzz case of ``target``: seed file name -> mutated content."""
    files = {f.name: list(f.lines) for f in target.files}
    seps = {f.name: f.sep for f in target.files}
    edited = target.json and draw(st.integers(0, 2)) > 0  # two JSON cases in three change a value inside
    if edited:
        name = draw(st.sampled_from(sorted(files)))
        files[name] = draw(_json_edit(files[name]))
    for _ in range(draw(st.integers(0, 1) if edited else st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        mutation = draw(st.sampled_from(LINE_MUTATIONS))
        files[name] = mutation(files[name], seps[name], draw(st.integers(0, 10_000)), draw(st.integers(0, 10_000)),
                               draw(payloads))
    crlf = draw(st.booleans())
    out = {name: (b"\r\n" if crlf else b"\n").join(lines) + b"\n" for name, lines in files.items()}
    name = draw(st.sampled_from(sorted(out)))
    out[name] = draw(st.sampled_from(FINISHES))(out[name])
    return out


def write(directory: Path, case: dict[str, bytes], stem: str = "") -> dict[str, Path]:
    """Write a case's files into ``directory`` (``stem`` makes the names unique there)."""
    paths = {}
    for name, data in case.items():
        path = directory / f"{stem}{name}"
        path.write_bytes(data)
        paths[name] = path
    return paths


# -- running a case -----------------------------------------------------------------------------------
def parse(target: Target, paths: dict[str, Path]) -> Outcome:
    """Read and validate only, as every load and import does before its first write."""
    files = list(paths.values())
    try:
        if target.fmt is None:
            for record in read_records(files[0]):
                try:
                    clean_description(record.description)
                except BadAnswer:
                    pass  # counted as failed and not written, by design
        else:
            inputs, options = target.arguments(paths)
            loader = registry()[target.fmt](**options)
            stage(loader, loader.read(inputs))
    except Exception as exc:  # noqa: BLE001 - judging every exception is the point
        return judge_error(exc, files)
    return Outcome(ACCEPTED)


def _written_as_reported(store: GraphStore, dataset: str, nodes: int, edges: int) -> bool:
    got_nodes = store.read("MATCH (n:Entity) WHERE $d IN n.datasets RETURN count(n) AS n", d=dataset)[0]["n"]
    got_edges = store.read("MATCH ()-[e]->() WHERE e.dataset = $d RETURN count(e) AS n", d=dataset)[0]["n"]
    recorded = store.read("MATCH (d:Dataset {name: $d}) RETURN d.nodeCount AS n, d.edgeCount AS e", d=dataset)
    return (got_nodes, got_edges) == (nodes, edges) and recorded == [{"n": nodes, "e": edges}]


def _imported_as_expected(store: GraphStore, path: Path) -> bool:
    """Every known id's description is the cleaned text of its last valid line, tagged with this file."""
    expected: dict[str, str] = {}
    for record in read_records(path):
        try:
            expected[record.id] = clean_description(record.description)
        except BadAnswer:
            pass
    rows = store.read("UNWIND $ids AS i MATCH (n:Entity {id: i}) RETURN n.id AS id, n.description AS d, "
                      "n.descriptionPrompt AS p", ids=list(expected))
    source = f"file:{path.name.removesuffix('.gz')}"
    return all(r["d"] == expected[r["id"]] and r["p"] == source for r in rows)


def load(target: Target, paths: dict[str, Path], store: GraphStore, dataset: str) -> Outcome:
    """Run the whole load (or import, overwriting) against ``store``; a failure must leave it as it was."""
    files = list(paths.values())
    before = snapshot(store)
    try:
        if target.fmt is None:
            stats = import_file(store, files[0], overwrite=True)
            check_import(stats, files[0])
            return Outcome(ACCEPTED if _imported_as_expected(store, files[0]) else MISREPORTED)
        inputs, options = target.arguments(paths)
        summary = load_dataset(store, target.fmt, *inputs, options=LoadOptions(name=dataset), **options)
        written = _written_as_reported(store, dataset, summary.node_count, summary.edge_count)
        return Outcome(ACCEPTED if written else MISREPORTED, f"{summary.node_count} nodes, {summary.edge_count} edges")
    except Exception as exc:  # noqa: BLE001
        outcome = judge_error(exc, files)
    after = snapshot(store)
    if (after.checksum, after.labels, after.types) != (before.checksum, before.labels, before.types):
        return Outcome(PARTIAL, outcome.detail)
    return outcome


def fuzz_settings(max_examples: int, **extra: Any) -> settings:
    """Hypothesis settings for fuzzing: no deadline (graph calls vary), no example database, any size."""
    return settings(max_examples=max_examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), **extra)
