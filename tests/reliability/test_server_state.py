"""server.json is trusted only for its own data directory's server, so a stale record never reaches another one."""

from __future__ import annotations

import json
from pathlib import Path

from repurpose import server
from repurpose.config import Settings, load_settings


def test_a_record_naming_another_directorys_server_is_stale(server_settings: Settings, tmp_path: Path) -> None:
    # After a kill -9 the recorded pid may be reused, here by the session's own (live, ArcadeDB) server.
    live = server.read_state(server_settings)
    assert live is not None
    other = load_settings({"data_dir": str(tmp_path)}, env={})
    record = {**live.__dict__, "root": str(server.server_root(other))}
    (tmp_path / server.STATE_FILE).write_text(json.dumps(record), encoding="utf-8")

    assert server.read_state(other) is None  # not this directory's server
    assert not (tmp_path / server.STATE_FILE).exists()  # the stale record is removed
    (tmp_path / server.STATE_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert server.stop(other) is None  # nothing stopped ...
    assert server.read_state(server_settings) == live  # ... and the other server still runs
