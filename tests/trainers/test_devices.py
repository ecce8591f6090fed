"""Evaluation and write-back scoring run where the vectors are: the same ranks and top k on every device.

The CPU case always runs; the CUDA case runs where a GPU is present and is skipped with the
reason otherwise. Both compare against the plain CPU computation of the same random model.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from repurpose.trainers.blend import Blend, Component
from repurpose.trainers.evaluate import evaluate
from repurpose.trainers.model import Embeddings
from repurpose.trainers.predict import top_k
from repurpose.trainers.scores import make_interaction

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(),
                                                                  reason="no CUDA GPU on this machine"))]
COMPOUNDS, DISEASES = np.arange(0, 40), np.arange(40, 60)


def _model(seed: int = 0) -> Embeddings:
    gen = torch.Generator().manual_seed(seed)
    return Embeddings(torch.randn(60, 16, generator=gen), torch.randn(2, 16, generator=gen), make_interaction("transe"))


def _triples(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pairs = {(int(h), int(t)) for h, t in zip(rng.choice(COMPOUNDS, 80), rng.choice(DISEASES, 80))}
    return np.array([(h, 0, t) for h, t in sorted(pairs)])


def _flat(metrics: dict, prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in metrics.items():
        out.update(_flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key: value})
    return out


@pytest.mark.parametrize("device", DEVICES)
def test_evaluation_on_a_device_equals_the_cpu(device: str) -> None:
    emb, known = _model(), _triples()
    test, negatives = known[:20], np.stack([COMPOUNDS[:10], DISEASES[:10]], axis=1)
    heads, tails = [COMPOUNDS, COMPOUNDS], [DISEASES, DISEASES]
    on_cpu = evaluate(emb, test, known, heads, tails, seed=0, negative_pairs=negatives, relation=0)
    moved = emb.to(device)
    assert moved.entities.device.type == device
    got = evaluate(moved, test, known, heads, tails, seed=0, negative_pairs=negatives, relation=0)
    assert _flat(got) == pytest.approx(_flat(on_cpu), rel=1e-5) and _flat(on_cpu)["auroc"] > 0


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("per", ["compound", "disease", "both"])
def test_top_k_on_a_device_equals_the_cpu(device: str, per: str) -> None:
    emb = _model()
    blend = Blend([Component("transe", "transe", emb, 1.0, 0.5, 2.0)])

    def scorer(vectors: Embeddings | Blend):
        return lambda h, t: vectors.score_tails(h, torch.zeros_like(h), t)

    exclude = _triples()[:10][:, [0, 2]]
    want = top_k(scorer(emb), COMPOUNDS, DISEASES, k=5, per=per, exclude=exclude, chunk_size=7)
    # the blend standardizes: (score - 0.5) / 2, the same order
    for vectors, expected in ((emb.to(device), want.scores), (blend.to(device), (want.scores - 0.5) / 2.0)):
        got = top_k(scorer(vectors), COMPOUNDS, DISEASES, k=5, per=per, exclude=exclude, chunk_size=7)
        assert np.array_equal(got.heads, want.heads) and np.array_equal(got.tails, want.tails)
        np.testing.assert_allclose(got.scores, expected, rtol=1e-5, atol=1e-6)
