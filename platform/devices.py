"""Where tensors live: the ``--device`` choices every command shares, and what ``auto`` means.

Imports torch only when a device is resolved, so a command's ``--help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from repurpose.errors import ParameterError

if TYPE_CHECKING:
    import torch

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str) -> "torch.device":
    """'auto' picks CUDA when present, else CPU; 'cuda' without a GPU raises ParameterError."""
    import torch

    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise ParameterError("device", "'cuda' was asked for but no CUDA device is available; use 'auto' or 'cpu'")
    return torch.device(device)
