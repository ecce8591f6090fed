"""The explorer's HTTP server: standard library ``http.server``, loopback only, GET only, one route table.

``create_server`` connects to the graph once and binds the port; ``serve_forever`` then answers each
request in a thread of its own (the driver's connection pool is shared). Errors become pages (or JSON
under /api/) with the right status, never a traceback; unexpected ones are also logged on stderr.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from repurpose import querylib
from repurpose.config import Settings
from repurpose.engines import HOST
from repurpose.errors import GraphUnavailable, ParameterError, QueryError, RepurposeError
from repurpose.explorer import DEFAULT_PORT, views
from repurpose.explorer.views import Explorer, PageError, Response
from repurpose.store import GraphStore

#: Host names a request may be addressed to: another name means a page elsewhere reaching this server
#: through DNS rebinding, refused.
LOCAL_NAMES = frozenset({HOST, "localhost"})
#: Path pattern (matched whole, before unquoting) -> view; the pattern's groups are unquoted and passed on.
ROUTES: list[tuple[re.Pattern[str], Callable[..., Response]]] = [
    (re.compile(r"/"), views.home),
    (re.compile(r"/search"), views.search_page),
    (re.compile(r"/api/search"), views.search_api),
    (re.compile(r"/disease/([^/]+)"), views.disease),
    (re.compile(r"/compound/([^/]+)"), views.compound),
    (re.compile(r"/api/evidence"), views.evidence),
    (re.compile(r"/compare"), views.compare),
    (re.compile(r"/query"), views.library_query),
    (re.compile(r"/runs/([^/]+)/report\.html"), views.report),
    (re.compile(r"/static/([\w.-]+)"), views.static),
]


def answer(explorer: Explorer, target: str, host: str | None) -> Response:
    """The response to ``GET target`` (path and query) sent to ``host``."""
    parts = urlsplit(target)
    try:
        if host and host.rsplit(":", 1)[0] not in LOCAL_NAMES:
            raise PageError(403, "Refused", f"this explorer answers requests to {HOST} only, not to {host!r}")
        for pattern, view in ROUTES:
            found = pattern.fullmatch(parts.path)
            if found:
                fields = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                return view(explorer, fields, *(unquote(g) for g in found.groups()))
        raise PageError(404, "Not found", f"no page at {parts.path}; start at /")
    except PageError as exc:
        error = exc
    except QueryError as exc:
        error = PageError(400, "Cannot answer", str(exc))
    except GraphUnavailable as exc:
        error = PageError(503, "Graph unavailable", str(exc))
    except RepurposeError as exc:
        error = PageError(500, "Error", str(exc))
    except Exception as exc:  # a bug: the page says so in one line, the terminal shows where
        traceback.print_exc(file=sys.stderr)
        error = PageError(500, "Internal error", f"{type(exc).__name__}: {exc} (the terminal shows the traceback)")
    return views.failure(error, parts.path.startswith("/api/"))


class Handler(BaseHTTPRequestHandler):
    """Answers GET through ``answer``; every method that could change something is refused."""

    server: "ExplorerServer"
    protocol_version = "HTTP/1.1"
    server_version = "repurpose-explorer"
    # http.server sends headers and body in two writes: without TCP_NODELAY the body waits for the client's
    # delayed ACK (about 40 ms a request).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._send(answer(self.server.explorer, self.path, self.headers.get("Host")))

    def _refuse(self) -> None:
        """Any method but GET: 405 (nothing here writes); the connection closes, its body unread."""
        self.close_connection = True
        refused = views.data({"error": "the explorer is read-only: it answers GET only"}, 405)
        self._send(dataclasses.replace(refused, headers={"Allow": "GET"}))

    do_POST = do_PUT = do_PATCH = do_DELETE = _refuse

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        headers = {"Content-Type": response.content_type, "Content-Length": str(len(response.body)),
                   "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                   **response.headers}
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """Only failed requests are logged (on stderr), so the terminal shows what went wrong."""
        if isinstance(code, int) and code >= 400:
            super().log_request(code, size)


class ExplorerServer(ThreadingHTTPServer):
    """The HTTP server with the ``Explorer`` its handlers read; closing it closes the graph connection."""

    daemon_threads = True

    def __init__(self, explorer: Explorer, port: int) -> None:
        self.explorer = explorer  # first: a failed bind calls server_close()
        super().__init__((HOST, port), Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a closed tab, a dropped keep-alive connection) is no error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self.explorer.store.close()


def create_server(settings: Settings, port: int = DEFAULT_PORT, run: str | None = None) -> ExplorerServer:
    """Connect to the graph and bind ``HOST:port`` (0: any free port); ``run`` (checked) is the pages' default."""
    store = GraphStore.connect(settings)
    try:
        explorer = Explorer(settings, store, querylib.resolve_run(store, run) if run else None)
        return ExplorerServer(explorer, port)
    except OSError as exc:
        store.close()
        raise ParameterError("port", f"cannot listen on {HOST}:{port} ({exc.strerror}); choose another, "
                                     "or 0 for any free port") from exc
    except BaseException:
        store.close()
        raise
