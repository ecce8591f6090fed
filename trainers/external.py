"""External validation of a run: read a file of compound/disease pairs, score every unseen pair.

``read_pairs`` maps a TSV's id columns to the run's entities (graph ids such as
``Compound::DB00316`` or bare source ids such as ``DB00316``); ``validate_run`` drops every pair
the run trained on (any training edge between the two), scores the rest with the run and with
the degree prior of its training treatments, and reports both (``validation.validation_metrics``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from repurpose.errors import InputError
from repurpose.trainers.validation import degree_prior, validation_metrics

#: Examples of unmatched ids an error or result shows.
SHOWN = 5


@dataclass
class PairFile:
    """Pairs of a file as (head, tail) entity indices, and what could not be matched."""

    path: Path
    columns: tuple[str, str]
    pairs: np.ndarray
    rows: int
    unmatched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "columns": list(self.columns), "rows": self.rows,
                "pairs": int(len(self.pairs)), "unmatched_rows": len(self.unmatched),
                "unmatched_examples": self.unmatched[:SHOWN]}


def id_lookup(entity_ids: list[str], members: np.ndarray) -> dict[str, int]:
    """Graph id and bare source id (after the first ``::``) -> entity index, for ``members``."""
    out: dict[str, int] = {}
    for i in members.tolist():
        full = entity_ids[i]
        out[full] = i
        _, sep, bare = full.partition("::")
        if sep:
            out.setdefault(bare, i)
    return out


def read_pairs(path: Path, entity_ids: list[str], heads: np.ndarray, tails: np.ndarray,
               id_columns: tuple[str, str] | None = None) -> PairFile:
    """Read a tab-separated file with a header; ``id_columns`` = (head column, tail column), or found
    as the columns whose values match the most head and tail entities."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t")
            header = next(reader, None)
            body = [row for row in reader if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the pairs file ({exc})", path=path) from None
    if not header:
        raise InputError("the pairs file is empty; expected a header row and tab-separated pairs", path=path)
    head_ids, tail_ids = id_lookup(entity_ids, heads), id_lookup(entity_ids, tails)
    if id_columns is None:
        def hits(col: int, lookup: dict[str, int]) -> int:
            return sum(1 for row in body if col < len(row) and row[col].strip() in lookup)

        head_col = max(range(len(header)), key=lambda c: hits(c, head_ids))
        tail_col = max(range(len(header)), key=lambda c: hits(c, tail_ids))
        if not hits(head_col, head_ids) or not hits(tail_col, tail_ids) or head_col == tail_col:
            raise InputError("no column of the file matches the run's head and tail ids; name them with "
                             f"--id-columns (columns: {', '.join(header)})", path=path)
    else:
        missing = [c for c in id_columns if c not in header]
        if missing:
            raise InputError(f"no column {', '.join(missing)} in the file; columns: {', '.join(header)}", path=path)
        head_col, tail_col = header.index(id_columns[0]), header.index(id_columns[1])
    pairs, unmatched = [], []
    for line_no, row in enumerate(body, 2):
        h = row[head_col].strip() if head_col < len(row) else ""
        t = row[tail_col].strip() if tail_col < len(row) else ""
        if h in head_ids and t in tail_ids:
            pairs.append((head_ids[h], tail_ids[t]))
        else:
            unmatched.append(f"line {line_no}: {h} / {t}")
    if not pairs:
        raise InputError(f"none of the {len(body)} rows names a head and a tail of the run "
                         f"(e.g. {'; '.join(unmatched[:SHOWN])})", path=path)
    unique = np.unique(np.array(pairs, np.int64), axis=0)
    return PairFile(path, (header[head_col], header[tail_col]), unique, len(body), unmatched)


def validate_run(run: Any, pair_file: PairFile, heads: np.ndarray, tails: np.ndarray,
                 top_fraction: float = 0.01, top_k: int = 50) -> dict[str, Any]:
    """The run's and the degree prior's validation figures over every (head, tail) pair it did not train on."""
    n, train = len(run.entity_ids), run.split.train
    grid_h, grid_t = np.repeat(heads, len(tails)), np.tile(tails, len(heads))
    keys = grid_h * n + grid_t
    keep = ~np.isin(keys, np.r_[train[:, 0] * n + train[:, 2], train[:, 2] * n + train[:, 0]])
    labels = np.isin(keys, pair_file.pairs[:, 0] * n + pair_file.pairs[:, 1])
    scores = run.score(torch.as_tensor(heads), torch.as_tensor(tails)).cpu().numpy().reshape(-1)
    target = run.relation_types.index(run.target_relation)
    treated = train[train[:, 1] == target][:, [0, 2]]
    # float32 sums, as the degree baseline's run computes them: equal products tie the same way
    prior = degree_prior(treated, len(run.entity_ids)).astype(np.float32)
    prior_scores = prior[grid_h] + prior[grid_t]
    h, t, y = grid_h[keep], grid_t[keep], labels[keep]
    untreated = prior[h] == 0
    return {"run_id": run.run_id, "pairs_file": pair_file.to_dict(),
            "file_pairs_trained_on": int(labels.sum() - y.sum()),
            "model": validation_metrics(scores[keep], y, h, t, top_fraction, top_k, untreated),
            "degree_prior": validation_metrics(prior_scores[keep], y, h, t, top_fraction, top_k, untreated)}
