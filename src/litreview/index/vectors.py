"""Chunk vectors in ChromaDB: the one place that builds a Chroma client.

Embedded (``PersistentClient`` under the library's home) by default; a
Chroma server (``HttpClient``) when the settings name a host, which is the
path for a library that outgrows one machine. Everything else in litreview
talks to :class:`VectorStore`, never to chromadb directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from litreview.errors import LitreviewError
from litreview.index.store_place import identity
from litreview.settings import ChromaSettings, Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from litreview.encoders.minilm import MiniLMEmbedder
    from litreview.index.chunk_writes import ChunkSets


class VectorStoreError(LitreviewError):
    """Chroma could not be reached or opened; the message says what to check."""


class NoCollection(VectorStoreError):
    """The server holds no collection of that name (and none was made)."""


@dataclass(frozen=True)
class Chunk:
    """A piece of a paper's text with the id that maps it back to the paper."""

    chunk_id: str
    paper_id: str
    text: str
    index: int
    page: int | None = None  # the full-text page it is from; None for the abstract


@dataclass(frozen=True)
class ChunkHit:
    chunk_id: str
    paper_id: str
    similarity: float

    @property
    def index(self) -> int:
        """The chunk's number within its paper (``<paper_id>:<n>``)."""
        return int(self.chunk_id.rpartition(":")[2])


def _metadata(chunk: Chunk) -> Any:
    """Chroma metadata holds no ``None``: an abstract chunk simply has no page."""
    meta: dict[str, str | int] = {"paper_id": chunk.paper_id, "chunk": chunk.index}
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


# HNSW's beam (ef) is max(ef_search, the hits asked for). Chroma's 100 equalled dense search's
# request (50 papers x 2 chunks), so the pool's last papers sat at the beam's approximate edge:
# two builds of one 2,000-paper library disagreed on 23% of the hard-set questions' pools (5%
# when the request was doubled). A 400-wide beam gave the exact pool in every build, no slower
# than the doubled request (Chroma's cost is mostly the hits it returns); see the README.
# Builds differ because Chroma saves an embedded collection's graph only once 1,000 log records
# (``sync_threshold``) were applied in one process: a smaller library's graph is rebuilt from
# Chroma's log, in parallel and so differently, by every process that opens it, and its index
# files rewritten even by a read-only search. ``sync_threshold = 1`` would save it at every write,
# but chromadb 1.5.9 rewrites its id map in place (truncate, then write): a kill -9 at that
# moment left the collection unreadable in 10-25 kills of a write loop (0 in 16 at 1,000), so
# the default stays until a chromadb with an atomic save (its main branch has one).
EF_SEARCH = 400


def _of_papers(paper_ids: list[str]) -> Any:
    """A Chroma ``where`` clause selecting the chunks of these papers."""
    return {"paper_id": {"$in": paper_ids}}


