"""The ``platform`` command: one click group; each module of ``repurpose.commands`` adds a command.

A module there defines ``command`` (a click command or group). Errors the platform raises on
purpose become a one-line ``Error:`` on stderr and exit code 1, a bad parameter (``ParameterError``)
a usage error of its flag and exit code 2; ``--debug`` shows the traceback. Commands leave this
translation to the group.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys

import click

from repurpose import commands
from repurpose.about import __version__
from repurpose.errors import ParameterError, RepurposeError
from repurpose.openmp import prefer_passive_waits

prefer_passive_waits()  # before any command loads torch


class PlatformGroup(click.Group):
    """The root group: each module of ``repurpose.commands`` is the command of its name, imported only when
    that command runs (or the root's ``--help`` lists them all); the platform's errors are translated here."""

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted(info.name for info in pkgutil.iter_modules(commands.__path__))

    def get_command(self, ctx: click.Context | None, name: str) -> click.Command | None:
        if name not in self.list_commands(ctx):
            return None
        command = getattr(importlib.import_module(f"{commands.__name__}.{name}"), "command", None)
        return command if isinstance(command, click.Command) else None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RepurposeError as exc:
            if ctx.params.get("debug"):
                raise
            raise self._click_error(ctx, exc) from None
        except KeyboardInterrupt:
            click.echo("\ninterrupted; run the same command again to resume where it stopped", err=True)
            sys.exit(130)

    def _click_error(self, ctx: click.Context, exc: RepurposeError) -> click.ClickException:
        """The one translation of the platform's errors for people: a bad parameter is a usage error of the
        command, shown under its flag (exit 2); anything else one ``Error:`` line (exit 1)."""
        if not isinstance(exc, ParameterError):
            return click.ClickException(str(exc))
        name = ctx.invoked_subcommand
        command = self.get_command(ctx, name) if name else None
        if command is None:
            return click.UsageError(str(exc), ctx)
        flag = "--" + exc.parameter.replace("_", "-")
        shown = flag if any(flag in param.opts for param in command.params) else exc.parameter
        return click.UsageError(f"{shown}: {exc.message}", click.Context(command, info_name=name, parent=ctx))


@click.group(cls=PlatformGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors (secrets stay masked).")
@click.version_option(__version__, prog_name="platform")
def cli(debug: bool) -> None:
    """A knowledge-graph platform for drug repurposing.

    Load a biomedical graph (Hetionet, DRKG, PrimeKG, triples), enrich concepts with LLM-written
    descriptions, embed them, train LLaDR knowledge-graph embeddings, write predicted treatments
    back, and query them with Cypher or plain questions.

    \b
    Quick start (embedded graph server, offline):
      platform demo --quick
      platform db status
      platform cypher "MATCH (c:Compound)-[p:PREDICTED_TREATS]->(d:Disease) RETURN c.name, d.name, p.score LIMIT 5"
    """
    # The driver logs each retry and dropped connection on stderr; our own error says what happened in one
    # line, so its warnings only show with --debug.
    logging.getLogger("neo4j").setLevel(logging.WARNING if debug else logging.CRITICAL)


def main() -> None:
    """Console entry point. Ends the process without Python's teardown, which frees every object one by
    one (0.5 s after a question on full Hetionet, a fifth of `platform ask`): each command has closed its
    files and connections when it returns, and the output is flushed here first."""
    try:
        cli(prog_name="platform")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not isinstance(code, int):  # sys.exit(None) is success, sys.exit("message") prints it and fails
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away (`| head`) or the stream is closed
            pass
    os._exit(code)
