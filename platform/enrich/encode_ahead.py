"""Encode known texts in the background while other work runs, then answer ``encode`` from memory.

The demo's embed stage spent most of its time in the text encoder: importing sentence-transformers
and MiniLM (about 10 s) and encoding 1,689 LLM descriptions in fp32 (about 70 s on 2 AVX2 cores).
Neither needs the graph: the descriptions are in the shipped files. So the demo starts both on one
thread while the graph loads (the load mostly waits on the server), and the embed stage gets an
encoder that returns those vectors and encodes only what is left.
"""

from __future__ import annotations

import threading
from typing import Any, Sequence

import numpy as np


class AheadEncoder:
    """Wraps a sentence-transformers encoder: texts encoded ahead come from memory, the rest are encoded."""

    def __init__(self, encoder: Any, ready: dict[str, np.ndarray]) -> None:
        self.encoder, self.ready = encoder, ready

    def encode(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
        """``encoder.encode(texts, **kwargs)``, reusing the vectors of texts encoded ahead."""
        missing = [t for t in dict.fromkeys(texts) if t not in self.ready]
        if missing:
            self.ready.update(zip(missing, self.encoder.encode(missing, **kwargs)))
        return np.stack([self.ready[t] for t in texts]) if texts else self.encoder.encode([], **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.encoder, name)  # dimension, tokenizer, ...: the wrapped encoder's


class EncodeAhead:
    """Loads the encoder ``name`` and encodes ``texts`` on a background thread (one torch thread, so
    the work in front keeps the other core); ``encoder()`` waits for it and returns an AheadEncoder."""

    def __init__(self, name: str, texts: Sequence[str], batch_size: int = 64) -> None:
        self.name, self.texts, self.batch_size = name, list(dict.fromkeys(texts)), batch_size
        self._ready: dict[str, np.ndarray] = {}
        self._loaded: Any = None
        self._error: BaseException | None = None
        self._threads = 0
        self._thread = threading.Thread(target=self._work, name="encode-ahead", daemon=True)

    def start(self) -> "EncodeAhead":
        self._thread.start()
        return self

    def _work(self) -> None:
        from repurpose.text_encoder import encoding_precision, load_encoder, resolve_precision

        try:
            self._loaded = load_encoder(self.name)
            import torch

            self._threads = torch.get_num_threads()
            torch.set_num_threads(1)
            with encoding_precision(resolve_precision("auto")):  # autocast is per thread: set it here too
                vectors = self._loaded.encode(self.texts, batch_size=self.batch_size, convert_to_numpy=True,
                                              show_progress_bar=False)
            self._ready.update(zip(self.texts, vectors))
        except BaseException as exc:  # noqa: BLE001  (handed to the caller of encoder())
            self._error = exc

    def encoder(self) -> AheadEncoder:
        """The encoder with every text of ``texts`` ready; the background thread's error, if it failed."""
        self._thread.join()
        if self._threads:
            import torch

            torch.set_num_threads(self._threads)
        if self._error is not None:
            raise self._error
        return AheadEncoder(self._loaded, self._ready)
