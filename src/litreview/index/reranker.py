"""A second, stronger model's opinion on the re-ranked candidates.

Why: MiniLM chooses the candidates fast, and MaxSim over its token vectors
re-orders them; but on questions that paraphrase a paper obliquely, the
final order still hinges on near-ties that a bigger model separates. Each
chunk of each paper also gets an all-mpnet-base-v2 vector at ingest, and at
query time the question's MPNet cosine to a candidate's best chunk joins
the re-ranking score. Only the candidates are scored, so a query costs one
short MPNet forward pass (~15 ms); ingest costs the MPNet pass over every
chunk (about 2x the rest of ingest's CPU). On the hard labelled set this lifts
MRR@10 from 0.929 to about 0.95 (``bench/``, figures in the README).

The store is derived data, like the token store: a paper indexed in the
catalog but absent here goes back to pending (see
:attr:`litreview.index.library.Library.reranker`). When the model's
packages are not installed the stage is skipped and search falls back to
MiniLM-only re-ranking, with a notice, rather than failing.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from litreview.encoders.child_build import Building
from litreview.encoders.model_files import ModelFolder
from litreview.encoders.mpnet import DIMENSION, MAX_TOKENS, MPNetEncoder
from litreview.index.chunking import Chunker
from litreview.index.sqlite_store import ModelStore, rows_for_ids, transaction
from litreview.reading.paper import Paper

SCHEMA = """
CREATE TABLE IF NOT EXISTS paper_vectors (
    paper_id TEXT PRIMARY KEY,
    vectors  BLOB NOT NULL  -- one unit vector per chunk: see ROWS
);
"""

# How a paper's rows are stored (the store's meta says which): "int8" = each row as int8
# times a float32 scale per row (the codes of all rows, then the scales), half the bytes of
# "float16" (stores made before the layout was recorded, still read as they are). A unit
# row's int8 error moves a cosine by ~3e-4, far below what separates candidates.
ROWS_KEY = "rows"
ROWS = "int8"
OLD_ROWS = "float16"
# A shared library's records carry float16 rows; a member keeps them as they come, so it holds
# the very numbers every other member holds (int8 codes re-made from float16 would move its
# scores in the sixth decimal) and members rank alike.
SHARED_ROWS = OLD_ROWS


def encode_rows(matrix: np.ndarray, rows: str) -> bytes:
    """A paper's chunk vectors (rows, or the rows one after another) as stored in ``rows``."""
    matrix = np.asarray(matrix, dtype=np.float32).reshape(-1, DIMENSION)
    if rows == OLD_ROWS:
        return bytes(matrix.astype(np.float16).tobytes())
    scale = np.maximum(np.abs(matrix).max(axis=1, initial=0.0), 1e-12) / 127.0
    codes = np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return bytes(codes.tobytes() + scale.astype(np.float32).tobytes())


def decode_rows(blob: bytes, rows: str) -> np.ndarray:
    """The float32 rows of one paper stored in layout ``rows``."""
    if rows == OLD_ROWS:
        return np.frombuffer(blob, dtype=np.float16).reshape(-1, DIMENSION).astype(np.float32)
    count = len(blob) // (DIMENSION + 4)
    codes = np.frombuffer(blob, np.int8, count * DIMENSION).reshape(count, DIMENSION)
    scale = np.frombuffer(blob, np.float32, count, offset=count * DIMENSION)
    return codes.astype(np.float32) * scale[:, None]


# Vectors whose papers' mean pairwise cosine (each paper's mean chunk) reaches this say
# nothing: sound MPNet vectors gave 0.18 on real papers and 0.51 on papers of one narrow topic;
# the saturated int8 graph's, 0.89. Judged on the first COLLAPSE_SAMPLE papers, from
# COLLAPSE_LEAST of them.
COLLAPSED_AT = 0.75
COLLAPSE_SAMPLE = 64
COLLAPSE_LEAST = 8
COLLAPSE_KEY = "collapse_checked"


def collapsed(papers: list[np.ndarray]) -> bool:
    """Whether papers' chunk vectors (one matrix each) are all alike (:data:`COLLAPSED_AT`)."""
    means = np.array([m.mean(axis=0) for m in papers if len(m)], dtype=np.float32)
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    n = len(means)
    if n < 2:
        return False
    pairs = means @ means.T
    return float((pairs.sum() - np.trace(pairs)) / (n * n - n)) >= COLLAPSED_AT


