"""Crash half-way, then re-run: the load completes with exact counts and no duplicates."""

from __future__ import annotations

from typing import Any, Iterable

import pytest
from loader_support import HETIONET_EDGES, HETIONET_NODES, graph_totals

from repurpose.loaders import LoadOptions, load_dataset
from repurpose.store import GraphStore


class Crash(RuntimeError):
    """The simulated failure (a stand-in for a killed process or a lost connection)."""


class CrashingStore(GraphStore):
    """The real store, whose row stream breaks after ``rows_before_crash`` edge rows were handed over."""

    rows_before_crash = 0

    def write_batches(self, query: str, rows: Iterable[dict[str, Any]], **kwargs: Any) -> int:
        if "CREATE (a)-" not in query:
            return super().write_batches(query, rows, **kwargs)

        def breaking() -> Iterable[dict[str, Any]]:
            for row in rows:
                if CrashingStore.rows_before_crash <= 0:
                    raise Crash("simulated crash")
                CrashingStore.rows_before_crash -= 1
                yield row
        return super().write_batches(query, breaking(), **kwargs)


def test_rerun_after_a_crash_completes_exactly(settings, hetionet_expected):
    options = LoadOptions(batch_size=100)
    CrashingStore.rows_before_crash = hetionet_expected["edges"] // 2 + 50  # mid-way through some edge type
    with CrashingStore.connect(settings) as crashing:
        crashing.apply_schema()
        with pytest.raises(Crash):
            load_dataset(crashing, "hetionet", HETIONET_NODES, HETIONET_EDGES, options=options)
        assert crashing.read("MATCH (d:Dataset) RETURN count(d) AS n")[0]["n"] == 0  # marked incomplete
        _, partial = graph_totals(crashing)
        assert 0 < partial < hetionet_expected["edges"]
    with GraphStore.connect(settings) as store:
        summary = load_dataset(store, "hetionet", HETIONET_NODES, HETIONET_EDGES, options=options)
        modes = set(summary.edge_modes.values())
        assert {"skip", "complete", "create"} <= modes  # done types skipped, the broken one completed, the rest new
        assert graph_totals(store) == (hetionet_expected["nodes"] + 1, hetionet_expected["edges"])
        duplicates = store.read("MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(r) AS n WHERE n > 1 "
                                "RETURN count(*) AS n")[0]["n"]
        assert duplicates == 0
