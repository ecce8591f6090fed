"""Pure pieces: answer cleaning and checks, retry delays, prompt templates, graph-fact wording."""

from __future__ import annotations

import pytest

from repurpose.enrich.llm import RetryPolicy
from repurpose.enrich.prompts import PromptTemplate, kind_words, prompt_names
from repurpose.enrich.runner import format_fact
from repurpose.enrich.validate import BadAnswer, Bounds, clean_description, strip_markdown
from repurpose.errors import ConfigError


@pytest.mark.parametrize("raw, clean", [
    ("**Metformin** is a *biguanide* used in `type 2 diabetes`.", "Metformin is a biguanide used in type 2 diabetes."),
    ("## Metformin\n\nMetformin is a drug.\n- lowers glucose\n- oral", "Metformin Metformin is a drug. lowers glucose oral"),
    ("```\nAspirin is an NSAID.\n```", "Aspirin is an NSAID."),
    ("See [DrugBank](https://go.drugbank.com) for ***more***.", "See DrugBank for more."),
    ('"Aspirin is an NSAID."', "Aspirin is an NSAID."),
    ("Background: x.\nClinical: y.", "Background: x. Clinical: y."),
    ("snake_case_name stays", "snake_case_name stays"),
])
def test_strip_markdown(raw, clean):
    assert strip_markdown(raw) == clean


@pytest.mark.parametrize("text, reason", [
    ("", "empty"), ("   ** **  ", "empty"), ("Too short.", "too short"), ("x" * 2001, "too long"),
    ("1234 5678 #### %%%% !!!! 0000", "garbage"), ("I'm sorry, I cannot describe that compound.", "refusal"),
    (None, "not text"),
])
def test_bad_answers_name_the_check(text, reason):
    with pytest.raises(BadAnswer, match=reason):
        clean_description(text, Bounds())


def test_good_answers_pass_cleaned():
    assert clean_description("  **Aspirin** is an NSAID that blocks COX-1/2.  ") == "Aspirin is an NSAID that blocks COX-1/2."


def test_retry_delay_doubles_with_jitter_and_honours_retry_after():
    policy = RetryPolicy(max_retries=5, base=0.5, cap=4.0)
    assert [policy.delay(a, rand=1.0) for a in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert [policy.delay(a, rand=0.0) for a in range(3)] == [0.25, 0.5, 1.0]
    assert policy.delay(0, retry_after=3.0, rand=1.0) == 3.0
    assert policy.delay(0, retry_after=300.0, rand=1.0) == 4.0  # capped
    assert policy.delay(3, retry_after=0.1, rand=1.0) == 4.0  # backoff larger than Retry-After


def test_templates_render_name_kind_and_context():
    assert set(prompt_names()) == {"concise", "background", "structured", "mechanism"}
    concise = PromptTemplate.load("concise")
    assert concise.render("Metformin", "Compound") == \
        "Briefly describe Metformin concisely, in the form 'Metformin is a ...'."
    structured = PromptTemplate.load("structured", "neighbors")
    text = structured.render("Factor {VIII}", "BiologicalProcess", ["binds gene: F8"])
    assert "Factor {VIII}" in text and "biological process" in text and "- binds gene: F8" in text
    for section in ("Background:", "Appearance:", "Clinical:"):
        assert section in text
    assert "expert" in PromptTemplate.load("background").render("X", "Disease")
    mechanism = PromptTemplate.load("mechanism").render("Donepezil", "Compound")
    assert "mechanism of action" in mechanism and "no disease, indication or clinical use" in mechanism
    assert structured.id.startswith("structured+neighbors:") and structured.hash != PromptTemplate.load("structured").hash
    with pytest.raises(ConfigError, match="unknown prompt"):
        PromptTemplate.load("haiku")


def test_kind_words_and_fact_wording():
    assert kind_words("PharmacologicClass") == "pharmacologic class"
    assert format_fact("BINDS_CbG", True, "Gene", ["EGFR", "ERBB2"]) == "binds gene: EGFR, ERBB2"
    assert format_fact("INCLUDES_PCiC", False, "PharmacologicClass", ["Biguanides"]) == \
        "pharmacologic class that includes it: Biguanides"

