"""Hybrid retrieval: dense vectors and BM25, fused, re-ranked, optionally diversified.

Two stages. Dense and BM25 each bring a pool of candidates, fused by
reciprocal rank (robust to their incomparable scores). The fused pool is then
re-ranked by late interaction (token-level MaxSim, :mod:`litreview.index.late`)
plus a little of the dense score and, when installed, a stronger model's
cosine (:mod:`litreview.index.reranker`): that is what lifts hard
paraphrased questions; BM25 keeps its part in choosing the candidates. Results are
papers, not chunks: a paper's dense score is its best chunk's.

A paper with full text is found by its passages too (BM25 documents of it;
the body's first ``ingest.embed_body_chunks`` are also chunks like the
abstract's, and a candidate's best BM25 passage that was not embedded is
embedded at query time, :mod:`.lazy_passages`). Its hit carries the passages
that matched best (:attr:`SearchHit.passages`, with pages), and ``passage`` /
``page`` name the best one when a passage, not the abstract, is the paper's
best match. Passages are ranked by the re-ranking stage's MaxSim per chunk
(:meth:`ChunkScores.rank`), or, without it, by the dense or BM25 hit that
found the paper; BM25 among the paper's own passages puts its clear winner first
(:func:`fuse_passages`).
"""

from __future__ import annotations

import re
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import TypedDict

import numpy as np

from litreview.encoders.minilm import TokenVectors
from litreview.index.catalog import Catalog, StoredPassage
from litreview.index.fusion import best_first, mmr, reciprocal_rank_fusion
from litreview.index.late import TokenStore
from litreview.index.lazy_passages import PER_QUERY, LazyPassages
from litreview.index.lexical import LexicalIndex
from litreview.index.passage_headings import headed
from litreview.index.passage_terms import passage_scores
from litreview.index.reranker import Reranker
from litreview.index.vectors import VectorStore
from litreview.reading.headings import without_closing_heading
from litreview.reading.paper import NO_PAGE, PageText, Paper
from litreview.settings import RetrievalSettings

MODES = ("hybrid", "dense", "lexical")
PASSAGES_PER_HIT = 3
# Chunk hits asked of Chroma per candidate paper wanted: a paper with full text has dozens of
# chunks, and a question about its body can bring several of them before another paper's.
DENSE_HITS_PER_PAPER = 2
DENSE_HITS_PER_PAPER_FULLTEXT = 6


class MetadataFilters(TypedDict):
    """:meth:`Catalog.ids_matching`'s keyword arguments."""

    source: str | None
    year_from: int | None
    year_to: int | None
    author: str | None
    collection: str | None
    tag: str | None


@dataclass(frozen=True)
class Filters:
    """Metadata filters; ``None`` fields do not filter."""

    source: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    author: str | None = None
    collection: str | None = None  # a Zotero collection the paper is filed in
    tag: str | None = None  # a Zotero tag the paper carries
    exclude: frozenset[str] = frozenset()  # paper ids never to return ("papers like this")

    def metadata(self) -> MetadataFilters:
        """The metadata filters, as :meth:`Catalog.ids_matching` takes them (not ``exclude``:
        exclusions are applied to the ranking itself)."""
        return {
            "source": self.source,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "author": self.author,
            "collection": self.collection,
            "tag": self.tag,
        }

    def active(self) -> bool:
        """Whether a metadata filter applies."""
        return any(v is not None for v in self.metadata().values())


@dataclass(frozen=True)
class SearchHit:
    """One retrieved paper and why it was retrieved."""

    paper: Paper
    rank: int
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    lexical_score: float | None = None
    lexical_rank: int | None = None
    late_score: float | None = None
    rerank_score: float | None = None
    # The best match when it is a full-text passage (None: the abstract matched best).
    passage: str | None = None
    page: int | None = None
    # The paper's passages that match the query best, best first (empty without full text).
    passages: tuple[PageText, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "paper_id": self.paper.paper_id,
            "title": self.paper.title,
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 6),
            "dense_rank": self.dense_rank,
            "lexical_score": None if self.lexical_score is None else round(self.lexical_score, 6),
            "lexical_rank": self.lexical_rank,
            "late_score": None if self.late_score is None else round(self.late_score, 6),
            "rerank_score": None if self.rerank_score is None else round(self.rerank_score, 6),
            "year": self.paper.year,
            "authors": list(self.paper.authors),
            "sources": list(self.paper.sources),
            "url": self.paper.url,
            "links": list(self.paper.links),
            "passage": self.passage,
            "page": None if self.page == NO_PAGE else self.page,  # a web page has none
            "passages": [
                {"page": None if p.page == NO_PAGE else p.page, "text": p.text}
                for p in self.passages
            ],
        }


