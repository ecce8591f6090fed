"""External drug indications (e.g. DrugCentral) as ``(:Compound)-[:INDICATED_IN {source}]->(:Disease)``.

They are evidence to check novel predictions against, never curated ``TREATS_*`` edges, so
write-back does not leave them out. Input: a TSV with ``doid_id`` and ``drugbank_id`` columns
(optional ``category``), as ../shared/data/indications/drugcentral-indications.tsv; ids
become Hetionet's ``Disease::DOID:...`` and ``Compound::DB...``. MERGE makes a re-run a no-op.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from repurpose import cypher
from repurpose.errors import InputError
from repurpose.store import GraphStore

REQUIRED = ("doid_id", "drugbank_id")


def read_indications(path: Path) -> list[dict[str, Any]]:
    """Rows ``{c, d, category}`` of an indications TSV; InputError names file:line of a bad row."""
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}; expected a TSV header with "
                             f"{', '.join(REQUIRED)}", path=path, line=1, text="\t".join(reader.fieldnames or []))
        for line_no, row in enumerate(reader, 2):
            doid, db = (row.get("doid_id") or "").strip(), (row.get("drugbank_id") or "").strip()
            if not doid.startswith("DOID:") or not db.startswith("DB"):
                raise InputError("expected doid_id like DOID:10652 and drugbank_id like DB00843",
                                 path=path, line=line_no, text="\t".join(str(v) for v in row.values()))
            rows.append({"c": f"Compound::{db}", "d": f"Disease::{doid}",
                         "category": (row.get("category") or "").strip() or None})
    return rows


def load_indications(store: GraphStore, path: Path, source: str = "DrugCentral") -> dict[str, Any]:
    """MERGE the file's indications whose compound and disease are in the graph; counts of each."""
    rows = read_indications(path)
    ids = sorted({r["c"] for r in rows} | {r["d"] for r in rows})
    present = set(store.read(cypher.get("indications", "ids_present"), ids=ids)[0]["ids"])
    usable = [r for r in rows if r["c"] in present and r["d"] in present]
    store.write_batches(cypher.get("indications", "merge_indications"), usable, batch_size=5000, total=len(usable),
                        desc="indications", unit="edges", source=source)
    total = store.read(cypher.get("indications", "count_indications"), source=source)[0]["n"]
    return {"source": source, "rows": len(rows), "written": len(usable), "skipped_missing_nodes": len(rows) - len(usable),
            "edges_in_graph": total}
