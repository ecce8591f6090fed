"""The embedded server's Java heap: a size from the user, or a default from this machine's memory."""

from __future__ import annotations

import os
import re

from repurpose.errors import ConfigError

#: What ``-Xmx`` accepts and we allow: a whole number of MiB or GiB, e.g. ``512m`` or ``6g``.
HEAP_PATTERN = re.compile(r"^[1-9][0-9]*[mMgG]$")
#: The default is this fraction of physical memory: the rest stays for the page cache, the
#: Neo4j page cache, and the Python side (export, training), which run on the same machine.
DEFAULT_FRACTION = 4
#: Bounds of the default, in GiB: below 2 GiB Hetionet does not load; past 31 GiB the JVM loses
#: compressed object pointers, so 32 GiB holds fewer objects than 31.
DEFAULT_MIN_GIB, DEFAULT_MAX_GIB = 2, 31


def physical_memory_bytes() -> int:
    """This machine's physical memory (the cgroup limit is not read: the server is not in one here)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def default_heap(memory_bytes: int | None = None) -> str:
    """A quarter of ``memory_bytes`` (default: this machine's), within 2–31 GiB: ``6g`` on 24 GiB."""
    gib = (physical_memory_bytes() if memory_bytes is None else memory_bytes) // (DEFAULT_FRACTION * 1024 ** 3)
    return f"{min(max(gib, DEFAULT_MIN_GIB), DEFAULT_MAX_GIB)}g"


def checked_heap(value: str, source: str = "PLATFORM_SERVER_HEAP") -> str:
    """``value`` when it is a heap size like ``6g`` or ``512m``; ConfigError naming ``source`` otherwise."""
    if not HEAP_PATTERN.match(value.strip()):
        raise ConfigError(f"{source}: {value!r} is not a heap size; give whole MiB or GiB, e.g. 512m or 6g")
    return value.strip().lower()


def server_heap(explicit: str | None = None) -> str:
    """The heap to start the server with: ``explicit`` (``--heap``), else PLATFORM_SERVER_HEAP, else the default."""
    if explicit:
        return checked_heap(explicit, "--heap")
    from_env = os.environ.get("PLATFORM_SERVER_HEAP")
    return checked_heap(from_env) if from_env else default_heap()
