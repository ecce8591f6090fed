"""DRKG (Ioannidis et al. 2020): ``head<TAB>relation<TAB>tail`` triples, ids like ``Compound::DB00004``.

Node kind = the id's prefix before ``::`` as a CamelCase label; DRKG ships no names, so
name = id. Relationship type = ``relation_type(relation)``
(``DRUGBANK::treats::Compound:Disease`` -> ``DRUGBANK_TREATS_COMPOUND_DISEASE``); each edge keeps
the original string as ``relation`` and its resource (``DRUGBANK``) as ``source``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from repurpose.loaders.base import Edge, Loader, Node, Record, kind_label, relation_type


class DrkgLoader(Loader):
    """DRKG triples files (``drkg.tsv`` or any subset), plain, gzip or bz2."""

    summary = "DRKG triples: Compound::DB00004<TAB>DRUGBANK::treats::Compound:Disease<TAB>Disease::..."
    #: DrugBank's treats, GNBR's T (treatment) and Hetionet's CtD, as DRKG names them.
    treatment_types = ("DRUGBANK_TREATS_COMPOUND_DISEASE", "GNBR_T_COMPOUND_DISEASE", "HETIONET_CTD_COMPOUND_DISEASE")
    implicit_nodes = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._relations: dict[str, tuple[str, dict[str, Any]]] = {}

    def implicit_node(self, node_id: str) -> Node:
        return Node(node_id, kind_label(node_id.split("::", 1)[0]), node_id)

    def _relation(self, relation: str) -> tuple[str, dict[str, Any]]:
        """Type and shared props for one relation string (cached: a few hundred distinct strings)."""
        if relation not in self._relations:
            self._relations[relation] = (relation_type(relation),
                                         {"relation": relation, "source": relation.split("::", 1)[0]})
        return self._relations[relation]

    def records(self, paths: list[Path]) -> Iterator[Record]:
        for path in paths:
            reader = self.reader(path)
            for number, text in reader.lines():
                fields = reader.columns(number, text, 3)
                if not fields:
                    continue
                head, relation, tail = fields
                malformed = [n for n in (head, tail) if "::" not in n or not n.split("::", 1)[1]]
                if malformed:
                    reader.bad(number, text, f"node id {malformed[0]!r} is not KIND::ID")
                    continue
                try:
                    kind_label(head.split("::", 1)[0])
                    kind_label(tail.split("::", 1)[0])
                    edge_type, props = self._relation(relation)
                except ValueError as exc:
                    reader.bad(number, text, str(exc))
                    continue
                yield Edge(head, edge_type, tail, props)
