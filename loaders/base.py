"""What every loader shares: the Node and Edge records, the Loader base class and its registry,
and line-oriented reading of plain, gzip or bz2 files with exact error positions.

A loader reads one format and yields batches of normalised ``Node`` and ``Edge`` records; it
never talks to the graph. ``repurpose.loaders.writer`` stages and validates everything a loader
yields, then writes it, so a bad line is found before the first write.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar, Iterator, Union

from repurpose.cypher_safety import IDENTIFIER
from repurpose.errors import InputError
from repurpose.loaders.limits import RecordCheck
from repurpose.registry import Registry


@dataclass(slots=True)
class Node:
    """A concept: ``id`` unique across the graph, ``kind`` its CamelCase label, ``props`` extra scalars."""

    id: str
    kind: str
    name: str
    props: dict[str, Any] = field(default_factory=dict)

    #: What ``keys()`` returns, in words.
    KEY_NAMES: ClassVar[tuple[str, str]] = ("id", "name")

    def keys(self) -> tuple[str, str]:
        """The record's indexed texts (checked by ``repurpose.loaders.limits``)."""
        return self.id, self.name


@dataclass(slots=True)
class Edge:
    """A relationship ``source -[type]-> target`` (ids); ``props`` include ``source`` provenance."""

    source: str
    type: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    KEY_NAMES: ClassVar[tuple[str, str]] = ("source id", "target id")

    def keys(self) -> tuple[str, str]:
        return self.source, self.target


Record = Union[Node, Edge]
Batch = list[Record]


