"""One entry point for every load: ``load_dataset(store, "hetionet", nodes, edges)``.

It reads and validates every file first (nothing is written if a line is bad, unless
``skip_bad_lines``), then writes nodes and edges idempotently and records the Dataset node.
The CLI (``platform load``) and the demo both call it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from repurpose.errors import InputError
from repurpose.loaders.base import registry
from repurpose.loaders.limits import batch_rows
from repurpose.loaders.staging import stage
from repurpose.loaders.writer import GraphWriter, WriteStats
from repurpose.store import GraphStore


@dataclass(frozen=True)
class LoadOptions:
    """How to write: dataset name (default: the loader's key), replace, skipping, batching, parallelism.

    ``edge_mode``: ``auto`` (CREATE new types, skip complete ones, create only the missing edges of
    partly written ones), ``merge`` (MERGE every edge: slow on hub nodes) or ``create`` (always
    CREATE: duplicates edges on a re-run).
    """

    name: str | None = None
    replace: bool = False
    skip_bad_lines: bool = False
    batch_size: int = 20_000
    workers: int = 1
    edge_mode: str = "auto"


@dataclass
class LoadSummary:
    """The outcome of one load, for the CLI table, ``--json`` and the demo."""

    dataset: str
    loader: str
    files: list[str]
    nodes: dict[str, int]
    edges: dict[str, int]
    written_edges: dict[str, int]
    edge_modes: dict[str, str]
    node_count: int
    edge_count: int
    skipped_lines: int
    skipped_examples: list[str]
    duplicate_edges: int
    removed_nodes: int
    removed_edges: int
    read_seconds: float
    node_seconds: float
    edge_seconds: float
    seconds: float
    nodes_per_second: float = field(init=False)
    edges_per_second: float = field(init=False)

    def __post_init__(self) -> None:
        self.nodes_per_second = self.node_count / self.node_seconds if self.node_seconds else 0.0
        written = sum(self.written_edges.values())
        self.edges_per_second = written / self.edge_seconds if self.edge_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_dataset(store: GraphStore, loader_name: str, *paths: str | Path, options: LoadOptions | None = None,
                 **loader_options: Any) -> LoadSummary:
    """Load ``paths`` with the named loader into ``store``; ``loader_options`` go to the loader (e.g. ``nodes=``)."""
    options = options or LoadOptions()
    loaders = registry()
    if loader_name not in loaders:
        raise InputError(f"unknown format {loader_name!r}; choose one of {', '.join(loaders)}")
    if not paths:
        raise InputError(f"the {loader_name} loader needs at least one file")
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise InputError("no such file", path=path)
    loader = loaders[loader_name](skip_bad_lines=options.skip_bad_lines, **loader_options)
    dataset = options.name or loader_name
    started = time.perf_counter()

    staged = stage(loader, loader.read(files))
    read_seconds = time.perf_counter() - started
    inputs = files + [Path(p) for p in loader.extra_files()]

    store.apply_schema()
    writer = GraphWriter(store, dataset, batch_size=batch_rows(options.batch_size, loader.check.largest),
                         workers=options.workers, edge_mode=options.edge_mode)
    stats = WriteStats()
    if options.replace:
        writer.remove_dataset(stats)
    else:
        writer.forget_dataset()
    writer.write_nodes(staged, stats)
    writer.write_edges(staged, stats)
    writer.record_dataset(files=[str(p) for p in inputs], sha256=[sha256_of(p) for p in inputs],
                          loader=loader_name, node_count=staged.node_count, edge_count=staged.edge_count)
    return LoadSummary(
        dataset=dataset, loader=loader_name, files=[str(p) for p in inputs],
        nodes={k: len(v) for k, v in staged.nodes_per_kind().items()},
        edges={t: len(p) for t, p in sorted(staged.edges.items())}, written_edges=stats.edges,
        edge_modes=stats.edge_modes, node_count=staged.node_count, edge_count=staged.edge_count,
        skipped_lines=loader.skipped, skipped_examples=loader.skipped_examples,
        duplicate_edges=staged.duplicate_edges, removed_nodes=stats.removed_nodes,
        removed_edges=stats.removed_edges, read_seconds=read_seconds, node_seconds=stats.node_seconds,
        edge_seconds=stats.edge_seconds, seconds=time.perf_counter() - started)
