"""The partner mask removes every name of the other side, as whole words, and nothing else."""

from __future__ import annotations

from repurpose.trainers.text_mask import mask_partners, name_pattern, remove_names

KINDS = {"c1": "Compound", "c2": "Compound", "d1": "Disease", "d2": "Disease", "d3": "Disease", "g1": "Gene"}
NAMES = {"c1": ["Donepezil"], "c2": ["Metformin", "Glucophage"], "d1": ["Alzheimer's disease"],
         "d2": ["multiple sclerosis"], "d3": ["gout"], "g1": ["APOE"]}


def test_each_side_loses_the_other_sides_names_and_keeps_its_own():
    texts = {
        "c1": "Donepezil is a cholinesterase inhibitor for Alzheimer's disease, not gout or Multiple Sclerosis.",
        "c2": "Metformin (Glucophage) lowers glucose; tried in ALZHEIMER'S DISEASE.",
        "d1": "Alzheimer's disease is treated with donepezil, not metformin; glucophage-free.",
        "d2": "Multiple sclerosis, a demyelinating disease; sclerosis of the CNS.",
        "d3": "Gout causes ragouts of pain; donepezils are unrelated.",
        "g1": "APOE is linked to Alzheimer's disease and donepezil response.",
    }
    masked = mask_partners(texts, KINDS, NAMES, ["Compound"], ["Disease"])
    assert masked["c1"] == "Donepezil is a cholinesterase inhibitor for, not or."
    assert masked["c2"] == "Metformin (Glucophage) lowers glucose; tried in."
    assert masked["d1"] == "Alzheimer's disease is treated with, not; -free."
    assert masked["d2"] == texts["d2"]  # its own name and other disease words stay
    assert masked["d3"] == "Gout causes ragouts of pain; donepezils are unrelated."  # whole words only
    assert masked["g1"] == texts["g1"]  # not a side of the target
    for entity, text in masked.items():
        side = "Disease" if KINDS[entity] == "Compound" else "Compound" if KINDS[entity] == "Disease" else None
        partners = name_pattern(n for e, ns in NAMES.items() if KINDS[e] == side for n in ns)
        assert side is None or not partners.search(text)


def test_the_longest_name_wins_and_punctuation_is_literal():
    pattern = name_pattern(["sclerosis", "multiple sclerosis", "C++ (drug)"])
    assert remove_names("multiple sclerosis and C++ (drug) here", pattern) == "and here"
    assert name_pattern([]) is None and remove_names("unchanged", None) == "unchanged"
