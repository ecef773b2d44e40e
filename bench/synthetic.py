"""A synthetic library of any size, written through the real stores (for latency at scale).

Embedding 100,000 abstracts would take over an hour on this machine and says
nothing more about query latency, so synthetic papers are built from a real
library's own material: titles and abstracts recombine real title words and
abstract sentences (so BM25 sees a realistic vocabulary), and vectors are
noisy mixtures of real chunk vectors; token vectors (late interaction) and
re-ranking vectors are real papers' ones, assigned at random. A batch goes
through the real catalog, Chroma collection, token store, re-ranking table,
and in server mode the shared library's id claims and paper records
(:meth:`Stores.upsert` and :meth:`Stores.publish`), as ingest writes them;
only the models are skipped. ``bench.latency`` (an embedded home, marked
complete) and ``bench.server_scale`` build their libraries with it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from litreview.index.vectors import Chunk
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper

if TYPE_CHECKING:
    from litreview.encoders.minilm import TokenVectors
    from litreview.index.stores import Stores

BATCH = 2000


@dataclass
class SyntheticBatch:
    """Papers with one chunk each, its MiniLM vector, token vectors and re-ranking rows."""

    papers: list[Paper]
    vectors: np.ndarray
    tokens: dict[str, list[TokenVectors]]
    rerank: dict[str, np.ndarray]


def synthetic_batches(source: Stores, n: int, seed: int = 7) -> Iterator[SyntheticBatch]:
    """``n`` papers made from ``source``'s, a batch at a time (the same ones for one seed)."""
    rng = random.Random(seed)
    real = list(source.catalog.all())
    vectors = source.vectors.paper_vectors([p.paper_id for p in real])
    base = np.stack([vectors[p.paper_id] for p in real])
    words = [w for p in real for w in p.title.split()]
    # Token vectors for late interaction: real ones, of real chunks, assigned at random.
    token_pool = source.vectors.embedder.encode([f"{p.title}. {p.abstract}" for p in real]).tokens
    sentences = [s.strip() + "." for p in real for s in p.abstract.split(". ") if len(s) > 30]
    opinion = source.reranker
    mpnet_pool = list(opinion.table.get([p.paper_id for p in real]).values()) if opinion else []
    for start in range(0, n, BATCH):
        papers = []
        for i in range(start, min(start + BATCH, n)):
            title = f"{' '.join(rng.sample(words, 8))} {i}"
            abstract = " ".join(rng.sample(sentences, 6))
            papers.append(
                Paper(
                    paper_id_for(title), title, abstract, year=2000 + i % 25, sources=("synthetic",)
                )
            )
        a = base[[rng.randrange(len(base)) for _ in papers]]
        b = base[[rng.randrange(len(base)) for _ in papers]]
        mix = a + 0.5 * b + 0.05 * np.random.default_rng(start).standard_normal(a.shape)
        mix /= np.linalg.norm(mix, axis=1, keepdims=True)
        tokens = {p.paper_id: [rng.choice(token_pool)] for p in papers}
        rerank = {p.paper_id: rng.choice(mpnet_pool) for p in papers} if mpnet_pool else {}
        yield SyntheticBatch(papers, mix.astype(np.float32), tokens, rerank)


def write_batch(target: Stores, batch: SyntheticBatch) -> None:
    """One batch into every store of ``target``, in ingest's order (the catalog's marks last).

    With the re-ranking model on (and a source that has its vectors) the papers
    end complete, as after both ingest phases, so search uses every stage.
    """
    papers = batch.papers
    outcome = target.upsert(papers)  # server mode: ids claimed on the server
    ids = [p.paper_id for p in papers]
    if sorted(outcome.added) != sorted(ids):
        raise RuntimeError("synthetic papers collided with papers already in the library")
    chunks = [Chunk(f"{p.paper_id}:0", p.paper_id, f"{p.title}. {p.abstract}", 0) for p in papers]
    hashes = {p.paper_id: p.content_hash for p in papers}
    target.replace_chunks(chunks, batch.vectors, hashes)  # server mode: ids name the write
    target.tokens.replace_papers(batch.tokens)
    if target.reranker is not None and batch.rerank:
        target.reranker.table.replace_papers(batch.rerank)
    target.publish(ids)  # server mode: the paper records, after their chunks
    target.catalog.mark_indexed(ids, hashes)
    if target.reranker is not None and batch.rerank:  # complete, as after both stages
        target.catalog.mark_reranked(ids, hashes)


def complete_with_copies(target: Stores, seed: int = 7, batch: int = 5000) -> int:
    """Give every paper still waiting for the re-ranking model a re-ranked paper's rows.

    For query latency on a real library that phase 2 has not finished (~2 h at
    50,000 papers): search then takes the complete-ranking path, every stage,
    with the same number of candidates and rows as a finished library; only the
    values of the copied rows are not the papers' own, which latency does not
    depend on. Returns how many papers were given copies.
    """
    rng = random.Random(seed)
    reranker = target.reranker
    if reranker is None:
        raise RuntimeError("the re-ranking model is off in this library's settings")
    pending = target.catalog.rerank_pending_ids()
    done = sorted(target.catalog.reranked_ids())
    pool = list(reranker.table.get(rng.sample(done, min(len(done), 2000))).values())
    if not pool:
        raise RuntimeError("no paper has the re-ranking model's vectors to copy")
    for start in range(0, len(pending), batch):
        ids = pending[start : start + batch]
        papers = target.catalog.get(ids)
        reranker.table.replace_papers({pid: rng.choice(pool) for pid in ids})
        target.catalog.mark_reranked(ids, {pid: papers[pid].content_hash for pid in ids})
    return len(pending)
