"""ArcadeDB with its Bolt plugin: the default engine, shipped in the ``arcadedb-embedded`` wheel.

The wheel brings its own Java runtime and jars. The server runs as a separate process (not
in-process through JPype, which crashed the interpreter at exit). Databases are made over its
HTTP API, so each test or user can have as many as they like.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repurpose.engines import HOST, Launch, register
from repurpose.errors import ConfigError, ServerError

SERVER_MAIN = "com.arcadedb.server.ArcadeDBServer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
SECRET_ARGS_FILE = "java-secret-args"
DATABASE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")


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


def _http(http_port: int, password: str, body: dict, timeout: float = 10.0) -> Any:
    """POST ``body`` to the server command endpoint as root."""
    req = urllib.request.Request(f"http://{HOST}:{http_port}/api/v1/server", method="POST")
    token = base64.b64encode(f"root:{password}".encode()).decode()
    req.add_header("Authorization", f"Basic {token}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, data=json.dumps(body).encode(), timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


@dataclass(frozen=True)
class ArcadeDB:
    """ArcadeDB 26 speaking Bolt, one database per name (``kg`` by default)."""

    name: str = "arcadedb"
    title: str = "ArcadeDB"
    user: str = "root"
    password_file: str = "root-password"
    default_database: str | None = "kg"
    creates_databases: bool = True
    default_ports: tuple[int, int] = (7687, 2480)
    #: The wheel's server has no Studio (its HTTP root says so), and Studio is not on Maven Central.
    console: tuple[str, str] | None = None

    def launch(self, root: Path, bolt_port: int, http_port: int, heap: str, password: str) -> Launch:
        java, classpath = java_command()
        # The password goes in an owner-only argument file, read by the java launcher: on the command
        # line every local user could read it (ps, /proc/PID/cmdline); the file is gone once the server runs.
        secret = root / SECRET_ARGS_FILE
        secret.unlink(missing_ok=True)
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"-Darcadedb.server.rootPassword={password}\n")
        return Launch(command=[
            str(java), f"-Xmx{heap}", "-cp", classpath, f"@{secret}",
            f"-Darcadedb.server.rootPath={root}",
            f"-Darcadedb.server.databaseDirectory={root / 'databases'}",
            f"-Darcadedb.server.plugins={BOLT_PLUGIN}",
            f"-Darcadedb.server.httpIncomingHost={HOST}",
            f"-Darcadedb.server.httpIncomingPort={http_port}",
            f"-Darcadedb.bolt.host={HOST}",
            f"-Darcadedb.bolt.port={bolt_port}",
            SERVER_MAIN,
        ], secrets=[secret])

    def is_process(self, args: list[bytes], root: Path) -> bool:
        return SERVER_MAIN.encode() in args and f"-Darcadedb.server.rootPath={root}".encode() in args

    def ready_url(self, http_port: int) -> str:
        return f"http://{HOST}:{http_port}/api/v1/ready"

    def log_file(self, root: Path) -> Path:
        return root / "server.log"

    def ensure_database(self, http_port: int, password: str, database: str | None) -> bool:
        database = database or self.default_database
        if not DATABASE_NAME.match(database):
            raise ConfigError(f"database name {database!r} (PLATFORM_DATABASE, --database): use letters, digits "
                              "and underscores, starting with a letter")
        names = _http(http_port, password, {"command": "list databases"})["result"]
        if database in names:
            return False
        _http(http_port, password, {"command": f"create database {database}"})
        return True


ENGINE = register(ArcadeDB())
