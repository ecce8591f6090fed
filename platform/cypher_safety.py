"""Guards for Cypher built from input: strict identifier checks and a read-only check.

Labels, relationship types and property names cannot be Cypher parameters, so anything that
formats them into a query passes ``identifier()`` first. ``assert_read_only()`` refuses write
clauses before a user-supplied query runs; the store also runs such queries in a transaction
that is always rolled back, because ArcadeDB does not enforce Bolt's read access mode.
"""

from __future__ import annotations

import re

from repurpose.errors import QueryError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")

_WRITE_CLAUSES = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS|"
    r"GRANT|REVOKE|DENY|ALTER|RENAME|START\s+DATABASE|STOP\s+DATABASE|TERMINATE)\b",
    re.IGNORECASE,
)
_CALL = re.compile(r"\bCALL\s*(\{|[A-Za-z_][A-Za-z0-9_.]*)", re.IGNORECASE)
#: Procedures that only read; every other procedure call is refused in read-only mode.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.index.vector.querynodes", "db.index.fulltext.querynodes", "dbms.components",
})
_STRIP = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`", re.DOTALL)


def identifier(name: str, what: str = "identifier") -> str:
    """``name`` in backticks, after checking it against a strict pattern (raises QueryError)."""
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise QueryError(f"invalid {what} {name!r}: use letters, digits and underscores, not starting with a digit")
    return f"`{name}`"


def _code_only(query: str) -> str:
    """The query with comments, string literals and quoted names blanked out."""
    return _STRIP.sub(" ", query)


def write_clauses(query: str) -> list[str]:
    """The write clauses and non-read procedure calls found in ``query`` (empty when read-only)."""
    code = _code_only(query)
    found = [m.group(1).upper() for m in _WRITE_CLAUSES.finditer(code)]
    for m in _CALL.finditer(code):
        target = m.group(1)
        if target == "{":
            continue  # a subquery: its clauses are checked above
        if target.lower() not in READ_PROCEDURES:
            found.append(f"CALL {target}")
    return found


def assert_read_only(query: str) -> None:
    """Raise QueryError if ``query`` could write; name the clause so the user knows why."""
    found = write_clauses(query)
    if found:
        raise QueryError(f"refused: the query is read-only but contains {', '.join(sorted(set(found)))}; "
                         "pass --write to allow writes")
