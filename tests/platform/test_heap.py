"""The embedded server's heap: the default from the machine's memory, and sizes a user may give."""

from __future__ import annotations

import pytest
from repurpose.errors import ConfigError
from repurpose.heap import checked_heap, default_heap, server_heap

GIB = 1024 ** 3


@pytest.mark.parametrize(("memory_gib", "heap"), [(24, "6g"), (16, "4g"), (4, "2g"), (1, "2g"), (128, "31g"),
                                                  (512, "31g")])
def test_default_is_a_quarter_of_memory_within_bounds(memory_gib: int, heap: str) -> None:
    assert default_heap(memory_gib * GIB) == heap


@pytest.mark.parametrize("size", ["512m", "6g", "6G", " 2g "])
def test_sizes_accepted(size: str) -> None:
    assert checked_heap(size) == size.strip().lower()


@pytest.mark.parametrize("size", ["lots", "6", "0g", "-1g", "6gb", "1.5g", "6k", ""])
def test_bad_sizes_name_their_source(size: str) -> None:
    with pytest.raises(ConfigError, match=r"^--heap: .* is not a heap size"):
        checked_heap(size, "--heap")


def test_flag_then_environment_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_SERVER_HEAP", "3g")
    assert server_heap("1g") == "1g" and server_heap(None) == "3g"
    monkeypatch.setenv("PLATFORM_SERVER_HEAP", "three")
    with pytest.raises(ConfigError, match="PLATFORM_SERVER_HEAP: 'three'"):
        server_heap(None)
    monkeypatch.delenv("PLATFORM_SERVER_HEAP")
    assert server_heap(None) == default_heap()
