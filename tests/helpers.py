"""Helpers for CLI tests: run the installed ``platform`` script as a user does, read its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from repurpose.config import Settings

#: The installed console script (not ``python -m`` in the repository root).
PLATFORM = str(Path(sys.executable).parent / "platform")


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 300, input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``platform ARGS`` in a subprocess with only the given PLATFORM_* variables set."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PLATFORM_")}
    full_env.update(env or {})
    return subprocess.run([PLATFORM, *args], capture_output=True, text=True, env=full_env, cwd=cwd,
                          timeout=timeout, input=input)


def graph_env(settings: Settings, **extra: str) -> dict[str, str]:
    """PLATFORM_* variables that point a ``platform`` command at ``settings``' embedded server and database."""
    env = {"PLATFORM_DATA_DIR": str(settings.data_dir), "PLATFORM_URI": "embedded", **extra}
    if settings.engine:
        env["PLATFORM_ENGINE"] = settings.engine
    if settings.database:
        env["PLATFORM_DATABASE"] = settings.database
    return env


def last_json(stdout: str) -> Any:
    """The JSON object on the last line of a ``--json`` command's stdout."""
    return json.loads(stdout.strip().splitlines()[-1])
