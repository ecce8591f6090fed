"""Values built once per process and kept by key, with an explicit way to build again or forget."""

from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ProcessCache(Generic[K, V]):
    """One value per key, built on first use and kept for the life of the process.

    Nothing expires on its own: ``get(..., refresh=True)`` builds a key's value again, and
    ``clear`` forgets them all (for tests and benchmarks that change the graph underneath).
    """

    def __init__(self) -> None:
        self._values: dict[K, V] = {}

    def get(self, key: K, build: Callable[[], V], refresh: bool = False) -> V:
        """The value kept for ``key``; ``build()`` makes (and keeps) it when missing or on ``refresh``."""
        if refresh or key not in self._values:
            self._values[key] = build()
        return self._values[key]

    def __len__(self) -> int:
        """How many keys have a value kept."""
        return len(self._values)

    def clear(self) -> None:
        """Forget every value, so the next ``get`` of each key builds it again."""
        self._values.clear()
