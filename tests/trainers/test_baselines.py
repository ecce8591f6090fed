"""The trivial peers run like models: degree and text-cosine rank a hand-made graph as worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from repurpose.errors import ParameterError
from repurpose.trainers.data import TripleData
from repurpose.trainers.runs import load_run
from repurpose.trainers.split import Split
from repurpose.trainers.train import train

IDS = ["c0", "c1", "c2", "d0", "d1", "d2", "g0"]
KINDS = ["Compound"] * 3 + ["Disease"] * 3 + ["Gene"]
TREATS, BINDS = 0, 1
# training treatments: c0 treats d0 and d1, c1 treats d0; held out: c2 - d2 (valid), c1 - d2 (test)
TRAIN = np.array([(0, TREATS, 3), (0, TREATS, 4), (1, TREATS, 3), (0, BINDS, 6), (2, BINDS, 6)])
VALID, TEST = np.array([(2, TREATS, 5)]), np.array([(1, TREATS, 5)])


def _data(**text) -> TripleData:
    return TripleData(IDS, ["TREATS", "BINDS"], np.concatenate([TRAIN, VALID, TEST]), entity_kinds=KINDS, **text)


def _split() -> Split:
    known = np.concatenate([TRAIN, VALID, TEST])
    known = known[known[:, 1] == TREATS][:, [0, 2]]
    return Split(TRAIN, VALID, TEST, "given", TREATS, known=known)


def test_degree_ranks_by_training_treatments(tmp_path):
    result = train(_data(), model="degree", target="TREATS", split=_split(), runs_root=tmp_path, device="cpu")
    run = load_run(result.run_dir)
    scores = run.score(np.array([0, 1, 2]), np.array([3, 4, 5])).numpy()
    # log(1 + degree): compounds 2, 1, 0 treatments; diseases 2, 1, 0
    expected = np.log1p([[2], [1], [0]]) + np.log1p([[2, 1, 0]])
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    # test triple c1 -> d2. Tail side: c1's known d0 is filtered out, d1 (degree 1) beats d2 (0): rank 2.
    # Head side: d2's known c2 (valid) is filtered out, c0 (degree 2) beats c1 (1): rank 2.
    test = result.metrics["test"]["filtered"]
    assert test["tail"]["mrr"] == pytest.approx(0.5) and test["head"]["mrr"] == pytest.approx(0.5)
    assert result.config["interaction"] == "degree" and result.history["loss"] == []


def test_text_cosine_is_the_cosine_of_the_text_vectors(tmp_path):
    names = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 1], [0, 0], [3, 4]], np.float32)
    descriptions = np.array([[0, 0], [0, 2], [1, 0], [1, 0], [0, 1], [0, 0], [0, 0]], np.float32)
    result = train(_data(name_vectors=names, description_vectors=descriptions), model="text-cosine",
                   text="llm", target="TREATS", split=_split(), runs_root=tmp_path, device="cpu")
    scores = load_run(result.run_dir).score(np.array([0, 1, 2]), np.array([3, 4, 5])).numpy()
    full = np.concatenate([names, descriptions], axis=1)
    for i, c in enumerate([0, 1, 2]):
        for j, d in enumerate([3, 4, 5]):
            a, b = full[c], full[d]
            norm = np.linalg.norm(a) * np.linalg.norm(b)
            assert scores[i, j] == pytest.approx(a @ b / norm if norm else 0.0, abs=1e-6)


def test_text_cosine_without_text_is_refused_before_a_run_directory(tmp_path):
    with pytest.raises(ParameterError, match="model: the text-cosine baseline needs text vectors"):
        train(_data(), model="text-cosine", target="TREATS", split=_split(), runs_root=tmp_path, device="cpu")
    assert not list(tmp_path.iterdir())


def test_a_blend_is_chosen_on_validation_and_reloads(tmp_path):
    from hetionet_slice import read_slice

    from repurpose.trainers.blend import Blend

    nodes, edges = read_slice()
    ids = [n["id"] for n in nodes]
    index = {e: i for i, e in enumerate(ids)}
    rels = sorted({t for _, t, _ in edges})
    triples = np.array([(index[s], rels.index(t), index[o]) for s, t, o in edges], np.int64)
    gen = np.random.default_rng(0)
    text = gen.normal(size=(len(ids), 4)).astype(np.float32)
    data = TripleData(ids, rels, triples, entity_kinds=[n["label"] for n in nodes], name_vectors=text,
                      description_vectors=text)
    result = train(data, model="distmult", text="llm", dim=16, epochs=2, negatives=16, batch_size=256,
                   chunk_size=64, lr=0.01, device="cpu", target="TREATS_CtD", runs_root=tmp_path,
                   blend=["degree", "text-cosine"])
    info = result.blend
    assert set(info["weights"]) == {"distmult", "degree", "text-cosine"} and info["weights"]["distmult"] == 1.0
    assert len(info["tried"]) == 36  # 6 weights for each of the two peers
    best = max(t["validation_mrr"] for t in info["tried"])
    assert best >= info["model_alone_validation_mrr"]
    assert result.metrics["valid"]["filtered"]["mrr"] == pytest.approx(best)
    run = load_run(result.run_dir)
    assert isinstance(run.embeddings, Blend) and run.embeddings.weights() == info["weights"]
    compounds, diseases = np.arange(0, 5), np.array([ids.index(i) for i in ids if i.startswith("Disease::")])
    manual = sum((c.embeddings.score_tails(torch.as_tensor(compounds),
                                           torch.full((5,), rels.index("TREATS_CtD")),
                                           torch.as_tensor(diseases)) - c.mean) * c.weight / c.std
                 for c in run.embeddings.components)
    torch.testing.assert_close(run.score(compounds, diseases), manual)
    with pytest.raises(ParameterError, match="blend: cannot blend 'degree': only a trained model blends"):
        train(data, model="degree", target="TREATS_CtD", runs_root=tmp_path, blend=["degree"])


def test_calibration_uses_the_test_edges_and_every_compound(tmp_path):
    result = train(_data(), model="degree", target="TREATS", split=_split(), runs_root=tmp_path, device="cpu")
    run = load_run(result.run_dir)
    scores, labels, base_rate = run.calibration_data()
    # test edge c1 -> d2; the only non-edge to d2 left is c0 -> d2 (c2 -> d2 is the validation edge)
    assert labels.tolist() == [1.0, 0.0]
    expected = run.score(np.array([1, 0]), np.array([5])).numpy().ravel()
    np.testing.assert_allclose(scores, expected)
    assert base_rate == pytest.approx(5 / 9)  # 5 known pairs among 3 compounds x 3 diseases
