"""Injection attempts and a way to see whether one reached a query: a real store that keeps the text
of every query it sends (all of them go through ``GraphStore._wrap``).

An attempt puts a payload where a label, relationship type or property name is taken from a file,
a flag, a parameter or the graph; it "reached a query" when the payload appears in a query's text
(values travel as parameters and never appear there). Used by test_injection.py and
benchmarks/fuzz_inputs.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Sequence

from repurpose.cypher_safety import IDENTIFIER
from repurpose.store import GraphStore

#: Labels, types and names that would change a query if formatted into it unchecked.
PAYLOADS = (
    "Compound) DETACH DELETE n //",
    "X`) MATCH (m) DETACH DELETE m //",
    "Gene`:`Evil",
    "TREATS_CtD]->() DETACH DELETE n //",
    "name}) SET n.pwned = true //",
)


class RecordingStore(GraphStore):
    """A store on the real graph that also records the text of every query it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queries: list[str] = []

    def _wrap(self, work: Callable[[], Any], query: str) -> Any:
        self.queries.append(query)
        return super()._wrap(work, query)

    def reached(self, payload: str) -> bool:
        """Whether ``payload`` was formatted into any query so far."""
        return any(payload in query for query in self.queries)


def odd_names(store: GraphStore) -> list[str]:
    """Labels, relationship types and property keys of the graph that are not plain identifiers."""
    names = [r["n"] for r in store.read("CALL db.labels() YIELD label RETURN label AS n")]
    names += [r["n"] for r in store.read("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS n")]
    names += [k for r in store.read("MATCH (n) RETURN DISTINCT keys(n) AS k") for k in r["k"]]
    names += [k for r in store.read("MATCH ()-[e]->() RETURN DISTINCT keys(e) AS k") for k in r["k"]]
    return sorted({n for n in names if not IDENTIFIER.match(n)})


def files_with(payloads: Sequence[str], folder: Path) -> dict[str, tuple[list[Path], dict[str, Any]]]:
    """Per loader, input files (and options) putting each payload where a label, relationship type or
    property name is read from, next to valid lines."""
    folder.mkdir(parents=True, exist_ok=True)

    def put(name: str, lines: list[str]) -> Path:
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def csv_field(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    numbered = list(enumerate(payloads))
    nodes = [{"kind": "Compound", "identifier": "DB1", "name": "b", "data": {p: "x" for p in payloads}},
             {"kind": "Disease", "identifier": "D1", "name": "c"}]
    hetionet_json = {"nodes": nodes + [{"kind": p, "identifier": str(i), "name": "a"} for i, p in numbered],
                     "edges": [{"source_id": ["Compound", "DB1"], "target_id": ["Disease", "D1"], "kind": p}
                               for p in payloads]}
    primekg = ["relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source"]
    primekg += [f"{csv_field(p)},{csv_field(p)},1,{i},{csv_field(p)},x,S,3,4,disease,y,S" for i, p in numbered]
    return {
        "drkg": ([put("drkg.tsv", [f"{p}::{i}\tDRUGBANK::treats::Compound:Disease\tDisease::D1" for i, p in numbered]
                      + [f"Compound::C{i}\t{p}\tDisease::D1" for i, p in numbered])], {}),
        "triples": ([put("triples.txt", [f"a{i}\t{p}\tb" for i, p in numbered] + ["b\tisa\tc"])],
                    {"nodes": put("triples-nodes.tsv", ["id\tname\tkind", "b\tB\tConcept", "c\tC\tConcept"]
                                  + [f"a{i}\tA\t{p}" for i, p in numbered])}),
        "primekg": ([put("kg.csv", primekg)], {}),
        "hetionet": ([put("hetionet-nodes.tsv", ["id\tname\tkind", "Compound::DB1\tb\tCompound", "Disease::D1\tc\tDisease"]
                          + [f"{p}::{i}\ta\t{p}" for i, p in numbered]),
                      put("edges.sif", ["source\tmetaedge\ttarget"] + [f"Compound::DB1\t{p}\tDisease::D1" for p in payloads]),
                      put("hetionet.json", [json.dumps(hetionet_json)])], {}),
    }
