"""Benchmark: one R-GCN layer over full Hetionet, ours against PyTorch Geometric's RGCNConv.

Both compute the same function (mean per relation, 8 bases, root weight, bias; a test checks values
and gradients agree) over the 854,554 edges in both directions (38 relation types) at width 200,
on 2 threads. Ours takes each (node, relation) mean once as a sparse product and multiplies only
the 129k pairs that exist; RGCNConv multiplies all 47,031 nodes by each relation's weight. Each
is timed forward and forward + backward, best of ``--repeats``, in the same process.

    .venv/bin/python benchmarks/rgcn_layer.py [--repeats 3] [--json]
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

import click
import torch
from torch_geometric.nn import RGCNConv

from repurpose.cli_support import format_table
from repurpose.trainers.data import read_nodes_and_edges
from repurpose.trainers.relational_conv import RelationalBasisConv, RelationPairs, both_directions

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "hetionet"  # ../shared/data from the repository


def best_times(layer, x: torch.Tensor, repeats: int) -> tuple[float, float]:
    """Fastest forward and fastest forward + backward of ``layer(x)`` over ``repeats`` tries."""
    forward, both = [], []
    for _ in range(repeats):
        x.grad = None
        started = time.perf_counter()
        out = layer(x)
        forward.append(time.perf_counter() - started)
        out.square().sum().backward()
        both.append(time.perf_counter() - started)
    return min(forward), min(both)


@click.command()
@click.option("--dim", default=200, show_default=True)
@click.option("--bases", default=8, show_default=True)
@click.option("--repeats", default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object last.")
def main(dim: int, bases: int, repeats: int, as_json: bool) -> None:
    """Time one R-GCN layer on Hetionet: ours against PyG's RGCNConv."""
    torch.set_num_threads(2)
    torch.manual_seed(0)
    data = read_nodes_and_edges(DATA / "hetionet-v1.0-nodes.tsv", DATA / "hetionet-v1.0-edges-19of24.sif.gz")
    edges = torch.as_tensor(data.triples)
    relations = 2 * data.num_relations
    edge_index, edge_type = both_directions(edges, data.num_relations)
    x = torch.randn(data.num_entities, dim, requires_grad=True)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    ours = RelationalBasisConv(dim, RelationPairs(edge_index, edge_type, data.num_entities, relations), bases)
    build = time.perf_counter() - started
    pyg = RGCNConv(dim, dim, relations, num_bases=bases, aggr="mean")
    rows = []
    for name, layer in (("ours (pairs)", ours), ("PyG RGCNConv", lambda v: pyg(v, edge_index, edge_type))):
        forward, both = best_times(layer, x, repeats)
        rows.append({"layer": name, "forward_s": round(forward, 3), "forward_backward_s": round(both, 3)})
    for row in rows:
        row["x_ours"] = round(row["forward_backward_s"] / rows[0]["forward_backward_s"], 1)
    click.echo(f"Hetionet: {data.num_entities:,} nodes, {edge_index.shape[1]:,} directed edges, {relations} relation "
               f"types, {ours.pairs.node.numel():,} (node, relation) pairs; width {dim}, {bases} bases; "
               f"ours built in {build:.2f} s; load average {load:.1f} -> {os.getloadavg()[0]:.1f}")
    click.echo(format_table(rows))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    click.echo(f"peak memory of the process: {peak_mb:,.0f} MiB")
    if as_json:
        click.echo(json.dumps({"rows": rows, "pairs": ours.pairs.node.numel(), "build_s": round(build, 2),
                               "peak_memory_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
