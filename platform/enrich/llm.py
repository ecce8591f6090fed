"""The LLM: LangChain's ``ChatOpenAI`` over any OpenAI-compatible endpoint, with our own retries.

The client's built-in retries are off (``max_retries=0``) so that one policy decides: 429, 5xx,
timeouts and dropped connections are retried with exponential backoff and jitter (a 429's
``Retry-After`` is honoured and pauses every worker, not just the one that hit it); a wrong key
(401/403) or unknown model (404) stops the run at once, since no later request could succeed.
The API key is handed to the client and never printed, logged or put in a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator

from repurpose.config import Settings
from repurpose.errors import ConfigError, RepurposeError

#: Placeholder key for local servers (Ollama, vLLM, llama.cpp) that do not check one.
NO_KEY = "not-needed"
OPENAI_URL = "https://api.openai.com/v1"


class EndpointError(RepurposeError):
    """The LLM endpoint cannot serve any request (down, wrong key, unknown model): stop the run."""


class RetryableError(Exception):
    """A failure worth another try; ``retry_after`` is the server's requested wait, if any."""

    def __init__(self, reason: str, retry_after: float | None = None, fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.fatal = fatal  # when retries run out, no other request can succeed either


class RequestFailed(Exception):
    """A failure of this one request that a retry would not fix (e.g. 400 context too long)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait: ``base * 2**attempt`` capped, with full jitter in [50%, 100%]."""

    max_retries: int = 4
    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None, rand: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based); ``Retry-After`` wins when larger."""
        rand = random.random() if rand is None else rand
        backoff = min(self.cap, self.base * 2 ** attempt) * (0.5 + rand / 2)
        if retry_after is not None:
            return max(min(retry_after, self.cap), backoff)
        return backoff


@dataclass(frozen=True)
class Answer:
    """An answer's text and the tokens the server reported (0 when it reports none)."""

    text: str
    tokens: int = 0


def endpoint_of(settings: Settings) -> tuple[str, str]:
    """(base URL, API key) from settings, or ConfigError when no endpoint is configured."""
    if not settings.llm_base_url and not settings.llm_api_key:
        raise ConfigError("no LLM endpoint configured: set PLATFORM_LLM_BASE_URL (e.g. http://localhost:11434/v1 "
                          "for Ollama) or OPENAI_API_KEY for OpenAI, or import text with --from-file")
    return settings.llm_base_url or OPENAI_URL, settings.llm_api_key or NO_KEY


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _connection_failed(exc: BaseException | None) -> bool:
    """Whether a refused or reset connection lies under ``exc``: the SDK's aiohttp transport reports
    "connection refused" as a connect *timeout*, which must still count as an unreachable endpoint."""
    while exc is not None:
        if isinstance(exc, ConnectionError) or isinstance(getattr(exc, "os_error", None), ConnectionError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def classify(exc: BaseException, base_url: str, model: str) -> Exception:
    """Map an ``openai`` exception to EndpointError (stop), RetryableError or RequestFailed."""
    import openai

    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return EndpointError(f"the LLM endpoint {base_url} refused the API key ({exc.status_code}); "
                             "set PLATFORM_LLM_API_KEY or OPENAI_API_KEY")
    if isinstance(exc, openai.NotFoundError):
        return EndpointError(f"model {model!r} not found at {base_url} (404); check --model / PLATFORM_LLM_MODEL "
                             "and that the base URL ends in /v1")
    if isinstance(exc, openai.RateLimitError):
        return RetryableError("rate limited (429)", _retry_after(exc))
    if isinstance(exc, openai.APITimeoutError) and not _connection_failed(exc):
        return RetryableError("timed out")
    if isinstance(exc, openai.APIConnectionError):
        return RetryableError(f"cannot reach the LLM endpoint {base_url}; is the server running?", fatal=True)
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500 or exc.status_code in (408, 409):
            return RetryableError(f"server error ({exc.status_code})", _retry_after(exc))
        return RequestFailed(f"refused ({exc.status_code})")
    return RequestFailed(f"{type(exc).__name__}")


class ChatLLM:
    """Async chat completions through LangChain, one prompt in, one ``Answer`` out."""

    def __init__(self, settings: Settings, timeout: float = 60.0, max_tokens: int | None = 400,
                 temperature: float = 0.0) -> None:
        self.base_url, self._key = endpoint_of(settings)
        self.model = settings.llm_model
        self._options = {"timeout": timeout, "max_tokens": max_tokens, "temperature": temperature}
        self._chat: Any = None
        self._paused_until = 0.0

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator["ChatLLM"]:
        """Open the chat model with an HTTP client of its own, bound to the running event loop.

        LangChain otherwise shares one cached client per process, which breaks on the second
        ``asyncio.run`` (its connections belong to a closed loop). The client is the SDK's aiohttp
        transport: about 1 ms less CPU per request than its default httpx one (docs/enrich.md).
        """
        import openai
        from langchain_openai import ChatOpenAI

        http = openai.DefaultAioHttpClient()
        self._chat = ChatOpenAI(base_url=self.base_url, api_key=self._key, model=self.model, max_retries=0,
                                http_async_client=http, **self._options)
        try:
            yield self
        finally:
            self._chat = None
            await http.aclose()

    async def ask(self, prompt: str) -> Answer:
        """One request; raises EndpointError, RetryableError or RequestFailed on failure."""
        from langchain_core.messages import HumanMessage

        assert self._chat is not None, "use `async with llm.session():` around requests"
        wait = self._paused_until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            message = await self._chat.ainvoke([HumanMessage(content=prompt)])
        except Exception as exc:  # the openai SDK's errors, classified below
            error = classify(exc, self.base_url, self.model)
            if isinstance(error, RetryableError) and error.retry_after:
                self._paused_until = max(self._paused_until, time.monotonic() + error.retry_after)
            raise error from exc
        usage = message.usage_metadata or {}
        content = message.content if isinstance(message.content, str) else str(message.content)
        return Answer(content, int(usage.get("total_tokens") or 0))
