"""``TripleData.text_features``: the text matrix and which entities get the text mix."""

from __future__ import annotations

import numpy as np
import pytest

from repurpose.trainers.data import TripleData


def _data() -> TripleData:
    names = np.array([[1.0, 0.0], [0.0, 0.0], [0.5, 0.5], [2.0, 1.0]], dtype=np.float32)
    descriptions = np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]], dtype=np.float32)
    return TripleData(["c1", "c2", "g1", "d1"], ["treats"], np.array([[0, 0, 3]]),
                      entity_kinds=["Compound", "Compound", "Gene", "Disease"],
                      name_vectors=names, description_vectors=descriptions)


def test_text_features_concatenate_and_mask_rows_without_text() -> None:
    matrix, mask = _data().text_features()
    np.testing.assert_array_equal(matrix[0], [1.0, 0.0, 0.0, 1.0])
    assert mask.tolist() == [True, False, True, True]


def test_text_kinds_keep_the_mix_on_those_kinds_only() -> None:
    matrix, mask = _data().text_features({"Compound", "Disease"})
    assert mask.tolist() == [True, False, False, True]
    assert matrix.shape == (4, 4)
    with pytest.raises(ValueError, match="Protein are not entity kinds of the graph; known: Compound, Disease, Gene"):
        _data().text_features({"Protein", "Gene"})
