"""The answer cache: answers become visible to other readers at a commit, and closing commits."""

from __future__ import annotations

import sqlite3

from repurpose.enrich.cache import AnswerCache


def stored(path) -> int:
    with sqlite3.connect(path) as other:
        return other.execute("SELECT count(*) FROM answers").fetchone()[0]


def test_answers_are_committed_in_groups_and_at_close(tmp_path):
    path = tmp_path / "cache.sqlite"
    with AnswerCache(path, commit_every=3600) as cache:
        cache.put("Compound::DB1", "h", "m", "concise:h", "Aspirin is a drug.")
        cache.put("Compound::DB2", "h", "m", "concise:h", "Ibuprofen is a drug.")
        assert stored(path) == 0  # still in the open transaction
        cache.commit()
        assert stored(path) == 2
        cache.put("Compound::DB3", "h", "m", "concise:h", "Naproxen is a drug.")
    assert stored(path) == 3
    with AnswerCache(path, commit_every=0) as cache:
        cache.put("Compound::DB4", "h", "m", "concise:h", "Paracetamol is a drug.")
        assert stored(path) == 4  # a zero interval commits every answer
        assert cache.get_many(["Compound::DB1", "Compound::DB4", "Compound::DB9"], "h", "m") == {
            "Compound::DB1": "Aspirin is a drug.", "Compound::DB4": "Paracetamol is a drug."}
