"""The catalog and the stores derived from it, opened together and reconciled on request.

The catalog (SQLite) is the source of truth; the vector store (Chroma), the
BM25 index, the token vectors and the re-ranking model's vectors are derived
from it. Opening a store never writes: :meth:`Stores.reconcile` is the one
step that checks each derived store against the catalog and sends papers it
lacks back to pending (so the next ingest embeds them), which is why no read
of a property can re-queue a library behind the caller's back.

:class:`~litreview.index.library.Library` is the face the rest of the program
sees; ingest receives these stores because it writes them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from litreview.errors import LitreviewError, StoreDamaged
from litreview.index.catalog import Catalog, UpsertOutcome
from litreview.index.sqlite_store import ModelStore
from litreview.index.stages import IndexingState
from litreview.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from litreview.encoders.minilm import Graph
    from litreview.index.late import TokenStore
    from litreview.index.lexical import LexicalIndex
    from litreview.index.member_cache import MemberCache
    from litreview.index.reranker import Reranker
    from litreview.index.server_collections import ServerCollections
    from litreview.index.store_place import Place
    from litreview.index.vectors import Chunk, VectorStore
    from litreview.reading.paper import Paper

S = TypeVar("S", bound=ModelStore)
ProgressFn = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def _quietly(job: Callable[[], object]) -> None:
    """Run a background load; its failure is reported by the foreground's own attempt."""
    with contextlib.suppress(Exception):  # the caller's next access raises it with context
        job()


