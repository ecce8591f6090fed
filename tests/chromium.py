"""Headless Chromium (Debian's ``chromium``) driven by Playwright, for pages seen as a person sees them.

Screenshots go to ``PLATFORM_TEST_ARTIFACTS`` (default ``artifacts/`` in the repository, ignored by
git). Playwright never downloads a browser here: it launches the system's Chromium, with the flags
that keep it off this offline machine's network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import pytest

ARTIFACTS = Path(os.environ.get("PLATFORM_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def executable() -> str:
    """The Chromium binary (``.ci/run`` installs Debian's package when it is missing)."""
    found = os.environ.get("PLATFORM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("no Chromium: install it (apt-get install chromium) or set PLATFORM_CHROMIUM")
    return found


@dataclass
class Seen:
    """What went wrong on a page: console errors, uncaught exceptions, requests that failed (by URL)."""

    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def local_failures(self) -> list[str]:
        """Failed requests to this machine (the page's own server); other hosts are unreachable here."""
        return [url for url in self.failed if urlparse(url).hostname in ("127.0.0.1", "localhost")]


@contextlib.contextmanager
def page(width: int = 1400, height: int = 1000) -> Iterator[tuple[object, Seen]]:
    """A new page and what goes wrong on it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable(), args=FLAGS)
        try:
            tab = browser.new_page(viewport={"width": width, "height": height})
            seen = Seen()
            tab.on("console", lambda message: seen.console.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda exc: seen.exceptions.append(str(exc)))
            tab.on("requestfailed", lambda request: seen.failed.append(request.url))
            yield tab, seen
        finally:
            browser.close()


def screenshot(tab: object, name: str) -> Path:
    """Save the page as ``<artifacts>/<name>.png``; its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
    return path
