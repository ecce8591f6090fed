"""``platform query NAME``: run a named query of the cypher/ library, read-only; ``--list`` shows them."""

from __future__ import annotations

import click

from repurpose.cli_support import emit, format_table, graph_options, json_option, parse_params
from repurpose.config import Settings
from repurpose.errors import QueryError


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A declared parameter of the query; repeat for more (disease=\"Alzheimer's disease\").")
@click.option("--list", "list_queries", is_flag=True, help="List the queries, their parameters and what they answer.")
@click.option("--limit", type=int, default=1000, show_default=True, help="At most this many rows printed.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds before the query is cancelled.")
@graph_options
@json_option
def command(name: str | None, params: tuple[str, ...], list_queries: bool, limit: int, timeout: float,
            settings: Settings, as_json: bool) -> None:
    """Run the library query NAME (cypher/*.cypher) and print its rows.

    Entity parameters take an id or a name (case-insensitive); run parameters default to the
    most recently written run. Queries run read-only.

    \b
    Examples:
      platform query --list
      platform query top_predictions_for_disease --param disease="Alzheimer's disease"
      platform query explain_prediction --param compound=Donepezil --param disease="Parkinson's disease"
      platform query compare_runs --param run_a=RUN1 --param run_b=RUN2 --json
    """
    from repurpose import querylib

    if list_queries or not name:
        queries = [{"name": q.name, "description": q.description, "file": q.file,
                    "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                               for p in q.params]} for q in querylib.library().values()]
        if not list_queries:
            raise QueryError("name a query; available: " + ", ".join(q["name"] for q in queries)
                             + " (`platform query --list` describes them)")

        def human() -> None:
            for q in queries:
                click.echo(f"{q['name']}  ({q['file']})\n  {q['description']}")
                for p in q["params"]:
                    default = "required" if p["default"] is None else f"default {p['default']}"
                    click.echo(f"    --param {p['name']}=...  {p['type']}, {default}: {p['description']}")
        emit({"queries": queries, "count": len(queries)}, as_json, human)
        return
    from repurpose.store import open_store

    with open_store(settings) as store:
        columns, rows, resolved = querylib.run(store, name, parse_params(params), limit=limit, timeout=timeout)
    emit({"query": name, "params": resolved, "columns": columns, "rows": rows, "count": len(rows)}, as_json,
         lambda: click.echo(format_table(rows, columns)))
