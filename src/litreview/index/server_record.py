"""One paper as a shared server stores it: a single record holding everything it needs.

Why one record per paper, and why in metadata: a member brought up to date
needs, per paper, its catalog row (metadata, abstract, pages), its token
codes for late interaction and the re-ranking model's vectors. Kept in one
record they are written in one call, after the paper's chunks, so a paper is
either wholly on the server or not there (the record is the commit), and a
member fetches a changed paper in one round trip.

They go in metadata, compressed (zlib) and base64-encoded, not in the
record's document: Chroma indexes documents for full-text search (a trigram
index, measured at 7.8x the text's size) but keeps a string metadata value
at about 2x (the value and its index). The record's embedding is a fixed
placeholder, because Chroma requires one; records are found by id, never by
similarity (the chunk collection holds the vectors that are searched).

Token codes are stored rather than recomputed for the candidates at query
time: a member scores 50 candidates' stored codes in milliseconds, while
recomputing them costs a MiniLM pass over 50 abstracts per question (the
figures are in the README, from ``bench/server.py --late``).
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from typing import Any

# Stages a paper's record can be in (the catalog's stage model): its chunks and token codes
# are there ("searchable"), and the re-ranking model's vectors too ("complete").
SEARCHABLE = "searchable"
COMPLETE = "complete"
PLACEHOLDER = [1.0, 0.0]


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpack(text: object) -> bytes:
    return zlib.decompress(base64.b64decode(str(text)))


CHUNKS = "chunks"  # a record's metadata key naming the write of its chunks


def chunk_write(meta: dict[str, Any]) -> str | None:
    """The write a record's chunks carry in their ids (``None``: unnamed, an older record)."""
    return str(meta[CHUNKS]) if CHUNKS in meta else None


def expected_chunks(meta: dict[str, Any]) -> int:
    """How many chunks a record's paper has in the chunk collection: its token codes hold
    one row count (int32) per embedded chunk. 0 when it carries no codes (nothing to check)."""
    return len(_unpack(meta["token_chunks"])) // 4 if "token_chunks" in meta else 0


@dataclass(frozen=True)
class PaperRecord:
    """A paper's catalog row, its token codes and (when complete) its re-ranking vectors."""

    paper_id: str
    row: dict[str, Any]  # Catalog.export's row: the paper, its pages, content hash, text source
    tokens: tuple[bytes, bytes, bytes] | None  # codes, rows per chunk, distinct token ids
    token_format: str
    rerank: bytes | None = None  # float16 rows, one per chunk
    rerank_format: str | None = None
    # The write its chunks carry in their ids (:mod:`litreview.index.chunk_writes`); None: a
    # record whose chunks were written before writes were named (``<paper>:<n>``).
    write: str | None = None

    @property
    def content_hash(self) -> str:
        return str(self.row["content_hash"])

    @property
    def stage(self) -> str:
        return COMPLETE if self.rerank is not None else SEARCHABLE

    def metadata(self) -> dict[str, str | int]:
        """The record's metadata as Chroma stores it (strings and integers only)."""
        meta: dict[str, str | int] = {
            "content_hash": self.content_hash,
            "stage": self.stage,
            "paper": _pack(json.dumps(self.row, ensure_ascii=False).encode()),
            "token_format": self.token_format,
        }
        if self.tokens is not None:
            codes, sizes, unique = self.tokens
            meta["tokens"] = _pack(codes)
            meta["token_chunks"] = _pack(sizes)
            meta["token_ids"] = _pack(unique)
        if self.rerank is not None and self.rerank_format is not None:
            meta["rerank"] = _pack(self.rerank)
            meta["rerank_format"] = self.rerank_format
        if self.write is not None:
            meta[CHUNKS] = self.write
        return meta

    @classmethod
    def from_metadata(cls, paper_id: str, meta: dict[str, Any]) -> PaperRecord:
        tokens = None
        if "tokens" in meta:
            tokens = (
                _unpack(meta["tokens"]),
                _unpack(meta["token_chunks"]),
                _unpack(meta["token_ids"]),
            )
        return cls(
            paper_id=paper_id,
            row=json.loads(_unpack(meta["paper"])),
            tokens=tokens,
            token_format=str(meta.get("token_format", "")),
            rerank=_unpack(meta["rerank"]) if "rerank" in meta else None,
            rerank_format=str(meta["rerank_format"]) if "rerank_format" in meta else None,
            write=chunk_write(meta),
        )

    def size(self) -> int:
        """Bytes this record sends (its metadata's text): requests are cut by size."""
        return sum(len(str(v)) for v in self.metadata().values())
