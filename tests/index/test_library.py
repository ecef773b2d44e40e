"""Ingest and search in-process on a small library (the CLI tests cover the sample)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchRequest
from litreview.index.stores import Stores
from litreview.reading import read_file
from litreview.settings import Settings, load_settings
from tests.support.papers import small_corpus


def test_ingest_then_search_and_reingest_is_idempotent(settings: Settings, tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path)
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        report = lib.ingest([corpus])
        assert report.added == 20 and report.embedded == 20 and not report.failed
        chunks = stores.vectors.count()
        assert chunks >= 20 and lib.chunk_count() == chunks == report.chunks
        again = lib.ingest([corpus])
        assert again.added == 0 and again.skipped == 20 and again.embedded == 0
        assert stores.vectors.count() == chunks
        hits = lib.search(SearchRequest("generating ambiguous inputs to test DNN supervisors", k=3))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        assert hits[0].dense_rank is not None and hits[0].lexical_rank is not None


def test_changed_abstract_updates_in_place(settings: Settings, tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, n=5)
    with Library(settings) as lib:
        lib.ingest([corpus])
        rows = [json.loads(line) for line in corpus.read_text().splitlines()]
        rows[0]["abstract"] = "Zebras and giraffes migrate across the savanna every spring season."
        corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
        report = lib.ingest([corpus])
        assert report.updated == 1 and report.added == 0 and report.embedded == 1
        assert lib.count() == 5
        hits = lib.search(SearchRequest("zebra giraffe migration", k=1))
        assert hits[0].paper.title == rows[0]["title"]
        # the old text is gone from both indexes
        stale = lib.search(
            SearchRequest("regularized adversarial autoencoder latent", k=5, mode="lexical")
        )
        assert rows[0]["title"] not in [h.paper.title for h in stale]


def test_modes_filters_and_mmr(settings: Settings, tmp_path: Path) -> None:
    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path)])
        for mode in ("dense", "lexical", "hybrid"):
            assert lib.search(SearchRequest("neural network compilation", k=4, mode=mode))
        filtered = lib.search(
            SearchRequest("neural network", k=20, filters=Filters(year_from=2022, year_to=2022))
        )
        assert filtered and all(h.paper.year == 2022 for h in filtered)
        by_author = lib.search(SearchRequest("neural", k=5, filters=Filters(author="Author 3")))
        assert [h.paper.authors for h in by_author] == [("Author 3",)]
        diverse = lib.search(SearchRequest("deep neural network testing", k=5, mmr=True))
        assert len({h.paper.paper_id for h in diverse}) == 5


def test_reopened_collection_uses_our_embedder_not_a_download(
    settings: Settings, tmp_path: Path
) -> None:
    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path, n=3)])
    from litreview.encoders.minilm import MiniLMEmbedder
    from litreview.encoders.minilm_int8 import INT8_MODEL_ID, int8_graph
    from litreview.index.vectors import make_client

    # Opened with no embedding function: Chroma must rebuild ours from the stored config.
    collection = make_client(load_settings()).get_collection(settings.chroma.collection)
    config = collection.configuration_json["embedding_function"]
    assert config["name"] == "litreview-minilm-int8"
    assert config["config"]["model"] == INT8_MODEL_ID, "a new library's graph"
    used = np.asarray(collection._embed(["ambiguous inputs"], is_query=True)[0])
    graph = int8_graph(settings.model_cache)
    mine = MiniLMEmbedder(graph=graph).embed(["ambiguous inputs"])[0]
    assert np.allclose(used, mine, atol=1e-5)
    result = collection.query(query_texts=["ambiguous inputs"], n_results=1)
    assert result["ids"][0]


def test_resume_after_catalog_write_without_vectors(settings: Settings, tmp_path: Path) -> None:
    """The state a kill between the catalog transaction and the embedding leaves."""
    corpus = small_corpus(tmp_path, n=6)
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        stores.catalog.upsert(read_file(corpus).papers)
        assert lib.pending == 6
        report = lib.ingest([])
        assert report.resumed == 6 and report.embedded == 6 and lib.pending == 0
        assert lib.search(SearchRequest("ambiguous inputs", k=1))


def test_switching_vector_store_reindexes(settings: Settings, tmp_path: Path) -> None:
    """Papers indexed into one store are pending for another, never silently missing."""
    corpus = small_corpus(tmp_path, n=4)
    with Library(settings) as lib:
        lib.ingest([corpus])
    other = load_settings(**{"chroma.collection": "papers_elsewhere"})
    stores = Stores(other)
    with Library(other, stores) as lib:
        assert stores.vectors.count() == 0
        assert lib.pending == 0  # opening never re-queues: reconciling is the explicit step
        assert lib.reconcile() == 4 and lib.pending == 4
        assert lib.ingest([]).embedded == 4
        assert stores.vectors.count() >= 4


def test_stop_event_ends_at_a_batch_boundary(settings: Settings, tmp_path: Path) -> None:
    import threading

    import pytest

    from litreview.errors import Stopped

    corpus = small_corpus(tmp_path, n=12)
    stop = threading.Event()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "embed" and done >= 4:
            stop.set()

    limited = load_settings(**{"ingest.batch_size": 4})
    with Library(limited) as lib, pytest.raises(Stopped):
        lib.ingest([corpus], progress, stop)
    with Library(limited) as lib:
        assert lib.count() == 12 and lib.pending == 8
        assert lib.ingest([]).embedded == 8 and lib.pending == 0


def test_excluded_papers_never_come_back(settings: Settings, tmp_path: Path) -> None:
    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path)])
        top = lib.search(SearchRequest("ambiguous inputs supervisors", k=3))[0].paper.paper_id
        again = lib.search(
            SearchRequest(
                "ambiguous inputs supervisors", k=3, filters=Filters(exclude=frozenset({top}))
            )
        )
        assert top not in [h.paper.paper_id for h in again] and len(again) == 3


def test_the_embedded_collection_stores_vectors_not_chunk_text(
    settings: Settings, tmp_path: Path
) -> None:
    # The catalog holds the text; Chroma's copy and its full-text index were a third of its disk.
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        lib.ingest([small_corpus(tmp_path, n=3)])
        stored = stores.vectors.collection.get(include=["documents", "metadatas"])
        assert stored["ids"] and stored["documents"] == [None] * len(stored["ids"])
        assert {m["paper_id"] for m in stored["metadatas"] or []} == stores.catalog.indexed_ids()
        assert lib.search(SearchRequest("ambiguous inputs", k=1))
