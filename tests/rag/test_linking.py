"""Entity linking against the real Hetionet slice: every pass, ambiguity, and no-match suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from repurpose.rag import name_vectors
from repurpose.rag.linking import EntityLinker
from repurpose.rag.name_index import NAME_INDEXES, name_index
from repurpose.rag.names import acronym, normalize
from repurpose.store import GraphStore

from rag.rag_slice import AD


def link(store: GraphStore, question: str, encoder: str | None = None):
    return EntityLinker(store, encoder).link(question)


def test_normalize_ignores_case_apostrophes_and_punctuation() -> None:
    assert normalize("Alzheimer’s  Disease!") == normalize("alzheimers disease") == "alzheimers disease"
    assert normalize("Type-2 diabetes") == "type 2 diabetes"
    assert acronym("chronic obstructive pulmonary disease") == "copd"
    assert acronym("type 2 diabetes mellitus") == "t2dm"


@pytest.mark.parametrize("question, expected, method", [
    ("Which drugs could be repurposed for Alzheimer's disease, and why?", [AD], "exact"),
    ("ALZHEIMERS DISEASE treatments", [AD], "exact"),
    ("alzhiemers desease", [AD], "spelling"),
    ("drugs for parkinsons", ["Disease::DOID:14330"], "partial"),
    ("does donepezel help in alzheimer's disease", ["Compound::DB00843", AD], None),
    ("What is Disease::DOID:9744?", ["Disease::DOID:9744"], "id"),
])
def test_links_the_named_nodes(rag_store: GraphStore, question: str, expected: list[str], method: str | None) -> None:
    result = link(rag_store, question)
    assert [c.id for c in result.linked] == expected
    assert not result.ambiguous
    if method:
        assert result.linked[0].method == method


def test_kind_priority_prefers_the_disease_over_the_pathway_of_the_same_name(rag_store: GraphStore) -> None:
    mention = link(rag_store, "Alzheimer's disease").mentions[0]
    assert [c.id for c in mention.candidates] == [AD, "Pathway::WP2059_r82906"]
    assert not mention.ambiguous


def test_an_ambiguous_name_lists_its_candidates(rag_store: GraphStore) -> None:
    result = link(rag_store, "Which drugs treat diabetes?")
    assert result.linked == []
    [mention] = result.ambiguous
    assert mention.text == "diabetes"
    assert {c.id for c in mention.candidates} == {"Disease::DOID:9352", "Disease::DOID:9744"}


def test_no_match_suggests_close_names(rag_store: GraphStore) -> None:
    result = link(rag_store, "What treats galantamin-like flurbles?")
    # "galantamin" is corrected to Galantamine; "flurbles" alone is not a name
    assert [c.id for c in result.linked] == ["Compound::DB00674"]
    nothing = link(rag_store, "Can memantyl help?")
    assert nothing.mentions == []
    assert "Compound::DB01043" in [s.id for s in nothing.suggestions]  # Memantine


def test_common_words_are_not_gene_symbols(rag_store: GraphStore) -> None:
    assert link(rag_store, "which chat tools bind").linked == []
    assert [c.id for c in link(rag_store, "drugs binding CHAT").linked] == ["Gene::1103"]


def _name_vectors(store: GraphStore, encoder_name: str):  # noqa: ANN202
    """Write every node's ``nameEmbedding``; (encoder, node ids, unit vectors)."""
    from repurpose.text_encoder import load_encoder

    encoder = load_encoder(encoder_name)
    rows = store.read("MATCH (n:Entity) RETURN n.id AS id, n.name AS name ORDER BY id")
    vectors = encoder.encode([r["name"] for r in rows], normalize_embeddings=True)
    store.write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) SET n.nameEmbedding = r.v",
                rows=[{"id": r["id"], "v": v.tolist()} for r, v in zip(rows, vectors)])
    return encoder, [r["id"] for r in rows], vectors


def test_embedding_pass_uses_name_vectors(rag_store: GraphStore, rag_settings) -> None:
    _name_vectors(rag_store, rag_settings.encoder)
    try:
        name_vectors.NAME_VECTORS.clear()
        result = link(rag_store, "drugs for dementia", rag_settings.encoder)
        assert [(c.id, c.method) for c in result.linked] == [(AD, "embedding")]
        assert link(rag_store, "drugs for dementia").linked == []  # no encoder: no embedding pass
    finally:
        rag_store.write("MATCH (n:Entity) REMOVE n.nameEmbedding")
        name_vectors.NAME_VECTORS.clear()


