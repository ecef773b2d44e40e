"""A library's MiniLM graph: chosen when new, recorded, and kept for its queries and ingests."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from litreview.encoders.minilm import MODEL_ID as SHIPPED
from litreview.encoders.minilm import MiniLMEmbedder
from litreview.encoders.minilm_int8 import (
    INT8_GRAPHS,
    INT8_MODEL_ID,
    INT8_V1_MODEL_ID,
    INT8_V2_MODEL_ID,
    int8_graph,
)
from litreview.index.library import Library
from litreview.index.minilm_choice import META, UnknownMiniLM, agreed_model
from litreview.index.retriever import SearchRequest
from litreview.index.server_collections import ServerCollections
from litreview.index.stores import Stores
from litreview.reading.paper import Paper
from litreview.settings import ChromaSettings, Settings, load_settings
from tests.support.papers import small_corpus


def recorded(settings: Settings) -> str | None:
    db = sqlite3.connect(settings.catalog_path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (META,)).fetchone()
    finally:
        db.close()
    return None if row is None else str(row[0])


def tokens_identity(settings: Settings) -> str:
    db = sqlite3.connect(settings.tokens_path)
    try:
        return str(db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()[0])
    finally:
        db.close()


def first_chunk(stores: Stores, paper: Paper) -> tuple[str, np.ndarray]:
    """A paper's first chunk's text and the vector the store holds for it."""
    from litreview.index.chunking import Chunker

    options = stores.settings.ingest
    count = stores.vectors.embedder.count_tokens
    chunk = Chunker(count, options.chunk_tokens, options.chunk_overlap).chunks(paper)[0]
    got = stores.vectors.collection.get(ids=[chunk.chunk_id], include=["embeddings"])
    return chunk.text, np.asarray(got["embeddings"][0], dtype=np.float32)


@pytest.mark.slow
def test_a_new_library_records_the_int8_graph_and_searches_with_it(
    settings: Settings, tmp_path: Path
) -> None:
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        lib.ingest([small_corpus(tmp_path, n=4)])
        assert lib.minilm_model == INT8_MODEL_ID == recorded(settings)
        assert stores.vectors.embedder.model_id == INT8_MODEL_ID
        assert tokens_identity(settings).startswith(INT8_MODEL_ID + "#tokens")
        hits = lib.search(SearchRequest("generating ambiguous inputs to test DNN supervisors", k=1))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        # The stored pooled vectors are the int8 graph's (what queries are compared with).
        text, stored = first_chunk(stores, hits[0].paper)
        assert np.allclose(stored, stores.vectors.embedder.embed([text])[0], atol=1e-6)
        assert not np.allclose(stored, MiniLMEmbedder().embed([text])[0], atol=1e-3)


@pytest.mark.slow
def test_an_older_library_keeps_the_shipped_graph_for_queries_and_later_ingests(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library embedded before the choice was recorded has the shipped graph's vectors: its
    queries and a later ingest use that graph, and nothing is re-embedded."""
    old = load_settings(**{"ingest.minilm": "shipped"})
    with Library(old) as lib:
        lib.ingest([small_corpus(tmp_path, n=3)])
    db = sqlite3.connect(old.catalog_path)
    db.execute("DELETE FROM meta WHERE key = ?", (META,))  # as an earlier version left it
    db.commit()
    db.close()
    settings = load_settings()  # today's default: int8 for new libraries
    assert settings.ingest.minilm == "int8"
    stores = Stores(settings)
    with Library(settings, stores) as lib:
        assert lib.minilm_model == SHIPPED
        assert stores.vectors.embedder.graph is None, "the shipped file"
        report = lib.ingest([small_corpus(tmp_path, n=5)])
        assert report.embedded == 2, "only the two new papers"
        assert recorded(settings) == SHIPPED
        assert tokens_identity(settings).startswith(SHIPPED + "#tokens")
        hits = lib.search(SearchRequest("generating ambiguous inputs to test DNN supervisors", k=1))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        text, stored = first_chunk(stores, hits[0].paper)
        assert np.allclose(stored, MiniLMEmbedder().embed([text])[0], atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("earlier", [INT8_V1_MODEL_ID, INT8_V2_MODEL_ID])
def test_a_library_of_an_earlier_int8_graph_keeps_it(
    settings: Settings, tmp_path: Path, earlier: str
) -> None:
    """A library made with the int8 graph as it ran before (dynamic-v1: onnxruntime's fused
    residual + LayerNorm kernel; dynamic-v2: without it, each FFN output projection whole in
    fp32) embeds its later papers and its queries the same way: new libraries' vectors (v3,
    the projections split) differ enough to be another model's."""
    stores = Stores(settings)
    stores.catalog.set_meta(META, earlier)  # as the earlier version recorded it
    with Library(settings, stores) as lib:
        lib.ingest([small_corpus(tmp_path, n=3)])
        assert lib.minilm_model == earlier == recorded(settings)
        graph = stores.vectors.embedder.graph
        assert graph is not None and graph.unfused == INT8_GRAPHS[earlier].unfused
        assert graph.path().name == INT8_GRAPHS[earlier].file
        assert tokens_identity(settings).startswith(earlier + "#tokens")
        hits = lib.search(SearchRequest("generating ambiguous inputs to test DNN supervisors", k=1))
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        text, stored = first_chunk(stores, hits[0].paper)
    then = MiniLMEmbedder(graph=int8_graph(settings.model_cache, model_id=earlier))
    now = MiniLMEmbedder(graph=int8_graph(settings.model_cache))
    assert now.graph is not None and now.graph.path().name != INT8_GRAPHS[earlier].file
    assert np.allclose(stored, then.embed([text])[0], atol=1e-6)
    other = now.embed([text])[0]
    assert not np.allclose(stored, other, atol=1e-4)
    assert float(stored @ other) > 0.99, "the same model's numbers, a little apart"


def test_the_setting_chooses_only_for_a_new_library(home: Path, tmp_path: Path) -> None:
    chosen = load_settings(**{"ingest.minilm": "shipped"})
    with Library(chosen) as lib:
        lib.ingest([small_corpus(tmp_path, n=2)])
        assert lib.minilm_model == SHIPPED
    with Library(load_settings(**{"ingest.minilm": "int8"})) as lib:
        assert lib.minilm_model == SHIPPED, "recorded: kept"


def test_a_library_of_an_unknown_graph_asks_for_an_upgrade(settings: Settings) -> None:
    stores = Stores(settings)
    stores.catalog.set_meta(META, "all-MiniLM-L6-v2/int4")
    with pytest.raises(UnknownMiniLM, match=r"'all-MiniLM-L6-v2/int4'.*upgrade litreview"):
        _ = stores.minilm_model
    stores.close()


def test_a_bad_setting_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="minilm"):
        load_settings(**{"ingest.minilm": "fp16"})


