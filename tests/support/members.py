"""Members of a shared library in one process: each with its own catalog, stores and cache.

Tests of the member cache and of paper ids drive two or three members
against one set of server collections (a real Chroma client) and look at
each step; these helpers do what ingest does with a batch in server mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from litreview.encoders.minilm import MODEL_ID, TokenVectors
from litreview.encoders.mpnet import DIMENSION as MPNET_DIMENSION
from litreview.index.catalog import Catalog
from litreview.index.late import TokenStore
from litreview.index.member_cache import MemberCache
from litreview.index.reranker import SHARED_ROWS, VectorTable
from litreview.index.server_collections import ServerCollections
from litreview.reading.paper import PageText, Paper
from litreview.settings import ChromaSettings, Settings


@dataclass
class Member:
    catalog: Catalog
    tokens: TokenStore
    table: VectorTable
    cache: MemberCache

    def close(self) -> None:
        for part in (self.cache, self.catalog, self.tokens, self.table):
            part.close()


def member(tmp_path: Path, name: str, server: ServerCollections) -> Member:
    settings = Settings(home=tmp_path / name, chroma=ChromaSettings(host="127.0.0.1"))
    catalog = Catalog(settings.catalog_path)
    tokens = TokenStore(settings.tokens_path, MODEL_ID)
    table = VectorTable(settings.reranker_path, "mpnet-test", SHARED_ROWS)
    return Member(catalog, tokens, table, MemberCache(settings, server, catalog, tokens, table))


def papers(n: int) -> list[Paper]:
    return [
        Paper(
            paper_id=f"paper-{i}",
            title=f"Paper number {i} about topic {i % 3}",
            abstract=f"An abstract {i} on shared libraries and caches.",
            authors=(f"Author {i}",),
            year=2020 + i,
            sources=("a.jsonl",),
            full_text=(PageText(1, f"page one of {i}"), PageText(2, "page two")) if i == 0 else (),
        )
        for i in range(n)
    ]


def token_rows(seed: int) -> list[TokenVectors]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((5, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    names = ("[CLS]", "shared", "library", "cache", "[SEP]")
    return [TokenVectors(np.array([101, 5, 6, 7, 102], dtype=np.int32), names, vectors)]


def ingest(m: Member, batch: list[Paper]) -> list[str]:
    """What ingest does with a batch in server mode: stores, publish, then "indexed"."""
    m.cache.agree()
    outcome = m.catalog.upsert(batch)
    return index(m, outcome.added + outcome.updated)


def index(m: Member, ids: list[str]) -> list[str]:
    """Phase 1 and 2 for papers pending in ``m``: their stores, their records, "indexed"."""
    got = m.catalog.get(ids)
    m.cache.new_writes({pid: got[pid].content_hash for pid in ids})  # as Stores.replace_chunks
    m.tokens.replace_papers({pid: token_rows(i) for i, pid in enumerate(ids)})
    m.table.replace_papers({pid: np.full((2, MPNET_DIMENSION), 0.5, np.float32) for pid in ids})
    m.cache.publish(ids)
    m.catalog.mark_indexed(ids, {pid: got[pid].content_hash for pid in ids})
    return ids


def remove(m: Member, ids: list[str]) -> None:
    """What :meth:`Stores.remove_papers` does in server mode (the chunks aside)."""
    entry, gens = m.cache.server.log_removal(ids)
    m.cache.server.delete(ids, gens)
    m.tokens.remove_papers(ids)
    m.table.remove_papers(ids)
    m.catalog.remove(ids)
    m.cache.forget(ids, entry)
