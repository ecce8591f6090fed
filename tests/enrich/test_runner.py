"""The enrichment run against the fake OpenAI server and a real embedded graph."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI

from repurpose.enrich.cache import CACHE_FILE, AnswerCache
from repurpose.enrich.llm import ChatLLM, EndpointError, RetryPolicy
from repurpose.enrich.prompts import PromptTemplate
from repurpose.enrich.runner import EnrichFailed, EnrichOptions, check_progress, enrich

FAST = RetryPolicy(max_retries=2, base=0.01)


#: The answer cache folder of the running test (its own tmp_path: the database may be shared, on Neo4j).
ANSWERS: dict[str, Path] = {}


@pytest.fixture(autouse=True)
def _answers(tmp_path: Path) -> None:
    ANSWERS["dir"] = tmp_path / "answers"


def run(store, settings, fake: FakeOpenAI, timeout: float = 10.0, **options):  # noqa: ANN001, ANN201
    s = settings.replace(llm_base_url=fake.base_url, llm_api_key=fake.api_key, llm_model=fake.models[0])
    options.setdefault("retry", FAST)
    with AnswerCache(ANSWERS["dir"] / CACHE_FILE) as cache:
        return enrich(store, ChatLLM(s, timeout=timeout), cache, EnrichOptions(**options))


def descriptions(store) -> dict[str, dict]:  # noqa: ANN001
    rows = store.read("MATCH (n:Entity) RETURN n.id AS id, n.name AS name, n.description AS description, "
                      "n.descriptionModel AS model, n.descriptionPrompt AS prompt, n.descriptionAt AS at")
    return {r["id"]: r for r in rows}


def test_requests_name_the_entity_and_model_and_answers_are_written(store, settings, seed, compounds, diseases, fake):
    seed(compounds[:12] + diseases[:3])
    stats = run(store, settings, fake, concurrency=4)
    assert (stats.done, stats.failed, stats.cached, stats.requests) == (15, 0, 0, 15)
    assert stats.tokens > 0
    bodies = [r.body for r in fake.chat_requests]
    assert {b["model"] for b in bodies} == {"fake-model"}
    prompts = fake.prompts()
    for entity in compounds[:12] + diseases[:3]:
        assert sum(f"describe {entity['name']} concisely" in p for p in prompts) == 1
    template = PromptTemplate.load("concise")
    for node in descriptions(store).values():
        assert node["description"].startswith(f"{node['name']} is a biomedical entity")
        assert node["model"] == "fake-model" and node["prompt"] == template.id and node["at"]


def test_concurrency_bound_is_respected(store, settings, seed, compounds):
    seed(compounds[:24])
    with FakeOpenAI(latency=0.1) as fake:
        stats = run(store, settings, fake, labels=("Compound",), concurrency=4)
    assert stats.done == 24
    assert 2 <= fake.max_in_flight <= 4


def test_retries_on_429_500_and_timeout_honouring_retry_after(store, settings, seed, compounds):
    seed(compounds[:3])
    with FakeOpenAI(script=["429", "500", "hang"], retry_after=0.4, hang_seconds=2.0) as fake:
        stats = run(store, settings, fake, timeout=0.5, labels=("Compound",), concurrency=1,
                    retry=RetryPolicy(max_retries=3, base=0.01))
    assert (stats.done, stats.failed, stats.retried, stats.requests) == (3, 0, 3, 6)
    limited, after = fake.chat_requests[0], fake.chat_requests[1]
    assert limited.status == 429 and after.start - limited.end >= 0.35  # Retry-After, not the 10 ms backoff
    assert len(descriptions(store)) == 3 and all(n["description"] for n in descriptions(store).values())


def test_a_rerun_makes_no_request(store, settings, seed, compounds, fake):
    seed(compounds[:10])
    assert run(store, settings, fake).done == 10
    again = run(store, settings, fake, overwrite=True)
    assert (again.skipped, again.requests, again.done) == (10, 0, 0)
    store.write("MATCH (n:Compound) REMOVE n.description")  # graph lost, cache kept: written again, no request
    third = run(store, settings, fake)
    assert (third.cached, third.requests) == (10, 0)
    assert len(fake.chat_requests) == 10
    assert all(n["description"] for n in descriptions(store).values())
    other = run(store, settings, fake, prompt="background", overwrite=True)  # same endpoint, a new event loop
    assert (other.done, other.requests) == (10, 10)


def test_resume_after_the_endpoint_fails_for_good(store, settings, seed, compounds):
    seed(compounds[:12])
    with FakeOpenAI(fail_after=5, fail_action="500") as broken:
        first = run(store, settings, broken, concurrency=1)
    assert (first.done, first.failed) == (5, 7)
    assert first.failures == {"server error (500)": 7}
    with FakeOpenAI() as healthy:
        second = run(store, settings, healthy, concurrency=3)
    assert (second.done, second.requests, second.skipped) == (7, 7, 5)
    done_first = {r.prompt for r in broken.chat_requests[:5]}
    assert not done_first & set(healthy.prompts())


def test_bad_answers_are_retried_then_failed_and_never_written(store, settings, seed, compounds):
    good, garbage, empty, refusal, markdown = compounds[:5]
    seed([good, garbage, empty, refusal, markdown])
    script = {garbage["name"]: "garbage", empty["name"]: "empty", refusal["name"]: "refusal",
              markdown["name"]: "markdown"}
    with FakeOpenAI(by_name=script) as fake:
        stats = run(store, settings, fake)
    assert (stats.done, stats.failed) == (2, 3)
    assert stats.requests == 2 + 3 * (FAST.max_retries + 1)
    nodes = descriptions(store)
    for bad in (garbage, empty, refusal):
        assert nodes[bad["id"]]["description"] is None
    clean = nodes[markdown["id"]]["description"]
    assert clean.startswith(markdown["name"]) and not any(c in clean for c in "*#`")
    with pytest.raises(EnrichFailed):
        with FakeOpenAI(by_name={garbage["name"]: "garbage"}) as fake:
            store.write("MATCH (n:Entity) WHERE n.id <> $id SET n.description = 'kept as it is, thank you'",
                        id=garbage["id"])
            check_progress(run(store, settings, fake))


@pytest.mark.parametrize("problem, expected", [
    ("key", "refused the API key (401)"),
    ("model", "model 'no-such-model' not found"),
    ("down", "cannot reach the LLM endpoint"),
])
def test_endpoint_problems_stop_the_run_with_a_clear_message(store, settings, seed, compounds, problem, expected):
    seed(compounds[:6])
    fake = FakeOpenAI().start()
    s = settings.replace(llm_base_url=fake.base_url, llm_api_key=fake.api_key, llm_model=fake.models[0])
    s = s.replace(**{"key": {"llm_api_key": "sk-wrong-secret"}, "model": {"llm_model": "no-such-model"}}.get(problem, {}))
    if problem == "down":
        fake.stop()  # nothing listens on that port any more
    started = time.perf_counter()
    try:
        with AnswerCache(ANSWERS["dir"] / CACHE_FILE) as cache, pytest.raises(EndpointError) as err:
            enrich(store, ChatLLM(s, timeout=5), cache, EnrichOptions(retry=FAST, concurrency=2))
    finally:
        fake.stop()
    assert expected in str(err.value) and "sk-wrong-secret" not in str(err.value)
    assert time.perf_counter() - started < 10
    assert len(fake.chat_requests) <= 2  # stopped at the first answer, not one failure per entity
    assert not any(n["description"] for n in descriptions(store).values())


def test_a_rate_limit_storm_fails_cleanly(store, settings, seed, compounds):
    seed(compounds[:4])
    with FakeOpenAI(fail_after=0, fail_action="429", retry_after=0.05) as fake:
        stats = run(store, settings, fake, concurrency=4)
    assert (stats.done, stats.failed, stats.requests) == (0, 4, 4 * (FAST.max_retries + 1))
    with pytest.raises(EnrichFailed, match="rate limited"):
        check_progress(stats)


def test_neighbors_context_puts_graph_facts_in_the_prompt(store, settings, seed, compounds, fake):
    drug, other = compounds[:2]
    seed([drug, other, {"id": "Gene::1956", "name": "EGFR"}, {"id": "Gene::2064", "name": "ERBB2"},
          {"id": "PharmacologicClass::N0000175605", "name": "Kinase Inhibitors"}])
    store.write("MATCH (c:Entity {id: $c}), (g:Gene) CREATE (c)-[:BINDS_CbG]->(g)", c=drug["id"])
    store.write("MATCH (c:Entity {id: $c}), (p:PharmacologicClass) CREATE (p)-[:INCLUDES_PCiC]->(c)", c=drug["id"])
    stats = run(store, settings, fake, labels=("Compound",), context="neighbors")
    assert stats.done == 2
    by_name = {entity_name: p for p in fake.prompts() for entity_name in (drug["name"], other["name"])
               if f"describe {entity_name} concisely" in p}
    assert "- binds gene: EGFR, ERBB2" in by_name[drug["name"]]
    assert "- pharmacologic class that includes it: Kinase Inhibitors" in by_name[drug["name"]]
    assert "Facts from a biomedical knowledge graph" not in by_name[other["name"]]  # no neighbours, no block
    assert descriptions(store)[drug["id"]]["prompt"].startswith("concise+neighbors:")
