"""Late interaction: scoring candidate papers token by token (ColBERT-style MaxSim).

Why: mean pooling squeezes a whole abstract into one vector, so a question
that paraphrases one detail of a paper ("a fill-in-the-blank encoder" for
BERT) is drowned by the rest of the abstract. Matching each query token to
its most similar token anywhere in the paper keeps that detail. The token
vectors are the ones MiniLM already computes for the pooled vector, so this
costs no second model and no extra forward pass at ingest, only disk.

On the hard labelled set (``bench/``) MaxSim over the fused candidates lifts
hybrid recall@5 from 0.951 to 0.989 and MRR@10 from 0.853 to 0.929.

The store is derived data, like Chroma and BM25: the catalog says which
papers are indexed, and a paper missing here goes back to pending (see
:meth:`litreview.index.library.Library.tokens`). Token vectors are most of a
library's disk, so they are stored compactly (:class:`Codec`): rotated by a
fixed random orthogonal matrix and quantised to 2 bits a dimension plus a
float16 correction per token, 98 bytes instead of int8's 384, with the same
hard-set retrieval (``bench/token_compression.py``, figures in the README);
and only for content tokens: special tokens, punctuation and stop words
never decide a match and are 40% of an abstract; and a token nearly identical
to one already kept in its chunk is left out (``Codec.merge``). Document
frequencies, which weight the query's tokens (IDF), are counted over every
token of each paper. The distinct token ids kept for them are two bytes each.
"""

from __future__ import annotations

import functools
import math
import sqlite3
import string
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from litreview.encoders.minilm import TokenVectors
from litreview.index.sqlite_store import ModelStore, rows_for_ids
from litreview.reading import stopwords