@dataclass
class SearchRequest:
    query: str
    k: int = 8
    mode: str = "hybrid"
    filters: Filters = field(default_factory=Filters)
    mmr: bool = False


class Retriever:
    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorStore,
        lexical: LexicalIndex,
        tokens: TokenStore,
        settings: RetrievalSettings,
        reranker: Reranker | None = None,
    ) -> None:
        self.catalog = catalog
        self.vectors = vectors
        self.lexical = lexical
        self.tokens = tokens
        self.settings = settings
        self.reranker = reranker
        self.lazy = LazyPassages(catalog, vectors, tokens)

    def search(self, request: SearchRequest) -> list[SearchHit]:
        if request.mode not in MODES:
            raise ValueError(
                f"unknown search mode {request.mode!r}; choose from {', '.join(MODES)}"
            )
        query = " ".join(request.query.split())
        if not query:
            return []
        f = request.filters
        allowed = self.catalog.ids_matching(**f.metadata()) if f.active() else None
        pool = max(self.settings.candidates, request.k * 3)

        rerank = request.mode == "hybrid" and self.settings.rerank
        dense: dict[str, float] = {}
        dense_order: list[str] = []
        query_tokens: TokenVectors | None = None
        vector = np.zeros(0, np.float32)
        found_by: dict[str, int | None] = {}  # the chunk that found each paper (dense, BM25)
        lexical_best: dict[str, int] = {}  # the passage that is a paper's best BM25 document
        # The second model only once every searchable paper has its vectors: while the
        # second ingest stage runs, one consistent ranking (and the faces say it is partial).
        second_query: Future[np.ndarray] | None = None
        if rerank and self.reranker is not None and self.catalog.all_reranked():
            second_query = self.reranker.encode_query_soon(query)
        if request.mode in ("hybrid", "dense"):
            encoded = self.vectors.embedder.encode([query], keep_tokens=rerank)
            vector = encoded.vectors[0]
            query_tokens = encoded.tokens[0] if rerank else None
            per_paper = (
                DENSE_HITS_PER_PAPER_FULLTEXT
                if self.catalog.has_passages()
                else DENSE_HITS_PER_PAPER
            )
            # The pool's chunks, no more: the collection's HNSW beam is wider than the request
            # (vectors.EF_SEARCH), so the pool's edge is not left to the graph's approximation.
            for hit in self.vectors.query(vector, pool * per_paper, allowed):
                if hit.paper_id not in dense:  # its best chunk ranks a paper
                    dense[hit.paper_id] = hit.similarity
                    found_by[hit.paper_id] = hit.index
            # Cosines carry float noise from run to run: near-ties go by paper id, not by it.
            dense_order = best_first(dict(sorted(dense.items())))[:pool]

        lexical: dict[str, float] = {}
        lexical_order: list[str] = []
        if request.mode in ("hybrid", "lexical"):
            for lhit in self.lexical.search(query, pool, allowed):
                lexical[lhit.paper_id] = lhit.score
                lexical_order.append(lhit.paper_id)
                if lhit.chunk is not None:
                    lexical_best[lhit.paper_id] = lhit.chunk
                if request.mode == "lexical" or lhit.paper_id not in found_by:
                    found_by[lhit.paper_id] = lhit.chunk

        if request.mode == "dense":
            scores = {pid: dense[pid] for pid in dense_order}
        elif request.mode == "lexical":
            scores = {pid: lexical[pid] for pid in lexical_order}
        else:
            scores = reciprocal_rank_fusion(
                [dense_order, lexical_order],
                [self.settings.dense_weight, self.settings.lexical_weight],
                k=self.settings.rrf_k,
            )
        # Ties keep the order of the rankings above (dense first), which noise cannot change.
        ranked = [pid for pid in best_first(scores) if pid not in f.exclude]
        late: dict[str, float] = {}
        second: dict[str, float] = {}
        chunk_scores: dict[str, ChunkScores] = {}
        if query_tokens is not None and ranked:
            reranked = self._rerank(
                query_tokens,
                ranked[:pool],
                dense,
                vector,
                lexical_best,
                lexical_order,
                second_query,
            )
            if reranked is not None:
                scores, late, second, chunk_scores = reranked
                ranked = best_first(scores)  # ties keep the fused order
        if request.mmr:
            ranked = mmr(
                ranked[:pool],
                scores,
                self.vectors.paper_vectors(ranked[:pool]),
                request.k,
                self.settings.mmr_lambda,
            )
        ranked = ranked[: request.k]
        papers = self.catalog.get(ranked)
        dense_rank = {pid: i for i, pid in enumerate(dense_order, start=1)}
        lexical_rank = {pid: i for i, pid in enumerate(lexical_order, start=1)}
        in_order = {pid: papers[pid] for pid in ranked if pid in papers}
        matched = self._passages(
            query, in_order, chunk_scores, found_by, lexical_best, query_tokens, vector
        )
        return [
            SearchHit(
                paper=papers[pid],
                rank=rank,
                score=scores[pid],
                dense_score=dense.get(pid),
                dense_rank=dense_rank.get(pid),
                lexical_score=lexical.get(pid),
                lexical_rank=lexical_rank.get(pid),
                late_score=late.get(pid),
                rerank_score=second.get(pid),
                passage=matched[pid][0].text if pid in matched and matched[pid][1] else None,
                page=matched[pid][0].page if pid in matched and matched[pid][1] else None,
                passages=tuple(matched[pid][2]) if pid in matched else (),
            )
            for rank, pid in enumerate(ranked, start=1)
            if pid in papers
        ]

    def _passages(
        self,
        query: str,
        papers: dict[str, Paper],
        chunk_scores: dict[str, ChunkScores],
        found_by: dict[str, int | None],
        lexical_best: dict[str, int],
        query_tokens: TokenVectors | None = None,
        query_vector: np.ndarray | None = None,
    ) -> dict[str, tuple[PageText, bool, list[PageText]]]:
        """Per paper with full text: (best passage, whether it beat the abstract, the best
        few passages).

        Two judges (:func:`fuse_passages`): late interaction (MaxSim per chunk, when the
        re-ranking stage ran; otherwise the chunk that found the paper) and BM25 among the
        paper's own passages (:mod:`.passage_terms`: the question's words that single out a
        passage within the paper), whose clear winner leads. A passage BM25 ranks among a
        paper's first few that no model embedded is embedded now (:mod:`.lazy_passages`), so
        MaxSim judges it too. A passage on the abstract's page that repeats the abstract is
        left out: the answer reads the abstract already.
        """
        found = self.catalog.passages(list(papers))
        stored = {pid: found[pid] for pid in papers if pid in found}  # in rank order
        lexical = {pid: passage_scores(query, passages) for pid, passages in stored.items()}
        if query_tokens is not None and query_vector is not None:
            chunk_scores = self._score_unembedded(
                chunk_scores, stored, lexical, query_tokens, query_vector
            )
        out: dict[str, tuple[PageText, bool, list[PageText]]] = {}
        for pid, passages in stored.items():
            by_n = {p.n: p for p in passages}
            scores = chunk_scores.get(pid)
            rows = None
            if scores is not None and scores.second is not None and self.reranker is not None:
                rows = self.reranker.abstract_rows(papers[pid])
            ranked = scores.rank(passages, rows, lexical_best.get(pid)) if scores else None
            if ranked is not None:
                order, beats_abstract = ranked
            else:
                chunk = found_by.get(pid)
                order = [by_n[chunk]] if chunk in by_n else []
                beats_abstract = bool(order)
            # The abstract's repeats out first: they would take the judges' first places.
            repeats = {p.n for p in passages if repeats_abstract(p, papers[pid].abstract)}
            if order and order[0].n in repeats:
                beats_abstract = False  # what matched best is the abstract, on its page
            if len(repeats) < len(passages):
                order = [p for p in order if p.n not in repeats]
                by_n = {n: p for n, p in by_n.items() if n not in repeats}
            fused = fuse_passages(order, lexical[pid], by_n)
            if not fused:
                continue
            best = [
                PageText(p.page, without_closing_heading(p.text)) for p in fused[:PASSAGES_PER_HIT]
            ]
            pages = headed(self.catalog.pages(pid), best)  # each with the heading it starts under
            out[pid] = (pages[0], beats_abstract, pages)
        return out

    def _score_unembedded(
        self,
        chunk_scores: dict[str, ChunkScores],
        stored: dict[str, list[StoredPassage]],
        lexical: dict[str, dict[int, float]],
        query_tokens: TokenVectors,
        query_vector: np.ndarray,
    ) -> dict[str, ChunkScores]:
        """``chunk_scores`` with each paper's passages that BM25 ranks among its first
        :data:`PASSAGES_PER_HIT` and no model scored scored now (at most
        :data:`UNEMBEDDED_PER_QUERY` in all, the first papers first)."""
        wanted: dict[str, list[int]] = {}
        budget = UNEMBEDDED_PER_QUERY
        for pid in stored:  # the hits, in rank order
            scores = chunk_scores.get(pid)
            if scores is None:
                continue
            words = lexical.get(pid, {})
            top = sorted((n for n in words if words[n] > 0), key=lambda n: -words[n])
            missing = [
                n for n in top[:PASSAGES_PER_HIT] if n >= len(scores.late) and n not in scores.fresh
            ][:budget]
            if missing:
                wanted[pid] = missing
                budget -= len(missing)
        if not wanted:
            return chunk_scores
        out = dict(chunk_scores)
        for round_ in range(PASSAGES_PER_HIT):
            batch = {pid: ns[round_] for pid, ns in wanted.items() if len(ns) > round_}
            if not batch:
                break
            for pid, fresh in self.lazy.score(query_tokens, query_vector, batch).items():
                scores = out[pid]
                out[pid] = replace(scores, fresh={**scores.fresh, fresh.n: fresh.late})
        return out

    def _rerank(
        self,
        query_tokens: TokenVectors,
        candidates: list[str],
        dense: dict[str, float],
        query_vector: np.ndarray,
        lexical_best: dict[str, int],
        lexical_order: list[str],
        second_query: Future[np.ndarray] | None,
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, ChunkScores]] | None:
        """(final score, MaxSim, MPNet cosine, per-chunk scores) per candidate, the MPNet
        part empty when the second model is absent; ``None`` (keep the fused order) if
        some candidate has no token vectors.

        Final = MaxSim + rerank_dense x dense cosine + rerank_model_weight x MPNet
        cosine. Missing token vectors happen only while papers of a library built
        before a store existed are pending re-embedding: scoring some candidates
        and not others would mix incomparable scores. The MPNet term is left out
        for every query until the whole library has it (ingest's second stage).
        A candidate found only by BM25 gets the lowest dense score seen. A candidate whose
        best BM25 document is a passage ingest did not embed (among the first BM25 hits)
        has that passage embedded now and scored as one more of its chunks
        (:mod:`.lazy_passages`).
        """
        late_chunks = self.tokens.score_chunks(query_tokens, candidates)
        if late_chunks is None:
            return None
        pooled = set(candidates)
        wanted: dict[str, int] = {}
        for pid in lexical_order:
            n = lexical_best.get(pid)
            if pid in pooled and n is not None and n >= len(late_chunks[pid]):
                wanted[pid] = n
                if len(wanted) >= PER_QUERY:
                    break
        fresh = self.lazy.score(query_tokens, query_vector, wanted)
        late = {pid: float(c.max(initial=0.0)) for pid, c in late_chunks.items()}
        floor = min(dense.values(), default=0.0)
        dense = dict(dense)
        for pid, f in fresh.items():
            late[pid] = max(late[pid], f.late)
            dense[pid] = max(dense.get(pid, floor), f.dense)
        rows: dict[str, np.ndarray] = {}
        if self.reranker is not None and second_query is not None:
            rows = self.reranker.score_rows(second_query.result(), candidates) or {}
        second = {pid: float(r.max(initial=-1.0)) if len(r) else -1.0 for pid, r in rows.items()}
        weight = self.settings.rerank_model_weight
        final = {
            pid: late[pid]
            + self.settings.rerank_dense * dense.get(pid, floor)
            + weight * second.get(pid, 0.0)
            for pid in candidates
        }
        per_chunk = {
            pid: ChunkScores(
                late_chunks[pid],
                rows.get(pid),
                weight,
                {fresh[pid].n: fresh[pid].late} if pid in fresh else {},
            )
            for pid in late
        }
        return final, late, second, per_chunk


