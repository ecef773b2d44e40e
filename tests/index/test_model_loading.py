"""A search's models load in the background while the stores open (issue 11's first search)."""

from __future__ import annotations

from pathlib import Path

import overrides
import pytest

from litreview.encoders import minilm
from litreview.index.chroma_import import unchecked_overrides
from litreview.index.library import Library
from litreview.index.stages import IndexingState
from litreview.index.stores import Stores
from litreview.index.vectors import VectorStore
from litreview.settings import Settings, load_settings


class Base(overrides.EnforceOverrides):
    def scale(self, x: int) -> int:
        return x


def test_unchecked_overrides_marks_without_checking_and_restores() -> None:
    real = overrides.override
    with unchecked_overrides():

        class Loose(Base):
            @overrides.override
            def scale(self, y: str, z: int) -> int:  # type: ignore[override]  # not checked
                return 1

        assert Loose.scale.__override__  # type: ignore[attr-defined]
        with pytest.raises(TypeError, match="does not have @override"):

            class Unmarked(Base):  # EnforceOverrides' own rule still holds
                def scale(self, x: int) -> int:
                    return 2

    assert overrides.override is real
    with pytest.raises(TypeError, match="No super class method"):

        class Checked(Base):  # outside the block the real decorator checks again
            @overrides.override
            def missing(self) -> None:
                return None


def test_vector_store_opens_under_the_unchecked_import(settings: Settings) -> None:
    store = VectorStore(settings)
    assert store.count() == 0 and overrides.override is not None


def test_lexical_search_loads_no_model(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm._Model, "_instance", None)
    stores = Stores(settings)
    stores.load_models("lexical")
    assert stores.models_loaded(0) and minilm._Model._instance is None
    stores.close()


def test_dense_search_loads_minilm_in_the_background(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(minilm._Model, "_instance", None)
    stores = Stores(settings)
    stores.load_models("dense")
    stores.load_models("dense")  # once per process
    assert stores.models_loaded(120) and minilm._Model._instance is not None
    assert "reranker" not in stores.__dict__  # dense never asks the re-ranking model
    stores.close()


def test_a_failed_background_load_is_left_to_the_search(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(graph: object = None) -> None:
        raise RuntimeError("no model here")

    monkeypatch.setattr(minilm, "load", broken)
    stores = Stores(settings)
    stores.load_models("dense")
    assert stores.models_loaded(60)  # the thread ended quietly; the search will say why
    stores.close()


@pytest.mark.models
def test_hybrid_loads_the_reranking_model_only_when_it_will_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LITREVIEW_HOME", str(tmp_path / "home"))
    stores = Stores(load_settings())
    with Library(stores.settings, stores) as library:
        library.load_models()
        assert stores.models_loaded(300)
        assert stores.reranker is not None and stores.reranker._encoder is not None

    partial = Stores(load_settings())
    monkeypatch.setattr(partial, "indexing_state", lambda: IndexingState(2, 2, 1))
    partial.load_models("hybrid")  # ranking is partial: search leaves MPNet out
    assert partial.models_loaded(120)
    assert partial.reranker is not None and partial.reranker._encoder is None
    partial.close()
