"""The embedded graph server: ArcadeDB (the default) or Neo4j, run as a child process on loopback.

Which server runs is an engine (``repurpose.engines``); this module does what is common to all:
a generated password kept in an owner-only file, free ports, the start-up wait, and the state
file ``<data_dir>/server.json`` (pid, ports, engine) through which later commands find the server
and ``stop`` ends it. A data directory runs one server at a time; its files are under
``<data_dir>/<engine>/``, and the engine last started there is the one commands start again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from repurpose import atomic, engines
from repurpose.heap import server_heap
from repurpose.config import Settings
from repurpose.engines import HOST, Engine
from repurpose.errors import ServerError

STATE_FILE = "server.json"
#: Names the engine last started in a data directory: the one commands start when none runs.
ENGINE_FILE = "engine"
LOG_FILE = "server.log"
LOCK_FILE = "server.lock"
#: In the system temp folder: held while a server picks and binds its ports.
PORTS_LOCK_FILE = "repurpose-ports.lock"


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records about a running embedded server."""

    pid: int
    bolt_port: int
    http_port: int
    root: str
    started_at: float
    engine: str = engines.DEFAULT
    heap: str = ""  # the -Xmx it started with ('' in files written before it was recorded)

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"


def _data_dir(settings: Settings) -> Path:
    return Path(settings.data_dir).resolve()


def engine_of(settings: Settings) -> Engine:
    """The engine of this data directory: the running one, else ``settings.engine`` (PLATFORM_ENGINE),
    else the one last started here, else the default (ArcadeDB)."""
    state = read_state(settings)
    if state is not None:
        return engines.get(state.engine)
    if settings.engine:
        return engines.get(settings.engine)
    recorded = _data_dir(settings) / ENGINE_FILE
    if recorded.is_file():
        return engines.get(recorded.read_text(encoding="utf-8").strip())
    return engines.get(engines.DEFAULT)


def server_root(settings: Settings, engine: Engine | None = None) -> Path:
    """Where the server keeps its files (databases, config, logs): ``<data_dir>/<engine>``."""
    return _data_dir(settings) / (engine or engine_of(settings)).name


def database_name(settings: Settings, engine: Engine | None = None) -> str | None:
    """The database commands use: PLATFORM_DATABASE, else the engine's default (None: the home database)."""
    return settings.database or (engine or engine_of(settings)).default_database


def console(settings: Settings, state: ServerState) -> str:
    """Where a person browses the running server: its web console, user and password file."""
    engine = engines.get(state.engine)
    if engine.console is None:
        return (f"{engine.title} here has no web console; `platform db start --engine neo4j` runs Neo4j "
                f"with Neo4j Browser, and `platform cypher` queries any server")
    title, path = engine.console
    return (f"{title} at http://{HOST}:{state.http_port}{path} (user {engine.user}, password in "
            f"{Path(settings.data_dir) / engine.password_file})")


def _state_path(settings: Settings) -> Path:
    return _data_dir(settings) / STATE_FILE


def root_password(settings: Settings, engine: Engine | None = None) -> str:
    """The server user's password: generated once per engine, stored readable by the owner only."""
    path = _data_dir(settings) / (engine or engine_of(settings)).password_file
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


def _pid_is_server(pid: int, root: str, engine: str = engines.DEFAULT) -> bool:
    """True when ``pid`` is alive and is the ``engine`` server of ``root`` (not a recycled pid, not
    another data directory's server that happens to have it now)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the live pid
    return engines.get(engine).is_process(cmdline.split(b"\0"), Path(root))


def read_state(settings: Settings) -> ServerState | None:
    """The recorded server, or None. A record whose process is gone is stale and removed."""
    path = _state_path(settings)
    if not path.exists():
        return None
    try:
        state = ServerState(**json.loads(path.read_text(encoding="utf-8")))
        alive = _pid_is_server(state.pid, state.root, state.engine)
    except (ValueError, TypeError, ServerError, KeyError):
        alive = False
    if not alive:
        path.unlink(missing_ok=True)
        return None
    return state


def still_running(settings: Settings, state: ServerState) -> bool:
    """True while the server of ``state`` is alive and still the one recorded for this data directory."""
    current = read_state(settings)
    return current is not None and current.pid == state.pid


def _log_tail(engine: Engine, root: Path, lines: int = 5) -> str:
    """The end of the engine's log, or of the process output when that log is empty (a config error)."""
    for path in (engine.log_file(root), root / LOG_FILE):
        text = path.read_text(encoding="utf-8", errors="replace").strip() if path.exists() else ""
        kept = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("at ")]
        if kept:
            return " | ".join(kept[-lines:])
    return ""


