"""Each registered retriever on the real slice: exact items and ids; plus the registry meta-test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from repurpose.errors import InputError
from repurpose.rag.retrievers import RETRIEVERS
from repurpose.store import GraphStore

from rag.rag_slice import AD

GAL, DON, RIV, MEM = "Compound::DB00674", "Compound::DB00843", "Compound::DB00989", "Compound::DB01043"
HAL, QUE, NIC, MET = "Compound::DB00502", "Compound::DB01224", "Compound::DB00184", "Compound::DB00331"


def items(store: GraphStore, key: str, ids: list[str], k: int = 20) -> list:
    result = RETRIEVERS[key](store).search(ids, k)
    assert result.metadata["retriever"] == key
    assert "$ids" in result.metadata["cypher"] and result.metadata["count"] == len(result.items)
    return result.items


def test_description(rag_store: GraphStore) -> None:
    [item] = items(rag_store, "description", [AD])
    assert item.ids == (AD,)
    assert item.text.startswith("Alzheimer's disease [Disease::DOID:10652] (Disease): curated: A tauopathy that results in progressive memory loss")
    assert "| LLM-written: " in item.text


def test_curated(rag_store: GraphStore) -> None:
    got = [(i.ids, i.data["relation"]) for i in items(rag_store, "curated", [AD])]
    assert got == [((DON, AD), "TREATS_CtD"), ((GAL, AD), "TREATS_CtD"), ((MEM, AD), "TREATS_CtD"),
                   ((RIV, AD), "TREATS_CtD"), ((HAL, AD), "PALLIATES_CpD"), ((QUE, AD), "PALLIATES_CpD")]


def test_predicted(rag_store: GraphStore) -> None:
    got = items(rag_store, "predicted", [AD])
    assert [(i.ids, i.data["score"], i.data["rank"]) for i in got] == [((NIC, AD), 0.91, 1), ((MET, AD), 0.62, 2)]
    assert "predicted to treat" in got[0].text and "score 0.91" in got[0].text


def test_mechanism(rag_store: GraphStore) -> None:
    got = items(rag_store, "mechanism", [AD])
    assert [(i.data["compoundId"], i.data["genes"]) for i in got] == [
        (GAL, ["ACHE", "BCHE", "CHRNA4", "CHRNA7", "CYP2D6"]),
        (NIC, ["CHAT", "CHRNA4", "CHRNA7", "CYP2D6"]),
        (DON, ["ACHE", "CYP2D6", "HTR2A"]),
        (HAL, ["CYP2D6", "GRIN2B", "HTR2A"]),
        (RIV, ["ACHE", "BCHE", "CYP2D6"]),
        (QUE, ["CYP2D6", "HTR2A"]),
        (MEM, ["GRIN2B"]),
    ]
    assert got[0].ids == (GAL, "Gene::43", "Gene::590", "Gene::1137", "Gene::1139", "Gene::1565", AD)
    # anchored on a compound, the paths go to every disease sharing a gene
    assert {i.data["diseaseId"] for i in items(rag_store, "mechanism", [MEM])} == {AD, "Disease::DOID:14330"}


def test_class(rag_store: GraphStore) -> None:
    got = [i.ids for i in items(rag_store, "class", [AD])]
    # Memantine treats AD; Nicotine is predicted for it (its class is also named "Nicotine")
    assert got == [(MEM, "Pharmacologic Class::N0000020015"), (NIC, "Pharmacologic Class::N0000006496")]
    assert [i.ids for i in items(rag_store, "class", ["Pharmacologic Class::N0000020015"])] == \
        [(MEM, "Pharmacologic Class::N0000020015")]


@pytest.mark.parametrize("key", ["curated", "predicted", "mechanism", "class"])
def test_both_ends_linked_give_each_row_once(rag_store: GraphStore, key: str) -> None:
    """A compound and a disease linked together: the edges between them are found from both ends, listed once."""
    both = [(i.ids, i.text) for i in items(rag_store, key, [AD, MEM, NIC, "Pharmacologic Class::N0000020015"], k=500)]
    one_side = {(i.ids, i.text) for ids in ([AD], [MEM], [NIC], ["Pharmacologic Class::N0000020015"])
                for i in items(rag_store, key, ids, k=500)}
    assert len(both) == len(set(both)) and set(both) == one_side


def test_k_bounds_the_items_and_bad_requests_are_refused(rag_store: GraphStore) -> None:
    assert len(items(rag_store, "curated", [AD], k=2)) == 2
    with pytest.raises(InputError, match="node_ids"):
        RETRIEVERS["curated"](rag_store).search([], 5)
    with pytest.raises(InputError, match="k"):
        RETRIEVERS["curated"](rag_store).search([AD], 0)


def test_every_registered_retriever_has_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r"^def test_(\w+)\(", source, re.MULTILINE))
    assert set(RETRIEVERS) <= tested, f"retrievers without a test_<key>: {sorted(set(RETRIEVERS) - tested)}"
