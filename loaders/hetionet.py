"""Hetionet v1.0: the nodes TSV plus SIF edge files, or the official ``hetionet-v1.0.json(.bz2)``.

Labels follow Hetionet's public Neo4j convention: kind in CamelCase (``Biological Process`` ->
``BiologicalProcess``), relationship type ``VERB_abbreviation`` with the abbreviation's ``>``
dropped (``CtD`` -> ``TREATS_CtD``, ``Gr>G`` -> ``REGULATES_GrG``). The metaedge table below is
``metaedges.tsv`` of Hetionet v1.0 (a test checks it against the shipped copy).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

from repurpose.errors import InputError
from repurpose.loaders.base import Edge, LineReader, Loader, Node, Record, kind_label, open_binary, scalar_props

#: abbreviation -> (source kind, verb, target kind), from Hetionet v1.0's metaedges.tsv.
METAEDGES: dict[str, tuple[str, str, str]] = {
    "AdG": ("Anatomy", "downregulates", "Gene"),
    "AeG": ("Anatomy", "expresses", "Gene"),
    "AuG": ("Anatomy", "upregulates", "Gene"),
    "CbG": ("Compound", "binds", "Gene"),
    "CcSE": ("Compound", "causes", "Side Effect"),
    "CdG": ("Compound", "downregulates", "Gene"),
    "CpD": ("Compound", "palliates", "Disease"),
    "CrC": ("Compound", "resembles", "Compound"),
    "CtD": ("Compound", "treats", "Disease"),
    "CuG": ("Compound", "upregulates", "Gene"),
    "DaG": ("Disease", "associates", "Gene"),
    "DdG": ("Disease", "downregulates", "Gene"),
    "DlA": ("Disease", "localizes", "Anatomy"),
    "DpS": ("Disease", "presents", "Symptom"),
    "DrD": ("Disease", "resembles", "Disease"),
    "DuG": ("Disease", "upregulates", "Gene"),
    "GcG": ("Gene", "covaries", "Gene"),
    "GiG": ("Gene", "interacts", "Gene"),
    "GpBP": ("Gene", "participates", "Biological Process"),
    "GpCC": ("Gene", "participates", "Cellular Component"),
    "GpMF": ("Gene", "participates", "Molecular Function"),
    "GpPW": ("Gene", "participates", "Pathway"),
    "Gr>G": ("Gene", "regulates", "Gene"),
    "PCiC": ("Pharmacologic Class", "includes", "Compound"),
}
KINDS = frozenset(k for source, _, target in METAEDGES.values() for k in (source, target))
NODE_HEADER = ["id", "name", "kind"]
EDGE_HEADER = ["source", "metaedge", "target"]
SOURCE = "Hetionet v1.0"
_SIF_PROPS = {"source": SOURCE}  # one shared dict: 850k edges, no per-edge copies


def neo4j_type(abbreviation: str) -> str:
    """Hetionet's Neo4j relationship type for a metaedge: ``CtD`` -> ``TREATS_CtD``, ``Gr>G`` -> ``REGULATES_GrG``."""
    _, verb, _ = METAEDGES[abbreviation]
    return f"{verb.upper()}_{abbreviation.replace('>', '')}"


TYPES = {abbrev: neo4j_type(abbrev) for abbrev in METAEDGES}
_EDGE_SPECS = {abbrev: (TYPES[abbrev], s, t) for abbrev, (s, _, t) in METAEDGES.items()}
_BY_TUPLE = {(s, v, t): abbrev for abbrev, (s, v, t) in METAEDGES.items()}


