"""``platform db start|stop|status``: manage the embedded graph server (ArcadeDB or Neo4j) and inspect any graph."""

from __future__ import annotations

import click

from repurpose import engines, server
from repurpose.cli_support import emit, format_table, graph_options, json_option
from repurpose.config import Settings
from repurpose.errors import ConfigError
from repurpose.heap import default_heap
from repurpose.store import open_store


def _require_embedded(settings: Settings, verb: str) -> None:
    if not settings.embedded:
        raise ConfigError(f"`platform db {verb}` manages the embedded server; the URI is {settings.uri} "
                          "(start that server yourself, e.g. `docker compose up -d`)")


@click.group()
def command() -> None:
    """Start, stop and inspect the graph server.

    \b
    The embedded server runs on 127.0.0.1 with its files and a generated password under the data
    directory. Its engine is ArcadeDB speaking Bolt (the default: nothing to install) or Neo4j 5.26
    Community with Neo4j Browser and APOC (`--engine neo4j`: needs Java 17+ and Maven, which fetch
    its jars once). Other commands start the engine last started in the data directory when needed.
    """


command.name = "db"


@command.command()
@click.option("--engine", type=click.Choice(sorted(engines.ENGINES)), default=None,
              help="Server to run [PLATFORM_ENGINE; default: the one last started here, else arcadedb].")
@click.option("--port", type=int, default=None, help="Bolt port (default 7687 or the next free one).")
@click.option("--http-port", type=int, default=None,
              help="HTTP port: ArcadeDB's API (default 2480) or Neo4j Browser (default 7474), or the next free one.")
@click.option("--heap", default=None, metavar="SIZE",
              help=f"Java heap of the server, e.g. 6g or 512m [PLATFORM_SERVER_HEAP; default: a quarter of this "
                   f"machine's memory within 2-31g, here {default_heap()}]. Full Hetionet loads in 2g; see README, "
                   "'How big a graph' for larger ones.")
@graph_options
@json_option
def start(engine: str | None, port: int | None, http_port: int | None, heap: str | None, settings: Settings,
          as_json: bool) -> None:
    """Start the embedded graph server in the background.

    \b
    Examples:
      platform db start                  # ArcadeDB, database kg
      platform db start --engine neo4j   # Neo4j, database neo4j; Browser at http://127.0.0.1:7474/browser/
    """
    _require_embedded(settings, "start")
    state = server.start(settings, engine=engine or settings.engine, bolt_port=port, http_port=http_port, heap=heap)
    with open_store(settings) as store:
        store.apply_schema()
        database = store.database
    chosen = engines.get(state.engine)
    result = {"uri": state.uri, "pid": state.pid, "engine": chosen.name, "http_port": state.http_port,
              "heap": state.heap, "user": chosen.user, "data_dir": str(settings.data_dir), "database": database}
    emit(result, as_json, f"embedded {chosen.title} server up at {state.uri} (pid {state.pid}, database "
                          f"{database!r}, files in {state.root})\nbrowse: {server.console(settings, state)}")


@command.command()
@graph_options
@json_option
def stop(settings: Settings, as_json: bool) -> None:
    """Stop the embedded graph server. Example: platform db stop"""
    _require_embedded(settings, "stop")
    state = server.stop(settings)
    result = {"stopped": state is not None, "pid": state.pid if state else None}
    emit(result, as_json, f"stopped the embedded {engines.get(state.engine).title} server (pid {state.pid})" if state
         else "no embedded server was running for this data directory")


@command.command()
@graph_options
@json_option
def status(settings: Settings, as_json: bool) -> None:
    """Show the server (URI, name, version, edition, features) and node/relationship counts.

    Example: platform db status --json"""
    state = server.read_state(settings) if settings.embedded else None
    if settings.embedded and state is None:
        emit({"running": False, "uri": None}, as_json,
             "the embedded server is not running; `platform db start` starts it")
        return
    with open_store(settings) as store:
        caps = store.capabilities
        counts = store.counts()
        result = {"running": True, "uri": store.uri, "database": store.database, "agent": caps.agent,
                  "server": caps.server, "version": caps.version, "edition": caps.edition,
                  "vector_index": caps.vector_index, "apoc": caps.apoc, "heap": state.heap if state else None,
                  "nodes": counts["labels"], "relationships": counts["relationships"]}

    def human() -> None:
        click.echo(f"uri:      {result['uri']}  (database {result['database']!r})")
        edition = f" {caps.edition} edition" if caps.edition else ""
        click.echo(f"server:   {caps.server} {caps.version}{edition}  ({caps.agent})")
        click.echo(f"features: vector index {'yes' if caps.vector_index else 'no'}, APOC {'yes' if caps.apoc else 'no'}")
        if result["heap"]:
            click.echo(f"heap:     {result['heap']}  (`platform db start --heap` sets it)")
        click.echo("\nnodes per label")
        click.echo(format_table([{"label": k, "count": v} for k, v in counts["labels"].items()]))
        click.echo("\nrelationships per type")
        click.echo(format_table([{"type": k, "count": v} for k, v in counts["relationships"].items()]))

    emit(result, as_json, human)
