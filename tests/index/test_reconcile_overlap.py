"""Reconciling counts the vector store on another core while it opens the next stores.

The embedded store's first count loads its HNSW graph (GIL-free, ~0.3 s at
50,000 papers); meanwhile reconciling opens the token store and reads the BM25
index. What it decides, and the errors and notes it gives, must stay those of
doing it all in order: the index is read once, a damaged one is noted once,
and a failing count is raised as before.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from litreview.index.lexical import LexicalIndex
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.index.vectors import VectorStore, VectorStoreError
from litreview.settings import load_settings


@pytest.fixture
def library(sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    monkeypatch.setenv("LITREVIEW_HOME", str(home))
    monkeypatch.delenv("LITREVIEW_CONFIG", raising=False)
    return Library(load_settings())


def test_the_count_runs_beside_the_bm25_read_which_happens_once(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[str] = []
    counted_in: list[str] = []
    load, count = LexicalIndex.load, VectorStore.count

    def loading(folder: Path, revision: int) -> LexicalIndex | None:
        loads.append(threading.current_thread().name)
        return load(folder, revision)

    def counting(self: VectorStore) -> int:
        counted_in.append(threading.current_thread().name)
        return count(self)

    monkeypatch.setattr(LexicalIndex, "load", staticmethod(loading))
    monkeypatch.setattr(VectorStore, "count", counting)
    with library:
        assert library.reconcile() == 0
        assert loads == ["MainThread"]  # read while counting, and reconciling used that read
        assert counted_in[0] == "litreview-count"
        hits = library.search(SearchRequest("backdoor attacks", k=3, mode="lexical"))
        assert len(hits) == 3 and loads == ["MainThread"]
        assert library.notices == []


def test_a_damaged_bm25_index_is_noted_once_and_rebuilt(library: Library) -> None:
    victim = library.settings.lexical_path / "data.csc.index.npy"
    victim.write_bytes(b"\x00garbage" * (victim.stat().st_size // 8))
    with library:
        library.reconcile()
        notes = [n for n in library.notices if "BM25" in n]
        assert len(notes) == 1 and "rebuilt" in notes[0]
        assert library.search(SearchRequest("backdoor attacks", k=3, mode="lexical"))


def test_a_failing_count_is_raised_by_reconciling(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(self: VectorStore) -> int:
        raise VectorStoreError("the vector store cannot be read")

    monkeypatch.setattr(VectorStore, "count", failing)
    with library, pytest.raises(VectorStoreError, match="cannot be read"):
        library.reconcile()
