"""Full text searched with abstracts: real PDFs in, papers out, each with its best passage and
page. Questions here are answered only in a paper's body, never in its abstract."""

from __future__ import annotations

import numpy as np
import pytest

from litreview.encoders.minilm import MiniLMEmbedder
from litreview.index.catalog import StoredPassage
from litreview.index.chunking import Chunker
from litreview.index.lexical import LexicalIndex
from litreview.index.library import Library
from litreview.index.retriever import ChunkScores
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import PageText, Paper
from litreview.settings import Settings

# (question, a word of the paper's title, the page the answer is on, words of the answer)
BODY_QUESTIONS = [
    (
        "Which optimizer and learning rate warmup schedule were used to train the model?",
        "Attention",
        7,
        "warmup_steps",
    ),
    ("How much label smoothing was used during training?", "Attention", 8, "smoothing"),
    (
        "Around which Fire modules does the simple bypass architecture add bypass connections?",
        "SqueezeNet",
        9,
        "bypass",
    ),
]


@pytest.mark.parametrize(("question", "title", "page", "words"), BODY_QUESTIONS)
def test_a_body_question_finds_the_paper_and_the_page(
    pdf_settings: Settings, question: str, title: str, page: int, words: str
) -> None:
    with Library(pdf_settings) as library:
        (paper,) = [p for p in library.papers() if title in p.title]
        assert words not in paper.abstract  # the answer is only in the body
        hits = library.search(library.request(question, k=3))
        best = hits[0]
        assert best.paper.paper_id == paper.paper_id
        assert best.page == page and best.passage is not None and words in best.passage
        assert (best.passages[0].page, best.passages[0].text) == (page, best.passage)
        shown = best.to_dict()
        assert shown["page"] == page and shown["passage"] == best.passage


@pytest.mark.parametrize("mode", ["dense", "lexical"])
def test_one_sided_modes_also_name_the_passage_that_found_the_paper(
    pdf_settings: Settings, mode: str
) -> None:
    """Dense mode sees the passages ingest embedded (the body's first
    ``ingest.embed_body_chunks``), BM25 every passage: page 9 of SqueezeNet is BM25's only."""
    question, title, page, words = BODY_QUESTIONS[2 if mode == "lexical" else 0]
    with Library(pdf_settings) as library:
        best = library.search(library.request(question, k=3, mode=mode))[0]
        assert title in best.paper.title
        assert best.page == page and best.passage
        assert mode == "dense" or words in best.passage  # dense: a chunk of that page


def test_an_abstract_question_is_answered_where_the_abstract_is(pdf_settings: Settings) -> None:
    """A PDF prints its abstract on page 1: a question the abstract answers finds the paper
    by its abstract or by that page, never by a later page."""
    with Library(pdf_settings) as library:
        best = library.search(library.request("compress SqueezeNet to less than 0.5MB", k=3))[0]
        assert "SqueezeNet" in best.paper.title
        assert best.page in (None, 1)
        assert best.passages and all(p.page >= 1 for p in best.passages)


def test_passages_are_stored_with_chunk_numbers_after_the_abstract(
    pdf_settings: Settings,
) -> None:
    from litreview.index.stores import Stores

    stores = Stores(pdf_settings)
    try:
        (paper,) = [p for p in stores.catalog.all() if "Attention" in p.title]
        passages = stores.catalog.passages([paper.paper_id])[paper.paper_id]
        numbers = [p.n for p in passages]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        assert numbers[0] >= 1  # chunk 0 is the abstract's
        assert len(numbers) + numbers[0] <= pdf_settings.ingest.max_chunks
        pages = [p.page for p in passages]
        assert pages == sorted(pages) and set(pages) <= {
            p.page for p in stores.catalog.pages(paper.paper_id)
        }
        got = stores.vectors.collection.get(
            ids=[f"{paper.paper_id}:{numbers[0]}", f"{paper.paper_id}:0"], include=["metadatas"]
        )
        metas = dict(zip(got["ids"], got["metadatas"] or [], strict=True))
        assert metas[f"{paper.paper_id}:{numbers[0]}"]["page"] == pages[0]
        assert "page" not in metas[f"{paper.paper_id}:0"]
        # Every passage is stored (BM25 searches them all); the models embedded the abstract
        # and the body's first ingest.embed_body_chunks only.
        body = pdf_settings.ingest.embed_body_chunks
        assert len(numbers) > body
        last = f"{paper.paper_id}:{numbers[0] + body - 1}"
        beyond = f"{paper.paper_id}:{numbers[0] + body}"
        assert stores.vectors.collection.get(ids=[last, beyond])["ids"] == [last]
        assert stores.tokens.score_chunks(
            stores.vectors.embedder.encode(["attention"]).tokens[0], [paper.paper_id]
        )[paper.paper_id].shape == (numbers[0] + body,)  # type: ignore[index]
    finally:
        stores.close()


def test_abstract_only_hits_carry_no_passage(sample_settings: Settings) -> None:
    with Library(sample_settings) as library:
        hits = library.search(library.request("defending neural networks against trojans", k=5))
        assert hits and all(h.passage is None and h.page is None and not h.passages for h in hits)
        assert hits[0].to_dict()["passages"] == []


