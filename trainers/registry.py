"""Registries built from subclasses: writing the class registers it under a short name."""

from __future__ import annotations

import inspect
import re
from typing import TypeVar

T = TypeVar("T")


def registry_key(cls: type, base: type) -> str:
    """Class name minus the base's name, in lower case (``TransEInteraction`` -> ``transe``)."""
    name = cls.__dict__.get("key") or cls.__name__
    suffix = base.__name__
    if name.endswith(suffix) and name != suffix:
        name = name[: -len(suffix)]
    return re.sub(r"[^0-9a-z]+", "_", name.lower())


def subclass_registry(base: type[T]) -> dict[str, type[T]]:
    """Every concrete (transitive) subclass of ``base``, keyed by ``registry_key``."""
    found: dict[str, type[T]] = {}
    stack = list(base.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not inspect.isabstract(cls) and not cls.__dict__.get("abstract", False):
            found[registry_key(cls, base)] = cls
    return dict(sorted(found.items()))
