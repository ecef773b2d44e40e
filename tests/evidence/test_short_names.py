"""What an answer calls a paper: a word before the title's colon is a name only if the paper
does not also write it as an ordinary word."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.evidence.sentences import short_name
from litreview.reading import read_file, sample_paths

GFX = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync")


@pytest.mark.skipif(not GFX.is_dir(), reason="shared/real not present")
def test_a_subject_before_the_colon_is_not_a_name() -> None:
    """A trial's chat called Ashdown's book "Radiosity [1]", as if it were a system."""
    (book,) = [p for p in read_file(GFX).papers if p.title.startswith("Radiosity: A Programmer")]
    assert short_name(book.title, text=book.abstract) == "Radiosity: A Programmer's Perspective"


def test_a_system_before_the_colon_is_its_name() -> None:
    papers = read_file(sample_paths()[0]).papers
    named = [p for p in papers if ":" in p.title and len(p.title.split(":")[0].split()) == 1]
    assert named, "the sample library has titles like 'BottleFit: ...'"
    for paper in named:
        head = paper.title.split(":")[0]
        if head.lower() not in paper.abstract:  # a name the abstract writes as a name
            assert short_name(paper.title, text=paper.abstract) == head


@pytest.mark.skipif(not GFX.is_dir(), reason="shared/real not present")
def test_a_declined_answer_names_the_nearest_papers_the_same_way() -> None:
    """The refusal's "nearest papers" called the book "Radiosity" where headings did not."""
    from litreview.evidence.scoring import EvidenceScorer
    from litreview.evidence.source import Source
    from litreview.llm.extractive.answer import compose_answer

    (book,) = [p for p in read_file(GFX).papers if p.title.startswith("Radiosity: A Programmer")]
    source = Source(1, book.paper_id, book.title, book.abstract)
    answer = compose_answer(EvidenceScorer.shared(), "How is sourdough bread leavened?", [source])
    assert "The nearest papers are “Radiosity: A Programmer's Perspective”" in answer
