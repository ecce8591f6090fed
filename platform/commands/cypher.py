"""``platform cypher``: run any Cypher, read-only unless ``--write``, like cypher-shell."""

from __future__ import annotations

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option, parse_params
from repurpose.config import Settings
from repurpose.store import open_store


@click.command("cypher")
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for more. JSON values keep their type (n=5, ids='[1,2]').")
@click.option("--write", is_flag=True, help="Allow writes (otherwise write clauses are refused).")
@click.option("--limit", type=int, default=1000, show_default=True, help="At most this many rows.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds before the query is cancelled.")
@graph_options
@json_option
def command(query: str, params: tuple[str, ...], write: bool, limit: int, timeout: float,
            settings: Settings, as_json: bool) -> None:
    """Run a Cypher QUERY and print the rows.

    \b
    Examples:
      platform cypher "MATCH (d:Disease) RETURN d.name LIMIT 5"
      platform cypher "MATCH (c:Compound {name: \\$name}) RETURN c.id" --param name=Metformin
      platform cypher "MATCH (n:Scratch) DETACH DELETE n" --write
    """
    with open_store(settings) as store:
        columns, rows = store.run_user_query(query, parse_params(params), write=write, timeout=timeout, limit=limit)
    emit({"columns": columns, "rows": rows, "count": len(rows)}, as_json,
         lambda: click.echo(format_table(rows, columns)))
