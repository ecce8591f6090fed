"""``platform db`` and the CLI's error handling, against real embedded servers."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
from databases import ENGINE
from helpers import last_json, run_cli
from repurpose import server
from repurpose.config import load_settings

#: Each test starts servers in data directories of its own.
pytestmark = pytest.mark.graph


def _alive(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is still the embedded server of ``data_dir``."""
    root = server.server_root(load_settings({"data_dir": str(data_dir)}, env={}), ENGINE)
    return server._pid_is_server(pid, str(root), ENGINE.name)


def _env(data_dir: Path) -> dict[str, str]:
    """A data directory whose server is of the tests' engine."""
    return {"PLATFORM_DATA_DIR": str(data_dir), "PLATFORM_ENGINE": ENGINE.name}


def test_help_lists_commands() -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    for name in ("db", "cypher"):
        assert f"  {name}" in out.stdout


def test_start_status_stop_second_start_and_no_process_left(tmp_path: Path) -> None:
    env = _env(tmp_path / "d")
    refused = run_cli("db", "start", "--heap", "lots", env=env)
    assert refused.returncode == 1 and "--heap: 'lots' is not a heap size" in refused.stderr
    assert server.read_state(load_settings({"data_dir": str(tmp_path / "d")}, env={})) is None
    started = run_cli("db", "start", "--heap", "1g", "--json", env=env)
    assert started.returncode == 0, started.stderr
    info = last_json(started.stdout)
    assert info["uri"].startswith("bolt://127.0.0.1:") and info["engine"] == ENGINE.name
    try:
        assert info["heap"] == "1g" and "-Xmx1g" in Path(f"/proc/{info['pid']}/cmdline").read_text().split("\0")
        again = run_cli("db", "start", env=env)
        assert again.returncode == 1 and "already running" in again.stderr
        assert "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1
        status = last_json(run_cli("db", "status", "--json", env=env).stdout)
        assert status["running"] and status["server"] == ENGINE.name and status["database"] == info["database"]
        assert status["heap"] == "1g"
        assert ENGINE.title in status["agent"] and status["version"][0].isdigit()
        assert status["edition"] == ("community" if ENGINE.name == "neo4j" else None)
        assert _alive(info["pid"], tmp_path / "d")
        pw = tmp_path / "d" / ENGINE.password_file
        assert pw.stat().st_mode & 0o777 == 0o600
        # The web console answers on the HTTP port (Neo4j Browser; ArcadeDB's wheel has none: its API).
        path = ENGINE.console[1] if ENGINE.console else "/api/v1/ready"
        with urllib.request.urlopen(f"http://127.0.0.1:{info['http_port']}{path}", timeout=10) as page:
            assert page.status in (200, 204) and (ENGINE.console is None or b"<html" in page.read().lower())
        # Bound to loopback only: the Bolt port does not answer on another local address.
        port = int(info["uri"].rsplit(":", 1)[1])
        with socket.socket() as s:
            s.settimeout(1)
            assert s.connect_ex(("127.0.0.2", port)) != 0
    finally:
        stopped = run_cli("db", "stop", "--json", env=env)
    assert last_json(stopped.stdout) == {"stopped": True, "pid": info["pid"]}
    assert not _alive(info["pid"], tmp_path / "d")
    assert last_json(run_cli("db", "status", "--json", env=env).stdout) == {"running": False, "uri": None}


