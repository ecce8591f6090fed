"""One registry helper for every pluggable part: loaders, KGE scores, text modes, encoders, retrievers.

Writing a concrete subclass of a registry's base registers it (PyKEEN's class-resolver style)
under its class name minus a suffix, in lower case: ``TransEInteraction`` -> ``transe``. Keys
are sorted with an off switch named ``none`` first, unless the registry gives its own order.
This module imports nothing heavy; ``LazyChoice`` reads a registry only when click first needs
its names, so starting any other command never imports the modules (and torch) behind it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any, TypeVar

import click

T = TypeVar("T")


def _default_order(key: str) -> tuple[bool, str]:
    """Sorted by key, ``none`` first: the off switch leads a list of choices."""
    return key != "none", key


class Registry(Mapping[str, type[T]]):
    """The concrete (transitive) subclasses of ``base`` by key, read anew on each use so none is missed.

    A class is left out when ``inspect.isabstract`` says so or it sets ``abstract = True`` in its
    own body. ``noun`` names the kind in errors (``unknown encoder 'x'; choose from none, rgcn``);
    ``order`` sorts the classes instead of the keys (e.g. by a declared position).
    """

    def __init__(self, base: type[T], noun: str, *, suffix: str | None = None,
                 order: Callable[[type[T]], Any] | None = None) -> None:
        self.base, self.noun = base, noun
        self.suffix = base.__name__ if suffix is None else suffix
        self.order = order

    def key(self, cls: type) -> str:
        """The key ``cls`` is registered under: its name minus the suffix, lower case."""
        name = cls.__name__
        return (name[: -len(self.suffix)] if name.endswith(self.suffix) and name != self.suffix else name).lower()

    def _table(self) -> dict[str, type[T]]:
        found: dict[str, type[T]] = {}
        stack = list(self.base.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            if not inspect.isabstract(cls) and not cls.__dict__.get("abstract", False):
                found[self.key(cls)] = cls
        order = self.order
        ranked = sorted(found.items(), key=lambda kv: order(kv[1]) if order else _default_order(kv[0]))
        return dict(ranked)

    def __getitem__(self, key: str) -> type[T]:
        return self._table()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def lookup(self, key: str) -> type[T]:
        """The class registered as ``key``; ValueError naming the choices otherwise (for user input)."""
        table = self._table()
        if key not in table:
            raise ValueError(f"unknown {self.noun} {key!r}; choose from {', '.join(table)}")
        return table[key]

    def make(self, key: str, **kwargs: Any) -> T:
        """An instance of the class registered as ``key``, built with ``kwargs``."""
        return self.lookup(key)(**kwargs)


class LazyChoice(click.Choice):
    """A click choice of the names at ``module:attribute`` (a registry or a sequence), read at first use.

    Click needs the names only to show help or check a value, so the module behind them (torch,
    for the trainers) loads with the command that uses them, not with every command.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.case_sensitive = True

    @cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        module, _, attribute = self.path.partition(":")
        return tuple(getattr(importlib.import_module(module), attribute))