SCHEMA = """
CREATE TABLE IF NOT EXISTS paper_tokens (
    paper_id   TEXT PRIMARY KEY,
    vectors    BLOB NOT NULL,  -- int8 rows of all chunks, one after another
    chunk_rows BLOB NOT NULL,  -- int32 row count of each chunk
    token_ids  BLOB NOT NULL   -- distinct token ids of the whole paper (for IDF): see IDS
);
CREATE TABLE IF NOT EXISTS token_df (token INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codec_params (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""

SPECIAL = frozenset({"[CLS]", "[SEP]", "[PAD]", "[UNK]"})
SCALE = 127.0
# The step of the MSE-optimal uniform quantiser of a unit Gaussian, per bit width: after a
# random rotation every coordinate of a unit vector is ~N(0, 1/dim), whatever the model's
# few outlier dimensions, so one fixed quantiser fits every token and no codebook is trained.
GAUSSIAN_STEP = {1: 1.596, 2: 0.9957, 4: 0.3352}
ROTATION_SEED = 20261128
# The distinct token ids of a paper are stored as uint16 (MiniLM's vocabulary has 30,522
# wordpieces); stores made before the layout was recorded hold int32 and are read as such.
# A shared server's records always carry int32 (:meth:`TokenStore.raw`), whatever the layout.
IDS_KEY = "token_ids"
IDS = "uint16"
OLD_IDS = "int32"


@dataclass(frozen=True)
class Codec:
    """How a token row is stored.

    ``bits = 8``: today's int8 (x127 per dimension, 1 byte a dimension).
    ``bits`` 1, 2 or 4: the row is rotated by a fixed random orthogonal matrix
    (kept in the store), each coordinate quantised to ``bits`` bits, and a
    float16 factor per row makes the decoded row's dot product with a query an
    estimate of the true cosine (as RaBitQ does). Queries are rotated, not
    rows un-rotated, so scoring costs one small matrix product more.
    ``merge``: within a chunk, a token whose vector has cosine at least this
    to one already kept is not stored (repeated words in one context); MaxSim
    takes the best match anyway, so the kept twin answers for it. It decides
    which rows are written, not how, so it is no part of the stored format.
    """

    bits: int = 8
    merge: float | None = None

    @property
    def format(self) -> str:
        """How rows are stored: the store's (and a shared library's) format marker."""
        return "int8" if self.bits == 8 else f"rot{self.bits}"

    @property
    def name(self) -> str:
        """The format and the write policy (benchmark labels)."""
        return self.format if self.merge is None else f"{self.format}-merge{self.merge:g}"

    def row_bytes(self, dim: int) -> int:
        return dim if self.bits == 8 else -(-dim * self.bits // 8) + 2

    def encode(self, rows: np.ndarray, rotation: np.ndarray | None) -> bytes:
        if self.bits == 8:
            return np.clip(np.rint(rows * SCALE), -127, 127).astype(np.int8).tobytes()
        assert rotation is not None
        rotated = rows @ rotation
        half = 1 << (self.bits - 1)
        step = GAUSSIAN_STEP[self.bits] / math.sqrt(rows.shape[1])
        codes = np.clip(np.floor(rotated / step) + half, 0, 2 * half - 1).astype(np.uint8)
        levels = 2 * codes.astype(np.float32) - (2 * half - 1)  # the decoded row, up to scale
        norms = np.maximum(np.linalg.norm(levels, axis=1), 1e-12)
        # <q, x> ~= <q, x_hat> / <x, x_hat> for the unit direction x_hat of the decoded row;
        # the factor also divides by the levels' norm, so decoding is a table look-up from
        # bytes to small integers, scaled after the matrix product (a query reads ~10,000 rows).
        alignment = np.maximum((rotated * (levels / norms[:, None])).sum(axis=1), 1e-3)
        factor = 1.0 / (alignment * norms)
        return bytes(_pack(codes, self.bits).tobytes() + factor.astype(np.float16).tobytes())

    def decode(self, blob: bytes, count: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows (float32, small integers) and each row's scale: a row is ``rows[i] *
        scale[i]``, in the space queries are scored in (see :meth:`query`)."""
        if self.bits == 8:
            rows = np.frombuffer(blob, dtype=np.int8).reshape(count, dim).astype(np.float32)
            return rows, np.full(count, 1.0 / SCALE, dtype=np.float32)
        packed = self.row_bytes(dim) - 2
        codes = np.frombuffer(blob, np.uint8, count * packed).reshape(count, packed)
        factor = np.frombuffer(blob, np.float16, count, offset=count * packed).astype(np.float32)
        levels = _byte_levels(self.bits)[codes].view(np.int8).reshape(count, -1)[:, :dim]
        return levels.astype(np.float32), factor

    def query(self, vectors: np.ndarray, rotation: np.ndarray | None) -> np.ndarray:
        return vectors if self.bits == 8 or rotation is None else vectors @ rotation

    def kept(self, rows: np.ndarray) -> np.ndarray:
        """Which rows of one chunk to store (all, unless ``merge``)."""
        keep = np.ones(len(rows), dtype=bool)
        if self.merge is None or len(rows) < 2:
            return keep
        close = np.tril(rows @ rows.T >= self.merge, -1)  # [i, j]: j before i, near it
        # In order, so an earlier row's fate is settled: a row goes if a kept one is near it.
        # Only rows with a near earlier one are visited (a few in a hundred; ingest pays this).
        for i in np.flatnonzero(close.any(axis=1)):
            if keep[close[i]].any():
                keep[i] = False
        return keep


# 2 bits a dimension. 1 bit halves the bytes (the store ~7.5 instead of ~15 KB a paper) and
# bench/token_compression.py, re-encoding one library's vectors, put it within 0.004 of 2 bits;
# but a library ingested with 1 bit end to end (bench/retrieval_quality.py, 2026-11-29, same
# sample, same seed) lost hard multi-paper R@5 0.890 -> 0.858 (late alone 0.845 -> 0.801),
# beyond issue 11's 0.005, so quality keeps 2 bits. A store written with 1 bit (a library made
# while it was the default) is kept as it is (:func:`codec_of_store`).
# Fewer rows instead: within a chunk, a content token at cosine >= 0.95 to one already kept
# (mostly the same word repeated in a like context) is not stored, 6% of the rows of real
# abstracts; MaxSim then matches its twin, which scores within ~0.05 of it at worst. (At 0.9,
# 20% of rows, bench.token_compression lost one target of hard multi-paper R@5.) Rows are read
# the same way whatever the merge (the format is "rot2" either way), so a 2-bit store written
# before is kept as it is, and its new papers are merged.
DEFAULT_CODEC = Codec(bits=2, merge=0.95)
KEPT_CODECS = (Codec(bits=1), DEFAULT_CODEC)