def _quoted(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters."""
    return repr(text[:limit]) + ("..." if len(text) > limit else "")


def kind_label(kind: str) -> str:
    """A node kind as a CamelCase label: 'Biological Process' -> 'BiologicalProcess', 'gene/protein' -> 'GeneProtein'."""
    words = re.split(r"[^0-9A-Za-z]+", kind)
    label = "".join(w[:1].upper() + w[1:] for w in words if w)
    if not IDENTIFIER.match(label):
        raise ValueError(f"cannot make a node label from kind {_quoted(kind)} (at most 128 letters and digits)")
    return label


def relation_type(relation: str) -> str:
    """A relation string as an UPPER_SNAKE relationship type.

    Letters and digits are kept (upper-cased); ``+`` becomes ``PLUS`` and a ``-`` that ends a
    word becomes ``MINUS`` (DRKG's GNBR themes ``A+``/``A-``/``E`` stay distinct); every other
    run of characters becomes one ``_``; a leading digit gets an ``R_`` prefix.
    ``DRUGBANK::treats::Compound:Disease`` -> ``DRUGBANK_TREATS_COMPOUND_DISEASE``,
    ``GNBR::A-::Compound:Gene`` -> ``GNBR_A_MINUS_COMPOUND_GENE``, ``off-label use`` -> ``OFF_LABEL_USE``.
    """
    text = relation.replace("+", "_PLUS_")
    text = re.sub(r"(?<=[0-9A-Za-z])-(?![0-9A-Za-z])", "_MINUS_", text)
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").upper()
    if text[:1].isdigit():
        text = "R_" + text
    if not IDENTIFIER.match(text):
        raise ValueError(f"cannot make a relationship type from {_quoted(relation)} "
                         "(at most 128 letters, digits and underscores)")
    return text


def scalar_props(data: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``data`` a graph property can hold: identifier keys, scalar or scalar-list values."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not IDENTIFIER.match(str(key)) or value is None:
            continue
        if isinstance(value, (str, int, float, bool)):
            out[key] = value
        elif isinstance(value, list) and value and all(isinstance(v, (str, int, float, bool)) for v in value) \
                and len({type(v) for v in value}) == 1:
            out[key] = value
    return out


# -- reading files ---------------------------------------------------------------------------

@contextlib.contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open ``path`` for reading bytes, decompressing gzip or bz2 transparently (sniffed, not by name).

    A file that cannot be read, or whose compressed data is damaged or cut short, is an
    InputError naming the file, raised by the open or by any read inside the ``with`` block.
    """
    if not path.is_file():
        raise InputError("no such file", path=path)
    try:
        with open(path, "rb") as probe:
            head = probe.read(3)
        opener = gzip.open if head[:2] == b"\x1f\x8b" else bz2.open if head == b"BZh" else open
        with opener(path, "rb") as handle:
            yield handle  # type: ignore[misc]
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read the file ({exc}); is it damaged or cut short?", path=path) from exc


def decode_line(raw: bytes) -> str:
    """``raw`` as UTF-8 text; ValueError naming the first byte that is not UTF-8 and its column."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1}); "
                         "re-encode the file as UTF-8") from None


class LineReader:
    """Numbered, decoded lines of one file; bad lines raise InputError or are counted and skipped.

    ``lines()`` yields ``(number, text)`` without the newline, after checking UTF-8 and that the
    file is not empty. A loader calls ``bad(number, text, message)`` for a line it cannot use.
    ``last`` is the line (or JSON item) records are being made from, for checks made later.
    """

    def __init__(self, path: Path, *, skip_bad_lines: bool = False) -> None:
        self.path = Path(path)
        self.skip_bad_lines = skip_bad_lines
        self.skipped = 0
        self.examples: list[str] = []
        self.last: tuple[int | None, str] = (None, "")

    def lines(self) -> Iterator[tuple[int, str]]:
        seen = False
        with open_binary(self.path) as handle:
            for number, raw in enumerate(handle, start=1):
                seen = True
                try:
                    text = decode_line(raw)
                except ValueError as exc:
                    self.bad(number, raw.decode("utf-8", "replace").rstrip("\r\n"), str(exc))
                    continue
                text = text.rstrip("\r\n")
                if text and not text.isspace():
                    self.last = (number, text)
                    yield number, text
        if not seen:
            raise InputError("the file is empty", path=self.path)

    def bad(self, number: int | None, text: str, message: str) -> None:
        """Reject one line: raise InputError, or with ``skip_bad_lines`` count it and go on."""
        if not self.skip_bad_lines:
            raise InputError(f"{message} (or pass --skip-bad-lines to skip such lines)",
                             path=self.path, line=number, text=text)
        self.skipped += 1
        if len(self.examples) < 5:
            where = f"{self.path}:{number}" if number is not None else str(self.path)
            self.examples.append(f"{where}: {message}")

    def columns(self, number: int, text: str, count: int, sep: str | None = "\t") -> list[str] | None:
        """``text`` split into exactly ``count`` non-empty fields, or None after ``bad()`` (when skipping)."""
        fields = text.split(sep)
        if len(fields) != count:
            self.bad(number, text, f"expected {count} columns, found {len(fields)}")
            return None
        if sep:
            fields = [f.strip() for f in fields]
        if not all(fields):
            self.bad(number, text, "an empty column")
            return None
        return fields


# -- the loader base class and registry ------------------------------------------------------

class Loader:
    """Read one format into Node and Edge batches. Subclasses register themselves by class name.

    ``records()`` yields records in file order (``read()`` batches them) and must call ``self.reader(path)`` for every file
    so bad lines are reported (or counted) the same way everywhere. Edges must only name nodes
    that were yielded before them or that the writer may create from the edge (``implicit_nodes``).
    """

    #: Short description for ``platform load --help``.
    summary: ClassVar[str] = ""
    #: Whether edge endpoints that were never yielded as nodes become nodes (kind from the loader).
    implicit_nodes: ClassVar[bool] = False
    batch_size: ClassVar[int] = 10_000
    #: Relationship types of this format that record a known treatment (drug -> disease): training
    #: excludes them from the novel predictions it writes (``treatment_types``).
    treatment_types: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, skip_bad_lines: bool = False, **options: Any) -> None:
        unknown = set(options) - set(self.option_names())
        if unknown:
            raise InputError(f"the {self.key()} loader does not take option(s) {', '.join(sorted(unknown))}; "
                             f"it takes: {', '.join(self.option_names()) or 'none'}")
        self.skip_bad_lines = skip_bad_lines
        self.options = options
        self.readers: list[LineReader] = []
        self.check = RecordCheck()

    @classmethod
    def key(cls) -> str:
        """Registry key: class name minus 'Loader', lower-case (``DrkgLoader`` -> ``drkg``)."""
        return LOADERS.key(cls)

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        """Loader-specific keyword options (``platform load`` exposes them as flags)."""
        return ()

    def reader(self, path: Path) -> LineReader:
        reader = LineReader(Path(path), skip_bad_lines=self.skip_bad_lines)
        self.readers.append(reader)
        return reader

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.readers)

    @property
    def skipped_examples(self) -> list[str]:
        return [e for r in self.readers for e in r.examples]

    def extra_files(self) -> list[Path]:
        """Input files given as options (e.g. a nodes file), recorded on the Dataset node too."""
        return []

    def implicit_node(self, node_id: str) -> Node:
        """The node made for an endpoint that no file lists (only when ``implicit_nodes``)."""
        raise NotImplementedError

    def records(self, paths: list[Path]) -> Iterator[Record]:
        """Yield the Node and Edge records of ``paths`` in order (what a subclass writes)."""
        raise NotImplementedError

    def read(self, paths: list[Path]) -> Iterator[Batch]:
        """Yield the records of ``paths`` in batches of ``batch_size`` (a few more to end at a line).

        Each record is checked against ``repurpose.loaders.limits`` here, where its line is known. A
        line with an unwritable record is bad as a whole: with skipping, all its records go (batches
        end at line boundaries, so none of them has been yielded yet).
        """
        batch: Batch = []
        line: tuple[int | None, str] | None = None  # the reader's ``last`` that batch[start:] comes from
        start, skipping = 0, False
        problem = self.check.problem
        for record in self.records(paths):
            reader = self.readers[-1]
            if reader.last is not line:  # a new line (or JSON item): each gets a new tuple
                if len(batch) >= self.batch_size:
                    yield batch
                    batch = []
                line, start, skipping = reader.last, len(batch), False
            elif skipping:
                continue
            wrong = problem(record)
            if wrong is not None:
                reader.bad(*reader.last, wrong)
                del batch[start:]
                skipping = True
                continue
            batch.append(record)
        yield batch


#: Every concrete Loader subclass by key (``drkg``, ``hetionet``, ``primekg``, ``triples``).
LOADERS: Registry[Loader] = Registry(Loader, "format")


def registry() -> Registry[Loader]:
    """``LOADERS``, under the name ``repurpose.loaders`` exports."""
    return LOADERS


def treatment_types() -> frozenset[str]:
    """Every relationship type a loader declares as a known treatment (``Loader.treatment_types``)."""
    return frozenset(t for cls in LOADERS.values() for t in cls.treatment_types)
