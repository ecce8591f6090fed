"""A lazy Adam for sparse embedding gradients that touches only the rows in the batch.

``torch.optim.SparseAdam`` spends most of a KGE step in ``sparse_mask`` and sparse adds on
a 47k-row table; this one coalesces the gradient once and updates the few hundred touched rows
of the parameter and both moments with dense index operations (like TensorFlow's LazyAdam).
"""

from __future__ import annotations

import torch
from torch import Tensor


class RowAdam(torch.optim.Optimizer):
    """Adam on the rows present in each sparse gradient; untouched rows and moments stay as they are.

    Args:
        params: parameters that receive sparse gradients (``nn.Embedding(sparse=True)``).
        lr: step size (default: 1e-3).
        betas: moment decay rates (default: (0.9, 0.999)).
        eps: denominator term (default: 1e-8).
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        if lr <= 0:
            raise ValueError(f"lr must be positive, got {lr}")
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})

    @torch.no_grad()
    def step(self, closure=None) -> None:  # type: ignore[override]
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not p.grad.is_sparse:
                    raise ValueError("RowAdam needs sparse gradients; use torch.optim.Adam for dense ones")
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                grad = p.grad.coalesce()
                rows: Tensor = grad.indices()[0]
                g: Tensor = grad.values()
                m = state["exp_avg"].index_select(0, rows).mul_(beta1).add_(g, alpha=1 - beta1)
                v = state["exp_avg_sq"].index_select(0, rows).mul_(beta2).addcmul_(g, g, value=1 - beta2)
                state["exp_avg"].index_copy_(0, rows, m)
                state["exp_avg_sq"].index_copy_(0, rows, v)
                t = state["step"]
                step_size = group["lr"] * (1 - beta2**t) ** 0.5 / (1 - beta1**t)
                update = m.div_(v.sqrt_().add_(group["eps"])).mul_(-step_size)
                p.index_add_(0, rows, update)