def test_pages_chunk_after_the_abstract_never_across_pages_within_the_cap() -> None:
    emb = MiniLMEmbedder()
    paper = Paper(paper_id_for("T"), "T", "A short abstract.")
    body = " ".join(f"Sentence {i} reports result {i} of the experiment." for i in range(60))
    pages = [PageText(3, body), PageText(4, "A short last page."), PageText(5, "  ")]
    chunks = Chunker(emb.count_tokens, 256, 48).with_pages(paper, pages)
    assert chunks[0].page is None and chunks[0].text == "T. A short abstract."
    assert [c.chunk_id for c in chunks] == [f"{paper.paper_id}:{i}" for i in range(len(chunks))]
    assert {c.page for c in chunks[1:]} == {3, 4}
    assert chunks[-1].page == 4 and chunks[-1].text == "T. A short last page."
    assert all(c.text.startswith("T. ") for c in chunks)

    capped = Chunker(emb.count_tokens, 256, 48, max_chunks=3)
    kept = capped.with_pages(paper, pages)
    assert len(kept) == 3 and kept[0].page is None  # the abstract is never what the cap cuts
    assert capped.truncated == {paper.paper_id: len(chunks)}


def test_bm25_scores_a_paper_by_its_best_passage_and_keeps_it_on_reload(
    tmp_path: object,
) -> None:
    from pathlib import Path

    a = Paper("a", "Graph networks", "Message passing on graphs.")
    b = Paper("b", "Vision models", "Convolutions for images.")
    passages = [("b", StoredPassage(2, 6, "We trained with a warmup of 4000 steps and Adam."))]
    index = LexicalIndex.build([a, b], passages)
    assert len(index) == 2
    (hit,) = index.search("warmup steps Adam", 5)
    assert (hit.paper_id, hit.chunk) == ("b", 2)
    assert index.search("message passing", 5)[0] == index.search("message passing", 5)[0]
    assert index.search("message passing", 5)[0].chunk is None
    assert index.search("warmup steps", 5, allowed={"a"}) == []
    folder = Path(str(tmp_path)) / "bm25"
    index.save(folder, 3)
    loaded = LexicalIndex.load(folder, 3)
    assert loaded is not None and loaded.search("warmup steps Adam", 5) == [hit]


def test_passage_ranking_uses_maxsim_and_the_second_models_rows() -> None:
    passages = [StoredPassage(1, 2, "first"), StoredPassage(2, 3, "second")]
    # MaxSim alone: chunk 2 beats the abstract (chunk 0) and chunk 1.
    order, beats = ChunkScores(np.array([0.5, 0.4, 0.6]), None, 0.5).rank(passages) or ([], False)
    assert [p.n for p in order] == [2, 1] and beats
    # The second model's rows (two for the abstract, then the passages) can turn it round.
    rows = np.array([0.2, 0.9, 0.1, 0.0])
    scores = ChunkScores(np.array([0.5, 0.4, 0.6]), rows, 0.5)
    order, beats = scores.rank(passages, abstract_rows=2) or ([], True)
    assert [p.n for p in order] == [2, 1] and not beats
    # Rows for the abstract only (MPNet on abstracts, the default): MaxSim ranks passages.
    abstract_only = ChunkScores(np.array([0.5, 0.4, 0.6]), np.array([0.2, 0.9]), 0.5)
    order, beats = abstract_only.rank(passages, abstract_rows=2) or ([], False)
    assert [p.n for p in order] == [2, 1] and beats
    # Stores that do not hold these passages (re-ingested, pending): no ranking.
    assert ChunkScores(np.array([]), None, 0.5).rank(passages) is None


def test_passages_beyond_the_embedded_ones_rank_by_query_time_maxsim_or_bm25() -> None:
    """Only the first body chunks are embedded at ingest (chunks 1-2 here, of 1-4): a passage
    scored at query time competes on MaxSim; BM25's best passage, unscored, leads."""
    passages = [StoredPassage(n, n + 1, f"passage {n}") for n in (1, 2, 3, 4)]
    late = np.array([0.5, 0.4, 0.6])  # the abstract, chunks 1 and 2
    order, beats = ChunkScores(late, None, 0.5, {4: 0.7}).rank(passages) or ([], False)
    assert [p.n for p in order] == [4, 2, 1] and beats
    order, beats = ChunkScores(late, None, 0.5).rank(passages, lexical_best=3) or ([], False)
    assert [p.n for p in order] == [3, 2, 1] and beats
    # The abstract still beats a weak passage.
    order, beats = ChunkScores(np.array([0.9, 0.4]), None, 0.5).rank(passages) or ([], True)
    assert [p.n for p in order] == [1] and not beats


def test_full_text_indexed_before_passages_existed_is_chunked_at_the_next_ingest(
    pdf_home: object, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library whose PDFs were read (pages kept) by a version that did not search full text:
    reconciling sends those papers back to pending and the next ingest embeds their passages,
    and BM25 is rebuilt with them."""
    import shutil
    import sqlite3
    from pathlib import Path

    from litreview.settings import load_settings

    home = Path(str(tmp_path)) / "home"
    shutil.copytree(Path(str(pdf_home)), home)
    with sqlite3.connect(home / "catalog.sqlite3") as db:
        db.execute("DELETE FROM passages")
    monkeypatch.setenv("LITREVIEW_HOME", str(home))
    with Library(load_settings()) as library:
        assert library.reconcile() == 3
        report = library.ingest([])
        assert report.embedded == 3
        question, title, page, _ = BODY_QUESTIONS[2]
        best = library.search(library.request(question, k=3, mode="lexical"))[0]
        assert title in best.paper.title and best.page == page
