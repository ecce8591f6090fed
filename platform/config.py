"""Settings in one place: defaults < ``platform.toml`` < ``PLATFORM_*`` environment < flags.

Secrets (graph password, LLM API key) are held in the settings but never shown: ``public()``
masks them, and ``__repr__`` does too, so they cannot leak into logs, reports or ``--debug``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from repurpose.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EMBEDDED = "embedded"
CONFIG_FILE = "platform.toml"
ENV_PREFIX = "PLATFORM_"
SECRET_FIELDS = frozenset({"password", "llm_api_key"})
#: Environment variables read for the LLM key when PLATFORM_LLM_API_KEY is not set.
LLM_KEY_FALLBACKS = ("OPENAI_API_KEY",)


@dataclass(frozen=True)
class Settings:
    """Every knob the platform reads. ``uri='embedded'`` means the server ``platform db`` runs.

    ``database`` None means the server's home one (``kg`` on the embedded ArcadeDB, ``neo4j`` on
    Neo4j); ``engine`` None means the one running in (or last started in) the data directory.
    """

    uri: str = EMBEDDED
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    data_dir: Path = Path("platform-data")
    engine: str | None = None
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = field(default=None, repr=False)
    encoder: str = "all-MiniLM-L6-v2"
    debug: bool = False

    @property
    def embedded(self) -> bool:
        """True when the graph is the server managed by ``platform db`` (ArcadeDB or Neo4j)."""
        return self.uri == EMBEDDED

    @property
    def runs_dir(self) -> Path:
        """``<data_dir>/runs``: one directory per training run (``repurpose.trainers.runs.RunDir``)."""
        return Path(self.data_dir) / "runs"

    @property
    def exports_dir(self) -> Path:
        """``<data_dir>/exports``: graph exports for training, cached by the graph's fingerprint."""
        return Path(self.data_dir) / "exports"

    @property
    def cache_dir(self) -> Path:
        """``<data_dir>/cache``: caches any command may rebuild (e.g. the question answering's)."""
        return Path(self.data_dir) / "cache"

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values with secrets masked: safe to print or store."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in SECRET_FIELDS:
                value = "***" if value else None
            elif isinstance(value, Path):
                value = str(value)
            out[f.name] = value
        return out

    def replace(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied (``None`` values are ignored, like unset flags)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


_FIELD_TYPES = {f.name: f.type for f in fields(Settings)}


def _coerce(name: str, value: Any, source: str) -> Any:
    if name not in _FIELD_TYPES:
        raise ConfigError(f"{source}: unknown setting {name!r}; known: {', '.join(sorted(_FIELD_TYPES))}")
    if name == "data_dir":
        return Path(str(value)).expanduser()
    if name == "debug":
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    if not isinstance(value, (str, int, float)):
        raise ConfigError(f"{source}: setting {name!r} must be a string, got {type(value).__name__}")
    return str(value)


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    section = raw.get("platform", raw)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [platform] must be a table")
    if "llm_api_key" in section or "password" in section:
        # Secrets in a file that people commit is how keys leak; the environment is the place.
        raise ConfigError(f"{path}: do not store secrets here; set PLATFORM_PASSWORD / PLATFORM_LLM_API_KEY")
    return {k: _coerce(k, v, str(path)) for k, v in section.items()}


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _FIELD_TYPES:
        key = ENV_PREFIX + name.upper()
        if env.get(key):
            out[name] = _coerce(name, env[key], key)
    if "llm_api_key" not in out:
        for key in LLM_KEY_FALLBACKS:
            if env.get(key):
                out["llm_api_key"] = env[key]
                break
    return out


def load_settings(overrides: Mapping[str, Any] | None = None, *, cwd: Path | None = None,
                  env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings: defaults, then ``platform.toml`` in ``cwd``, then environment, then ``overrides``."""
    cwd = Path.cwd() if cwd is None else cwd
    env = os.environ if env is None else env
    merged: dict[str, Any] = {}
    merged.update(_from_file(cwd / CONFIG_FILE))
    merged.update(_from_env(env))
    for name, value in (overrides or {}).items():
        if value is not None:
            merged[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    settings = Settings(**merged)
    if not settings.embedded and not settings.uri.startswith(("bolt://", "bolt+s://", "bolt+ssc://",
                                                              "neo4j://", "neo4j+s://", "neo4j+ssc://")):
        raise ConfigError(f"graph URI {settings.uri!r} is neither 'embedded' nor a bolt:// or neo4j:// URI")
    return settings
