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
from typing import Any, Callable

from repurpose import cypher
from repurpose.cypher import NamedQuery
from repurpose.errors import QueryError
from repurpose.store import GraphStore

SKIP_FILES = frozenset({"schema.cypher"})
#: How many close matches an unknown entity name lists.
SUGGESTIONS = 8


@functools.lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every named query shipped in ``repurpose.cypher``, by name."""
    queries: dict[str, NamedQuery] = {}
    for file in cypher.files():
        if file in SKIP_FILES:
            continue
        for q in cypher.blocks(file).values():
            if not q.public:
                continue  # an internal query of some module (enrich.cypher, rag.cypher)
            if q.name in queries:
                raise QueryError(f"query {q.name!r} is defined in both {queries[q.name].file} and {q.file}")
            queries[q.name] = q
    return queries


def get(name: str) -> NamedQuery:
    """The query called ``name``; QueryError listing the valid names otherwise."""
    queries = library()
    if name not in queries:
        raise QueryError(f"no query named {name!r}; available: {', '.join(sorted(queries))} "
                         "(`platform query --list` describes them)")
    return queries[name]


def resolve_entity(store: GraphStore, label: str, value: str) -> str:
    """Id of the ``label`` node whose id or name is ``value`` (names case-insensitive)."""
    rows = store.read(cypher.get("resolve", "entity_by_id_or_name", label=label), v=str(value))
    exact = [r for r in rows if r["id"] == value]
    if exact or len(rows) == 1:
        return (exact or rows)[0]["id"]
    if len(rows) > 1:
        listing = "; ".join(f"{r['id']} ({r['name']})" for r in rows[:SUGGESTIONS])
        raise QueryError(f"{label} {value!r} is ambiguous: {listing}; pass the id instead")
    close = store.read(cypher.get("resolve", "entity_names_containing", label=label), v=str(value), k=SUGGESTIONS)
    hint = ("; did you mean " + "; ".join(f"{r['name']} ({r['id']})" for r in close) + "?") if close else ""
    raise QueryError(f"no {label} with id or name {value!r} in the graph{hint}")


def resolve_run(store: GraphStore, value: str) -> str:
    """A ModelRun's runId: ``latest`` is the most recently written run; unknown ids list the known ones."""
    rows = store.read(cypher.get("resolve", "written_runs"))
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