class VectorTable(ModelStore):
    """One unit vector per chunk of each paper, in SQLite (read only for a few candidates)."""

    TABLE = "paper_vectors"

    def __init__(self, path: Path, model_id: str, rows: str = ROWS) -> None:
        super().__init__(path, SCHEMA, model_id, ("paper_vectors",))
        self.rows = self.layout(ROWS_KEY, rows, OLD_ROWS)

    def replace_papers(self, papers: dict[str, np.ndarray]) -> None:
        """Store each paper's chunk vectors, replacing what it had; one transaction."""
        with self._writing() as db:
            db.executemany(
                "INSERT INTO paper_vectors VALUES (?, ?) "
                "ON CONFLICT(paper_id) DO UPDATE SET vectors = excluded.vectors",
                [(pid, encode_rows(m, self.rows)) for pid, m in papers.items()],
            )

    def drop_if_collapsed(self) -> int:
        """Empty the store if its vectors are all alike, once; how many papers it held.

        Why: before graph ``-v3`` the int8 graph saturated on x86 processors without VNNI
        (:func:`litreview.encoders.mpnet.quantise_matmuls`), and a library ingested there
        holds vectors that say nothing (mean cosine 0.89 between 64 of the real corpus's
        papers, where sound ones give 0.18, and 0.51 when all 48 are about backdoors). Such
        a store is emptied, so its papers go back to pending and phase 2 re-embeds them;
        sound stores, whatever machine made them, are kept (nothing re-embedded for
        nothing). Checked once per store (its meta records it), on a sample of
        :data:`COLLAPSE_SAMPLE` papers.
        """
        with self._lock:
            try:
                done = self._db.execute(
                    "SELECT 1 FROM meta WHERE key = ?", (COLLAPSE_KEY,)
                ).fetchone()
            except sqlite3.OperationalError:  # read-only, made before meta existed
                return 0
            if done is not None:
                return 0
            blobs = [
                r[0]
                for r in self._db.execute(
                    f"SELECT vectors FROM paper_vectors LIMIT {COLLAPSE_SAMPLE}"
                )
            ]
            held = 0
            if len(blobs) >= COLLAPSE_LEAST and collapsed(
                [decode_rows(b, self.rows) for b in blobs]
            ):
                held = int(self._db.execute("SELECT COUNT(*) FROM paper_vectors").fetchone()[0])
            try:
                with transaction(self._db) as db:
                    if held:
                        db.execute("DELETE FROM paper_vectors")
                    db.execute("INSERT OR IGNORE INTO meta VALUES (?, '1')", (COLLAPSE_KEY,))
            except sqlite3.OperationalError:  # read-only (immutable) file: nothing changed
                return 0
            return held

    def get(self, paper_ids: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        query = "SELECT paper_id, vectors FROM paper_vectors WHERE paper_id IN ({marks})"
        with self._lock:
            for paper_id, blob in rows_for_ids(self._db, query, paper_ids):
                out[paper_id] = decode_rows(blob, self.rows)
        return out


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _query_pool() -> ThreadPoolExecutor:
    """Threads for query vectors, one per core (``batch -j`` searches run side by side)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(os.cpu_count() or 1, "litreview-second-query")
        return _pool


class Reranker:
    """The MPNet encoder (loaded on first use) and the vectors it gave each paper."""

    def __init__(
        self,
        folder: ModelFolder,
        table: VectorTable,
        overlap: int,
        precision: str = "int8",
        building: Building | None = None,
    ) -> None:
        """``building``: told before an int8 graph is built (once, ~30 s), so the user is
        told why the search or ingest waits (:func:`litreview.encoders.mpnet.graph_path`)."""
        self.folder = folder
        self.table = table
        self.overlap = overlap
        self.precision = precision
        self.building = building
        self._encoder: MPNetEncoder | None = None
        self._papers_encoder: MPNetEncoder | None = None
        self._loading = threading.Lock()

    @property
    def encoder(self) -> MPNetEncoder:
        """The queries' encoder, loaded on first use, once: a background load
        (:meth:`Stores.load_models`) and the search that needs it may ask at the same time."""
        with self._loading:
            if self._encoder is None:
                self._encoder = MPNetEncoder(
                    self.folder, precision=self.precision, building=self.building
                )
            return self._encoder

    @property
    def papers_encoder(self) -> MPNetEncoder:
        """The papers' encoder (phase 2): in int8 a faster graph than the queries' one, whose
        vectors meet the queries' as well (``litreview.encoders.mpnet``); in fp32 the same."""
        if self.precision != "int8":
            return self.encoder
        with self._loading:
            if self._papers_encoder is None:
                self._papers_encoder = MPNetEncoder(
                    self.folder, precision=self.precision, role="papers", building=self.building
                )
            return self._papers_encoder

    def use_encoders(
        self, queries: MPNetEncoder | None = None, papers: MPNetEncoder | None = None
    ) -> None:
        """Embed queries (papers) with the given encoder instead of the product's graph: the
        benchmarks that measure another graph through the library's own search and phase 2."""
        with self._loading:
            if queries is not None:
                self._encoder = queries
            if papers is not None:
                self._papers_encoder = papers

    def close(self) -> None:
        self.table.close()

    def texts_of(
        self, papers: list[Paper], passages: dict[str, list[str]] | None = None
    ) -> dict[str, list[str]]:
        """What each paper's stored rows embed, in order (:meth:`embed_texts` embeds them).

        Chunked in MPNet's own window (384 tokens, not MiniLM's 256): most
        abstracts are then one forward pass, not two overlapping ones. A
        paper's full-text passages given (MiniLM's chunks, which fit this window;
        the body's first ``ingest.rerank_body_chunks``) follow its abstract's rows,
        in chunk order (:meth:`abstract_rows` says where they start). Its own step
        so that an ingest prepares the next batch's texts while this one is embedded.
        """
        chunker = Chunker(self.papers_encoder.count_tokens, MAX_TOKENS, self.overlap)
        passages = passages or {}
        return {
            p.paper_id: [c.text for c in chunker.chunks(p)] + passages.get(p.paper_id, [])
            for p in papers
        }

    def embed_texts(self, chunks: dict[str, list[str]]) -> None:
        """Embed and store each paper's texts, as :meth:`texts_of` gives them."""
        encoder = self.papers_encoder
        texts = [text for paper in chunks.values() for text in paper]
        vectors = encoder.embed(texts) if texts else np.zeros((0, DIMENSION), np.float32)
        stored: dict[str, np.ndarray] = {}
        start = 0
        for paper_id, paper in chunks.items():
            stored[paper_id] = vectors[start : start + len(paper)]
            start += len(paper)
        self.table.replace_papers(stored)

    def abstract_rows(self, paper: Paper) -> int:
        """How many of a paper's stored rows are its abstract's (its passages' rows follow)."""
        return len(Chunker(self.encoder.count_tokens, MAX_TOKENS, self.overlap).chunks(paper))

    def encode_query_soon(self, query: str) -> Future[np.ndarray]:
        """The query's vector, computed on another core while the caller goes on.

        Why: encoding one query with this 12-layer model is half a hybrid search's
        CPU (~45 of ~90 ms at 100,000 papers, ``bench.latency_stages``), and it
        depends on nothing the first stages find; on two cores it runs beside
        MiniLM, Chroma, BM25 and MaxSim instead of after them.
        """
        return _query_pool().submit(lambda: self.encoder.embed([query])[0])

    def score_rows(
        self, query: str | np.ndarray, paper_ids: list[str]
    ) -> dict[str, np.ndarray] | None:
        """Cosine of ``query`` (text, or its vector) to each stored row of each paper
        (abstract rows, then passages); ``None`` if any paper has no vectors."""
        stored = self.table.get(paper_ids)
        if len(stored) < len(set(paper_ids)):
            return None
        vector = self.encoder.embed([query])[0] if isinstance(query, str) else query
        return {pid: stored[pid] @ vector for pid in paper_ids}

    def score(self, query: str, paper_ids: list[str]) -> dict[str, float] | None:
        """Cosine of ``query`` to each paper's best chunk; ``None`` if any paper has no vectors.

        (Scoring some candidates and not others would mix incomparable scores;
        that happens only while a library built without this model is pending.)
        """
        rows = self.score_rows(query, paper_ids)
        if rows is None:
            return None
        return {pid: float(r.max(initial=-1.0)) if len(r) else -1.0 for pid, r in rows.items()}
