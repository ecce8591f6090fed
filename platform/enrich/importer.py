"""``--from-file``: descriptions from JSON lines ``{"id", "name", "description"}`` into the graph.

The same checks as LLM answers apply (markdown stripped, length bounds); a bad description is
counted as failed and not written. Ids that are not in the graph are reported (count and first
few), never dropped in silence. A line that is not such a JSON object raises InputError with
file:line. ``target="curated"`` writes ``curatedDescription`` instead (DrugBank, Disease Ontology...).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from repurpose import cypher
from repurpose.enrich.runner import SHOWN_IDS, EnrichStats, check_progress, now_iso
from repurpose.enrich.validate import BadAnswer, Bounds, clean_description
from repurpose.errors import InputError
from repurpose.loaders.base import decode_line, open_binary
from repurpose.loaders.limits import MAX_ID_BYTES, MAX_NAME_BYTES, utf8_size
from repurpose.store import GraphStore

#: Where imported text goes: the property-writing query per target.
TARGETS = {"description": "set_description", "curated": "set_curated_description"}
REQUIRED = ("id", "description")
#: Text fields and their size limits in bytes: ids are looked up 5,000 to a query, the model name is
#: written on every node (the description's own length is checked after cleaning, in ``Bounds``).
TEXT_LIMITS = {"id": MAX_ID_BYTES, "name": MAX_NAME_BYTES, "model": MAX_NAME_BYTES, "description": None}


@dataclass(frozen=True)
class Record:
    """One line of a descriptions file."""

    id: str
    name: str | None
    description: str
    model: str | None
    line: int


@dataclass
class ImportStats(EnrichStats):
    """Import counts: the enrichment counts plus ids the graph does not hold."""

    unknown: int = 0
    unknown_ids: list[str] = field(default_factory=list)


def _record(line: str, number: int) -> Record:
    """The record on one line; ValueError saying what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object with id and description")
    for key in REQUIRED:
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise ValueError(f"field {key!r} missing or not a non-empty string")
    for key, limit in TEXT_LIMITS.items():
        if obj.get(key) is None:
            continue
        if not isinstance(obj[key], str):
            raise ValueError(f"field {key!r} must be a string")
        try:
            size = utf8_size(obj[key])
        except ValueError as exc:
            raise ValueError(f"field {key!r} is {exc}") from None
        if limit is not None and size > limit:
            raise ValueError(f"field {key!r} is {size:,} bytes long; at most {limit:,}")
    return Record(obj["id"].strip(), obj.get("name"), obj["description"], obj.get("model"), number)


def read_records(path: Path) -> Iterator[Record]:
    """Parse a JSON-lines file (gzip or bz2 too); blank lines are skipped; bad lines raise InputError."""
    if not path.is_file():
        raise InputError("no such file; give a JSON-lines file of {\"id\", \"name\", \"description\"}", path=path)
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = decode_line(raw)
                if line.strip():
                    yield _record(line, number)
            except ValueError as exc:
                text = raw.decode("utf-8", "replace").strip()
                raise InputError(str(exc), path=path, line=number, text=text) from None


def _known(store: GraphStore, ids: list[str], chunk: int = 5000) -> dict[str, tuple[bool, bool]]:
    """id -> (has description, has curated description) for the ids present in the graph."""
    out: dict[str, tuple[bool, bool]] = {}
    for start in range(0, len(ids), chunk):
        for node_id, has, has_curated in store.read(cypher.get("enrich", "known_ids"), ids=ids[start:start + chunk])[0]["rows"]:
            out[node_id] = (has, has_curated)
    return out


def import_file(store: GraphStore, path: Path, target: str = "description", overwrite: bool = False,
                bounds: Bounds = Bounds(), batch_size: int = 1000) -> ImportStats:
    """Write the file's descriptions to the nodes with those ids; returns the counts."""
    started = time.perf_counter()
    records = list(read_records(path))
    stats = ImportStats(entities=len(records))
    known = _known(store, [r.id for r in records])
    source = f"file:{path.name.removesuffix('.gz')}"
    rows: list[dict[str, Any]] = []
    for record in records:
        if record.id not in known:
            stats.unknown += 1
            if len(stats.unknown_ids) < SHOWN_IDS:
                stats.unknown_ids.append(record.id)
            continue
        if known[record.id][target == "curated"] and not overwrite:
            stats.skipped += 1
            continue
        try:
            text = clean_description(record.description, bounds)
        except BadAnswer as exc:
            stats.fail(f"{record.id} (line {record.line})", str(exc))
            continue
        rows.append({"id": record.id, "description": text, "model": record.model or source, "prompt": source,
                     "at": now_iso()})
    stats.done = store.write_batches(cypher.get("enrich", TARGETS[target]), rows, batch_size=batch_size, total=len(rows),
                                     desc=f"import {path.name}", unit="nodes")
    stats.seconds = time.perf_counter() - started
    return stats


def check_import(stats: ImportStats, path: Path) -> None:
    """Raise when the file had lines but none could be written or kept."""
    if not stats.entities or stats.done or stats.skipped:
        return
    if stats.unknown == stats.entities:
        raise InputError(f"none of the {stats.unknown} ids is in the graph (first: {', '.join(stats.unknown_ids)}); "
                         "load the graph first (platform load ...) or check the ids", path=path)
    check_progress(stats)