@dataclass(frozen=True)
class ChunkScores:
    """One paper's re-ranking scores per chunk: MaxSim per MiniLM chunk (abstract chunks,
    then passages) and, when the second model ran, its cosine per stored row (the
    abstract's rows in its own window, then the same passages)."""

    late: np.ndarray
    second: np.ndarray | None
    weight: float
    fresh: dict[int, float] = field(default_factory=dict)  # passages scored at query time

    def rank(
        self,
        passages: list[StoredPassage],
        abstract_rows: int | None = None,
        lexical_best: int | None = None,
    ) -> tuple[list[StoredPassage], bool] | None:
        """The passages best first, and whether the best beats the abstract; ``None`` when
        the stores do not hold these passages (a paper re-ingested, not yet re-embedded).

        Only the body's first passages are embedded (``ingest.embed_body_chunks``): those,
        and any scored at query time (``fresh``), are ranked by MaxSim, plus the second
        model's cosine when it embedded every one of them (``abstract_rows`` says where its
        passage rows start; mixing passages with and without that term would compare unlike
        scores). A passage no model scored that is the paper's best BM25 document
        (``lexical_best``: its words match the question better than the abstract's do)
        leads the list.
        """
        if not passages:
            return None
        abstract_chunks = min(p.n for p in passages)
        if abstract_chunks < 1 or abstract_chunks > len(self.late):
            return None
        embedded = [p for p in passages if p.n < len(self.late)]
        second = self.second
        covered = (
            not self.fresh
            and second is not None
            and abstract_rows is not None
            and abstract_rows >= 1
            and len(embedded) <= len(second) - abstract_rows
        )
        scores: dict[int, float] = {}
        for j, p in enumerate(embedded):
            scores[p.n] = float(self.late[p.n])
            if covered and second is not None and abstract_rows is not None:
                scores[p.n] += self.weight * float(second[abstract_rows + j])
        abstract = float(self.late[:abstract_chunks].max())
        if covered and second is not None and abstract_rows is not None:
            abstract += self.weight * float(second[:abstract_rows].max())
        by_n = {p.n: p for p in passages}
        scores.update((n, score) for n, score in self.fresh.items() if n in by_n)
        order = sorted((by_n[n] for n in scores), key=lambda p: -scores[p.n])
        if lexical_best is not None and lexical_best not in scores and lexical_best in by_n:
            return [by_n[lexical_best], *order], True
        if not order:
            return None
        return order, scores[order[0].n] > abstract


