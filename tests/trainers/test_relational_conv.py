"""The pair-wise R-GCN layer computes PyG's RGCNConv (mean, bases, root, bias): values and gradients."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import RGCNConv

from repurpose.trainers.relational_conv import RelationalBasisConv, RelationPairs


def _graph(gen: torch.Generator, nodes: int, edges: int, relations: int) -> tuple[torch.Tensor, torch.Tensor]:
    edge_index = torch.randint(0, nodes, (2, edges), generator=gen)
    edge_type = torch.randint(0, relations, (edges,), generator=gen)
    return edge_index, edge_type


@pytest.mark.parametrize(("nodes", "edges", "relations", "bases"), [(6, 9, 3, 2), (40, 300, 7, 4), (30, 5, 12, 3)])
def test_matches_pyg_rgcnconv(nodes: int, edges: int, relations: int, bases: int) -> None:
    gen = torch.Generator().manual_seed(nodes)
    torch.manual_seed(nodes)  # the layers' initialisation
    edge_index, edge_type = _graph(gen, nodes, edges, relations)
    # built in float64 throughout: the 1/count mean weights too, not float32 values cast up
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        ours = RelationalBasisConv(5, RelationPairs(edge_index, edge_type, nodes, relations), bases)
        pyg = RGCNConv(5, 5, relations, num_bases=bases, aggr="mean", root_weight=True, bias=True)
    finally:
        torch.set_default_dtype(default)
    with torch.no_grad():
        for name in ("weight", "comp", "root"):
            getattr(pyg, name).copy_(getattr(ours, name))
        pyg.bias.copy_(torch.randn(5, generator=gen))
        ours.bias.copy_(pyg.bias)
    x = torch.randn(nodes, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    mine, theirs = ours(x), pyg(x, edge_index, edge_type)
    torch.testing.assert_close(mine, theirs)
    upstream = torch.randn(mine.shape, generator=gen, dtype=torch.float64)
    grads = torch.autograd.grad(mine, (x, ours.weight, ours.comp, ours.root, ours.bias), upstream)
    expected = torch.autograd.grad(theirs, (x, pyg.weight, pyg.comp, pyg.root, pyg.bias), upstream)
    for got, want in zip(grads, expected):
        torch.testing.assert_close(got, want)


def test_hand_value_mean_per_relation() -> None:
    # node 2 hears node 0 and node 1 over relation 0 (mean) and node 0 over relation 1; node 0, 1 hear nothing
    edge_index = torch.tensor([[0, 1, 0], [2, 2, 2]])
    edge_type = torch.tensor([0, 0, 1])
    conv = RelationalBasisConv(1, RelationPairs(edge_index, edge_type, num_nodes=3, num_relations=2), num_bases=1)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        conv.comp.copy_(torch.tensor([[2.0], [10.0]]))  # W_0 = 2, W_1 = 10
        conv.root.fill_(1.0)
        conv.bias.fill_(0.5)
    out = conv(torch.tensor([[1.0], [3.0], [4.0]]))
    # node 2: 4 + 0.5 + 2 * mean(1, 3) + 10 * 1 = 18.5
    torch.testing.assert_close(out, torch.tensor([[1.5], [3.5], [18.5]]))


def test_graph_without_edges_keeps_the_root_term() -> None:
    pairs = RelationPairs(torch.zeros(2, 0, dtype=torch.long), torch.zeros(0, dtype=torch.long), 4, 2)
    conv = RelationalBasisConv(3, pairs, 2)
    x = torch.randn(4, 3)
    torch.testing.assert_close(conv(x), x @ conv.root + conv.bias)
