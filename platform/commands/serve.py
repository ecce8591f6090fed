"""``platform serve``: browse the predictions in the graph in a local, read-only web explorer."""

from __future__ import annotations

import click

from repurpose.cli_support import graph_options
from repurpose.config import Settings
from repurpose.explorer import DEFAULT_PORT


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one (the address printed says which).")
@click.option("--run", "run", default=None, metavar="RUN_ID",
              help="The run pages show unless one is picked there (default: the latest written run).")
@graph_options
def command(port: int, run: str | None, settings: Settings) -> None:
    """Serve a read-only explorer of the predicted treatments on http://127.0.0.1:PORT/.

    Pages: the runs with predictions (and their `platform report`), a search over disease and
    compound names, each disease's ranked predicted compounds (and each compound's diseases),
    known vs novel, with the graph evidence of a prediction drawn when its row is opened; two runs
    side by side; and the query library of cypher/ with a form per query. Every query runs in a
    read transaction; only this machine can connect. Ctrl-C stops it.

    \b
    Examples:
      platform serve                          # then open http://127.0.0.1:8765/
      platform serve --port 0                 # any free port; the first line printed has the address
      platform serve --run 20261123-131500-rotate-llm-3f2a
      platform serve --uri bolt://localhost:7687 --user neo4j --password ...   # a Neo4j you run
    """
    from repurpose.explorer.app import create_server

    server = create_server(settings, port, run)
    try:
        click.echo(f"explorer at {server.url} (graph {server.explorer.store.uri}; Ctrl-C stops it)")
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("explorer stopped", err=True)
    finally:
        server.server_close()