def _wait_ready(proc: subprocess.Popen, state: ServerState, engine: Engine, timeout: float) -> None:
    root = Path(state.root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"the embedded {engine.title} server exited during start-up (code {proc.returncode}); "
                              f"see {engine.log_file(root)}: {_log_tail(engine, root)}")
        if engines.answers(engine.ready_url(state.http_port)):
            try:
                with socket.create_connection((HOST, state.bolt_port), timeout=2):
                    return
            except OSError:
                pass
        time.sleep(0.2)
    proc.kill()
    raise ServerError(f"the embedded {engine.title} server did not answer within {timeout:.0f}s; "
                      f"see {engine.log_file(root)}")


def ensure_database(settings: Settings, state: ServerState | None = None) -> bool:
    """Make the configured database exist on the embedded server if the engine can. True when created."""
    state = state or read_state(settings)
    if state is None:
        raise ServerError("the embedded server is not running; try `platform db start`")
    engine = engines.get(state.engine)
    return engine.ensure_database(state.http_port, root_password(settings, engine), settings.database)


def start(settings: Settings, *, engine: str | None = None, bolt_port: int | None = None,
          http_port: int | None = None, heap: str | None = None, timeout: float = 120.0) -> ServerState:
    """Launch the embedded server (``engine``, default: ``engine_of``) in the background; wait until Bolt answers.

    Raises ServerError when one is already running for this data directory, or when an
    explicitly requested port is taken.
    """
    existing = read_state(settings)
    if existing is not None:
        raise ServerError(f"the embedded {engines.get(existing.engine).title} server is already running "
                          f"(pid {existing.pid}, {existing.uri}); `platform db status` shows it, "
                          "`platform db stop` ends it")
    chosen = engines.get(engine) if engine else engine_of(settings)
    for name, port in (("--port", bolt_port), ("--http-port", http_port)):
        if port is not None and not _port_free(port):
            raise ServerError(f"port {port} is in use on {HOST}; choose another with {name} or stop what uses it")
    root = server_root(settings, chosen)
    root.mkdir(parents=True, exist_ok=True)
    heap = server_heap(heap)
    with _ports_lock():
        bolt = bolt_port or pick_port(chosen.default_ports[0])
        http = http_port or pick_port(chosen.default_ports[1], exclude=(bolt,))
        state = _launch(settings, chosen, root, bolt, http, heap, timeout)
    atomic.write_text(_state_path(settings), json.dumps(asdict(state)))
    atomic.write_text(_data_dir(settings) / ENGINE_FILE, chosen.name + "\n")
    ensure_database(settings, state)
    return state


def _launch(settings: Settings, chosen: Engine, root: Path, bolt: int, http: int, heap: str,
            timeout: float) -> ServerState:
    """Start ``chosen``'s server process on ``bolt`` / ``http`` and wait until it answers."""
    launch = chosen.launch(root, bolt, http, heap, root_password(settings, chosen))
    try:
        with open(root / LOG_FILE, "ab") as log:
            # A new session: the server outlives this command and ignores the terminal's Ctrl-C.
            proc = subprocess.Popen(launch.command, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.PIPE if launch.stdin is not None else subprocess.DEVNULL,
                                    start_new_session=True)
        if launch.stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(launch.stdin)
            proc.stdin.close()
        state = ServerState(pid=proc.pid, bolt_port=bolt, http_port=http, root=str(root), started_at=time.time(),
                            engine=chosen.name, heap=heap)
        _wait_ready(proc, state, chosen, timeout)
        return state
    finally:
        for secret in launch.secrets:
            secret.unlink(missing_ok=True)


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _start_lock(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """Serialise start-ups for one data directory, so concurrent commands share one server."""
    return _flock(_data_dir(settings) / LOCK_FILE)


def _ports_lock() -> contextlib.AbstractContextManager[None]:
    """Serialise picking free ports and binding them, machine-wide: two servers starting at once
    would otherwise pick the same free port, and the loser's start-up would find the winner's server."""
    return _flock(Path(tempfile.gettempdir()) / PORTS_LOCK_FILE)


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
    while time.monotonic() < deadline and _pid_is_server(state.pid, state.root, state.engine):
        _reap(state.pid)
        time.sleep(0.1)
    if _pid_is_server(state.pid, state.root, state.engine):
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
