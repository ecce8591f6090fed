"""What one record may hold, checked while reading so that a load never fails half-way through writing.

The graph refuses some values only at commit, after earlier batches are written: ids and names
are indexed (ArcadeDB refuses index keys over 256 KiB, Neo4j over 8 KiB), integers must fit in
64 bits, and ArcadeDB drops a Bolt message over 16 MiB without an answer, so the client waits
forever. Ids travel 20,000 to a message (``GraphWriter.existing_ids``), hence their small limit;
``batch_rows`` keeps every write batch under the message size whatever the records hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from repurpose.loaders.base import Record

MAX_ID_BYTES = 512
MAX_NAME_BYTES = 4096
MAX_RECORD_BYTES = 1 << 20
#: Rows of one write batch at most take this many bytes (a Bolt message may take 16 MiB).
BATCH_BYTES = 8 << 20
INT64 = (-(1 << 63), (1 << 63) - 1)
#: Texts up to this many characters are within every limit (4 bytes a character at most).
SHORT = MAX_ID_BYTES // 4


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8; ValueError for text no encoding can carry (a lone surrogate from JSON)."""
    if text.isascii():
        return len(text)
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ValueError(f"not valid Unicode ({exc.reason}: {text[exc.start]!r})") from None


def value_size(value: Any) -> int:
    """Bytes a property value takes, about; ValueError for an integer outside 64 bits."""
    if isinstance(value, str):
        return utf8_size(value)
    if isinstance(value, list):
        return sum(value_size(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
        raise ValueError(f"the number {value} does not fit in 64 bits")
    return 8


class RecordCheck:
    """Checks each record against the limits and remembers the largest, for ``batch_rows``."""

    def __init__(self) -> None:
        self.largest = 0
        self._props: dict[int, tuple[dict[str, Any], int]] = {}  # loaders share props dicts: size each once

    def _props_size(self, props: dict[str, Any]) -> int:
        if not props:
            return 0
        known = self._props.get(id(props))
        if known is None:
            size = 0
            for key, value in props.items():
                try:
                    size += len(key) + value_size(value)
                except ValueError as exc:
                    raise ValueError(f"property {key!r}: {exc}") from None
            known = self._props[id(props)] = (props, size)  # the dict is kept, so its id is never reused
        return known[1]

    def problem(self, record: Record) -> str | None:
        """What makes ``record`` unwritable, in words, or None."""
        first, second = keys = record.keys()
        if len(first) <= SHORT and len(second) <= SHORT and first.isascii() and second.isascii():
            size = len(first) + len(second)  # the common case, without the checks below
        else:
            size = 0
            for what, text in zip(record.KEY_NAMES, keys):
                try:
                    length = utf8_size(text)
                except ValueError as exc:
                    return f"the {what} is {exc}"
                limit = MAX_NAME_BYTES if what == "name" else MAX_ID_BYTES
                if length > limit:
                    return f"the {what} is {length:,} bytes long; at most {limit:,} (ids and names are indexed)"
                size += length
        try:
            size += self._props_size(record.props)
        except ValueError as exc:
            return str(exc)
        if size > MAX_RECORD_BYTES:
            return f"the record holds {size:,} bytes of text; at most {MAX_RECORD_BYTES:,}"
        if size > self.largest:
            self.largest = size
        return None


def batch_rows(requested: int, largest_record: int) -> int:
    """Rows per write batch: ``requested``, fewer when the largest record would make a batch too big."""
    return max(1, min(requested, BATCH_BYTES // max(largest_record, 1)))
