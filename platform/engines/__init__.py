"""The graph servers ``platform db start`` runs as a child process, registered by name.

An engine says how to launch its server (command line, what goes on standard input), how to
recognise its process, when it is ready, and how to make a database. ``repurpose.server``
does the rest (ports, password file, state file, locking, stop) the same way for all.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from repurpose.errors import ConfigError

HOST = "127.0.0.1"


@dataclass
class Launch:
    """A server's command line, the bytes it reads on standard input, and files to remove once it runs."""

    command: list[str]
    stdin: bytes | None = None
    secrets: list[Path] = field(default_factory=list)


class Engine(Protocol):
    """One kind of graph server (see ``arcadedb.ArcadeDB`` and ``neo4j_community.Neo4jCommunity``)."""

    #: Registry key, also the folder of its files under the data directory.
    name: str
    #: As people write it: "ArcadeDB", "Neo4j".
    title: str
    #: The Bolt user the generated password belongs to.
    user: str
    #: The file (under the data directory) holding that password, owner-only.
    password_file: str
    #: The database commands use when none is configured (None: the server's home database).
    default_database: str | None
    #: Whether ``ensure_database`` can make any named database (Neo4j Community has only ``neo4j``).
    creates_databases: bool
    #: Preferred Bolt and HTTP ports (the next free ones are taken when busy).
    default_ports: tuple[int, int]
    #: The web console the HTTP port serves, and its path: ("Neo4j Browser", "/browser/"); None without one.
    console: tuple[str, str] | None

    def launch(self, root: Path, bolt_port: int, http_port: int, heap: str, password: str) -> Launch:
        """Prepare ``root`` and return the command that serves it on loopback."""

    def is_process(self, args: list[bytes], root: Path) -> bool:
        """True when a process command line (``/proc/PID/cmdline`` split) is this engine serving ``root``."""

    def ready_url(self, http_port: int) -> str:
        """A URL that answers 200 once the server accepts queries."""

    def log_file(self, root: Path) -> Path:
        """The log whose tail explains a failed start."""

    def ensure_database(self, http_port: int, password: str, database: str | None) -> bool:
        """Make ``database`` exist (True when created), or raise ServerError saying why it cannot."""


ENGINES: dict[str, Engine] = {}


def register(engine: Engine) -> Engine:
    """Add ``engine`` to the registry under its name."""
    ENGINES[engine.name] = engine
    return engine


def get(name: str) -> Engine:
    """The engine called ``name``; a ConfigError naming the known ones otherwise."""
    try:
        return ENGINES[name]
    except KeyError:
        raise ConfigError(f"unknown graph engine {name!r}; known: {', '.join(sorted(ENGINES))}") from None


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when ``url`` answers with a success status."""
    try:
        urllib.request.urlopen(url, timeout=timeout).close()
    except (urllib.error.URLError, OSError):
        return False
    return True


from repurpose.engines import arcadedb, neo4j_community  # noqa: E402  (each registers itself)

DEFAULT = arcadedb.ENGINE.name
__all__ = ["DEFAULT", "ENGINES", "Engine", "HOST", "Launch", "answers", "get", "neo4j_community", "register"]