def stored_model(path: Path) -> str | None:
    """What the token store at ``path`` says its vectors are (``model#tokens-format``), read
    only; ``None`` when there is no store or it cannot be read."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def codec_of_store(path: Path, model_id: str) -> Codec:
    """The codec an existing store was written with, if it is one still read; else the default."""
    stored = stored_model(path)
    for codec in KEPT_CODECS:
        if stored == f"{model_id}#tokens-{codec.format}":
            return codec
    return DEFAULT_CODEC


def _pack(codes: np.ndarray, bits: int) -> np.ndarray:
    """``bits``-bit codes (one row per token) packed into bytes, rows padded to whole bytes."""
    per = 8 // bits
    padded = np.zeros((len(codes), -(-codes.shape[1] // per) * per), dtype=np.uint8)
    padded[:, : codes.shape[1]] = codes
    shifts = (np.arange(per, dtype=np.uint8) * bits).astype(np.uint8)
    grouped = padded.reshape(len(codes), -1, per) << shifts
    return np.asarray(np.bitwise_or.reduce(grouped, axis=2), dtype=np.uint8)


def _unpack(packed: np.ndarray, bits: int, dim: int) -> np.ndarray:
    per = 8 // bits
    shifts = (np.arange(per, dtype=np.uint8) * bits).astype(np.uint8)
    codes = (packed[..., None] >> shifts) & np.uint8((1 << bits) - 1)
    return codes.reshape(len(packed), -1)[:, :dim]


@functools.cache
def _byte_levels(bits: int) -> np.ndarray:
    """For each byte value, the (doubled, so integer) levels of the codes it packs, as one
    unsigned integer of as many bytes: decoding is one gather, viewed as int8."""
    per = 8 // bits
    codes = _unpack(np.arange(256, dtype=np.uint8)[:, None], bits, per).astype(np.int16)
    levels = (2 * codes - ((1 << bits) - 1)).astype(np.int8)
    return np.ascontiguousarray(levels).view(np.dtype(f"<u{per}")).reshape(256)


def random_rotation(dim: int, seed: int = ROTATION_SEED) -> np.ndarray:
    """A random orthogonal matrix (QR of a Gaussian one, signs fixed so it is unique)."""
    gaussian = np.random.default_rng(seed).standard_normal((dim, dim))
    q, r = np.linalg.qr(gaussian)
    return np.asarray(q * np.sign(np.diag(r))[None, :], dtype=np.float32)


def content_rows(tokens: Sequence[str], stop_words: frozenset[str]) -> np.ndarray:
    """Which tokens are worth storing: not special, not punctuation, not a stop word.

    Each wordpiece is judged once (:class:`_Judged`, a vocabulary's worth of
    answers): judging every token afresh was ~0.4 CPU-ms of each paper's ingest.
    """
    return np.fromiter(map(_judged(stop_words).__getitem__, tokens), bool, len(tokens))


class _Judged(dict[str, bool]):
    """Whether a wordpiece is a content token, judged the first time it is asked."""

    def __init__(self, stop_words: frozenset[str]) -> None:
        super().__init__()
        self.stop_words = stop_words

    def __missing__(self, token: str) -> bool:
        content = (
            token not in SPECIAL
            and token not in self.stop_words
            and not all(ch in string.punctuation for ch in token)
        )
        self[token] = content
        return content


@functools.cache
def _judged(stop_words: frozenset[str]) -> _Judged:
    return _Judged(stop_words)


def chunk_maxsims(
    query: np.ndarray,
    weights: np.ndarray,
    rows: np.ndarray,
    chunk_rows: np.ndarray,
    row_scale: np.ndarray | None = None,
) -> np.ndarray:
    """MaxSim of every chunk at once: one matrix product, then per-chunk maxima.

    A chunk's MaxSim is the weighted mean over query tokens of their best
    cosine with any of its tokens.

    ``rows`` holds all chunks' token vectors one after another, ``chunk_rows``
    how many each has (an empty chunk scores 0); ``row_scale`` multiplies
    each row's similarities (stored rows are small integers and a scale).
    """
    scores = np.zeros(len(chunk_rows), dtype=np.float32)
    filled = chunk_rows > 0
    if len(query) == 0 or not filled.any():
        return scores
    starts = np.concatenate([[0], np.cumsum(chunk_rows)[:-1]])[filled]
    similarities = query @ rows.T
    if row_scale is not None:
        similarities *= row_scale[None, :]
    best = np.maximum.reduceat(similarities, starts, axis=1)  # query tokens x chunks
    scores[filled] = weights @ best
    return scores


class TokenStore(ModelStore):
    """Per-paper content-token vectors and the library's token document frequencies."""

    TABLE = "paper_tokens"
    # A paper's codes are one blob of ~14 KB: with 4 KB pages its last overflow page was
    # half empty on average (~0.6 KB a paper at 1,000 real papers); 1 KB pages waste less.
    PAGE_SIZE = 1024

    def __init__(self, path: Path, model_id: str, codec: Codec = DEFAULT_CODEC) -> None:
        # The codec is part of the store's identity: a store written in another format
        # (an older version's int8 rows) is emptied, and the library re-queues its papers.
        identity = f"{model_id}#tokens-{codec.format}"
        super().__init__(path, SCHEMA, identity, ("paper_tokens", "token_df"))
        self.codec = codec
        self._stop_words = stopwords.english_plus()
        self._rotation: np.ndarray | None = None
        # A read-only library is opened as it is, never emptied: if its rows are in another
        # format they cannot be decoded as this one, so they are not scored at all.
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
        except sqlite3.OperationalError:
            row = None
        self.readable = row is not None and row[0] == identity
        self._ids = np.dtype(self.layout(IDS_KEY, IDS, OLD_IDS))
        self._papers: tuple[int, int] | None = None  # (file's data_version, papers stored)

    def _ids_blob(self, ids: np.ndarray) -> bytes:
        """Distinct token ids as this store keeps them."""
        if len(ids) and int(ids.max()) > np.iinfo(self._ids).max:
            raise ValueError(f"token id {int(ids.max())} does not fit the store's {self._ids}")
        return ids.astype(self._ids).tobytes()

    def _rotation_for(self, dim: int) -> np.ndarray | None:
        """The store's rotation, made (and saved) the first time rows of ``dim`` are written.

        Saved rather than recomputed: rows written with one rotation must be read
        with the same one, whatever linear-algebra library a later run has.
        """
        if self.codec.bits == 8:
            return None
        if self._rotation is None or self._rotation.shape[0] != dim:
            name = f"rotation-{dim}"
            row = self._db.execute(
                "SELECT value FROM codec_params WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                rotation = random_rotation(dim)
                self._db.execute(
                    "INSERT INTO codec_params VALUES (?, ?)", (name, rotation.tobytes())
                )
            else:
                rotation = np.frombuffer(row[0], dtype=np.float32).reshape(dim, dim)
            self._rotation = rotation
        return self._rotation

    # -- writing -----------------------------------------------------------
    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The base class's one writer, forgetting the paper count (:meth:`_paper_count`)."""
        with super()._writing() as db:
            self._papers = None
            yield db

    def replace_papers(self, papers: dict[str, list[TokenVectors]]) -> None:
        """Store each paper's chunks' tokens, replacing what it had; one transaction."""
        with self._writing() as db:
            for paper_id, chunks in papers.items():
                self._remove(paper_id)
                kept = [c.vectors[content_rows(c.tokens, self._stop_words)] for c in chunks]
                kept = [k[self.codec.kept(k)] for k in kept]
                dim = chunks[0].vectors.shape[1] if chunks else 0
                matrix = np.concatenate(kept) if kept else np.zeros((0, dim), np.float32)
                quantised = self.codec.encode(matrix, self._rotation_for(dim))
                sizes = np.array([len(k) for k in kept], dtype=np.int32)
                unique = np.unique(np.concatenate([c.ids for c in chunks]) if chunks else [])
                unique = unique.astype(np.int32)
                db.execute(
                    "INSERT INTO paper_tokens VALUES (?, ?, ?, ?)",
                    (paper_id, quantised, sizes.tobytes(), self._ids_blob(unique)),
                )
                db.executemany(
                    "INSERT INTO token_df VALUES (?, 1) "
                    "ON CONFLICT(token) DO UPDATE SET df = df + 1",
                    [(int(t),) for t in unique],
                )

    def remove_papers(self, paper_ids: Sequence[str]) -> None:
        """Forget these papers' tokens and their share of the document frequencies."""
        with self._writing():
            for paper_id in paper_ids:
                self._remove(paper_id)

    # -- copying rows as they are stored (a shared server's records) ---------------
    def raw(self, paper_ids: list[str]) -> dict[str, tuple[bytes, bytes, bytes]]:
        """Each paper's stored rows as bytes: (codes, rows per chunk, distinct token ids as
        int32, the exchanged form whatever this store's own layout)."""
        query = (
            "SELECT paper_id, vectors, chunk_rows, token_ids FROM paper_tokens "
            "WHERE paper_id IN ({marks})"
        )
        with self._lock:
            return {
                str(r[0]): (
                    bytes(r[1]),
                    bytes(r[2]),
                    np.frombuffer(r[3], dtype=self._ids).astype(np.int32).tobytes(),
                )
                for r in rows_for_ids(self._db, query, paper_ids)
            }

    def put_raw(self, papers: dict[str, tuple[bytes, bytes, bytes]]) -> None:
        """Store rows another store encoded (same codec, same rotation), keeping IDF counts;
        the distinct token ids come as int32 (:meth:`raw`)."""
        with self._writing() as db:
            for paper_id, (codes, sizes, unique) in papers.items():
                self._remove(paper_id)
                ids = np.frombuffer(unique, dtype=np.int32)
                db.execute(
                    "INSERT INTO paper_tokens VALUES (?, ?, ?, ?)",
                    (paper_id, codes, sizes, self._ids_blob(ids)),
                )
                db.executemany(
                    "INSERT INTO token_df VALUES (?, 1) "
                    "ON CONFLICT(token) DO UPDATE SET df = df + 1",
                    [(int(t),) for t in ids],
                )

    def rotation_bytes(self, dim: int) -> bytes | None:
        """The rotation rows of ``dim`` are (or will be) written with; made now if need be."""
        with self._lock:
            rotation = self._rotation_for(dim)
        return None if rotation is None else rotation.tobytes()

    def adopt_rotation(self, dim: int, blob: bytes) -> None:
        """Use ``blob`` as the rotation from now on (a shared library's, agreed by all members).

        Rows written with another rotation cannot be read with this one, so they
        are dropped; the library re-queues those papers (or pulls them again).
        """
        if self.rotation_bytes(dim) == blob:
            return
        with self._writing() as db:
            db.execute("DELETE FROM paper_tokens")
            db.execute("DELETE FROM token_df")
            db.execute(
                "INSERT OR REPLACE INTO codec_params VALUES (?, ?)", (f"rotation-{dim}", blob)
            )
            self._rotation = np.frombuffer(blob, dtype=np.float32).reshape(dim, dim)

    def _remove(self, paper_id: str) -> None:
        row = self._db.execute(
            "SELECT token_ids FROM paper_tokens WHERE paper_id = ?", (paper_id,)
        ).fetchone()
        if row is None:
            return
        old = np.frombuffer(row[0], dtype=self._ids)
        self._db.executemany(
            "UPDATE token_df SET df = df - 1 WHERE token = ?", [(int(t),) for t in old]
        )
        self._db.execute("DELETE FROM token_df WHERE df <= 0")
        self._db.execute("DELETE FROM paper_tokens WHERE paper_id = ?", (paper_id,))

    # -- reading -----------------------------------------------------------
    def _vectors(
        self, paper_ids: list[str], dim: int
    ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Each paper's (rows, row scales, rows per chunk)."""
        out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        query = "SELECT paper_id, vectors, chunk_rows FROM paper_tokens WHERE paper_id IN ({marks})"
        for paper_id, blob, sizes in rows_for_ids(self._db, query, paper_ids):
            chunk_rows = np.frombuffer(sizes, dtype=np.int32)
            vectors, scale = self.codec.decode(blob, int(chunk_rows.sum()), dim)
            out[paper_id] = (vectors, scale, chunk_rows)
        return out

    def _paper_count(self) -> int:
        """Papers stored (IDF's N), counted again only when the file has changed.

        Why: counting walks the whole key index, which every query paid (~4 ms of CPU at
        100,000 papers, growing with the library). ``PRAGMA data_version`` moves when
        another connection (an ingest in another process) commits; this connection's own
        writes forget the count (:meth:`_writing`). Called under the lock.
        """
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        if self._papers is None or self._papers[0] != version:
            total = int(self._db.execute("SELECT COUNT(*) FROM paper_tokens").fetchone()[0])
            self._papers = (version, total)
        return self._papers[1]

    def _idf(self, token_ids: Iterable[int]) -> dict[int, float]:
        ids = sorted({int(t) for t in token_ids})
        marks = ",".join("?" * len(ids))
        total = self._paper_count()
        df = dict(self._db.execute(f"SELECT token, df FROM token_df WHERE token IN ({marks})", ids))
        return {t: math.log((total + 1) / (df.get(t, 0) + 0.5)) for t in ids}

    def score(self, query: TokenVectors, paper_ids: list[str]) -> dict[str, float] | None:
        """MaxSim of ``query`` against each paper; ``None`` if any paper has no stored tokens.

        Query tokens are weighted by IDF so that "the" and "of" barely count
        and a rare term the question shares with one paper counts most.
        """
        chunks = self.score_chunks(query, paper_ids)
        if chunks is None:
            return None
        return {pid: float(c.max(initial=0.0)) for pid, c in chunks.items()}

    def score_fresh(self, query: TokenVectors, chunks: Sequence[TokenVectors]) -> np.ndarray:
        """MaxSim of ``query`` against chunks encoded just now, not stored (the body passages
        ingest did not embed, when BM25 puts one forward): the same content tokens and IDF
        weights as :meth:`score_chunks`, on unquantised vectors."""
        keep = np.array([t not in SPECIAL for t in query.tokens], dtype=bool)
        ids = query.ids[keep]
        if not chunks or len(ids) == 0:
            return np.zeros(len(chunks), np.float32)
        with self._lock:
            idf = self._idf(ids.tolist())
        weights = np.array([idf[int(t)] for t in ids], dtype=np.float32)
        weights /= max(float(weights.sum()), 1e-9)
        kept = [c.vectors[content_rows(c.tokens, self._stop_words)] for c in chunks]
        rows = np.concatenate(kept)
        sizes = np.array([len(k) for k in kept], dtype=np.int64)
        return chunk_maxsims(query.vectors[keep], weights, rows, sizes)

    def score_chunks(
        self, query: TokenVectors, paper_ids: list[str]
    ) -> dict[str, np.ndarray] | None:
        """MaxSim of ``query`` against each chunk of each paper, in chunk order (chunk
        ``n`` of a paper is ``<paper_id>:<n>``: which passage matched, not only which paper)."""
        keep = np.array([t not in SPECIAL for t in query.tokens], dtype=bool)
        ids = query.ids[keep]
        q = query.vectors[keep]
        if not paper_ids or len(ids) == 0:
            return {pid: np.zeros(1, np.float32) for pid in paper_ids}
        if not self.readable:
            return None
        with self._lock:
            stored = self._vectors(paper_ids, q.shape[1])
            if len(stored) < len(set(paper_ids)):
                return None
            idf = self._idf(ids.tolist())
            q = self.codec.query(q, self._rotation_for(q.shape[1]))
        weights = np.array([idf[int(t)] for t in ids], dtype=np.float32)
        weights /= max(float(weights.sum()), 1e-9)
        # A paper scores as its best chunk, as for dense vectors: scoring the union of its
        # chunks' tokens would favour long papers (more tokens only raise each best match).
        order = list(dict.fromkeys(paper_ids))
        rows = np.concatenate([stored[pid][0] for pid in order])
        scale = np.concatenate([stored[pid][1] for pid in order])
        sizes = [stored[pid][2] for pid in order]
        per_chunk = chunk_maxsims(q, weights, rows, np.concatenate(sizes), scale)
        ends = np.cumsum([len(s) for s in sizes])
        return {
            pid: per_chunk[end - len(size) : end]
            for pid, size, end in zip(order, sizes, ends, strict=True)
        }