def test_auto_start_then_stale_pid_file(tmp_path: Path) -> None:
    env = _env(tmp_path / "d")
    out = run_cli("cypher", "RETURN 1 AS one", "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert last_json(out.stdout)["rows"] == [{"one": 1}]
    settings = load_settings({"data_dir": str(tmp_path / "d")}, env={})
    state = server.read_state(settings)
    assert state is not None
    server.stop(settings)
    # A pid file left by a crashed server: the pid is dead, so it is ignored and replaced.
    (tmp_path / "d" / "server.json").write_text(json.dumps({**state.__dict__, "pid": 999999}))
    assert last_json(run_cli("db", "status", "--json", env=env).stdout)["running"] is False
    out = run_cli("db", "start", "--json", env=env)
    try:
        assert out.returncode == 0, out.stderr
    finally:
        run_cli("db", "stop", env=env)


def test_the_engine_last_started_is_the_one_started_again(tmp_path: Path) -> None:
    env = {"PLATFORM_DATA_DIR": str(tmp_path / "d")}
    started = run_cli("db", "start", "--engine", ENGINE.name, "--json", env=env)
    assert started.returncode == 0, started.stderr
    run_cli("db", "stop", env=env)
    try:
        out = run_cli("cypher", "RETURN 1 AS one", "--json", env=env)  # no engine named: the same one
        assert out.returncode == 0, out.stderr
        assert last_json(run_cli("db", "status", "--json", env=env).stdout)["server"] == ENGINE.name
    finally:
        run_cli("db", "stop", env=env)


def test_a_database_the_server_cannot_have_is_one_clear_error(cli_env: dict[str, str]) -> None:
    # ArcadeDB makes any well-formed name; Neo4j Community has only `neo4j`.
    name = "bad-name!" if ENGINE.creates_databases else "kg"
    out = run_cli("cypher", "RETURN 1", env={**cli_env, "PLATFORM_DATABASE": name})
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert repr(name) in out.stderr and "PLATFORM_DATABASE" in out.stderr


def test_a_bolt_uri_without_a_database_uses_the_home_one(server_settings) -> None:
    """The README's compose route: URI, user and password, no PLATFORM_DATABASE."""
    state = server.read_state(server_settings)
    env = {"PLATFORM_URI": state.uri, "PLATFORM_USER": ENGINE.user,
           "PLATFORM_PASSWORD": server.root_password(server_settings, ENGINE)}
    out = run_cli("db", "status", "--json", env=env)
    if ENGINE.name == "neo4j":
        assert out.returncode == 0, out.stderr
        assert last_json(out.stdout)["database"] == "neo4j"
    else:  # ArcadeDB over Bolt has no home database to fall back on
        assert out.returncode == 1 and "PLATFORM_DATABASE" in out.stderr and "Traceback" not in out.stderr


def test_a_generated_password_may_start_with_a_dash(tmp_path: Path) -> None:
    """token_urlsafe() can start with '-': Neo4j's admin tool read such a password as an option."""
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    (data_dir / ENGINE.password_file).write_text("-dash-first-password-123\n")
    (data_dir / ENGINE.password_file).chmod(0o600)
    env = _env(data_dir)
    try:
        out = run_cli("cypher", "RETURN 1 AS one", "--json", env=env)
        assert out.returncode == 0, out.stderr
    finally:
        run_cli("db", "stop", env=env)


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        out = run_cli("db", "start", "--port", str(port), env={"PLATFORM_DATA_DIR": str(tmp_path)})
    assert out.returncode == 1
    assert f"port {port} is in use" in out.stderr and "Traceback" not in out.stderr


def test_missing_java(tmp_path: Path) -> None:
    out = run_cli("db", "start", env={"PLATFORM_DATA_DIR": str(tmp_path), "PLATFORM_JAVA": str(tmp_path / "nojava")})
    assert out.returncode == 1 and "no Java runtime" in out.stderr and "Traceback" not in out.stderr


def test_unreachable_uri() -> None:
    port = server.pick_port(45000)
    out = run_cli("cypher", "RETURN 1", env={"PLATFORM_URI": f"bolt://127.0.0.1:{port}", "PLATFORM_PASSWORD": "x"})
    assert out.returncode == 1
    assert f"cannot reach bolt://127.0.0.1:{port}" in out.stderr and "Traceback" not in out.stderr


def test_wrong_password_and_debug_traceback(server_settings) -> None:
    state = server.read_state(server_settings)
    env = {"PLATFORM_URI": state.uri, "PLATFORM_PASSWORD": "definitely-wrong"}
    out = run_cli("cypher", "RETURN 1", env=env)
    assert out.returncode == 1 and "refused the credentials" in out.stderr and "Traceback" not in out.stderr
    assert "definitely-wrong" not in out.stderr
    debug = run_cli("--debug", "cypher", "RETURN 1", env=env)
    assert debug.returncode != 0 and "Traceback" in debug.stderr
    assert "definitely-wrong" not in debug.stderr


def test_cypher_read_only_by_default(cli_env: dict[str, str]) -> None:
    refused = run_cli("cypher", "CREATE (:Entity {id: 'x'})", env=cli_env)
    assert refused.returncode == 1 and "read-only" in refused.stderr
    written = run_cli("cypher", "CREATE (n:Entity {id: $id}) RETURN n.id AS id", "--param", "id=x", "--write",
                      "--json", env=cli_env)
    assert last_json(written.stdout)["rows"] == [{"id": "x"}]
    count = run_cli("cypher", "MATCH (n:Entity) RETURN count(n) AS n", "--json", env=cli_env)
    assert last_json(count.stdout)["rows"] == [{"n": 1}]


def test_concurrent_auto_starts_share_one_server(tmp_path: Path) -> None:
    env = _env(tmp_path / "d")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        outs = list(pool.map(lambda _: run_cli("cypher", "RETURN 1 AS one", "--json", env=env), range(3)))
    try:
        assert all(o.returncode == 0 for o in outs), [o.stderr for o in outs]
        settings = load_settings({"data_dir": str(tmp_path / "d")}, env={})
        state = server.read_state(settings)
        assert state is not None
        running = subprocess.run(["pgrep", "-f", str(tmp_path / "d" / ENGINE.name)], capture_output=True, text=True)
        assert len(running.stdout.split()) == 1
    finally:
        run_cli("db", "stop", env=env)


def test_servers_of_two_data_directories_started_at_once_both_run(tmp_path: Path) -> None:
    """Each gets ports of its own: picking free ports and binding them is one step, machine-wide."""
    envs = [_env(tmp_path / name) for name in ("a", "b")]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outs = list(pool.map(lambda env: run_cli("db", "start", "--json", env=env), envs))
    try:
        assert all(o.returncode == 0 for o in outs), [o.stderr[-2000:] for o in outs]
        uris = {last_json(o.stdout)["uri"] for o in outs}
        assert len(uris) == 2
    finally:
        for env in envs:
            run_cli("db", "stop", env=env)