def _is_id(value: Any) -> bool:
    """Whether a JSON value can be an identifier: text or an integer (Hetionet's gene ids are numbers)."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _is_json(path: Path) -> bool:
    with open_binary(path) as handle:
        return handle.read(64).lstrip()[:1] == b"{"


class HetionetLoader(Loader):
    """Hetionet v1.0: ``hetionet-v1.0-nodes.tsv`` + ``*.sif(.gz)`` edge files, or ``hetionet-v1.0.json(.bz2)``."""

    summary = "nodes TSV (id, name, kind) + SIF edges (source, metaedge, target), or the JSON dump"
    treatment_types = ("TREATS_CtD",)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.kinds: dict[str, str] = {}  # node id -> Hetionet kind, for edge checks

    def records(self, paths: list[Path]) -> Iterator[Record]:
        tables = [p for p in paths if not _is_json(p)]
        for path in (p for p in paths if _is_json(p)):
            yield from self._read_json(path)
        headers = {p: self._header(p) for p in tables}
        for path in (p for p in tables if headers[p] == NODE_HEADER):
            yield from self._read_table(path, self._node)
        for path in (p for p in tables if headers[p] == EDGE_HEADER):
            yield from self._read_table(path, self._edge)

    def _header(self, path: Path) -> list[str]:
        for number, text in LineReader(path).lines():
            header = text.split("\t")
            if header not in (NODE_HEADER, EDGE_HEADER):
                raise InputError(f"not a Hetionet nodes ({' '.join(NODE_HEADER)}) or edges "
                                 f"({' '.join(EDGE_HEADER)}) header", path=path, line=number, text=text)
            return header
        raise InputError("the file is empty", path=path)

    def _node(self, reader: LineReader, number: int | None, node_id: str, name: str, kind: str, *,
              text: str, props: dict[str, Any] | None = None) -> Node | None:
        if kind not in KINDS:
            reader.bad(number, text, f"unknown Hetionet node kind {kind!r}")
            return None
        if not node_id.startswith(f"{kind}::"):
            reader.bad(number, text, f"node id {node_id!r} does not start with its kind '{kind}::'")
            return None
        self.kinds[node_id] = kind
        return Node(node_id, kind_label(kind), name, {"identifier": node_id.split("::", 1)[1], **(props or {})})

    def _edge(self, reader: LineReader, number: int | None, source: str, abbrev: str, target: str, *,
              text: str, props: dict[str, Any] = _SIF_PROPS) -> Edge | None:
        spec = _EDGE_SPECS.get(abbrev)
        if spec is None:
            reader.bad(number, text, f"unknown metaedge {abbrev!r}; known: {', '.join(METAEDGES)}")
            return None
        edge_type, source_kind, target_kind = spec
        kinds = self.kinds
        if kinds.get(source) != source_kind or kinds.get(target) != target_kind:
            for end, want in ((source, source_kind), (target, target_kind)):
                have = kinds.get(end)
                if have is None:
                    reader.bad(number, text, f"edge to a missing node {end!r} (not in the nodes file)")
                    return None
                if have != want:
                    reader.bad(number, text, f"{abbrev} needs a {want} here but {end!r} is a {have}")
                    return None
        return Edge(source, edge_type, target, props)

    def _read_table(self, path: Path, make: Callable[..., Record | None]) -> Iterator[Record]:
        """Rows of a three-column TSV after its header, each made into a record by ``make``."""
        reader = self.reader(path)
        for number, text in reader.lines():
            if number == 1:
                continue
            fields = reader.columns(number, text, 3)
            if fields and (record := make(reader, number, *fields, text=text)):
                yield record

    def _read_json(self, path: Path) -> Iterator[Record]:
        reader = self.reader(path)
        with open_binary(path) as handle:
            raw = handle.read()
        if not raw.strip():
            raise InputError("the file is empty", path=path)
        try:
            document = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise InputError("not UTF-8; re-encode the file as UTF-8", path=path, line=line,
                             text=raw[max(0, exc.start - 40):exc.start + 40].decode("utf-8", "replace")) from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg}", path=path, line=exc.lineno,
                             text=exc.doc.splitlines()[exc.lineno - 1] if exc.doc else None) from exc
        except RecursionError as exc:
            raise InputError("malformed JSON: nested too deeply", path=path) from exc
        if not isinstance(document, dict) or not isinstance(document.get("nodes"), list) \
                or not isinstance(document.get("edges"), list):
            raise InputError("a Hetionet JSON file needs top-level 'nodes' and 'edges' lists", path=path)
        for i, item in enumerate(document["nodes"]):
            text = json.dumps(item)
            reader.last = (None, text)
            try:
                kind, identifier, name, data = item["kind"], item["identifier"], item["name"], item.get("data") or {}
            except (KeyError, TypeError, AttributeError):
                kind = None
            if not (isinstance(kind, str) and _is_id(identifier) and _is_id(name) and isinstance(data, dict)):
                reader.bad(None, text, f"nodes[{i}] needs kind, identifier and name (text or number), data an object")
                continue
            node = self._node(reader, None, f"{kind}::{identifier}", str(name), kind, text=text,
                              props=scalar_props(data))
            if node:
                yield node
        for i, item in enumerate(document["edges"]):
            text = json.dumps(item)
            reader.last = (None, text)
            try:
                (source_kind, source_id), (target_kind, target_id) = item["source_id"], item["target_id"]
                verb, direction, data = item["kind"], item.get("direction", "both"), item.get("data") or {}
            except (KeyError, TypeError, ValueError, AttributeError):
                verb = None
            if not (isinstance(verb, str) and isinstance(source_kind, str) and isinstance(target_kind, str)
                    and _is_id(source_id) and _is_id(target_id) and isinstance(data, dict)):
                reader.bad(None, text, f"edges[{i}] needs source_id [kind, id], target_id [kind, id] and kind; "
                                       "data an object")
                continue
            source, target = f"{source_kind}::{source_id}", f"{target_kind}::{target_id}"
            abbrev = _BY_TUPLE.get((source_kind, verb, target_kind))
            if abbrev is None and direction == "both" and (target_kind, verb, source_kind) in _BY_TUPLE:
                abbrev = _BY_TUPLE[(target_kind, verb, source_kind)]
                source, target = target, source
            props = {"source": SOURCE, **scalar_props(data)}
            edge = self._edge(reader, None, source, abbrev or f"{source_kind} - {verb} - {target_kind}", target,
                              text=text, props=props)
            if edge:
                yield edge
