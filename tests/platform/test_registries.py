"""The one registry helper: its rules, the CLI choices read from each registry, and no drifted copies.

A registry is the only list of its names: the click choices must equal its keys in its order,
and no tuple, list, set or dict literal in product code may spell out all of one registry's names.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import numpy as np
import pytest

from repurpose.cli import cli
from repurpose.loaders.base import LOADERS
from repurpose.rag import pipeline
from repurpose.rag.retrievers import RETRIEVERS
from repurpose.registry import Registry
from repurpose.trainers.baselines import BASELINES, MODELS
from repurpose.trainers.data import TripleData
from repurpose.trainers.gnn import ENCODERS, Encoder
from repurpose.trainers.representations import TEXT_MODES, Embedding, TextMix
from repurpose.trainers.scores import INTERACTIONS, PURE_SCORES, interactions
from repurpose.trainers.train import build_model

ROOT = Path(__file__).parents[2]
PRODUCT = ("platform", "loaders", "trainers", "cypher")

#: (command, parameter) -> the names its click choice must show, in this order.
CHOICES = {
    ("train", "model"): (*interactions(trainable=True), *BASELINES),
    ("train", "text"): tuple(TEXT_MODES),
    ("train", "encoder"): tuple(ENCODERS),
    ("ask", "mode"): tuple(pipeline.MODES),
    ("load", "fmt"): tuple(LOADERS),
}

#: Name sets no product literal may hold in full.
NAME_SETS = {
    "scores": set(INTERACTIONS),
    "trainable scores": set(interactions(trainable=True)),
    "models": set(MODELS),
    "text modes": set(TEXT_MODES),
    "encoders": set(ENCODERS),
    "loader formats": set(LOADERS),
    "retrievers": set(RETRIEVERS),
    "ask modes": set(pipeline.MODES),
}


class Part:
    """A base for the helper's own tests."""


class NonePart(Part):
    pass


class ZedPart(Part):
    pass


class AlphaPart(Part):
    def __init__(self, size: int = 1) -> None:
        self.size = size


class HalfPart(Part):
    abstract = True


class DeepPart(HalfPart):
    pass


def test_keys_drop_the_suffix_sort_with_none_first_and_skip_abstract_classes() -> None:
    parts = Registry(Part, "part")
    assert list(parts) == ["none", "alpha", "deep", "zed"]
    assert parts["deep"] is DeepPart and parts.key(AlphaPart) == "alpha" and len(parts) == 4
    assert parts.make("alpha", size=3).size == 3
    with pytest.raises(ValueError, match=r"unknown part 'half'; choose from none, alpha, deep, zed"):
        parts.lookup("half")
    assert list(Registry(Part, "part", order=lambda cls: cls.__name__)) == ["alpha", "deep", "none", "zed"]


def test_the_helper_and_every_command_start_without_torch() -> None:
    code = ("import sys, repurpose.registry, repurpose.cli; "
            "print(sorted({'torch', 'repurpose.trainers'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("command", "name"), sorted(CHOICES))
def test_cli_choices_are_the_registry_keys(command: str, name: str) -> None:
    param = next(p for p in cli.get_command(None, command).params if p.name == name)
    assert isinstance(param.type, click.Choice)
    assert tuple(param.type.choices) == CHOICES[command, name]


def test_models_are_trainable_scores_then_baselines_without_overlap() -> None:
    assert not set(interactions(trainable=True)) & set(BASELINES)
    assert PURE_SCORES == {key: cls.pure for key, cls in INTERACTIONS.items()}


def _literal_names(node: ast.AST) -> set[str] | None:
    """The string constants a tuple, list, set or dict literal spells out (dict: its keys)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = [k for k in node.keys if k is not None]
    else:
        return None
    return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def test_no_product_literal_spells_out_a_registry() -> None:
    found = []
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = _literal_names(node)
                found += [f"{relative}:{node.lineno} lists every {label}" for label, keys in NAME_SETS.items()
                          if names is not None and keys <= names]
    assert not found, "read these names from their registry instead:\n" + "\n".join(found)


@pytest.mark.parametrize("encoder", list(ENCODERS))
@pytest.mark.parametrize("text", list(TEXT_MODES))
def test_build_model_composes_every_text_mode_with_every_encoder(text: str, encoder: str) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(4, 3)).astype(np.float32)
    vectors[3] = 0.0  # one entity without text
    data = TripleData([f"e{i}" for i in range(4)], ["r0", "r1"], np.array([[0, 0, 1], [1, 1, 2], [2, 0, 3]]),
                      name_vectors=vectors, description_vectors=vectors)
    model = build_model(data, data.triples, "distmult", text, encoder, 4, 9.0, 0.6, 0.5, "linear", 1, 1)
    assert model.entity.all().shape == (4, 4)
    assert isinstance(model.entity, Encoder) == (encoder != "none")
    assert any(isinstance(m, TextMix) for m in model.modules()) == (text != "none")
    table = next(m for m in model.modules() if isinstance(m, Embedding))
    assert table.table.sparse == ENCODERS[encoder].sparse_table
