"""The package's import graph has no cycle between ``repurpose`` and ``repurpose.trainers``.

Reads every product module's imports with ``ast`` (module-level and inside functions alike: a
lazy import is still a dependency), builds the module graph, and looks for cycles (strongly
connected components) that mix trainer modules with the rest. A mixed cycle means the trainer
cannot be read, tested or replaced without the platform around it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Source folder -> the package it installs as (pyproject.toml's package-dir).
PACKAGES = {"platform": "repurpose", "loaders": "repurpose.loaders", "trainers": "repurpose.trainers",
            "cypher": "repurpose.cypher"}


def modules() -> dict[str, Path]:
    """Dotted module name -> source file, for every product module."""
    found = {}
    for folder, package in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the product modules it imports (``from pkg import mod`` counts as importing ``pkg.mod``)."""
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name].update(t for t in targets if t in known and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_cycle_mixes_trainers_and_platform() -> None:
    mixed = [sorted(c) for c in cycles(import_graph())
             if any(m.startswith("repurpose.trainers") for m in c)
             and any(not m.startswith("repurpose.trainers") for m in c)]
    assert mixed == []


def test_trainers_stay_below_the_commands_rag_and_server() -> None:
    above = ("repurpose.commands", "repurpose.rag", "repurpose.server", "repurpose.cli", "repurpose.engines")
    reached = {(m, t) for m, targets in import_graph().items() if m.startswith("repurpose.trainers")
               for t in targets if t.startswith(above)}
    assert reached == set()


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
