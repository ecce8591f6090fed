"""Settings precedence: defaults < platform.toml < environment < flags; secrets never shown."""

from pathlib import Path

import pytest

from repurpose.config import load_settings
from repurpose.errors import ConfigError


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(cwd=tmp_path, env={})
    assert s.uri == "embedded" and s.database is None and s.data_dir == Path("platform-data")
    assert s.encoder == "all-MiniLM-L6-v2"


def test_precedence(tmp_path: Path) -> None:
    (tmp_path / "platform.toml").write_text('[platform]\ndatabase = "from_file"\nllm_model = "file-model"\n'
                                            'encoder = "file-encoder"\n')
    env = {"PLATFORM_DATABASE": "from_env", "PLATFORM_LLM_MODEL": "env-model"}
    s = load_settings({"database": "from_flag"}, cwd=tmp_path, env=env)
    assert s.database == "from_flag"
    assert s.llm_model == "env-model"
    assert s.encoder == "file-encoder"


def test_secrets_masked_and_not_in_repr(tmp_path: Path) -> None:
    s = load_settings(cwd=tmp_path, env={"PLATFORM_PASSWORD": "hunter2", "OPENAI_API_KEY": "sk-secret"})
    assert s.password == "hunter2" and s.llm_api_key == "sk-secret"
    assert "hunter2" not in repr(s) and "sk-secret" not in repr(s)
    assert s.to_dict()["password"] == "***" and s.to_dict()["llm_api_key"] == "***"


def test_secret_in_file_refused(tmp_path: Path) -> None:
    (tmp_path / "platform.toml").write_text('llm_api_key = "sk-1"\n')
    with pytest.raises(ConfigError, match="do not store secrets"):
        load_settings(cwd=tmp_path, env={})


def test_bad_values(tmp_path: Path) -> None:
    (tmp_path / "platform.toml").write_text("not toml [[[")
    with pytest.raises(ConfigError, match="platform.toml: not valid TOML"):
        load_settings(cwd=tmp_path, env={})
    (tmp_path / "platform.toml").write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings(cwd=tmp_path, env={})
    (tmp_path / "platform.toml").unlink()
    with pytest.raises(ConfigError, match="neither 'embedded' nor a bolt"):
        load_settings({"uri": "http://localhost:7474"}, cwd=tmp_path, env={})
