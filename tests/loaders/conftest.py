"""Fixtures for the loader tests: expected counts read from the fixture files themselves."""

from __future__ import annotations

import pytest
from loader_support import HETIONET_EDGES, HETIONET_NODES, sif_rows


@pytest.fixture()
def hetionet_expected() -> dict:
    nodes = sif_rows(HETIONET_NODES)
    edges = sif_rows(HETIONET_EDGES)
    per_metaedge: dict[str, int] = {}
    for _, metaedge, _ in edges:
        per_metaedge[metaedge] = per_metaedge.get(metaedge, 0) + 1
    return {"nodes": len(nodes), "edges": len(edges), "per_metaedge": per_metaedge}
