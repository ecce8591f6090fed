"""Generic triples: ``head relation tail`` per line (tab-separated, or whitespace when no tab),
as in the UMLS, FB15k-237 and RotatE ``train.txt`` files.

Without ``--nodes``, every id becomes a ``Concept`` node named by its id (a label is needed and
the file says nothing about kinds). ``--nodes FILE`` (TSV with a header naming ``id``, ``name``
and optionally ``kind``) gives names and kinds; every edge must then name listed nodes.
Relationship type = ``relation_type(relation)`` (``location_of`` -> ``LOCATION_OF``); edges keep
``relation`` and ``source`` (the file name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from repurpose.errors import InputError
from repurpose.loaders.base import Edge, LineReader, Loader, Node, Record, kind_label, relation_type

DEFAULT_KIND = "Concept"


class TriplesLoader(Loader):
    """Triples files, one ``head relation tail`` a line; optional nodes table."""

    summary = "head relation tail per line (tab or spaces), optional --nodes TSV (id, name, kind)"
    implicit_nodes = True

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        return ("nodes",)

    def __init__(self, *, nodes: str | Path | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.nodes_path = Path(nodes) if nodes else None
        self.known: dict[str, str] = {}  # node id -> kind, from the nodes file
        self._relations: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    def extra_files(self) -> list[Path]:
        return [self.nodes_path] if self.nodes_path else []

    def implicit_node(self, node_id: str) -> Node:
        return Node(node_id, DEFAULT_KIND, node_id)

    def records(self, paths: list[Path]) -> Iterator[Record]:
        if self.nodes_path:
            if not self.nodes_path.is_file():
                raise InputError("no such nodes file", path=self.nodes_path)
            yield from self._read_nodes(self.reader(self.nodes_path))
        for path in paths:
            yield from self._read_edges(self.reader(path))

    def _read_nodes(self, reader: LineReader) -> Iterator[Node]:
        columns: list[str] = []
        for number, text in reader.lines():
            if not columns:
                columns = [c.strip().lower() for c in text.split("\t")]
                if not {"id", "name"} <= set(columns):
                    raise InputError("a nodes file needs a tab-separated header with id, name (and kind)",
                                     path=reader.path, line=number, text=text)
                continue
            fields = reader.columns(number, text, len(columns))
            if not fields:
                continue
            row = dict(zip(columns, fields))
            try:
                kind = kind_label(row.get("kind", DEFAULT_KIND))
            except ValueError as exc:
                reader.bad(number, text, str(exc))
                continue
            if self.known.setdefault(row["id"], kind) != kind:
                reader.bad(number, text, f"node {row['id']!r} is listed before as {self.known[row['id']]}; "
                                         "one id must have one kind")
                continue
            yield Node(row["id"], kind, row["name"])

    def _read_edges(self, reader: LineReader) -> Iterator[Edge]:
        for number, text in reader.lines():
            fields = reader.columns(number, text, 3, sep="\t" if "\t" in text else None)
            if not fields:
                continue
            head, relation, tail = fields
            missing = [n for n in (head, tail) if self.nodes_path and n not in self.known]
            if missing:
                reader.bad(number, text, f"edge to a missing node {missing[0]!r} (not in {self.nodes_path})")
                continue
            key = (relation, reader.path.name)
            if key not in self._relations:
                try:
                    self._relations[key] = (relation_type(relation), {"relation": relation, "source": key[1]})
                except ValueError as exc:
                    reader.bad(number, text, str(exc))
                    continue
            edge_type, props = self._relations[key]
            yield Edge(head, edge_type, tail, props)
