"""Top-k predicted (compound, disease) pairs from a trained run, without the full score matrix.

Compounds are scored in chunks of rows: each chunk's ``[chunk, diseases]`` block gives the
compounds' own top-k at once (``torch.topk`` along the row), and updates a running top-k per
disease (merge the block's column with the disease's best-so-far, keep k). Peak memory is
``chunk x diseases`` scores plus ``diseases x k``, whatever the number of compounds.

Pairs to leave out (known treatments) and a minimum score are masked to ``-inf`` before
ranking, so a rank is always the 1-based position among the pairs that may be written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import Tensor

PER = ("compound", "disease", "both")

#: ``score(head_indices, tail_indices) -> [len(heads), len(tails)]`` raw scores.
ScoreFn = Callable[[Tensor, Tensor], Tensor]


@dataclass
class TopK:
    """Selected pairs as entity indices with their raw score and 1-based ranks.

    ``compound_rank``: position in the compound's own list (0 when the pair is not in it);
    ``disease_rank`` likewise for the disease's list; ``rank`` is the rank in the list ``per``
    names, and for ``both`` the compound rank where the pair is in the compound's list, else
    the disease rank.
    """

    heads: np.ndarray
    tails: np.ndarray
    scores: np.ndarray
    compound_rank: np.ndarray
    disease_rank: np.ndarray
    per: str

    @property
    def rank(self) -> np.ndarray:
        if self.per == "disease":
            return self.disease_rank
        return np.where(self.compound_rank > 0, self.compound_rank, self.disease_rank)

    def __len__(self) -> int:
        return len(self.heads)


def _exclusion_positions(exclude: np.ndarray | None, heads: np.ndarray, tails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Known (head, tail) entity-index pairs as (row, column) positions, sorted by row."""
    if exclude is None or not len(exclude):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    size = int(max(heads.max(initial=0), tails.max(initial=0), exclude.max(initial=0))) + 1
    row_of = np.full(size, -1, np.int64)
    col_of = np.full(size, -1, np.int64)
    row_of[heads] = np.arange(len(heads))
    col_of[tails] = np.arange(len(tails))
    rows, cols = row_of[exclude[:, 0]], col_of[exclude[:, 1]]
    keep = (rows >= 0) & (cols >= 0)
    order = np.argsort(rows[keep], kind="stable")
    return rows[keep][order], cols[keep][order]


def top_k(score: ScoreFn, heads: np.ndarray, tails: np.ndarray, k: int = 50, per: str = "compound",
          exclude: np.ndarray | None = None, min_score: float | None = None, chunk_size: int = 4096) -> TopK:
    """The ``k`` best tails per head (``per='compound'``), heads per tail ('disease'), or both.

    ``heads``/``tails``: candidate entity indices (compounds, diseases); ``exclude``: (m, 2)
    entity-index pairs never to return; ``min_score``: drop pairs scoring below it.
    """
    if per not in PER:
        raise ValueError(f"per must be one of {', '.join(PER)}, got {per!r}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    heads, tails = np.asarray(heads, np.int64), np.asarray(tails, np.int64)
    n_h, n_t = len(heads), len(tails)
    ex_rows, ex_cols = _exclusion_positions(exclude, heads, tails)
    tails_t = torch.as_tensor(tails)
    k_row, k_col = min(k, n_t), min(k, n_h)
    want_rows, want_cols = per in ("compound", "both"), per in ("disease", "both")
    row_pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    best_val = best_idx = torch.empty(0)  # on the scores' device once the first block says which
    with torch.no_grad():
        for start in range(0, n_h, chunk_size):
            stop = min(start + chunk_size, n_h)
            block = score(torch.as_tensor(heads[start:stop]), tails_t).float()
            if start == 0:
                best_val = torch.full((n_t, k_col), float("-inf"), device=block.device)
                best_idx = torch.full((n_t, k_col), -1, dtype=torch.long, device=block.device)
            lo, hi = np.searchsorted(ex_rows, [start, stop])
            if hi > lo:
                block[torch.as_tensor(ex_rows[lo:hi] - start, device=block.device),
                      torch.as_tensor(ex_cols[lo:hi], device=block.device)] = float("-inf")
            if min_score is not None:
                block = block.masked_fill(block < min_score, float("-inf"))
            if want_rows and k_row:
                val, idx = torch.topk(block, k_row, dim=1)
                rows = np.repeat(np.arange(start, stop), k_row).reshape(-1, k_row)
                row_pairs.append((rows, idx.cpu().numpy(), val.cpu().numpy()))
            if want_cols and k_col:
                # the block's own best k per disease first, then merge 2k candidates with the running list
                val, idx = torch.topk(block.T.contiguous(), min(k_col, stop - start), dim=1)
                cand_val = torch.cat([best_val, val], dim=1)
                cand_idx = torch.cat([best_idx, idx + start], dim=1)
                best_val, pos = torch.topk(cand_val, k_col, dim=1)
                best_idx = cand_idx.gather(1, pos)
    parts = []
    if want_rows and row_pairs:
        rows = np.concatenate([r for r, _, _ in row_pairs])
        cols = np.concatenate([c for _, c, _ in row_pairs])
        vals = np.concatenate([v for _, _, v in row_pairs])
        ranks = np.broadcast_to(np.arange(1, k_row + 1), rows.shape)
        parts.append(("compound", rows.ravel(), cols.ravel(), vals.ravel(), ranks.ravel()))
    if want_cols and k_col:
        cols = np.repeat(np.arange(n_t), k_col)
        ranks = np.tile(np.arange(1, k_col + 1), n_t)
        parts.append(("disease", best_idx.cpu().numpy().ravel(), cols, best_val.cpu().numpy().ravel(), ranks))
    return _merge(parts, heads, tails, n_t, per)


def _merge(parts: list[tuple], heads: np.ndarray, tails: np.ndarray, n_t: int, per: str) -> TopK:
    """Union of the per-compound and per-disease lists (finite scores only), one row per pair."""
    keys, vals, ranks = {}, [], {}
    for side, rows, cols, score, rank in parts:
        ok = np.isfinite(score)
        keys[side] = rows[ok] * n_t + cols[ok]  # unique within one list
        vals.append(score[ok])
        ranks[side] = rank[ok]
    if not keys:
        empty = np.zeros(0, np.int64)
        return TopK(empty, empty, np.zeros(0, np.float32), empty, empty, per)
    if len(keys) == 1:
        (side, key), = keys.items()
        unique, val, first = key, vals[0], slice(None)
        inverse = {side: np.arange(len(key))}
    else:
        all_keys = np.concatenate([keys["compound"], keys["disease"]])
        unique, first, inv = np.unique(all_keys, return_index=True, return_inverse=True)
        val = np.concatenate(vals)
        inverse = {"compound": inv[:len(keys["compound"])], "disease": inv[len(keys["compound"]):]}
    rank_of = {side: np.zeros(len(unique), np.int64) for side in ("compound", "disease")}
    for side, where in inverse.items():
        rank_of[side][where] = ranks[side]
    return TopK(heads[unique // n_t], tails[unique % n_t], val[first].astype(np.float32),
                rank_of["compound"], rank_of["disease"], per)