def make_client(settings: Settings) -> ClientAPI:
    """Embedded by default, a server when ``chroma.host`` is set."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaConfig

    config = ChromaConfig(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma.host:
        return _server_client(settings.chroma, config)
    path = settings.chroma_path
    if (path if path.exists() else path.parent).exists() and not os.access(
        path if path.exists() else path.parent, os.W_OK
    ):
        # Chroma's embedded store writes even to answer a query; say so instead of its trace.
        raise VectorStoreError(
            "the library folder is read-only; 'library' works, but searching needs a writable "
            "copy (cp -r it, then --home COPY)",
            path=path,
        )
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=config)
    except Exception as exc:  # chromadb's InternalError carries SQLite's words
        raise VectorStoreError(f"cannot open the vector store ({exc})", path=path) from exc


def _server_client(chroma: ChromaSettings, config: Any) -> ClientAPI:
    """A client of the server named by ``chroma`` (host, TLS, token and headers).

    The token and headers go in as request headers, which is what a reverse
    proxy checks (Chroma 1.x has no authentication of its own). chromadb's
    HTTP session waits forever by default; a bound per request
    (``chroma.timeout``) turns a hung server into a message, not a hang.
    Every call through the client and its collections is retried while its
    failure may pass (:mod:`~litreview.index.server_retry`).
    """
    import chromadb
    import httpx

    from litreview.index.server_link import reaching
    from litreview.index.server_retry import Link

    if chroma.ssl and chroma.ssl_verify is not True:
        config.chroma_server_ssl_verify = chroma.ssl_verify
    link = Link(chroma)
    with reaching(chroma, "connecting"):
        client = link.call(
            "connecting",
            chromadb.HttpClient,
            host=str(chroma.host),
            port=chroma.port,
            ssl=chroma.ssl,
            headers=chroma.request_headers() or None,
            settings=config,
        )
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):  # chromadb exposes no setting for it
        session.timeout = httpx.Timeout(chroma.timeout)
    return link.client(client)


#: Below this much free space, a failure inside the embedded store is taken for a full disk.
NEARLY_FULL = 1 << 20


def _nearly_full(where: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(where).free < NEARLY_FULL
    except OSError:
        return False


@contextmanager
def _embedded(doing: str, where: Path) -> Iterator[None]:
    """The embedded store's storage failures (chromadb wraps SQLite's words in its own
    InternalError) as one line saying what to do; anything else goes on as it is.

    Chroma does not always keep SQLite's words: a full disk met while it applies its
    log comes out as "Error in compaction: Failed to apply logs to the metadata
    segment". So any failure while the library's disk is all but full is said to be
    the full disk, which is what the user can act on.
    """
    try:
        yield
    except Exception as exc:
        text = str(exc)
        if "disk is full" in text or "disk I/O" in text or _nearly_full(where):
            raise VectorStoreError(
                f"{doing}: the disk is full; free some space and run the command again "
                "(nothing is lost: the next ingest resumes)"
            ) from exc
        if "readonly" in text or "read-only" in text:
            raise VectorStoreError(
                f"{doing}: the vector store is read-only; use --home to pick a writable one"
            ) from exc
        raise


def _tune(collection: Collection) -> None:
    """Give a collection made before :data:`EF_SEARCH` that beam (a no-op after)."""
    hnsw = (collection.configuration_json or {}).get("hnsw") or {}
    if hnsw and hnsw.get("ef_search") != EF_SEARCH:
        collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})


class VectorStore:
    """The chunk collection of one library."""

    def __init__(
        self, settings: Settings, embedder: MiniLMEmbedder | None = None, create: bool = True
    ) -> None:
        """Open (or make) the chunk collection; with ``create`` False, only open one the
        server already holds (:class:`NoCollection` otherwise), and change nothing in it:
        whether it is this library's is not known yet (:mod:`.store_place`)."""
        from litreview.encoders.minilm import MiniLMEmbedder
        from litreview.index.chroma_import import unchecked_overrides

        with unchecked_overrides():  # chromadb loads here, in most processes
            from litreview.index.chroma_function import ChromaMiniLM

            self.client = make_client(settings)
        self.embedder = embedder or MiniLMEmbedder()
        chroma = settings.chroma
        self._chroma = chroma
        self._home = settings.home
        self._path = settings.chroma_path
        # The embedded store lives inside the data directory, so it is named by
        # role, not by path: a copied, moved or restored library is the same store.
        self.identity = identity(chroma)
        # Chunk text is not stored in the collection: nothing reads it back (the catalog holds
        # every paper's text; in server mode each member's catalog is a copy of the server's
        # paper records, which carry it), and Chroma indexes stored documents for full-text
        # search, which with the text itself was about a third of its disk. Chunks a server
        # stored with their text before stay readable: their documents are simply not read.
        function = ChromaMiniLM(self.embedder)
        with self._reaching("opening the chunk collection"):
            if not create:
                self.collection: Collection = self._existing(chroma.collection, function)
                return
            self.collection = self.client.get_or_create_collection(
                name=settings.chroma.collection,
                embedding_function=function,  # type: ignore[arg-type]
                configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
            )
            _tune(self.collection)

    def _existing(self, name: str, function: Any) -> Collection:
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(name=name, embedding_function=function)
        except NotFoundError:
            raise NoCollection(
                f"the Chroma server at {self._chroma.address} has no {name!r}"
            ) from None

    @property
    def collection_id(self) -> str:
        """The id Chroma gave the collection when it was made (kept in its data folder)."""
        return str(self.collection.id)

    def _reaching(self, doing: str) -> AbstractContextManager[None]:
        """Server calls fail as one-line errors; the embedded store is called as it is."""
        from litreview.index.server_link import reaching

        return (
            reaching(self._chroma, doing)
            if self._chroma.host
            else _embedded(f"{self._home}: {doing}", self._home)
        )

    def compact(self) -> bool:
        """Give the embedded store's free SQLite pages back to the disk, if they are many.

        Chroma keeps new vectors in a queue table in its SQLite file until its
        HNSW index takes them (every 1,000), then deletes them: the file keeps
        the pages (about 2 KB a paper at 1,000 papers). A server manages its own
        files. Returns whether the file was rewritten.
        """
        import sqlite3

        from litreview.index.sqlite_store import vacuum_if_sparse

        path = self._path / "chroma.sqlite3"
        if self._chroma.host or not path.exists():
            return False
        db = sqlite3.connect(path, timeout=2, isolation_level=None)  # busy elsewhere: next time
        try:
            return vacuum_if_sparse(db)
        except sqlite3.Error:  # busy (another process) or read-only: next time
            return False
        finally:
            db.close()

    def count(self) -> int:
        with self._reaching("counting chunks"):
            return int(self.collection.count())

    def replace_papers(self, chunks: list[Chunk], vectors: np.ndarray) -> ChunkSets:
        """Store a batch's chunks, dropping stale chunks of the same writes first.

        Upsert keeps this idempotent (a resumed batch rewrites the same ids);
        the delete removes chunks left over when an updated abstract got shorter.
        Only ids of the write being written go (:mod:`.chunk_writes`): in a
        shared library another write's chunks are another member's, or the
        version this one replaces, which goes once its record has (the member
        cache's publish); in the embedded store every chunk is of one write.
        Returns the papers' chunk ids found before, by write.
        """
        from litreview.index.chunk_writes import chunk_sets, write_of

        writing = {c.paper_id: write_of(c.chunk_id, c.paper_id) for c in chunks}
        keep = {c.chunk_id for c in chunks}
        with self._reaching("storing chunks"):
            before = chunk_sets(self.collection, writing)
            stale = [
                cid
                for pid, sets in before.items()
                for cid in sets.get(writing.get(pid), [])
                if cid not in keep
            ]
            if stale:
                self.collection.delete(ids=stale)
            self.collection.upsert(
                ids=[c.chunk_id for c in chunks],
                embeddings=vectors,
                metadatas=[_metadata(c) for c in chunks],
            )
        return before

    def remove_papers(self, paper_ids: list[str], writes: dict[str, str] | None = None) -> None:
        """Delete the chunks of these papers (papers removed from the library).

        ``writes`` (a shared library: the write of each paper's record the
        removal saw) deletes only the chunks of those writes, by id, and any
        written before writes were named: a paper another member is adding
        again right now writes ids of a new write, which this never names.
        Without it (the embedded store, where no one else writes) every chunk
        of the papers goes, by filter.
        """
        if not paper_ids:
            return
        from litreview.index.chunk_writes import chunk_sets, delete_ids

        with self._reaching("removing chunks"):
            if writes is None:
                self.collection.delete(where=_of_papers(sorted(paper_ids)))
                return
            doomed = [
                cid
                for pid, sets in chunk_sets(self.collection, paper_ids).items()
                for write, ids in sets.items()
                if write is None or write == writes.get(pid)
                for cid in ids
            ]
            delete_ids(self.collection, doomed)

    def query(
        self, vector: np.ndarray, n: int, paper_ids: set[str] | None = None
    ) -> list[ChunkHit]:
        where: dict[str, Any] | None = None
        if paper_ids is not None:
            if not paper_ids:
                return []
            where = _of_papers(sorted(paper_ids))
        # Chroma returns fewer hits when asked for more than it holds (checked against 1.x),
        # so no count() first: that was a second round trip, ~7 ms of every query.
        with self._reaching("searching"):
            result = self.collection.query(
                query_embeddings=[vector],
                n_results=n,
                where=where,
                include=["metadatas", "distances"],
            )
        ids = result["ids"][0]
        metas = (result["metadatas"] or [[]])[0]
        dists = (result["distances"] or [[]])[0]
        return [
            ChunkHit(cid, str(meta["paper_id"]), 1.0 - float(dist))
            for cid, meta, dist in zip(ids, metas, dists, strict=True)
        ]

    def paper_vectors(self, paper_ids: list[str]) -> dict[str, np.ndarray]:
        """One vector per paper (mean of its chunks, renormalised), for MMR."""
        if not paper_ids:
            return {}
        with self._reaching("reading paper vectors"):
            got = self.collection.get(
                where=_of_papers(paper_ids), include=["embeddings", "metadatas"]
            )
        sums: dict[str, np.ndarray] = {}
        embeddings = got["embeddings"] if got["embeddings"] is not None else []
        for meta, emb in zip(got["metadatas"] or [], embeddings, strict=True):
            pid = str(meta["paper_id"])
            vec = np.asarray(emb, dtype=np.float32)
            sums[pid] = sums[pid] + vec if pid in sums else vec
        return {pid: v / max(float(np.linalg.norm(v)), 1e-12) for pid, v in sums.items()}
