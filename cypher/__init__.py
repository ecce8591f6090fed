"""Every Cypher statement the platform runs, in ``cypher/*.cypher``, and the one way to read them.

Each statement is a named block that starts with a header of ``//`` comments::

    // name: top_predictions_for_disease
    // description: Top predicted treatments for a disease, known vs novel marked.
    // param: disease (Disease): the disease, by name or id, e.g. "Alzheimer's disease"
    MATCH ...

Blocks with a ``description`` are the query library for people (``platform query``, Neo4j
Browser); the others are internal statements of the platform's modules, fetched with
``get(file, name, ...)``. Values are always ``$parameters``. Labels, relationship types and
property names cannot be parameters: a block writes them as ``{placeholder}`` and ``get`` fills
each from a keyword argument, checked by ``cypher_safety.identifier`` (here, once for all).
A few statements take a ``fragment`` built by a module from identifiers it checked the same way
(a loader's varying property list). A test fails when product code outside this package
contains a Cypher clause.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass
from typing import Mapping

from repurpose.cypher_safety import identifier
from repurpose.errors import QueryError

_NAME = re.compile(r"^//\s*name:\s*(\w+)\b")
_DESCRIPTION = re.compile(r"^//\s*description:\s*(.+)$")
_PARAM = re.compile(r"^//\s*param:\s*(\w+)\s*\((\w+)(?:,\s*default\s+(.+?))?\)\s*:\s*(.*)$")
#: ``{label}``-style slots; a Cypher map literal always has a colon inside, so it never matches.
_SLOT = re.compile(r"\{([a-z_]+)\}")
#: What a slot holds, for identifier errors (default: the slot's name).
_KINDS = {"type": "relationship type", "index": "index name"}


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
    """A named block: name, one-line description (empty for internal ones), parameters, Cypher text."""

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


def files() -> list[str]:
    """Names of the shipped ``.cypher`` files, sorted."""
    folder = importlib.resources.files(__name__)
    return sorted(e.name for e in folder.iterdir() if e.name.endswith(".cypher"))


@functools.lru_cache(maxsize=None)
def blocks(file: str) -> dict[str, NamedQuery]:
    """Every named block of ``cypher/<file>.cypher`` by name (read once)."""
    name = file if file.endswith(".cypher") else f"{file}.cypher"
    text = importlib.resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return {q.name: q for q in parse(text, name)}


def statements(file: str) -> list[str]:
    """The ``;``-separated statements of an unnamed script such as ``schema.cypher``, comments dropped."""
    text = importlib.resources.files(__name__).joinpath(f"{file}.cypher").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    return [s.strip() for s in code.split(";") if s.strip()]


def get(file: str, name: str, /, *, fragments: Mapping[str, str] | None = None, **names: str) -> str:
    """The statement ``name`` of ``cypher/<file>.cypher`` with its ``{slots}`` filled.

    Each keyword fills the slot of its name with a checked, backticked identifier (``label=``,
    ``type=``, ``property=``...); ``fragments`` fill slots with text the caller built from checked
    identifiers. A missing or unused slot is a programming error and raises KeyError.
    """
    found = blocks(file)
    if name not in found:
        raise KeyError(f"no statement {name!r} in {file}.cypher; known: {', '.join(sorted(found))}")
    text = found[name].text
    values = {key: identifier(value, _KINDS.get(key, key)) for key, value in names.items()}
    values.update(fragments or {})
    slots = set(_SLOT.findall(text))
    if slots != set(values):
        raise KeyError(f"{file}.cypher {name}: slots {sorted(slots)}, given {sorted(values)}")
    return _SLOT.sub(lambda m: values[m.group(1)], text)
