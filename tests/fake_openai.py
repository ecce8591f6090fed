"""The one test double: a small local HTTP server speaking the OpenAI chat-completions API.

Started by a test on 127.0.0.1 with a free port, in a thread (``with FakeOpenAI(...) as fake``),
or as a separate process for benchmarks (``python tests/fake_openai.py --port 0 --latency 0.1``).
It serves ``POST /v1/chat/completions`` and ``GET /v1/models``, checks the bearer key (401) and
the model (404), and answers deterministically from the prompt: the entity name is found in the
prompt's ``'{name} is a ...'`` form and the answer is ``"{name} is a ..."``. Behaviour is
scriptable per test (latency, 429 with Retry-After, 500, hang, empty, garbage, markdown, failing
for good after K requests, per-name failures), and every request is recorded (body, start and end
time) with the most requests ever in flight at once, so tests can assert what was sent and how.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

NAME_IN_PROMPT = re.compile(r"'(.+?) is an? \.\.\.'")
#: What a scripted action does: an HTTP status, or a kind of 200 answer.
ACTIONS = ("ok", "429", "500", "hang", "empty", "garbage", "markdown", "refusal")


@dataclass
class Recorded:
    """One request as the server saw it."""

    path: str
    body: dict[str, Any]
    start: float
    end: float = 0.0
    status: int = 0

    @property
    def prompt(self) -> str:
        messages = self.body.get("messages") or [{}]
        return str(messages[-1].get("content", ""))


@dataclass
class FakeOpenAI:
    """Configure, then ``start()`` (or use as a context manager); ``base_url`` ends in ``/v1``."""

    api_key: str = "sk-test-fake"
    models: tuple[str, ...] = ("fake-model",)
    latency: float = 0.0
    retry_after: float = 0.05
    hang_seconds: float = 3.0
    #: Actions for the next requests, in order (then "ok").
    script: list[str] = field(default_factory=list)
    #: Action for every request whose prompt names this entity.
    by_name: dict[str, str] = field(default_factory=dict)
    #: After this many chat requests, every further one gets ``fail_action``.
    fail_after: int | None = None
    fail_action: str = "500"
    #: When set, the text of every 200 answer is ``responder(request body)`` (scripted dialogues, e.g. RAG).
    responder: Callable[[dict[str, Any]], str] | None = None
    requests: list[Recorded] = field(default_factory=list)
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._chat_count = 0
        self._server: ThreadingHTTPServer | None = None
        self._port = 0
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self, port: int = 0) -> "FakeOpenAI":
        """Serve on 127.0.0.1 (``port`` 0: a free one) in a daemon thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 256
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port served (kept after ``stop()``, so a test can aim at a closed port)."""
        assert self._port, "start() the server first"
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def env(self, model: str | None = None) -> dict[str, str]:
        """PLATFORM_* variables that point the CLI at this server."""
        return {"PLATFORM_LLM_BASE_URL": self.base_url, "PLATFORM_LLM_API_KEY": self.api_key,
                "PLATFORM_LLM_MODEL": model or self.models[0]}

    # -- what tests read ------------------------------------------------------------------------
    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def prompts(self) -> list[str]:
        return [r.prompt for r in self.chat_requests]

    # -- behaviour --------------------------------------------------------------------------------
    def _next_action(self, prompt: str) -> str:
        with self._lock:
            self._chat_count += 1
            if self.fail_after is not None and self._chat_count > self.fail_after:
                return self.fail_action
            if self.script:
                return self.script.pop(0)
        name = entity_name(prompt)
        return self.by_name.get(name, "ok")

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


def entity_name(prompt: str) -> str:
    """The entity a prompt asks about (from its ``'X is a ...'`` form), else its first 40 characters."""
    match = NAME_IN_PROMPT.search(prompt)
    return match.group(1) if match else prompt[:40]


def answer_for(prompt: str, model: str, action: str = "ok") -> str:
    """The deterministic answer text for ``prompt`` under a 200 ``action``."""
    name = entity_name(prompt)
    if action == "empty":
        return ""
    if action == "garbage":
        return "#### ---- %%%% 1234 5678 !!!! ???? ////"
    if action == "refusal":
        return "I'm sorry, but I cannot help with describing that entity today."
    text = (f"{name} is a biomedical entity described here by the fake model {model}; the answer is built "
            f"from the prompt of {len(prompt.split())} words, so tests can check it was written.")
    if action == "markdown":
        return f"## {name}\n\n**{name}** is a *biomedical entity* described by `{model}`.\n- built from the prompt\n"
    return text


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY, as real servers (uvicorn, Go's net/http) set it: http.server sends headers and body
    # in two writes, and with Nagle's algorithm the body waited for the client's delayed ACK (~40 ms
    # per request: 100 ms of simulated latency took 145 ms, capping 16 in flight at ~100/s).
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.fake.api_key}":
            return True
        self._send(401, _error("Incorrect API key provided.", "invalid_api_key"))
        return False

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        record = Recorded(self.path, {}, time.perf_counter())
        self.fake.requests.append(record)
        if not self._authorised():
            record.status = 401
            return
        if self.path.rstrip("/").endswith("/v1/models"):
            record.status = 200
            self._send(200, {"object": "list", "data": [{"id": m, "object": "model", "created": 0,
                                                         "owned_by": "fake"} for m in self.fake.models]})
        else:
            record.status = 404
            self._send(404, _error(f"no route {self.path}", "not_found"))

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            body = {}
        record = Recorded(self.path, body, time.perf_counter())
        self.fake.requests.append(record)
        self.fake._enter()
        try:
            record.status = self._chat(body)
        except (BrokenPipeError, ConnectionResetError):
            record.status = -1  # the client gave up (timeout)
        finally:
            record.end = time.perf_counter()
            self.fake._leave()

    def _chat(self, body: dict[str, Any]) -> int:
        fake = self.fake
        if not self.path.rstrip("/").endswith("/v1/chat/completions"):
            self._send(404, _error(f"no route {self.path}", "not_found"))
            return 404
        if not self._authorised():
            return 401
        model = body.get("model")
        if model not in fake.models:
            self._send(404, _error(f"The model `{model}` does not exist or you do not have access to it.",
                                   "model_not_found"))
            return 404
        prompt = str((body.get("messages") or [{}])[-1].get("content", ""))
        action = fake._next_action(prompt)
        if fake.latency:
            time.sleep(fake.latency)
        if action == "429":
            self._send(429, _error("Rate limit reached; slow down.", "rate_limit_exceeded"),
                       {"Retry-After": f"{fake.retry_after:g}"})
            return 429
        if action == "500":
            self._send(500, _error("The server had an error while processing your request.", "server_error"))
            return 500
        if action == "hang":
            time.sleep(fake.hang_seconds)
        text = fake.responder(body) if fake.responder and action == "ok" else answer_for(prompt, model, action)
        prompt_tokens, completion_tokens = len(prompt.split()), len(text.split())
        self._send(200, {
            "id": f"chatcmpl-fake{len(fake.requests)}", "object": "chat.completion", "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        })
        return 200


def main() -> None:
    """Run the fake as its own process (benchmarks); prints its base URL, then serves until killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--api-key", default="sk-test-fake")
    parser.add_argument("--model", default="fake-model")
    args = parser.parse_args()
    fake = FakeOpenAI(api_key=args.api_key, models=(args.model,), latency=args.latency).start(args.port)
    print(fake.base_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
