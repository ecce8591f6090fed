"""PrimeKG (Chandak et al. 2023): ``kg.csv`` with columns relation, display_relation, x_index,
x_id, x_type, x_name, x_source, y_index, y_id, y_type, y_name, y_source (any order, by header).

Node kind: PrimeKG's type mapped to the project's labels (``drug`` -> ``Compound``,
``gene/protein`` -> ``Gene``, ``effect/phenotype`` -> ``Phenotype``; others CamelCased).
Node id: ``<Kind>::<source>:<id>`` (``Compound::DrugBank:DB00945``), so ids from different
sources never collide. Relationship type = ``relation_type(relation)`` (``off-label use`` ->
``OFF_LABEL_USE``); edges keep ``relation``, ``displayRelation`` and ``source`` = ``PrimeKG``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator

from repurpose.errors import InputError
from repurpose.loaders.base import Edge, Loader, Node, Record, kind_label, relation_type

COLUMNS = ("relation", "display_relation", "x_index", "x_id", "x_type", "x_name", "x_source",
           "y_index", "y_id", "y_type", "y_name", "y_source")
KINDS = {"drug": "Compound", "disease": "Disease", "gene/protein": "Gene", "effect/phenotype": "Phenotype",
         "biological_process": "BiologicalProcess", "molecular_function": "MolecularFunction",
         "cellular_component": "CellularComponent", "pathway": "Pathway", "anatomy": "Anatomy",
         "exposure": "Exposure"}
SOURCE = "PrimeKG"


def node_kind(primekg_type: str) -> str:
    """The label for a PrimeKG node type (table above, else CamelCase of the type)."""
    return KINDS.get(primekg_type) or kind_label(primekg_type)


class PrimekgLoader(Loader):
    """PrimeKG's ``kg.csv`` (comma-separated with a header), plain, gzip or bz2."""

    summary = "PrimeKG kg.csv (relation, display_relation, x_*/y_* columns)"
    treatment_types = ("INDICATION",)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._relations: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    def _node(self, row: dict[str, str], side: str) -> Node:
        kind = node_kind(row[f"{side}_type"])
        source, ident = row[f"{side}_source"], row[f"{side}_id"]
        props: dict[str, Any] = {"identifier": ident, "source": source}
        if row[f"{side}_index"].isdigit():
            props["primekgIndex"] = int(row[f"{side}_index"])
        return Node(f"{kind}::{source}:{ident}", kind, row[f"{side}_name"], props)

    def _relation(self, relation: str, display: str) -> tuple[str, dict[str, Any]]:
        if (relation, display) not in self._relations:
            self._relations[(relation, display)] = (
                relation_type(relation), {"relation": relation, "displayRelation": display, "source": SOURCE})
        return self._relations[(relation, display)]

    def records(self, paths: list[Path]) -> Iterator[Record]:
        for path in paths:
            reader = self.reader(path)
            header: list[str] = []
            for number, text in reader.lines():
                try:
                    fields = next(csv.reader([text]))
                except csv.Error as exc:  # e.g. a field over the csv module's size limit
                    reader.bad(number, text, f"not a CSV line ({exc})")
                    continue
                if not header:
                    header = [f.strip() for f in fields]
                    missing = [c for c in COLUMNS if c not in header]
                    if missing:
                        raise InputError(f"PrimeKG header lacks column(s) {', '.join(missing)}",
                                         path=path, line=number, text=text)
                    continue
                if len(fields) != len(header):
                    reader.bad(number, text, f"expected {len(header)} columns, found {len(fields)}")
                    continue
                row = dict(zip(header, (f.strip() for f in fields)))
                empty = [c for c in COLUMNS if c not in ("display_relation", "x_index", "y_index") and not row[c]]
                if empty:
                    reader.bad(number, text, f"empty column(s) {', '.join(empty)}")
                    continue
                try:
                    x, y = self._node(row, "x"), self._node(row, "y")
                    edge_type, props = self._relation(row["relation"], row["display_relation"])
                except ValueError as exc:
                    reader.bad(number, text, str(exc))
                    continue
                yield x
                yield y
                yield Edge(x.id, edge_type, y.id, props)