def test_ask_uses_name_vectors_only_when_asked_to(rag_store: GraphStore, rag_settings) -> None:
    """A new process pays 10-20 s for the encoder: ``ask`` links by meaning only with ``by_meaning``."""
    from repurpose.rag.pipeline import ask

    _name_vectors(rag_store, rag_settings.encoder)
    try:
        name_vectors.NAME_VECTORS.clear()
        plain = ask(rag_store, "drugs for dementia", rag_settings, use_llm=False)
        assert plain.linking.linked == [] and len(name_vectors.NAME_VECTORS) == 0
        meant = ask(rag_store, "drugs for dementia", rag_settings, use_llm=False, by_meaning=True)
        assert [c.id for c in meant.linking.linked] == [AD]
    finally:
        rag_store.write("MATCH (n:Entity) REMOVE n.nameEmbedding")
        name_vectors.NAME_VECTORS.clear()


def test_a_question_of_known_names_and_function_words_never_reaches_the_encoder(rag_store: GraphStore,
                                                                             rag_settings) -> None:
    """"What else could X treat?" leaves no word over, so no encoder is loaded (seconds per question)."""
    name_vectors.NAME_VECTORS.clear()
    result = link(rag_store, "What else could donepezil treat?", rag_settings.encoder)
    assert [c.id for c in result.linked] == ["Compound::DB00843"]
    assert len(name_vectors.NAME_VECTORS) == 0


def test_a_question_that_names_a_node_never_reaches_the_encoder_for_its_other_words(rag_store: GraphStore,
                                                                                    rag_settings) -> None:
    """"donepezil (aricept)": the brand name is left over, but the question already named a node."""
    name_vectors.NAME_VECTORS.clear()
    result = link(rag_store, "donepezil (aricept) for dementia", rag_settings.encoder)
    assert [c.id for c in result.linked] == ["Compound::DB00843"]
    assert len(name_vectors.NAME_VECTORS) == 0


def test_name_vectors_of_every_label_are_searched(rag_store: GraphStore, rag_settings) -> None:
    """Neo4j holds one vector index per label: linking searches them all (on ArcadeDB: exact cosine)."""
    from repurpose.enrich.embed import vector_indexes

    encoder, ids, vectors = _name_vectors(rag_store, rag_settings.encoder)
    labels = [r["label"] for r in rag_store.read("CALL db.labels() YIELD label RETURN label") if r["label"] != "Entity"]
    made = vector_indexes(rag_store, labels, vectors.shape[1])
    try:
        index = name_vectors.EmbeddingIndex(rag_store, rag_settings.encoder)
        assert len(index.vector_indexes) == (len(labels) if rag_store.capabilities.vector_index else 0)
        hits = index.nearest(["Memantine", "Alzheimer's disease"], top=1)
        assert [h[0][0] for h in hits] == ["Compound::DB01043", AD] and min(h[0][1] for h in hits) > 0.99
        # Scores are cosines on both paths (Neo4j's index reports (1 + cos) / 2).
        query = encoder.encode(["dementia"], normalize_embeddings=True)
        exact = name_vectors.top_cosine(query, vectors, ids, 3)[0]
        got = index.nearest(["dementia"], top=3)[0]
        assert [i for i, _ in got] == [i for i, _ in exact]
        assert all(abs(a - b) < 1e-3 for (_, a), (_, b) in zip(got, exact)), (got, exact)
    finally:
        for name in made:
            rag_store.write(f"DROP INDEX {name} IF EXISTS")
        rag_store.write("MATCH (n:Entity) REMOVE n.nameEmbedding")
        name_vectors.NAME_VECTORS.clear()


def test_index_is_built_once_per_database(rag_store: GraphStore) -> None:
    assert name_index(rag_store) is name_index(rag_store)
    assert len(name_index(rag_store)) == 23


def test_index_is_kept_on_disk_between_processes(rag_store: GraphStore, tmp_path: Path) -> None:
    """With a cache directory the fitted index is kept in SQLite, and a new process opens it instead of rebuilding."""
    built = name_index(rag_store, tmp_path, refresh=True)
    [saved] = tmp_path.glob("names-*.sqlite")
    written = saved.stat().st_mtime_ns
    NAME_INDEXES.clear()  # as a new process starts
    loaded = name_index(rag_store, tmp_path)
    assert loaded is not built and loaded.stamp == built.stamp and len(loaded) == len(built)
    assert saved.stat().st_mtime_ns == written  # loaded from the file, not rebuilt and saved again
    assert loaded.names.top(["memantine"], 1)[0][0][0] == "memantine"
