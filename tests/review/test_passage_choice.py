"""Which passages a retrieved paper brings to an answer, and which of their sentences are read:
the cases of a trial on the real PDFs of shared/real, where ``search`` showed the
Transformer's page 7 ("We used the Adam optimizer ...", "lrate = ...", "We used warmup_steps =
4000.") but ``ask`` quoted its introduction and its dropout rate instead: page 7's passage lay
past the embedded chunks and was not the paper's best BM25 document, MaxSim ranked the
abstract's and the tables' passages above it, and its five-word sentence was never read.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import signposts, split_sentences, whole_sections
from litreview.evidence.source import Source
from litreview.index.catalog import StoredPassage
from litreview.index.library import Library
from litreview.index.passage_terms import passage_scores
from litreview.index.retriever import fuse_passages, repeats_abstract
from litreview.llm.extractive.engine import ExtractiveBackend
from litreview.reading import read_file
from litreview.reading.paper import PageText
from litreview.review.ask import ask
from litreview.settings import Settings

PDFS = Path("/work/shared/real/pdfs")
TRANSFORMER = "2017_attention_is_all_you_need_vaswani_v7.pdf"
needs_pdfs = pytest.mark.skipif(not PDFS.is_dir(), reason="shared/real material not present")


GFS = Path("/work/shared/real/zotero/San7o+research-papers-collection/storage/QIYJPXTB")


@cache
def _pages(name: str) -> tuple[str, dict[int, str]]:
    path = PDFS / name if name.endswith(".pdf") else next(Path(name).glob("*.pdf"))
    (paper,) = read_file(path).papers
    return paper.abstract, {p.page: p.text for p in paper.full_text}


def _as_passages(pages: dict[int, str]) -> list[StoredPassage]:
    return [StoredPassage(n, page, text) for n, (page, text) in enumerate(pages.items(), 1)]


def _lead(answer: str) -> str:
    """The first sentence an extractive answer quotes, with its citation."""
    body = answer.split("\n\n")[1]
    return re.split(r"(?<=\])\s", body.split("]: ", 1)[1], maxsplit=1)[0]


@needs_pdfs
@pytest.mark.parametrize(
    ("name", "question", "page"),
    [
        (TRANSFORMER, "What optimizer was used to train the Transformer?", 7),
        (TRANSFORMER, "What warmup steps did the Transformer use?", 7),  # "warmup_steps"
        (TRANSFORMER, "What dropout rate did the Transformer base model use?", 8),
        # "chunk" is on every page of GFS: the pair "chunk size" and the heading "2.5 Chunk
        # Size" say where, and "what" (rare in the paper) does not count
        (str(GFS), "What is the chunk size in GFS?", 3),
    ],
)
def test_bm25_within_one_paper_finds_the_page_that_names_the_detail(
    name: str, question: str, page: int
) -> None:
    if name == str(GFS) and not GFS.is_dir():
        pytest.skip("the real Zotero storage is not on this machine")
    _, pages = _pages(name)
    passages = _as_passages(pages)
    scores = passage_scores(question, passages)
    best = max(passages, key=lambda p: scores[p.n])
    assert best.page == page, {p.page: round(scores[p.n], 2) for p in passages}


def test_a_clear_bm25_winner_leads_maxsims_order_and_a_close_one_does_not() -> None:
    by_n = {n: StoredPassage(n, n, f"passage {n}") for n in range(1, 6)}
    maxsim = [by_n[1], by_n[2], by_n[3]]
    clear = fuse_passages(maxsim, {4: 6.0, 2: 3.0}, by_n)
    assert [p.n for p in clear] == [4, 1, 2, 3]  # and BM25's others after MaxSim's
    close = fuse_passages(maxsim, {4: 6.0, 2: 5.5}, by_n)
    assert [p.n for p in close] == [1, 2, 3, 4]
    assert [p.n for p in fuse_passages([], {5: 1.0, 4: 2.0}, by_n)] == [4, 5]  # no MaxSim


@needs_pdfs
def test_a_first_page_passage_repeating_the_abstract_is_told_apart() -> None:
    abstract, pages = _pages(TRANSFORMER)
    start = pages[1].index(abstract[:60])
    assert repeats_abstract(StoredPassage(1, 1, pages[1][start : start + 1200]), abstract)
    assert not repeats_abstract(StoredPassage(9, 7, pages[7][:1200]), abstract)


@needs_pdfs
def test_a_short_sentence_of_a_page_is_read_unless_it_leans_on_the_one_before() -> None:
    _, pages = _pages(TRANSFORMER)
    text = " ".join(b.text for b in whole_sections(pages[7]))
    page = Source(1, "p", "Attention Is All You Need", "", (PageText(7, text),))
    read = [e.text for e in EvidenceScorer.shared().sentences("warmup", page.page_views())]
    assert "We used warmup_steps = 4000." in read
    leaning = Source(1, "p", "GFS", "", (PageText(4, "It is central to GFS. " * 2),))
    assert not EvidenceScorer.shared().sentences("GFS", leaning.page_views())


@needs_pdfs
def test_announcing_the_following_sections_is_about_the_papers_text() -> None:
    _, pages = _pages(TRANSFORMER)
    said = [s for b in whole_sections(pages[2]) for s in split_sentences(b.text)]
    sentence = next(s for s in said if s.startswith("In the following sections"))
    assert signposts(sentence), sentence


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("What optimizer was used to train the Transformer?", "Adam optimizer"),
        ("What warmup steps did the Transformer use?", "warmup_steps = 4000"),
        ("What is the learning rate schedule used to train the Transformer?", "lrate ="),
    ],
)
def test_a_training_detail_of_the_transformer_is_answered_from_page_7(
    pdf_settings: Settings, question: str, lead: str
) -> None:
    with Library(pdf_settings) as library:
        result = ask(library, ExtractiveBackend(), question)
    first = _lead(result.answer)
    assert lead in first and first.endswith("p. 7]"), result.answer


def test_gfs_chunk_size_is_answered_from_its_chunk_size_section(
    systems_pdf_settings: Settings,
) -> None:
    """(On these three papers the answer led so before too; among the 27 papers of the
    benchmark's library it led with "Files are divided into fixed-size chunks.")"""
    with Library(systems_pdf_settings) as library:
        result = ask(library, ExtractiveBackend(), "What is the chunk size in GFS?")
    first = _lead(result.answer)  # "Chunksize is one of the key design parameters." or 64 MB
    assert re.search(r"64 MB|[Cc]hunk ?size", first) and first.endswith("p. 3]"), result.answer
