"""Follow-ups on the earlier answer's papers by year, author or venue (issue 14).

On a graphics Zotero library, "Which papers discuss radiosity?" then "Which of those are from
before 1990?" was declined ("the library does not cover..."): years are metadata, not sentences
of the papers. The papers here are that library's own (ganeshbelgur's Zotero, shared/real).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest

from litreview.index.library import Library
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.types import Message
from litreview.reading import read_file
from litreview.reading.paper import Paper
from litreview.review.ask import AskResult, ask
from litreview.review.metadata_followup import parse
from litreview.review.session import AnswerMessage, Session, Turn
from litreview.settings import Settings
from tests.support.papers_by_id import PapersById
from tests.support.scripted import Scripted

REAL_ZOTERO = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync")
RADIOSITY = "Which papers discuss radiosity?"
# What the extractive engine cited for RADIOSITY on that library, in its [n] order.
CITED_TITLES = (
    "Radiosity: A Programmer's Perspective",  # Ashdown, 1994, a book (Wiley)
    "Radiosity and Global Illumination",  # Sillion and Puech, 1994, a book
    "The hemi-cube: a radiosity solution for complex environments",  # Cohen, 1985, SIGGRAPH
)

needs_real = pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real not present")


@pytest.fixture(scope="module")
def radiosity_papers() -> list[Paper]:
    by_title = {p.title: p for p in read_file(REAL_ZOTERO).papers}
    return [by_title[t] for t in CITED_TITLES]


def _follow_up(papers: list[Paper], question: str, backend: object = None) -> AskResult:
    history = [
        Message("user", RADIOSITY),
        AnswerMessage(
            "assistant", "Radiosity ... [1] ... [2] ... [3]", tuple(p.paper_id for p in papers)
        ),
    ]
    return ask(
        cast(Library, PapersById(papers)),
        cast(ExtractiveBackend, backend or ExtractiveBackend()),
        question,
        history=history,
    )


def _cited_titles(result: AskResult) -> list[str]:
    return [result.sources[c.n - 1].paper.title for c in result.citations]


@needs_real
def test_before_a_year_lists_the_earlier_papers_of_that_time(radiosity_papers: list[Paper]) -> None:
    result = _follow_up(radiosity_papers, "Which of those are from before 1990?")
    assert _cited_titles(result) == [CITED_TITLES[2]]
    # Spelled out: a sentence does not open with a numeral ("1 of the 3 papers ...").
    assert result.answer.startswith("One of the 3 papers cited before is from before 1990:")
    assert "Cohen and Greenberg (1985)" in result.answer and result.answer.count("[1]") == 1
    assert "does not" not in result.answer
    # Every [n] resolves to a source of this answer; the others stay listed, uncited.
    assert [h.paper.title for h in result.sources][1:] == list(CITED_TITLES[:2])


@needs_real
def test_none_matching_is_said_plainly_with_the_nearest(radiosity_papers: list[Paper]) -> None:
    result = _follow_up(radiosity_papers, "Which of them were published after 2020?")
    assert result.citations == []
    assert result.answer.startswith("None of the 3 papers cited before are from after 2020;")
    assert "the latest is “Radiosity" in result.answer and "1994" in result.answer


@needs_real
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which of those are by Cohen?", [2]),
        ("Which of those are by michael f. cohen?", [2]),  # as people type it (``--author``)
        ("Which of those are by Sillion?", [1]),
        ("Which of these appeared in SIGGRAPH?", [2]),
        ("Which of them were published by Wiley?", [0]),  # a book's publisher
        ("Which of them are from the 1990s?", [0, 1]),
        ("Which of them is the oldest?", [2]),
        ("Sort them by year", [2, 0, 1]),
        ("Sort them by year, newest first", [0, 1, 2]),
    ],
)
def test_metadata_follow_ups(
    radiosity_papers: list[Paper], question: str, expected: list[int]
) -> None:
    result = _follow_up(radiosity_papers, question)
    assert _cited_titles(result) == [CITED_TITLES[i] for i in expected]
    assert [c.n for c in result.citations] == list(range(1, len(expected) + 1))


@needs_real
def test_a_model_is_not_asked_for_a_metadata_listing(radiosity_papers: list[Paper]) -> None:
    """The prompt holds no years to filter on and a small model misreads them: the listing
    is built from the metadata, and costs nothing."""
    model = Scripted("This should not be used [1].")
    result = _follow_up(radiosity_papers, "Which of those are from before 1990?", model)
    assert model.requests == []
    assert _cited_titles(result) == [CITED_TITLES[2]]
    assert result.usage.prompt_tokens == 0


@pytest.mark.parametrize(
    "question",
    [
        "What changed in rendering after 1990?",  # about content: no pointing back
        "Which were published before 1990?",  # may be a question of its own
        "Which of those use radiosity before 1990?",  # a word of content besides the year
        "Which of them work in real time?",  # "in real time" is no venue
        "Which of them are faster?",
        "How do they compare?",
        "Which of those papers from the 90s discuss shadows?",
    ],
)
def test_questions_about_content_are_not_metadata_follow_ups(question: str) -> None:
    assert parse(question) is None


def test_a_session_gives_each_answer_the_papers_it_cited() -> None:
    turn = Turn(
        RADIOSITY,
        "A [1] and B [2].",
        "extractive",
        [
            {"n": 2, "paper_id": "b", "title": "B", "pages": []},
            {"n": 1, "paper_id": "a", "title": "A", "pages": [3]},
        ],
    )
    (question, answer) = Session("s", [turn]).history()
    assert question == Message("user", RADIOSITY)
    assert isinstance(answer, AnswerMessage) and answer.cited == ("a", "b")
    assert answer.content == "A [1] and B [2]."


@needs_real
def test_papers_without_a_year_are_said_to_have_none(radiosity_papers: list[Paper]) -> None:
    undated = [replace(p, year=None) for p in radiosity_papers]
    result = _follow_up(undated, "Which of those are from before 1990?")
    assert result.citations == []
    assert result.answer == (
        "None of the 3 papers cited before are from before 1990; none of them has a year recorded."
    )
    dated = [radiosity_papers[0], replace(radiosity_papers[2], year=None)]
    result = _follow_up(dated, "Sort them by year")
    assert _cited_titles(result) == [CITED_TITLES[0], CITED_TITLES[2]]  # the undated last
    assert result.answer.endswith("(1 paper cited before has no year recorded.)")


def test_a_follow_up_on_a_real_library_through_its_session(pdf_settings: Settings) -> None:
    """The whole path a chat takes on real PDFs (dated by the reader): an answer, its turn
    saved, the follow-up on its papers' years."""
    backend = ExtractiveBackend()
    with Library(pdf_settings) as library:
        first = ask(library, backend, "How can a neural network be made smaller?")
        cited = [first.sources[c.n - 1].paper for c in first.citations]
        assert cited and all(p.year for p in cited)
        cut = max(p.year or 0 for p in cited)
        session = Session("s", [Turn.of(first)])
        second = ask(
            library, backend, f"Which of those are from before {cut}?", history=session.history()
        )
    listed = [second.sources[c.n - 1].paper for c in second.citations]
    assert listed == [p for p in cited if (p.year or 0) < cut]
    assert {h.paper.paper_id for h in second.sources} == {p.paper_id for p in cited}
    from litreview.llm.extractive.related import spelled_count

    opening = ("None of", "The one paper", f"{spelled_count(len(listed))} of", "All ", "Both ")
    assert second.answer.startswith(opening)


@needs_real
def test_counts_and_names_read_as_sentences(radiosity_papers: list[Paper]) -> None:
    """The trial's "All 2 papers cited before are ..." and "... Yin et al.." endings."""
    books = radiosity_papers[:2]  # both 1994
    result = _follow_up(books, "Which of those are from after 1990?")
    assert result.answer.startswith("Both papers cited before are from after 1990:")
    many = [replace(p, authors=("Yin, A", "Wu, B", "Ren, C", "Li, D")) for p in books]
    result = _follow_up(many, "Which of those are by Kajiya?")
    assert "et al.." not in result.answer and result.answer.endswith("et al.")
