"""A library on disk: the catalog and its derived indexes, opened together.

The review tasks, the CLI and the TUI hold a :class:`Library`; the heavy
parts (Chroma, the ONNX model, BM25) load on first use, so opening a library
to list it costs only the SQLite catalog.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from litreview.index.catalog import Catalog
from litreview.index.sqlite_store import ModelStore
from litreview.settings import Settings

if TYPE_CHECKING:
    from litreview.index.ingest import IngestReport, ProgressFn
    from litreview.index.late import TokenStore
    from litreview.index.lexical import LexicalIndex
    from litreview.index.retriever import Retriever, SearchHit, SearchRequest
    from litreview.index.second_opinion import SecondOpinion
    from litreview.index.vectors import VectorStore


S = TypeVar("S", bound=ModelStore)


def _quiet(stage: str, done: int, total: int) -> None:
    return None


class Library:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.catalog_path)
        self._lock = threading.RLock()
        # Why the second-opinion model is not in use, if it is configured but cannot load.
        self.second_opinion_problem: str | None = None
        # What opening the stores repaired, for the faces to tell the user.
        self.notices: list[str] = []

    def close(self) -> None:
        if "tokens" in self.__dict__:
            self.tokens.close()
        if self.__dict__.get("second_opinion") is not None:
            self.second_opinion.close()  # type: ignore[union-attr]
        self.catalog.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def vectors(self) -> VectorStore:
        """The vector store, reconciled with the catalog.

        If the store is not the one the catalog was indexed into (the user
        switched between embedded and a server) or it lost its data, every
        paper goes back to pending so the next ingest re-embeds it, instead
        of searches silently missing papers.
        """
        from litreview.index.vectors import VectorStore

        store = VectorStore(self.settings)
        identity = store.identity
        indexed = self.catalog.indexed_count()
        recorded = self.catalog.get_meta("vector_store") or ""
        if recorded.startswith("/") and identity.startswith("embedded#"):
            recorded = "embedded#" + recorded.rpartition("#")[2]  # before stores were named by role
        if recorded != identity or (indexed and store.count() == 0):
            if indexed:
                self.catalog.mark_all_pending()
            self.catalog.set_meta("vector_store", identity)
        return store

    @cached_property
    def tokens(self) -> TokenStore:
        """Token vectors for late interaction, reconciled with the catalog.

        A paper indexed in the catalog but absent here (a library built before
        this store existed, a deleted file, another model) goes back to
        pending, so the next ingest embeds it again rather than leaving it
        out of the re-ranking.
        """
        from litreview.index.embedder import MODEL_ID
        from litreview.index.late import TokenStore

        return self._requeue_missing(TokenStore(self.settings.tokens_path, MODEL_ID))

    @cached_property
    def second_opinion(self) -> SecondOpinion | None:
        """The second re-ranking model and its vectors, reconciled with the catalog.

        ``None`` when switched off (``retrieval.rerank_model = "none"``) or when
        its packages are not installed (:attr:`second_opinion_problem` says
        how to install them). When it is available, papers indexed without it
        go back to pending so the next ingest gives them its vectors.
        """
        from litreview.index.model_files import ModelMissing, materialise
        from litreview.index.mpnet import store_id
        from litreview.index.second_opinion import SecondOpinion, VectorTable

        if self.settings.retrieval.rerank_model == "none":
            return None
        try:
            folder = materialise(self.settings.model_cache)
        except ModelMissing as exc:
            self.second_opinion_problem = str(exc)
            return None
        precision = self.settings.retrieval.rerank_model_precision
        table = self._requeue_missing(
            VectorTable(self.settings.second_opinion_path, store_id(precision))
        )
        return SecondOpinion(folder, table, self.settings.ingest.chunk_overlap, precision)

    def _requeue_missing(self, store: S) -> S:
        """Papers indexed in the catalog but absent from ``store`` go back to pending."""
        if store.count() < self.catalog.indexed_count():
            self.catalog.mark_pending(self.catalog.indexed_ids() - store.paper_ids())
        return store

    @cached_property
    def lexical(self) -> LexicalIndex:

        revision = self.catalog.revision
        loaded = self._load_lexical(revision)
        return loaded if loaded is not None else self._build_lexical(revision)

    def _load_lexical(self, revision: int) -> LexicalIndex | None:
        """The saved BM25 index; a damaged one is reported and counts as missing (rebuilt)."""
        from litreview.errors import StoreDamaged
        from litreview.index.lexical import LexicalIndex

        try:
            return LexicalIndex.load(self.settings.lexical_path, revision)
        except StoreDamaged as exc:
            self.notices.append(f"{exc}; rebuilt it from the catalog")
            return None

    def _build_lexical(self, revision: int) -> LexicalIndex:
        from litreview.index.lexical import LexicalIndex

        index = LexicalIndex.build(list(self.catalog.all()))
        index.save(self.settings.lexical_path, revision)
        return index

    def refresh_lexical(self, progress: ProgressFn = _quiet) -> None:
        """Rebuild BM25 if the catalog moved on since it was built."""
        revision = self.catalog.revision
        if self._load_lexical(revision) is None:
            progress("lexical", 0, 1)
            self.__dict__["lexical"] = self._build_lexical(revision)
            progress("lexical", 1, 1)

    @cached_property
    def retriever(self) -> Retriever:
        from litreview.index.retriever import Retriever

        return Retriever(
            self.catalog,
            self.vectors,
            self.lexical,
            self.tokens,
            self.settings.retrieval,
            self.second_opinion,
        )

    def search(self, request: SearchRequest) -> list[SearchHit]:
        # One search at a time: the SQLite connection and BM25 state are shared by threads
        # (batch concurrency); model calls, the slow part, run in parallel outside this lock.
        with self._lock:
            return self.retriever.search(request)

    def ingest(
        self,
        paths: Iterable[Path],
        progress: ProgressFn = _quiet,
        stop: threading.Event | None = None,
    ) -> IngestReport:
        from litreview.index.ingest import ingest

        try:
            return ingest(self, paths, progress, stop)
        finally:
            self.__dict__.pop("retriever", None)

    @property
    def pending(self) -> int:
        """Papers saved but not (or no longer) in the vector store."""
        return self.catalog.pending_count()

    def reconcile(self) -> int:
        """Open the derived stores (checking them against the catalog); return what is pending."""
        _ = self.vectors
        _ = self.tokens
        _ = self.second_opinion
        self.refresh_lexical()
        return self.pending
