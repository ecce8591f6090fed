"""The named Cypher query library: ``cypher/*.cypher`` (except schema.cypher), loaded once.

A library query is a named block with a ``// description:`` line; named blocks without one are
internal queries of platform modules (``enrich.cypher``, ``rag.cypher``) and are left out.
Each query is one block that starts with a header of ``//`` comments::

    // name: top_predictions_for_disease
    // description: Top predicted treatments for a disease, known vs novel marked.
    // param: disease (Disease): the disease, by name or id, e.g. "Alzheimer's disease"
    // param: limit (int, default 25): how many rows
    MATCH ...

Parameter types: ``Compound`` / ``Disease`` (an entity, given by id or by name, matched
case-insensitively and passed to the query as its id), ``ModelRun`` (a run id; ``latest``
means the most recently written run), ``int``, ``float``, ``string``. A default of ``none``
makes a parameter optional (the query gets null). Library queries are trusted but still run
read-only, through ``GraphStore.run_user_query``.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from typing import Any, Callable

from repurpose.cypher_safety import identifier
from repurpose.errors import QueryError
from repurpose.store import GraphStore

SKIP_FILES = frozenset({"schema.cypher"})
_NAME = re.compile(r"^//\s*name:\s*(\w+)\b")
_DESCRIPTION = re.compile(r"^//\s*description:\s*(.+)$")
_PARAM = re.compile(r"^//\s*param:\s*(\w+)\s*\((\w+)(?:,\s*default\s+(.+?))?\)\s*:\s*(.*)$")
ENTITY_TYPES = frozenset({"Compound", "Disease"})
#: How many close matches an unknown entity name lists.
SUGGESTIONS = 8


@dataclass(frozen=True)
class Param:
    """One declared parameter: its type, default (raw text, None when required) and meaning."""

    name: str
    type: str
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: name, one-line description, declared parameters, Cypher text."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    file: str

    @property
    def public(self) -> bool:
        """A library query for people (it has a description), not an internal one of some module."""
        return bool(self.description)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


def parse(text: str, file: str) -> list[NamedQuery]:
    """Every named block of one ``.cypher`` file, public or internal (QueryError names file:line on a bad header)."""
    blocks: list[tuple[int, list[str]]] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        if _NAME.match(line.strip()):
            blocks.append((line_no, []))
        if blocks:
            blocks[-1][1].append(line)
    out = []
    for start, lines in blocks:
        name, description, params, body = "", "", [], []
        for offset, line in enumerate(lines):
            stripped = line.strip()
            if body or not stripped.startswith("//"):
                body.append(line)
                continue
            if m := _NAME.match(stripped):
                name = m.group(1)
            elif m := _DESCRIPTION.match(stripped):
                description = m.group(1).strip()
            elif stripped.startswith("// param:") or stripped.startswith("//param:"):
                m = _PARAM.match(stripped)
                if not m:
                    raise QueryError(f"{file}:{start + offset}: bad param line {stripped!r}; "
                                     "expected '// param: NAME (TYPE[, default VALUE]): description'")
                params.append(Param(m.group(1), m.group(2), m.group(3), m.group(4).strip()))
        query = "\n".join(body).strip().rstrip(";").strip()
        if not query:
            raise QueryError(f"{file}:{start}: query {name!r} has no Cypher after its header")
        out.append(NamedQuery(name, description, tuple(params), query, file))
    return out


@functools.lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every named query shipped in ``repurpose.cypher``, by name."""
    queries: dict[str, NamedQuery] = {}
    folder = importlib.resources.files("repurpose.cypher")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher") or entry.name in SKIP_FILES:
            continue
        for q in parse(entry.read_text(encoding="utf-8"), entry.name):
            if not q.public:
                continue  # an internal query of some module (enrich.cypher, rag.cypher)
            if q.name in queries:
                raise QueryError(f"query {q.name!r} is defined in both {queries[q.name].file} and {q.file}")
            queries[q.name] = q
    return queries


@functools.lru_cache(maxsize=None)
def named_blocks(file: str) -> dict[str, str]:
    """``{name: Cypher}`` of every named block of ``cypher/<file>``, internal ones included (read once)."""
    text = importlib.resources.files("repurpose.cypher").joinpath(file).read_text(encoding="utf-8")
    return {q.name: q.text for q in parse(text, file)}


