"""One root exception for everything the platform raises on purpose.

Each error says what went wrong, where, and what to do next; the CLI prints it as one line.
"""

from __future__ import annotations


class RepurposeError(Exception):
    """Base class: a failure the user can act on (printed without a traceback)."""


class ConfigError(RepurposeError):
    """A setting is missing, malformed or contradictory."""


class ParameterError(ConfigError):
    """A parameter of a call has a bad value or clashes with another; the CLI shows it as a usage error of its flag."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter, self.message = parameter, message


class ServerError(RepurposeError):
    """The embedded graph server cannot be started, found or stopped."""


class GraphUnavailable(RepurposeError):
    """The graph server cannot be reached or refuses our credentials."""


class QueryError(RepurposeError):
    """A Cypher query failed or was refused (e.g. a write in a read-only session)."""


#: Characters of an InputError's own message (before the file position and the offending text).
MAX_MESSAGE = 500


class InputError(RepurposeError):
    """Bad input data: names the file, line and offending text."""

    def __init__(self, message: str, *, path: object = None, line: int | None = None,
                 text: str | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f":{line}"
            where += ": "
        shown = ""
        if text is not None:
            snippet = text if len(text) <= 120 else text[:117] + "..."
            shown = f" [{snippet!r}]"
        if len(message) > MAX_MESSAGE:  # a message quoting a huge field stays readable
            message = message[:MAX_MESSAGE - 3] + "..."
        super().__init__(f"{where}{message}{shown}")
        self.path = path
        self.line = line
        self.text = text
