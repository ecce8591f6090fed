"""One R-GCN layer with basis decomposition, computed per (node, relation) pair that has an edge.

The function is PyTorch Geometric's ``RGCNConv(aggr="mean", num_bases=B, root_weight=True,
bias=True)``: out_i = x_i W_0 + b + sum_r mean_{j in N_r(i)} x_j W_r with W_r = sum_b a_rb V_b.
PyG multiplies every node's mean by every relation's weight (relations x nodes x d x d); here
the means are taken once, as one sparse product over the edges, and only the rows of the
(node, relation) pairs that exist are multiplied. On Hetionet's training graph that is 129k rows
instead of 38 x 47k = 1.8M, about 14x less dense work a pass.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.nn.inits import glorot, zeros


class RelationalBasisConv(nn.Module):
    """R-GCN layer (mean per relation, basis decomposition) over a fixed graph.

    Args:
        dim: input and output width.
        edge_index: (2, E) source and destination rows; messages flow source -> destination.
        edge_type: (E,) relation of each edge, in ``[0, num_relations)``.
        num_nodes: rows of the input.
        num_relations: relation types (reverse directions count as their own types).
        num_bases: shared bases B of the relation weights.

    Parameters carry PyG's names and shapes: ``weight`` (B, d, d), ``comp`` (R, B), ``root`` (d, d),
    ``bias`` (d,).
    """

    def __init__(self, dim: int, edge_index: Tensor, edge_type: Tensor, num_nodes: int, num_relations: int,
                 num_bases: int) -> None:
        super().__init__()
        self.dim, self.num_relations, self.num_bases = dim, num_relations, num_bases
        self.weight = nn.Parameter(torch.empty(num_bases, dim, dim))
        self.comp = nn.Parameter(torch.empty(num_relations, num_bases))
        self.root = nn.Parameter(torch.empty(dim, dim))
        self.bias = nn.Parameter(torch.empty(dim))
        src, dst = edge_index[0].long(), edge_index[1].long()
        # Pairs keyed relation-major, so each relation's pairs form one contiguous run of rows.
        pair_keys, pair_of_edge = torch.unique(edge_type.long() * num_nodes + dst, return_inverse=True)
        counts = torch.bincount(pair_of_edge, minlength=len(pair_keys))
        means = torch.sparse_coo_tensor(torch.stack([pair_of_edge, src]), counts[pair_of_edge].reciprocal(),
                                        (len(pair_keys), num_nodes), check_invariants=True).coalesce()
        self.register_buffer("means", means, persistent=False)
        self.register_buffer("pair_node", pair_keys % num_nodes, persistent=False)
        self.run_lengths = torch.bincount(pair_keys // num_nodes, minlength=num_relations).tolist()
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyG's initialisation: Glorot for the weights, zero bias."""
        glorot(self.weight)
        glorot(self.comp)
        glorot(self.root)
        zeros(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        """(num_nodes, d) -> (num_nodes, d)."""
        weights = (self.comp @ self.weight.view(self.num_bases, -1)).view(self.num_relations, self.dim, self.dim)
        # split, not slices: one backward node for all runs instead of a full-size zero gradient per slice
        runs = torch.sparse.mm(self.means, x).split(self.run_lengths)
        messages = torch.cat([run @ weight for run, weight in zip(runs, weights)])
        return (x @ self.root + self.bias).index_add(0, self.pair_node, messages)
