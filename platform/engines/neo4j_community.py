"""Neo4j 5.26 LTS Community, run from its Maven Central jars by a one-file Java launcher.

``neo4j-server/pom.xml`` names the jars (the server, Neo4j Browser, APOC core); Maven copies them
once into a cache folder (``lib/`` for the class path, ``plugins/`` for APOC, which Neo4j loads
procedures from). ``neo4j-server/Neo4jLauncher.java`` starts the server in the data directory's
``neo4j/`` folder, or runs its admin tool (``neo4j-admin database import``). Needs Java 17 or 21
and Maven; Community has one user database, ``neo4j``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from repurpose.engines import HOST, Launch, register
from repurpose.errors import ServerError

RESOURCES = Path(__file__).parent / "neo4j-server"
POM = RESOURCES / "pom.xml"
LAUNCHER = RESOURCES / "Neo4jLauncher.java"
HOME_DATABASE = "neo4j"
#: Page cache of the server (the store files it keeps in memory, beside the Java heap).
PAGECACHE = os.environ.get("PLATFORM_NEO4J_PAGECACHE", "1g")
#: JVM options of Neo4j's own launcher that matter here (Java 17+ module access, fail fast on OOM).
JVM_OPTIONS = ["-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow",
               "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
               "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8"]


def version() -> str:
    """The Neo4j version the pom names."""
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ElementTree.parse(POM).getroot().find("m:properties/m:neo4j.version", ns)
    assert node is not None and node.text, f"{POM} names no neo4j.version"
    return node.text.strip()


def jar_dir() -> Path:
    """Where the jars are kept: PLATFORM_NEO4J_JARS, else the user's cache folder, by version."""
    override = os.environ.get("PLATFORM_NEO4J_JARS")
    if override:
        return Path(override).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "repurpose" / f"neo4j-{version()}"


def _tool(name: str, hint: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ServerError(f"`{name}` is not on PATH; the Neo4j engine needs it ({hint})")
    return found


def java() -> str:
    """The Java executable for Neo4j: JAVA_HOME's, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return _tool("java", "install Java 17 or 21, e.g. apt-get install openjdk-17-jre-headless")


def fetch_jars(quiet: bool = False) -> Path:
    """The jar folder, filled from Maven Central on first use (about 130 MB; Maven caches them too)."""
    target = jar_dir()
    if (target / "lib").is_dir() and (target / "plugins").is_dir():
        return target
    mvn = _tool("mvn", "install Maven, e.g. apt-get install maven, or set PLATFORM_NEO4J_JARS to a folder "
                       "with lib/ and plugins/ jars")
    if not quiet:
        print(f"fetching Neo4j {version()} (server, Browser, APOC) from Maven Central into {target} "
              "(once; about 130 MB)", file=sys.stderr, flush=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for folder, selection in (("lib", "-DexcludeGroupIds=org.neo4j.procedure"),
                                  ("plugins", "-DincludeGroupIds=org.neo4j.procedure")):
            done = subprocess.run([mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
                                   f"-DoutputDirectory={staging / folder}", selection],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-5:])
                raise ServerError(f"Maven could not fetch the Neo4j jars named in {POM} (exit {done.returncode}): "
                                  f"{tail}")
        try:
            staging.rename(target)
        except OSError:
            if not (target / "lib").is_dir():  # not another process that won the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def classpath(jars: Path) -> str:
    return f"{jars / 'lib'}/*:{jars / 'plugins'}/*"


def _config(root: Path, jars: Path, bolt_port: int, http_port: int) -> str:
    return "\n".join([
        "# Written by `platform db start --engine neo4j` at every start: edit the engine, not this file.",
        f"server.default_listen_address={HOST}",
        f"server.bolt.listen_address={HOST}:{bolt_port}",
        f"server.bolt.advertised_address={HOST}:{bolt_port}",
        "server.bolt.tls_level=DISABLED",
        f"server.http.listen_address={HOST}:{http_port}",
        f"server.http.advertised_address={HOST}:{http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        f"server.directories.plugins={jars / 'plugins'}",
        "dbms.security.procedures.unrestricted=apoc.*",
        f"server.memory.pagecache.size={PAGECACHE}",
        "dbms.usage_report.enabled=false",
        "client.allow_telemetry=false",  # Neo4j Browser sends no usage data
        # Bolt waited 5 s of quiet at every stop; a local server has no clients to wait for.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "",
    ])


def admin(root: Path, *args: str, heap: str = "2g") -> subprocess.CompletedProcess:
    """Run ``neo4j-admin ARGS`` (e.g. ``database import full``) on the server files under ``root``."""
    jars = fetch_jars()
    return subprocess.run([java(), f"-Xmx{heap}", *JVM_OPTIONS, "-cp", classpath(jars), str(LAUNCHER),
                           "admin", str(root), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=root)


@dataclass(frozen=True)
class Neo4jCommunity:
    """Neo4j Community with Browser and APOC; its one user database is ``neo4j``."""

    name: str = "neo4j"
    title: str = "Neo4j"
    user: str = "neo4j"
    password_file: str = "neo4j-password"
    default_database: str | None = None
    creates_databases: bool = False
    default_ports: tuple[int, int] = (7687, 7474)
    console: tuple[str, str] | None = ("Neo4j Browser", "/browser/")

    def launch(self, root: Path, bolt_port: int, http_port: int, heap: str, password: str) -> Launch:
        jars = fetch_jars()
        (root / "conf").mkdir(parents=True, exist_ok=True)
        (root / "conf" / "neo4j.conf").write_text(_config(root, jars, bolt_port, http_port), encoding="utf-8")
        # The password goes on standard input: the launcher sets it on the first start only.
        return Launch(command=[java(), f"-Xmx{heap}", *JVM_OPTIONS, "-cp", classpath(jars), str(LAUNCHER),
                               "serve", str(root)], stdin=password.encode() + b"\n")

    def is_process(self, args: list[bytes], root: Path) -> bool:
        return str(LAUNCHER).encode() in args and b"serve" in args and str(root).encode() in args

    def ready_url(self, http_port: int) -> str:
        return f"http://{HOST}:{http_port}/"

    def log_file(self, root: Path) -> Path:
        return root / "logs" / "neo4j.log"

    def ensure_database(self, http_port: int, password: str, database: str | None) -> bool:
        if database in (None, HOME_DATABASE):
            return False
        raise ServerError(f"Neo4j Community has one database, {HOME_DATABASE!r}, and cannot create {database!r}; "
                          f"unset PLATFORM_DATABASE (or --database) to use it")


ENGINE = register(Neo4jCommunity())
