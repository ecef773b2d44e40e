"""A library on disk, as the rest of the program sees it: the operations, not the stores.

The review tasks, the CLI, the TUI and the benchmarks hold a :class:`Library`
and ask it for papers, searches, embeddings and ingests; the stores behind it
(:mod:`litreview.index.stores`) stay private, so no caller depends on how a
search is put together. The heavy parts (Chroma, the ONNX models, BM25) load
on first use, so opening a library to list it costs only the SQLite catalog.

Reconciliation (checking derived stores against the catalog, which may send
papers back to pending) is an explicit step: :meth:`reconcile`, which the
first search or ingest runs if the caller has not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litreview.index.stages import IndexingState
from litreview.index.stores import ProgressFn, Stores, _quiet
from litreview.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from litreview.index.ingest import IngestReport
    from litreview.index.retriever import Filters, Retriever, SearchHit, SearchRequest
    from litreview.reading.paper import Paper
    from litreview.reading.readers import ReadOptions


class Library:
    def __init__(self, settings: Settings, stores: Stores | None = None) -> None:
        """Open the library ``settings`` point at.

        ``stores`` is for tests and benchmarks that must see or write the stores
        themselves (chunk counts, synthetic vectors): they open the stores, hand
        them over, and keep their own reference instead of reaching into this one.
        """
        self.settings = settings
        self._stores = stores or Stores(settings)
        self._reconciled = False
        self._told_partial = False

    def close(self) -> None:
        self._stores.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state ---------------------------------------------------------------
    def reconcile(self) -> int:
        """Check the derived stores against the catalog; return how many papers are pending."""
        pending = self._stores.reconcile()
        self._reconciled = True
        return pending

    def _ensure_reconciled(self) -> None:
        if not self._reconciled:
            self.reconcile()

    def _current(self) -> None:
        """In server mode, bring the local caches up to the server's state once per process."""
        if self.settings.chroma.host and not self._stores.pulled:
            self._stores.pull()

    @property
    def pending(self) -> int:
        """Papers saved but not (or no longer) in every index."""
        self._current()
        return self._stores.catalog.pending_count()

    def indexing_state(self) -> IndexingState:
        """How many papers are searchable and how many complete (:mod:`.stages`)."""
        self._current()
        return self._stores.indexing_state()

    def ranking_note(self) -> str | None:
        """ "ranking is partial: ..." while the re-ranking model has not indexed every paper
        (search then leaves it out for all candidates); ``None`` once complete."""
        return self.indexing_state().notice

    @property
    def notices(self) -> list[str]:
        """What reconciling repaired (a damaged index rebuilt): the faces say it once."""
        return self._stores.notices

    def listen(self, listener: Callable[[str], None]) -> None:
        """Hear a note about a wait as it begins (the re-ranking model's int8 graph built
        once, ~30 s, by a first search or ingest) instead of among :attr:`notices`, which
        a face says at the end: a note after the wait would not explain it. ``listener``
        may be called from a background load's thread."""
        self._stores.listener = listener

    @property
    def minilm_model(self) -> str:
        """The MiniLM graph the library's vectors (and queries) are of (``ingest.minilm``
        when it was new; kept since, see :mod:`.minilm_choice`)."""
        return self._stores.minilm_model

    @property
    def rerank_problem(self) -> str | None:
        """Why the re-ranking model is not in use although configured (install it like so)."""
        _ = self._stores.reranker
        return self._stores.rerank_problem

    # -- papers --------------------------------------------------------------
    def count(self) -> int:
        self._current()
        return self._stores.catalog.count()

    def chunk_count(self) -> int:
        """How many passages dense search holds (a benchmark's size, when an ingest it
        stopped never returned its report)."""
        self._current()
        return self._stores.vectors.count()

    def papers(self) -> Iterator[Paper]:
        self._current()
        catalog = self._stores.catalog
        if not self.settings.chroma.host:
            return catalog.all()
        return self._by_arrival()

    def _by_arrival(self, page: int = 1000) -> Iterator[Paper]:
        """A shared library's papers in the order every member lists them."""
        ids = self._stores.catalog.ids_by_arrival()
        for start in range(0, len(ids), page):
            got = self._stores.catalog.get(ids[start : start + page])
            yield from (got[pid] for pid in ids[start : start + page] if pid in got)

    def get(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        self._current()
        return self._stores.catalog.get(list(paper_ids))

    def source_counts(self) -> dict[str, int]:
        self._current()
        return self._stores.catalog.source_counts()

    def ids_matching(self, filters: Filters) -> set[str]:
        """Ids of the papers passing ``filters``' metadata filters (:meth:`Catalog.ids_matching`;
        its exclusions are the ranking's, not applied here)."""
        self._current()
        return self._stores.catalog.ids_matching(**filters.metadata())

    def listed_names(self, key: str) -> list[str]:
        """The Zotero collections (``"collections"``) or tags (``"tags"``) papers are in."""
        return self._stores.catalog.listed_names(key)

    def phrase_share(self, phrases: list[str]) -> dict[str, float]:
        """Share of the library whose text contains each phrase (theme naming discounts these)."""
        return self._stores.catalog.phrase_share(phrases)

    def unwritten(self, names: list[str]) -> list[str]:
        """The ``names`` that no paper of the library writes (in its indexed text) and no
        paper has as an author: what a question may ask about that the library lacks."""
        self._ensure_reconciled()
        with self._stores.lock:
            lexical = self._stores.lexical
            unknown = [n for n in names if not lexical.writes(n)]
            catalog = self._stores.catalog
            return [n for n in unknown if not catalog.has_author_like(n)]

    # -- vectors -------------------------------------------------------------
    def embed(self, texts: list[str]) -> np.ndarray[Any, Any]:
        """MiniLM vectors of ``texts``, in the space the library's papers live in."""
        return self._stores.vectors.embedder.embed(texts)

    def paper_vectors(self, paper_ids: list[str]) -> dict[str, np.ndarray[Any, Any]]:
        """One vector per paper (its chunks' mean, renormalised)."""
        return self._stores.vectors.paper_vectors(paper_ids)

    def load_models(self, mode: str | None = None) -> None:
        """Start loading the models a search in ``mode`` (default: the settings') needs, in
        the background (:meth:`Stores.load_models`); call it before the stores open."""
        self._stores.load_models(mode or self.settings.retrieval.mode)

    def warm_up(self) -> None:
        """Load the embedding model and the index now, so the first question is not slow."""
        self.load_models()
        self.embed(["warm up"])
        _ = self.rerank_problem

    # -- search --------------------------------------------------------------
    def request(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        mmr: bool | None = None,
        filters: Filters | None = None,
    ) -> SearchRequest:
        """A search as the settings say (``[retrieval] k, mode, mmr``), unless the caller says
        otherwise: the one place requests are built, so every face honours the settings."""
        from litreview.index.retriever import Filters, SearchRequest

        retrieval = self.settings.retrieval
        return SearchRequest(
            query,
            k=retrieval.k if k is None else k,
            mode=retrieval.mode if mode is None else mode,
            mmr=retrieval.mmr if mmr is None else mmr,
            filters=filters or Filters(),
        )

    @cached_property
    def _retriever(self) -> Retriever:
        from litreview.index.retriever import Retriever

        stores = self._stores
        return Retriever(
            stores.catalog,
            stores.vectors,
            stores.lexical,
            stores.tokens,
            self.settings.retrieval,
            stores.reranker,
        )

    def search(self, request: SearchRequest) -> list[SearchHit]:
        self._ensure_reconciled()
        # One search at a time: the SQLite connection and BM25 state are shared by threads
        # (batch concurrency); model calls, the slow part, run in parallel outside this lock.
        with self._stores.lock:
            hits = self._retriever.search(request)
        if not self._told_partial and request.mode == "hybrid":
            # Said once per library opened, through the notices every face prints.
            self._told_partial = True
            note = self.ranking_note()
            if note is not None:
                self._stores.notices.append(note)
        return hits

    # -- ingest --------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path],
        progress: ProgressFn = _quiet,
        stop: threading.Event | None = None,
        options: ReadOptions | None = None,
    ) -> IngestReport:
        from litreview.index.ingest import ingest

        try:
            report = ingest(self._stores, paths, progress, stop, options)
            self._stores.compact()
            return report
        finally:
            self._reconciled = True  # ingest reconciles first
            self.__dict__.pop("_retriever", None)
