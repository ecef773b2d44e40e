"""Body passages no model embedded at ingest, scored at query time when BM25 finds them.

Why: ingest embeds only each paper's first ``ingest.embed_body_chunks`` body chunks
(embedding every chunk of 1,000 15-page PDFs takes about an hour on two cores); the rest
is in BM25 only. But re-ranking scores a candidate by its embedded chunks, so a paper
BM25 found by a passage on page 9 was re-ranked on its abstract and first pages, and a
question answered only there lost it (SqueezeNet's bypass connections, page 9). So the
passage that is a candidate's best BM25 document, when no model has seen it, is embedded
now (one MiniLM pass, its token vectors scored like the stored ones) and counts as one
more chunk of its paper. Only the first few BM25 candidates are done per query, which
bounds the cost (~50 ms a passage on two idle cores), and a small cache spares repeats.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from litreview.encoders.minilm import TokenVectors
from litreview.index.catalog import Catalog
from litreview.index.late import TokenStore
from litreview.index.vectors import VectorStore

PER_QUERY = 8  # BM25 candidates whose unembedded best passage is scored, per query
CACHE = 256  # passages kept encoded (per process)


@dataclass(frozen=True)
class FreshScore:
    """One passage scored at query time: its chunk number, MaxSim and dense cosine."""

    n: int
    late: float
    dense: float


class LazyPassages:
    """Scores BM25-found passages that ingest did not embed (see the module docstring)."""

    def __init__(self, catalog: Catalog, vectors: VectorStore, tokens: TokenStore) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.tokens = tokens
        self._cache: OrderedDict[tuple[str, int, str], tuple[TokenVectors, np.ndarray]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def score(
        self,
        query_tokens: TokenVectors,
        query_vector: np.ndarray,
        wanted: dict[str, int],
    ) -> dict[str, FreshScore]:
        """Each paper's passage ``wanted[paper_id]`` (a chunk number) scored against the query."""
        if not wanted:
            return {}
        stored = self.catalog.passages(list(wanted))
        papers = self.catalog.get(list(wanted))
        keys: dict[str, tuple[str, int, str]] = {}
        texts: dict[str, str] = {}
        for pid, n in wanted.items():
            passage = next((p for p in stored.get(pid, []) if p.n == n), None)
            if passage is None or pid not in papers:
                continue
            keys[pid] = (pid, n, passage.text)
            texts[pid] = f"{papers[pid].title}. {passage.text}"  # as ingest would embed it
        with self._lock:
            missing = [pid for pid in keys if keys[pid] not in self._cache]
        if missing:
            encoded = self.vectors.embedder.encode([texts[pid] for pid in missing])
            with self._lock:
                for pid, tokens, vector in zip(
                    missing, encoded.tokens, encoded.vectors, strict=True
                ):
                    self._cache[keys[pid]] = (tokens, vector)
                    while len(self._cache) > CACHE:
                        self._cache.popitem(last=False)
        with self._lock:
            found = {pid: self._cache[key] for pid, key in keys.items() if key in self._cache}
        order = list(found)
        late = self.tokens.score_fresh(query_tokens, [found[pid][0] for pid in order])
        return {
            pid: FreshScore(wanted[pid], float(late[i]), float(found[pid][1] @ query_vector))
            for i, pid in enumerate(order)
        }