@pytest.fixture
def server(tmp_path: Path) -> ServerCollections:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    return ServerCollections(client, ChromaSettings(host="127.0.0.1"))


def test_members_follow_the_first_members_graph(server: ServerCollections) -> None:
    assert agreed_model(server, SHIPPED) == SHIPPED
    assert agreed_model(server, INT8_MODEL_ID) == SHIPPED, "the library's, not mine"


def test_the_first_member_of_a_new_shared_library_chooses(server: ServerCollections) -> None:
    assert agreed_model(server, INT8_MODEL_ID) == INT8_MODEL_ID
    assert agreed_model(server, SHIPPED) == INT8_MODEL_ID


def test_a_library_shared_before_the_graph_was_agreed_keeps_the_shipped_one(
    tmp_path: Path, server: ServerCollections
) -> None:
    from tests.support.members import ingest, member, papers

    a = member(tmp_path, "a", server)
    ingest(a, papers(2))
    assert agreed_model(server, INT8_MODEL_ID) == SHIPPED
    a.close()


def test_an_unknown_shared_graph_asks_for_an_upgrade(server: ServerCollections) -> None:
    import base64

    value = base64.b64encode(b"all-MiniLM-L6-v2/int4").decode()
    server.params.upsert(
        ids=["minilm-model"], embeddings=[[1.0, 0.0]], metadatas=[{"value": value}]
    )
    with pytest.raises(UnknownMiniLM, match="upgrade litreview"):
        agreed_model(server, INT8_MODEL_ID)


def test_chroma_records_the_graph_its_collection_was_made_with(
    settings: Settings, tmp_path: Path
) -> None:
    from litreview.index.vectors import make_client

    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path, n=2)])
    collection = make_client(load_settings()).get_collection(settings.chroma.collection)
    config = collection.configuration_json["embedding_function"]["config"]
    assert config["model"] == INT8_MODEL_ID
    assert json.dumps(config)  # plain data
    assert np.isfinite(np.asarray(collection.get(include=["embeddings"])["embeddings"])).all()


@pytest.mark.slow
def test_a_search_that_must_build_the_graph_says_so(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ingest builds the int8 graph into the model cache; a search that finds it gone
    (the cache cleared) builds it again and tells the user, never silently."""
    from litreview.encoders import minilm
    from litreview.encoders.minilm_int8 import graph_present

    cache = tmp_path / "models"
    monkeypatch.setenv("LITREVIEW_MODEL_CACHE", str(cache))
    monkeypatch.setattr(minilm._Model, "_instance", None)
    with Library(load_settings()) as lib:
        lib.ingest([small_corpus(tmp_path, n=2)])
        assert any("building MiniLM's int8 graph" in n for n in lib.notices)
    assert graph_present(cache)
    for built in cache.glob("all-MiniLM-L6-v2-*"):
        for file in built.iterdir():
            file.unlink()
    monkeypatch.setattr(minilm._Model, "_instance", None)  # a new process
    stores = Stores(load_settings())
    stores.load_models("hybrid")  # nothing to load in the background: the graph is gone
    assert stores.models_loaded(60) and minilm._Model._instance is None
    with Library(load_settings(), stores) as lib:
        assert lib.search(SearchRequest("ambiguous inputs", k=1))
        assert any("building MiniLM's int8 graph" in n for n in lib.notices)
    assert graph_present(cache)
