"""The answer cache: SQLite in ``<data_dir>/enrich-cache.sqlite``, one row per (entity, template, model).

Accepted answers are committed together at most ``commit_every`` seconds apart (a commit per
answer held the event loop about 0.2 ms each, a shared one almost nothing) and always when the
run ends, so an interrupted run (Ctrl-C, a dead endpoint) loses nothing: the next run finds those
answers here and requests only the rest. A hard kill (SIGKILL, power loss) can lose
the answers stored since the last commit.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Iterable

CACHE_FILE = "enrich-cache.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    entity_id TEXT NOT NULL,
    template_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    tokens INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    PRIMARY KEY (entity_id, template_hash, model)
)
"""
_CHUNK = 900  # below SQLite's default limit of host parameters per statement


class AnswerCache:
    """Accepted LLM answers keyed by entity id, prompt template hash and model name."""

    def __init__(self, path: Path, commit_every: float = 1.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.commit_every = commit_every
        self._began = 0.0  # when the open transaction began
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get_many(self, ids: Iterable[str], template_hash: str, model: str) -> dict[str, str]:
        """Cached answers for ``ids`` under this template and model, by entity id."""
        ids = list(ids)
        found: dict[str, str] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT entity_id, answer FROM answers WHERE template_hash = ? AND model = ? "
                f"AND entity_id IN ({marks})", [template_hash, model, *chunk])
            found.update(rows)
        return found

    def put(self, entity_id: str, template_hash: str, model: str, prompt_id: str, answer: str,
            tokens: int = 0) -> None:
        """Store one accepted answer; committed once the open transaction is ``commit_every`` seconds old."""
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
            self._began = time.monotonic()
        self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (entity_id, template_hash, model, prompt_id, answer, tokens, time.time()))
        if time.monotonic() - self._began >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        """Commit the answers stored since the last commit."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        self.commit()
        self._db.close()

    def __enter__(self) -> "AnswerCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
