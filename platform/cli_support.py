"""Shared pieces of every CLI command: graph options, ``--json``, and one way to print results."""

from __future__ import annotations

import functools
import json
import math
from typing import Any, Callable, Iterable, Sequence

import click

from repurpose.config import load_settings

GRAPH_OPTIONS = ("uri", "user", "password", "database", "data_dir")


def graph_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --uri/--user/--password/--database/--data-dir and pass ``settings`` to the command."""
    @click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                  help="Where the embedded server, caches and runs live [PLATFORM_DATA_DIR; default ./platform-data].")
    @click.option("--database", default=None, help="Database name [PLATFORM_DATABASE; default: the server's home database, "
                       "kg on the embedded ArcadeDB, neo4j on Neo4j].")
    @click.option("--password", default=None, help="Graph password [PLATFORM_PASSWORD]; not needed for embedded.")
    @click.option("--user", default=None, help="Graph user [PLATFORM_USER; default neo4j; embedded: the server's own].")
    @click.option("--uri", default=None, metavar="URI",
                  help="'embedded' (the server `platform db start` runs: ArcadeDB by default, or Neo4j) "
                       "or bolt://host:7687 for a Neo4j you run [PLATFORM_URI].")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        overrides = {name: kwargs.pop(name) for name in GRAPH_OPTIONS}
        ctx = click.get_current_context()
        root = ctx.find_root()
        overrides["debug"] = bool(root.params.get("debug")) or None
        kwargs["settings"] = load_settings(overrides)
        return func(*args, **kwargs)
    return wrapper


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json``: print one JSON object as the last line of stdout (passed as ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON object with the result as the last line of stdout.")(func)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def emit(result: dict[str, Any], as_json: bool, human: str | Callable[[], None] | None = None) -> None:
    """Print ``result`` as JSON (one line) or for people (``human`` text or callable, else key: value)."""
    if as_json:
        click.echo(json.dumps(_clean(result), default=str, sort_keys=False))
        return
    if callable(human):
        human()
    elif human is not None:
        click.echo(human)
    else:
        for key, value in result.items():
            click.echo(f"{key}: {value}")


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None,
                 floatfmt: str = ".4g", max_width: int = 80) -> str:
    """A plain aligned text table of ``rows`` (dicts) under ``columns``; cells cut at ``max_width`` characters."""
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return format(v, floatfmt)
        if isinstance(v, (list, dict)):
            text = json.dumps(v, default=str)
        else:
            text = "" if v is None else str(v)
        return text if len(text) <= max_width else text[:max_width - 3] + "..."

    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line, sep] + ["  ".join(v.ljust(w) for v, w in zip(b, widths)) for b in body])


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """``k=v`` pairs to a dict; values that parse as JSON (numbers, lists, true) keep their type."""
    params: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        key, raw = pair.split("=", 1)
        try:
            params[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[key.strip()] = raw
    return params


def warn(message: str) -> None:
    """A note for people on stderr (never on stdout, which may carry JSON)."""
    click.echo(message, err=True)