def get(name: str) -> NamedQuery:
    """The query called ``name``; QueryError listing the valid names otherwise."""
    queries = library()
    if name not in queries:
        raise QueryError(f"no query named {name!r}; available: {', '.join(sorted(queries))} "
                         "(`platform query --list` describes them)")
    return queries[name]


def resolve_entity(store: GraphStore, label: str, value: str) -> str:
    """Id of the ``label`` node whose id or name is ``value`` (names case-insensitive)."""
    node = identifier(label, "label")
    rows = store.read(f"MATCH (n:{node}) WHERE n.id = $v OR toLower(n.name) = toLower($v) "
                      "RETURN n.id AS id, n.name AS name ORDER BY n.id", v=str(value))
    exact = [r for r in rows if r["id"] == value]
    if exact or len(rows) == 1:
        return (exact or rows)[0]["id"]
    if len(rows) > 1:
        listing = "; ".join(f"{r['id']} ({r['name']})" for r in rows[:SUGGESTIONS])
        raise QueryError(f"{label} {value!r} is ambiguous: {listing}; pass the id instead")
    close = store.read(f"MATCH (n:{node}) WHERE toLower(n.name) CONTAINS toLower($v) "
                       "RETURN n.id AS id, n.name AS name ORDER BY size(n.name) LIMIT $k", v=str(value), k=SUGGESTIONS)
    hint = ("; did you mean " + "; ".join(f"{r['name']} ({r['id']})" for r in close) + "?") if close else ""
    raise QueryError(f"no {label} with id or name {value!r} in the graph{hint}")


def resolve_run(store: GraphStore, value: str) -> str:
    """A ModelRun's runId: ``latest`` is the most recently written run; unknown ids list the known ones."""
    rows = store.read("MATCH (m:ModelRun) WHERE m.currentWriteId IS NOT NULL "
                      "RETURN m.runId AS id ORDER BY m.writtenAt DESC, m.runId DESC")
    known = [r["id"] for r in rows]
    if value == "latest":
        if not known:
            raise QueryError("no run has written predictions yet; run `platform writeback --run RUN_ID` first")
        return known[0]
    if value not in known:
        raise QueryError(f"no ModelRun {value!r} with predictions in the graph; runs there: {', '.join(known) or 'none'}")
    return value


def _number(kind: type) -> Callable[[GraphStore, Any], Any]:
    def convert(_: GraphStore, value: Any) -> Any:
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise QueryError(f"expected {kind.__name__}, got {value!r}") from None
    return convert


#: Parameter type -> how a user's value becomes the query's value.
CONVERTERS: dict[str, Callable[[GraphStore, Any], Any]] = {
    "Compound": lambda store, v: resolve_entity(store, "Compound", v),
    "Disease": lambda store, v: resolve_entity(store, "Disease", v),
    "ModelRun": lambda store, v: resolve_run(store, str(v)),
    "int": _number(int),
    "float": _number(float),
    "string": lambda _, v: str(v),
}


def resolve_params(store: GraphStore, query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """Check ``given`` against the declared parameters, fill defaults, resolve names to ids."""
    declared = {p.name for p in query.params}
    unknown = sorted(set(given) - declared)
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: "
                         f"{', '.join(sorted(declared)) or 'none'}")
    missing = [p.name for p in query.params if p.required and p.name not in given]
    if missing:
        raise QueryError(f"query {query.name!r} needs --param {' --param '.join(m + '=...' for m in missing)}")
    out: dict[str, Any] = {}
    for p in query.params:
        if p.type not in CONVERTERS:
            raise QueryError(f"{query.file}: parameter {p.name} has unknown type {p.type!r}; "
                             f"known: {', '.join(sorted(CONVERTERS))}")
        raw = given.get(p.name, p.default)
        if raw is None or (p.name not in given and raw == "none"):
            out[p.name] = None
            continue
        try:
            out[p.name] = CONVERTERS[p.type](store, raw)
        except QueryError as exc:
            raise QueryError(f"--param {p.name}: {exc}") from None
    return out


def run(store: GraphStore, name: str, params: dict[str, Any] | None = None, *, limit: int | None = None,
        timeout: float | None = 60.0) -> tuple[list[str], list[dict], dict[str, Any]]:
    """Run a library query read-only: (columns, rows, the resolved parameters)."""
    query = get(name)
    resolved = resolve_params(store, query, dict(params or {}))
    columns, rows = store.run_user_query(query.text, resolved, timeout=timeout, limit=limit)
    return columns, rows, resolved
