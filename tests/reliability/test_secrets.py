"""Secrets: the embedded server is reachable from this machine only, and its password and the LLM
API key appear in no command line, file, report, error message or ``--debug`` traceback.

(tests/cli/test_db.py checks the password file's mode and a wrong password under ``--debug``;
tests/platform/test_compose.py that docker-compose has no default password.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI
from helpers import run_cli

from repurpose import server
from repurpose.engines import arcadedb
from repurpose.config import Settings
from repurpose.store import GraphStore

API_KEY = "sk-SECRET-must-not-leak-7f3a"
PASSWORD = "pw-SECRET-must-not-leak-91c2"
SECRET_ENV = {"PLATFORM_LLM_API_KEY": API_KEY, "OPENAI_API_KEY": API_KEY, "PLATFORM_PASSWORD": PASSWORD}


def listening_addresses(pid: int) -> list[str]:
    """The local addresses (hex, as /proc/net shows them) of the TCP sockets ``pid`` listens on."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:  # closed while we looked
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.append(fields[1].split(":")[0])
    return found


def is_loopback(address: str) -> bool:
    """127.0.0.0/8 (IPv4, or IPv4 mapped into IPv6) or ::1, from /proc/net's little-endian hex."""
    if len(address) == 8:
        return address[6:] == "7F"
    mapped = address.startswith("0000000000000000FFFF0000") and address[30:] == "7F"
    return mapped or address == "00000000000000000000000001000000"


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_every_port_of_the_embedded_server_is_on_loopback(server_settings: Settings) -> None:
    state = server.read_state(server_settings)
    addresses = listening_addresses(state.pid)
    assert len(addresses) >= 2, addresses  # Bolt and HTTP at least
    assert all(is_loopback(a) for a in addresses), addresses


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc")
def test_the_root_password_is_in_no_command_line_and_no_other_file(server_settings: Settings) -> None:
    password = server.root_password(server_settings)
    state = server.read_state(server_settings)
    on_command_line = password.encode() in Path(f"/proc/{state.pid}/cmdline").read_bytes()
    assert not on_command_line  # ps shows a command line to every user (a bool, so a failure shows no password)
    data_dir = Path(server_settings.data_dir).resolve()
    engine = server.engine_of(server_settings)
    holders = [p for p in data_dir.rglob("*") if p.is_file() and not {"databases", "transactions"} & set(p.parts)
               and p.name != engine.password_file and password.encode() in p.read_bytes()]
    assert holders == []
    assert not (Path(state.root) / arcadedb.SECRET_ARGS_FILE).exists()


def test_the_api_key_is_in_no_error_traceback_or_cache(store: GraphStore, cli_env: dict, tmp_path: Path) -> None:
    store.write("CREATE (:Entity:Compound {id: 'Compound::DB00331', name: 'Metformin'})")
    cache = tmp_path / "cache.sqlite"
    with FakeOpenAI(api_key="sk-the-right-one") as fake:
        refused = run_cli("--debug", "enrich", "--cache", str(cache), env={**cli_env, **fake.env(), **SECRET_ENV})
    assert refused.returncode != 0 and "Traceback" in refused.stderr and "refused the API key" in refused.stderr
    assert API_KEY not in refused.stdout + refused.stderr and PASSWORD not in refused.stdout + refused.stderr
    assert not cache.exists() or API_KEY.encode() not in cache.read_bytes()


def test_a_report_holds_no_secret(runs_in, cli_env: dict, settings: Settings, tmp_path: Path) -> None:
    run_id = runs_in(settings.data_dir)[0]
    page = tmp_path / "report.html"
    out = run_cli("report", run_id, "--no-graph", "--out", str(page), "--json", env={**cli_env, **SECRET_ENV})
    assert out.returncode == 0, out.stderr
    text = page.read_text(encoding="utf-8") + out.stdout + out.stderr
    assert "<h2>Configuration</h2>" in text and API_KEY not in text and PASSWORD not in text
