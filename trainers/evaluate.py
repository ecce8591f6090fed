"""Two named evaluators: filtered ranking over all candidates, and the LLaDR paper's 50-candidate one.

Ties: every rank here is the *realistic* rank, the mean of the optimistic and pessimistic ranks
(``1 + #better + #tied / 2``), i.e. the expected rank under random tie-breaking. A model that
scores every candidate alike therefore gets the middle rank, not rank 1.

Filtered: each held-out triple's true tail is ranked against every candidate tail of the
relation's tail kind (all diseases for ``TREATS_CtD``; all entities without kinds), after
removing the *other* known true tails of the same (head, relation) from train, valid and test.
Heads likewise. Paper protocol: the true tail against 49 random other candidates, raw (not
filtered), seeded.

Scores are computed where the embeddings are (``Embeddings.to``: a GPU after training on one);
only the ranks come back to the CPU.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import torch
from torch import Tensor

from repurpose.trainers.metrics import CLASSIFICATION_METRICS, rank_summary
from repurpose.trainers.model import Embeddings


def realistic_ranks(scores: Tensor, true_index: Tensor, exclude: Tensor | None = None) -> Tensor:
    """Realistic rank of ``scores[i, true_index[i]]`` in row i, ignoring ``exclude``d columns.

    Shapes: scores (B, N), true_index (B,), exclude (B, N) bool or None. Returns (B,) float.
    """
    true = scores.gather(1, true_index.unsqueeze(1))
    keep = torch.ones_like(scores, dtype=torch.bool) if exclude is None else ~exclude
    keep = keep.clone()
    keep.scatter_(1, true_index.unsqueeze(1), False)
    better = ((scores > true) & keep).sum(dim=1)
    tied = ((scores == true) & keep).sum(dim=1)
    return 1.0 + better.double() + tied.double() / 2.0


def _positions(candidates: np.ndarray, num_entities: int) -> np.ndarray:
    pos = np.full(num_entities, -1, dtype=np.int64)
    pos[candidates] = np.arange(len(candidates))
    return pos


def filtered_ranks(emb: Embeddings, triples: np.ndarray, known: np.ndarray, candidates: list[np.ndarray],
                   side: str, batch_size: int = 512) -> np.ndarray:
    """Filtered realistic ranks of the ``side`` ('tail' or 'head') of each triple.

    ``known``: every true triple (train + valid + test), used for filtering; ``candidates``:
    per relation, the entities allowed in that slot.
    """
    if side not in ("tail", "head"):
        raise ValueError(f"side must be 'tail' or 'head', got {side!r}")
    fixed_col, moving_col = (0, 2) if side == "tail" else (2, 0)
    num_entities = emb.num_entities
    ranks = np.empty(len(triples))
    for r in np.unique(triples[:, 1]):
        rows = np.flatnonzero(triples[:, 1] == r)
        cand = candidates[r]
        pos = _positions(cand, num_entities)
        truths: dict[int, list[int]] = defaultdict(list)
        for fixed, moving in known[known[:, 1] == r][:, [fixed_col, moving_col]].tolist():
            truths[fixed].append(moving)
        cand_t = torch.as_tensor(cand)
        for start in range(0, len(rows), batch_size):
            part = triples[rows[start:start + batch_size]]
            true_index = pos[part[:, moving_col]]
            if (true_index < 0).any():
                raise ValueError(f"a held-out {side} is not among the relation's candidates (relation {r})")
            h, rel, t = (torch.as_tensor(part[:, i]) for i in range(3))
            scores = emb.score_tails(h, rel, cand_t) if side == "tail" else emb.score_heads(cand_t, rel, t)
            exclude = np.zeros(scores.shape, dtype=bool)
            for i, fixed in enumerate(part[:, fixed_col].tolist()):
                other = pos[truths[fixed]]
                exclude[i, other[other >= 0]] = True
            ranks[rows[start:start + batch_size]] = realistic_ranks(
                scores, torch.as_tensor(true_index, device=scores.device),
                torch.as_tensor(exclude, device=scores.device)).cpu().numpy()
    return ranks


def paper50_ranks(emb: Embeddings, triples: np.ndarray, candidates: list[np.ndarray], seed: int,
                  num_random: int = 49) -> np.ndarray:
    """Raw rank of each true tail among itself and ``num_random`` random other candidate tails."""
    rng = np.random.default_rng(seed)
    ranks = np.empty(len(triples))
    for i, (h, r, t) in enumerate(triples.tolist()):
        others = candidates[r][candidates[r] != t]
        pick = np.r_[t, rng.choice(others, size=min(num_random, len(others)), replace=False)]
        scores = emb.score_tails(torch.tensor([h]), torch.tensor([r]), torch.as_tensor(pick))
        ranks[i] = realistic_ranks(scores, torch.zeros(1, dtype=torch.long, device=scores.device)).item()
    return ranks


def classification_scores(emb: Embeddings, positives: np.ndarray, negative_pairs: np.ndarray,
                          relation: int) -> tuple[np.ndarray, np.ndarray]:
    """(scores, labels) of held-out edges (label 1) and sampled non-edges (label 0) of one relation."""
    heads = np.r_[positives[:, 0], negative_pairs[:, 0]]
    tails = np.r_[positives[:, 2], negative_pairs[:, 1]]
    rel = torch.full((len(heads),), relation, dtype=torch.long)
    scores = emb.score_triples(torch.as_tensor(heads), rel, torch.as_tensor(tails)).cpu().numpy()
    labels = np.r_[np.ones(len(positives)), np.zeros(len(negative_pairs))]
    return scores, labels


def evaluate(emb: Embeddings, triples: np.ndarray, known: np.ndarray, head_candidates: list[np.ndarray],
             tail_candidates: list[np.ndarray], seed: int, negative_pairs: np.ndarray | None = None,
             relation: int | None = None, paper: bool = True) -> dict:
    """Every metric of one split part: ``filtered`` (mean of sides, plus ``tail`` and ``head``),
    ``paper50`` (tail side), and ``auroc``/``auprc`` when non-edges of ``relation`` are given."""
    tail = filtered_ranks(emb, triples, known, tail_candidates, "tail")
    head = filtered_ranks(emb, triples, known, head_candidates, "head")
    filtered = {name: (a + b) / 2.0 for (name, a), b in zip(rank_summary(tail).items(), rank_summary(head).values())}
    out: dict = {"count": int(len(triples)), "filtered": {**filtered, "tail": rank_summary(tail),
                                                           "head": rank_summary(head)}}
    if paper:
        out["paper50"] = rank_summary(paper50_ranks(emb, triples, tail_candidates, seed))
    if negative_pairs is not None and relation is not None and len(negative_pairs):
        scores, labels = classification_scores(emb, triples, negative_pairs, relation)
        out.update({m.name: m(scores, labels) for m in CLASSIFICATION_METRICS})
    return out