class Stores:
    def __init__(self, settings: Settings) -> None:
        from litreview.index.store_place import KEY, check_kind

        self.settings = settings
        self.catalog = Catalog(settings.catalog_path)
        try:  # the other kind of store than the home's is refused before any store opens
            check_kind(
                self.catalog.get_meta(KEY), self.catalog.count, settings.chroma, settings.home
            )
        except BaseException:
            self.catalog.close()
            raise
        # A server at another address than recorded, proven to hold the recorded collection.
        self._moved_from: Place | None = None
        self.lock = threading.RLock()
        # Why the re-ranking model is not in use, if it is configured but cannot load.
        self.rerank_problem: str | None = None
        # What reconciling repaired (a damaged index rebuilt), for the faces to tell the user.
        self.notices: list[str] = []
        # Who hears a note about a wait as it begins (:meth:`before_waiting`); without one,
        # the note joins the notices.
        self.listener: Callable[[str], None] | None = None
        self.pulled = False  # server mode: whether this process brought the caches up to date
        self._loaders: list[threading.Thread] = []
        # The BM25 index read while the vector store counted, and the revision it is of.
        self._prefetched_lexical: tuple[int, LexicalIndex | None] | None = None

    def close(self) -> None:
        if self.__dict__.get("shared") is not None:
            self.shared.close()  # type: ignore[union-attr]
        if "tokens" in self.__dict__:
            self.tokens.close()
        if self.__dict__.get("reranker") is not None:
            self.reranker.close()  # type: ignore[union-attr]
        self.catalog.close()

    # -- opening (no writes) -------------------------------------------------
    def load_models(self, mode: str = "hybrid") -> None:
        """Start loading the ONNX sessions a search needs, in background threads (once).

        Why: a first search in a new process spent ~0.7 s creating the MiniLM and
        MPNet sessions one after the other, and ~0.6 s importing chromadb and
        loading the BM25 index, all on one core. onnxruntime builds a session
        without holding the GIL, so on a second core the sessions are ready
        while the main thread imports and opens the stores. A load that fails
        here is left alone: the search's own access then loads again and says why.
        The threads are not daemons: the process waits for a session being built
        rather than tearing the runtime down under it.
        """
        if self._loaders or mode == "lexical":
            return
        from litreview.encoders import minilm
        from litreview.encoders.minilm_int8 import graph_present
        from litreview.index.minilm_choice import META

        work: list[Callable[[], object]] = []
        # A shared library's graph is agreed on the server: this member's record of it (its
        # first open, which reaches the server, records it) is what to load meanwhile.
        shared = bool(self.settings.chroma.host)
        try:
            model = self.catalog.get_meta(META) if shared else self.minilm_model
        except LitreviewError:  # a graph this version does not know: the search says so
            model = None
        graph = self._graph(model or "")
        # A missing int8 graph is built by the search's own access, which says so.
        if model is not None and (
            graph is None or graph_present(self.settings.model_cache, graph.model_id)
        ):
            work.append(lambda: minilm.load(graph))
        retrieval = self.settings.retrieval
        if mode == "hybrid" and retrieval.rerank and retrieval.rerank_model != "none":
            reranker = self.reranker  # opened here (SQLite, model files), loaded in a thread
            # While ranking is partial, search leaves the model out: nothing to load then.
            if reranker is not None and not self.indexing_state().partial:
                work.append(lambda: reranker.encoder)
        for job in work:
            thread = threading.Thread(target=_quietly, args=(job,), name="litreview-load")
            thread.start()
            self._loaders.append(thread)

    def models_loaded(self, timeout: float | None = None) -> bool:
        """Wait for the background loads :meth:`load_models` started; whether they are done."""
        for thread in self._loaders:
            thread.join(timeout)
        return not any(thread.is_alive() for thread in self._loaders)

    @cached_property
    def vectors(self) -> VectorStore:
        """The chunk collection, its embedder on the library's MiniLM graph (:attr:`minilm_model`;
        a shared library's is agreed through the server, so it is set once the store is open)."""
        from litreview.encoders.minilm import MiniLMEmbedder
        from litreview.index.store_place import ID_KEY, KEY, check_moved, moved
        from litreview.index.vectors import VectorStore

        shared = bool(self.settings.chroma.host)
        embedder = MiniLMEmbedder(graph=None if shared else self._graph(self.minilm_model))
        chroma = self.settings.chroma
        place = moved(self.catalog.get_meta(KEY), chroma) if shared else None
        if place is not None and self.catalog.count() == 0:
            place = None  # nothing here to mix up: the home takes this server (reconciling)
        if place is None:
            store = VectorStore(self.settings, embedder)
        else:  # another address: only the collection the home recorded will do, unchanged
            from litreview.index.vectors import NoCollection

            try:
                store = VectorStore(self.settings, embedder, create=False)
                found: str | None = store.collection_id
            except NoCollection:
                found = None
            check_moved(place, self.catalog.get_meta(ID_KEY), found, chroma, self.settings.home)
            self._moved_from = place
        if shared:
            self.__dict__["vectors"] = store  # the server's records are reached through it
            embedder.graph = self._graph(self.minilm_model)
        return store

    @cached_property
    def minilm_model(self) -> str:
        """The MiniLM graph this library's vectors are of (:mod:`.minilm_choice`)."""
        from litreview.index.minilm_choice import agreed_model, local_model

        setting = self.settings.ingest.minilm
        mine = local_model(self.catalog, self.settings.tokens_path, setting)
        if self.settings.chroma.host:
            return agreed_model(self.server, mine)  # type: ignore[arg-type]
        return mine

    def _graph(self, model_id: str) -> Graph | None:
        """The embedder's graph for ``model_id`` (``None``: the shipped file)."""
        from litreview.encoders.minilm_int8 import INT8_GRAPHS, int8_graph

        if model_id not in INT8_GRAPHS:
            return None
        return int8_graph(self.settings.model_cache, self._building, model_id)

    def _record_minilm(self) -> None:
        """Record the library's MiniLM graph in its catalog (reconcile: the step that writes)."""
        from litreview.index.minilm_choice import META

        if self.catalog.get_meta(META) != self.minilm_model:
            self.catalog.set_meta(META, self.minilm_model)

    @cached_property
    def tokens(self) -> TokenStore:
        """Token vectors for late interaction (MiniLM's own, from the same forward pass)."""
        from litreview.index.late import TokenStore, codec_of_store

        path = self.settings.tokens_path
        model = self.minilm_model
        codec = codec_of_store(path, model)
        if self.server is not None:  # a shared library's members all store one format
            from litreview.index.member_cache import agreed_codec

            codec = agreed_codec(self.server, codec)
        return TokenStore(path, model, codec)

    @cached_property
    def reranker(self) -> Reranker | None:
        """The re-ranking model and its vectors.

        ``None`` when switched off (``retrieval.rerank_model = "none"``) or when
        its packages are not installed (:attr:`rerank_problem` says how to
        install them).
        """
        from litreview.encoders.model_files import ModelMissing, materialise
        from litreview.encoders.mpnet import store_id
        from litreview.index.reranker import ROWS, SHARED_ROWS, Reranker, VectorTable

        if self.settings.retrieval.rerank_model == "none":
            return None
        try:
            folder = materialise(self.settings.model_cache)
        except ModelMissing as exc:
            self.rerank_problem = str(exc)
            return None
        precision = self.settings.retrieval.rerank_model_precision
        if self.server is not None:  # a shared library's members use one precision
            from litreview.index.member_cache import agreed_precision

            agreed = agreed_precision(self.server, precision)
            if agreed != precision:
                self.notices.append(
                    f"the shared library's re-ranking vectors are {agreed} (its first member's "
                    f"setting): using {agreed}, not this member's "
                    f"retrieval.rerank_model_precision = {precision!r}"
                )
                precision = agreed
        rows = SHARED_ROWS if self.server is not None else ROWS
        table = VectorTable(self.settings.reranker_path, store_id(precision), rows)
        if self.server is None and (dropped := table.drop_if_collapsed()):
            self.notices.append(
                f"the re-ranking vectors of {dropped} papers were made by an int8 graph that "
                "fails on processors without VNNI (all alike, so re-ranking was noise): they "
                "are made again by the next ingest (`litreview ingest` resumes it)"
            )

        return Reranker(
            folder, table, self.settings.ingest.chunk_overlap, precision, self._building
        )

    def _building(self, graph: Path, what: str) -> None:
        """An int8 graph is about to be built (a first search after an ingest waited ~24 s for
        MPNet's in silence): said before the wait, by either encoder alike."""
        self.before_waiting(f"building {what} once into {graph.parent}")

    def before_waiting(self, note: str) -> None:
        """Say why the user is about to wait (an int8 graph built once, ~30 s), before the
        wait: to the :attr:`listener` at once (it may be a background load's thread), or,
        with none, among the notices said at the end."""
        if self.listener is not None:
            self.listener(note)
        else:
            self.notices.append(note)

    @cached_property
    def server(self) -> ServerCollections | None:
        """In server mode, the shared library's records on the server (``None`` when embedded)."""
        if not self.settings.chroma.host:
            return None
        from litreview.index.server_collections import ServerCollections

        vectors = self.vectors
        return ServerCollections(vectors.client, self.settings.chroma, vectors.collection)

    @cached_property
    def shared(self) -> MemberCache | None:
        """In server mode, this member's link to the shared library (``None`` when embedded)."""
        if self.server is None:
            return None
        from litreview.index.member_cache import MemberCache

        table = self.reranker.table if self.reranker is not None else None
        return MemberCache(self.settings, self.server, self.catalog, self.tokens, table)

    def pull(self) -> None:
        """Bring the local caches up to the shared server's state (nothing when embedded)."""
        with self.lock:
            if self.shared is not None:
                self._reconcile_vectors()  # before the catalog fills with the server's papers
                report = self.shared.pull()
                if report.requeued:
                    self.notices.append(
                        f"{report.requeued} papers indexed here are missing on the server; "
                        "'litreview ingest' sends them again"
                    )
                self.pulled = True

    def replace_chunks(
        self, chunks: list[Chunk], vectors: np.ndarray, content_hashes: dict[str, str]
    ) -> None:
        """Store a batch's chunks (phase 1), in server mode under ids naming this write.

        ``content_hashes``: each paper's, for the write's id. In a shared
        library a chunk id names the write that made it
        (:mod:`~litreview.index.chunk_writes`), so removing or replacing a
        version of a paper deletes exactly that version's chunks, never those
        another member is writing; the embedded store keeps ``<paper>:<n>``.
        """
        if self.shared is not None:
            from dataclasses import replace

            from litreview.index.chunk_writes import chunk_id

            wanted = {c.paper_id for c in chunks}
            writes = self.shared.new_writes(
                {pid: digest for pid, digest in content_hashes.items() if pid in wanted}
            )
            chunks = [
                replace(c, chunk_id=chunk_id(c.paper_id, writes[c.paper_id], c.index))
                for c in chunks
            ]
        before = self.vectors.replace_papers(chunks, vectors)
        if self.shared is not None:
            self.shared.note_replaced(before)

    def publish(self, paper_ids: list[str]) -> None:
        """Share a committed batch with the server (after its chunks, before "indexed")."""
        if self.shared is not None:
            self.shared.publish(paper_ids)

    def upsert(self, papers: list[Paper]) -> UpsertOutcome:
        """Put a file's papers in the catalog; in server mode, under the shared library's ids.

        Ids are claimed on the server first (:mod:`litreview.index.server_ids`),
        so two members reading two different papers of one title at once give
        them two ids, and the same paper read by both one id. Papers whose row
        changed without new text (a file name merged in) are shared at once.
        """
        if self.server is not None and papers:
            from litreview.index.server_ids import claim_ids

            papers = claim_ids(self.server, papers)
        outcome = self.catalog.upsert(papers)
        self.publish_changed(outcome.unchanged)
        return outcome

    def publish_changed(self, paper_ids: list[str]) -> None:
        """Share indexed papers whose row changed without new text (a source merged in)."""
        if self.shared is not None and paper_ids:
            self.shared.publish_changed(paper_ids)

    @cached_property
    def lexical(self) -> LexicalIndex:
        revision = self.catalog.revision
        loaded = self._load_lexical(revision)
        return loaded if loaded is not None else self._build_lexical(revision)

    # -- reconciling (the one step that writes) ---------------------------------
    def reconcile(self) -> int:
        """Check every derived store against the catalog; return how many papers are pending.

        A vector store that is not the one the catalog was indexed into (another
        embedded collection, or a home that recorded none: a switch between
        embedded and a server is refused on opening, :mod:`.store_place`) or
        that lost its data sends every paper back to pending; a token store
        missing some indexed papers sends those back; a re-ranking table missing some sends those
        back to the second stage only, and full text indexed before passages
        were sends those back to pending; a stale or damaged BM25 index is
        rebuilt. Searches then never silently miss papers.
        """
        with self.lock:
            self._reconcile_vectors(self._count_vectors_meanwhile())
            self._record_minilm()
            self.pull()
            unchunked = self.catalog.fulltext_not_indexed()
            if unchunked:  # full text indexed before its passages were: embed them
                self.catalog.mark_pending(unchunked)
                self.catalog.mark_unreranked(unchunked)  # the second model reads passages too
            self._requeue_missing(self.tokens)
            if self.reranker is not None:
                table = self.reranker.table
                if table.count() < self.catalog.reranked_count():
                    self.catalog.mark_unreranked(self.catalog.reranked_ids() - table.paper_ids())
            self.refresh_lexical()
            return self.catalog.pending_count()

    def indexing_state(self) -> IndexingState:
        """How many papers are searchable and how many complete (see :mod:`.stages`)."""
        catalog = self.catalog
        papers, searchable = catalog.count(), catalog.indexed_count()
        if self.reranker is None:
            return IndexingState(papers, searchable, searchable, reranking=False)
        return IndexingState(papers, searchable, catalog.complete_count())

    def _count_vectors_meanwhile(self) -> Callable[[], int]:
        """Count the embedded vector store on another core while opening what comes next.

        Why: an embedded store's first call loads its HNSW graph (~0.3 s at
        50,000 papers, in chromadb's Rust code, which releases the GIL), and
        reconciling's first question is that count. Meanwhile this thread opens
        the token store and reads the BM25 index, which reconciling reads next:
        reads only, so the order of what reconciling decides is unchanged. A
        failure here is left for reconciling's own access to raise, as it would
        have. The vector store is used by one thread at a time: nothing touches
        it until the count is taken. A server counts on its side: nothing to overlap.
        """
        store = self.vectors
        if self.settings.chroma.host:
            return store.count
        counted: Future[int] = Future()

        def count() -> None:
            try:
                counted.set_result(store.count())
            except BaseException as exc:  # raised again by the caller's result()
                counted.set_exception(exc)

        thread = threading.Thread(target=count, name="litreview-count")
        thread.start()
        try:
            with contextlib.suppress(Exception):
                _ = self.tokens
            with contextlib.suppress(Exception):
                revision = self.catalog.revision
                self._prefetched_lexical = (revision, self._load_lexical(revision))
        finally:
            thread.join()
        return counted.result

    def _reconcile_vectors(self, count: Callable[[], int] | None = None) -> None:
        """A store that is not the one recorded (possible only for a home with no papers, an
        older home that recorded none, or another embedded collection: :mod:`.store_place`
        refuses the rest) or that lost its data sends every paper back to pending; a
        server's collection id is recorded, to know it again at another address."""
        from litreview.index.store_place import ID_KEY, KEY, moved_notice

        store = self.vectors
        identity = store.identity
        indexed = self.catalog.indexed_count()
        recorded = self.catalog.get_meta(KEY) or ""
        if recorded.startswith("/") and identity.startswith("embedded#"):
            recorded = "embedded#" + recorded.rpartition("#")[2]  # before stores were named by role
        if self._moved_from is not None and recorded != identity:  # the same collection, proven
            self.notices.append(moved_notice(self._moved_from, self.settings.chroma))
            self.catalog.set_meta(KEY, identity)
            recorded = identity
        if recorded != identity or (indexed and (count or store.count)() == 0):
            if indexed:
                self.catalog.mark_all_pending()
            self.catalog.set_meta(KEY, identity)
        if self.settings.chroma.host and self.catalog.get_meta(ID_KEY) != store.collection_id:
            self.catalog.set_meta(ID_KEY, store.collection_id)

    def _requeue_missing(self, store: S) -> S:
        """Papers indexed in the catalog but absent from ``store`` go back to pending."""
        if store.count() < self.catalog.indexed_count():
            self.catalog.mark_pending(self.catalog.indexed_ids() - store.paper_ids())
        return store

    def _load_lexical(self, revision: int) -> LexicalIndex | None:
        """The saved BM25 index; a damaged one is reported and counts as missing (rebuilt)."""
        from litreview.index.lexical import LexicalIndex

        try:
            return LexicalIndex.load(self.settings.lexical_path, revision)
        except StoreDamaged as exc:
            self.notices.append(f"{exc}; rebuilt it from the catalog")
            return None

    def _build_lexical(self, revision: int) -> LexicalIndex:
        from litreview.index.lexical import LexicalIndex

        index = LexicalIndex.build(list(self.catalog.all()), self.catalog.all_passages())
        index.save(self.settings.lexical_path, revision)
        return index

    def remove_papers(self, paper_ids: list[str]) -> int:
        """Take papers out of every store; returns how many the catalog had.

        Derived stores first, the catalog last: a run stopped in between leaves
        papers the catalog still calls indexed but a store lacks, which
        reconciling re-embeds (and the next ingest removes again), never
        vectors of a paper the catalog no longer knows. BM25 follows the
        catalog's revision (rebuilt by :meth:`refresh_lexical`). In server mode
        the removal is shared: logged first, then the server's chunks (those of
        the write each record it saw came from, by id: a member adding a paper
        again meanwhile writes other ids), then its records, then settled
        (:meth:`ServerCollections.log_removal` says why in that order): a run
        stopped midway is finished by the next member to open the library, and
        every member's cache drops the papers on its next pull.
        """
        if not paper_ids:
            return 0
        with self.lock:
            entry: str | None = None
            gens: dict[str, str] = {}
            if self.server is not None:
                entry, gens = self.server.log_removal(paper_ids)
            self.vectors.remove_papers(paper_ids, gens if self.server is not None else None)
            if self.server is not None:
                self.server.delete(paper_ids, gens)
                self.server.settle(paper_ids)  # a re-add meanwhile: whole, or gone too
            self.tokens.remove_papers(paper_ids)
            if self.reranker is not None:
                self.reranker.table.remove_papers(paper_ids)
            removed = self.catalog.remove(paper_ids)
            if self.shared is not None:
                self.shared.forget(paper_ids, entry)
            return removed

    def drop_source(self, paper_ids: list[str], source: str) -> None:
        """Forget that ``source`` gave these papers (they stay: another source has them).

        In server mode the file name leaves the server's grow-only set of file
        names too, and the changed rows are shared, or members would keep it.
        """
        with self.lock:
            self.catalog.drop_source(paper_ids, source)
            if self.server is not None and paper_ids:
                self.server.drop_source(paper_ids, source)
                self.publish_changed(paper_ids)

    def compact(self) -> list[str]:
        """After an ingest: rewrite the stores whose files are a fifth or more free pages.

        Deleted rows (a re-ingest's replaced papers, Chroma's emptied queue) leave
        free pages that SQLite keeps; rewriting gives them back to the disk. Returns the
        names of the stores rewritten.
        """
        done: list[str] = []
        with self.lock:
            if "vectors" in self.__dict__ and self.vectors.compact():
                done.append("chunks")
            if "tokens" in self.__dict__ and self.tokens.compact():
                done.append("tokens")
            reranker = self.__dict__.get("reranker")
            if reranker is not None and reranker.table.compact():
                done.append("reranker")
        return done

    def refresh_lexical(self, progress: ProgressFn = _quiet) -> None:
        """Rebuild BM25 if the catalog moved on since it was built (or it is damaged)."""
        revision = self.catalog.revision
        prefetched, self._prefetched_lexical = self._prefetched_lexical, None
        # Read meanwhile by reconciling (:meth:`_count_vectors_meanwhile`), if still current.
        index = (
            prefetched[1]
            if prefetched is not None and prefetched[0] == revision
            else self._load_lexical(revision)
        )
        if index is None:
            progress("lexical", 0, 1)
            index = self._build_lexical(revision)
            progress("lexical", 1, 1)
        self.__dict__["lexical"] = index  # checked once: the first search uses it as it is