# A query's share of the unembedded passages it may embed for the hits' passages (~50 ms each
# on two cores; lazy_passages caches them).
UNEMBEDDED_PER_QUERY = 12
# How far BM25's best passage of a paper must lead its second (a share of its score) to lead
# the hit's passages: on the 87 full-text questions of bench/answer_sentences.py, 1.2 to 1.4
# put the answering passage first in 42 (MaxSim alone: 41) and among the first two in 57 (57),
# where fusing the two rankings by reciprocal rank lost one to six.
LEXICAL_LEAD = 1.2


def fuse_passages(
    order: list[StoredPassage], lexical: dict[int, float], by_n: dict[int, StoredPassage]
) -> list[StoredPassage]:
    """A paper's passages best first: MaxSim's ``order``, led by BM25's best passage among
    the paper's own (``lexical``) when it clearly leads BM25's ranking (by
    :data:`LEXICAL_LEAD`), and followed by the passages only BM25 ranks.

    Why not a fusion of the two: MaxSim reads a paraphrased question better ("spotting hateful
    posts"), while a rare word of the paper that the question names ("optimizer",
    "warmup") points to one passage that MaxSim, carried by the words the whole paper
    shares, ranks among many (the Transformer's Adam passage came after its tables)."""
    words = sorted((n for n in lexical if lexical[n] > 0 and n in by_n), key=lambda n: -lexical[n])
    lead = []
    if words and (len(words) == 1 or lexical[words[0]] >= LEXICAL_LEAD * lexical[words[1]]):
        lead = [words[0]]
    ranked = dict.fromkeys([*lead, *(p.n for p in order if p.n in by_n), *words])
    return [by_n[n] for n in ranked]


# The share of a passage's words found in the abstract from which it repeats the abstract.
ABSTRACT_SHARE = 0.8


def repeats_abstract(passage: StoredPassage, abstract: str) -> bool:
    """Whether a passage mostly is the paper's abstract (a PDF's first page holds it)."""
    if passage.page > 1 or not abstract:
        return False
    words = [w.lower() for w in _WORD.findall(passage.text)]
    held = {w.lower() for w in _WORD.findall(abstract)}
    return bool(words) and sum(w in held for w in words) / len(words) >= ABSTRACT_SHARE


_WORD = re.compile(r"\w\w+")
