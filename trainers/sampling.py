"""Negative sampling for speed: chunks of same-relation positives share their negatives.

As in DGL-KE's chunked sampling, each chunk of ``chunk_size`` positives is scored against one
shared set of ``num_negatives`` corrupted entities, so scores are a batched matrix product and
only a few hundred entity rows are touched per batch (sparse gradients stay small). Chunks hold
one relation each, so the negatives come from that relation's candidate kind (diseases for the
tail of ``TREATS_CtD``), never from entities that cannot occupy the slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
from torch import Tensor
from torch.nn import functional as F


@dataclass
class ChunkBatch:
    """Positives as (chunks, chunk_size) index grids, padded (weight 0), and shared negatives."""

    heads: Tensor
    relations: Tensor
    tails: Tensor
    weights: Tensor
    negatives: Tensor  # (chunks, num_negatives)
    corrupt_tail: bool

    @property
    def num_positives(self) -> int:
        return int(self.weights.sum().item())


class _Pools:
    """Candidate entities per relation, flattened for vectorised sampling."""

    def __init__(self, pools: list[np.ndarray]) -> None:
        self.sizes = np.array([len(p) for p in pools], dtype=np.int64)
        self.offsets = np.r_[0, np.cumsum(self.sizes)[:-1]].astype(np.int64)
        self.flat = np.concatenate(pools).astype(np.int64)

    def sample(self, relations: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
        pick = (rng.random((len(relations), count)) * self.sizes[relations, None]).astype(np.int64)
        return self.flat[self.offsets[relations, None] + pick]


class ChunkedSampler:
    """Yields ``ChunkBatch`` es over shuffled training triples, alternating head and tail corruption.

    Args:
        triples: training rows (n, 3).
        head_pools, tail_pools: per relation, the entities a corrupted head or tail is drawn from.
        batch_size: positives per batch (rounded to whole chunks).
        chunk_size: positives sharing one set of negatives.
        num_negatives: negatives per chunk.
        seed: for the shuffles and draws.
    """

    def __init__(self, triples: np.ndarray, head_pools: list[np.ndarray], tail_pools: list[np.ndarray],
                 batch_size: int, chunk_size: int, num_negatives: int, seed: int) -> None:
        if batch_size < 1 or chunk_size < 1 or num_negatives < 1:
            raise ValueError("batch_size, chunk_size and num_negatives must be positive")
        self.triples = np.asarray(triples, dtype=np.int64)
        self.heads, self.tails = _Pools(head_pools), _Pools(tail_pools)
        self.chunk_size = min(chunk_size, batch_size)
        self.chunks_per_batch = max(1, batch_size // self.chunk_size)
        self.num_negatives = num_negatives
        self.rng = np.random.default_rng(seed)
        self._step = 0

    def _chunks(self) -> np.ndarray:
        """Row indices grouped into same-relation chunks (padded with -1), chunks shuffled."""
        c = self.chunk_size
        perm = self.rng.permutation(len(self.triples))
        order = perm[np.argsort(self.triples[perm, 1], kind="stable")]
        counts = np.bincount(self.triples[order, 1])
        padded_counts = -(-counts // c) * c
        group_start = np.r_[0, np.cumsum(counts)[:-1]]
        padded_start = np.r_[0, np.cumsum(padded_counts)[:-1]]
        groups = np.repeat(np.arange(len(counts)), counts)
        positions = padded_start[groups] + (np.arange(len(order)) - group_start[groups])
        padded = np.full(int(padded_counts.sum()), -1, dtype=np.int64)
        padded[positions] = order
        chunks = padded.reshape(-1, c)
        return chunks[self.rng.permutation(len(chunks))]

    def __iter__(self) -> Iterator[ChunkBatch]:
        chunks = self._chunks()
        for start in range(0, len(chunks), self.chunks_per_batch):
            rows = chunks[start:start + self.chunks_per_batch]
            valid = rows >= 0
            picked = self.triples[np.where(valid, rows, rows[:, :1])]
            relations = picked[:, 0, 1]
            corrupt_tail = self._step % 2 == 0
            self._step += 1
            pools = self.tails if corrupt_tail else self.heads
            negatives = pools.sample(relations, self.num_negatives, self.rng)
            yield ChunkBatch(torch.from_numpy(picked[..., 0]), torch.from_numpy(picked[..., 1]),
                             torch.from_numpy(picked[..., 2]), torch.from_numpy(valid.astype(np.float32)),
                             torch.from_numpy(negatives), corrupt_tail)

    def __len__(self) -> int:
        counts = np.bincount(self.triples[:, 1])
        chunks = int((-(-counts // self.chunk_size)).sum())
        return -(-chunks // self.chunks_per_batch)


def self_adversarial_loss(positive: Tensor, negative: Tensor, weights: Tensor, margin: float,
                          temperature: float) -> tuple[Tensor, Tensor]:
    """(L_pos, L_neg) of self-adversarial negative sampling (Sun et al., ICLR 2019).

    L_pos = -log sigmoid(margin + s), L_neg = -sum_j p_j log sigmoid(-(margin + s'_j)) with
    p = softmax(temperature * s') held constant. ``positive`` (*), ``negative`` (*, N),
    ``weights`` (*) with 0 for padding; each loss is the weighted mean over positives.
    """
    total = weights.sum().clamp_min(1.0)
    pos = -(F.logsigmoid(margin + positive) * weights).sum() / total
    adversarial = torch.softmax(temperature * negative.detach(), dim=-1)
    neg_each = -(adversarial * F.logsigmoid(-(margin + negative))).sum(dim=-1)
    return pos, (neg_each * weights).sum() / total
