"""Headings are not sentences: on the real PDFs of shared/real, a section title, a run-in
paragraph title, a capitals heading or a running head never starts or sits inside a sentence
that an answer could quote, and the prose around them is kept whole."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from litreview.evidence.sentences import split_sentences, whole_sentences
from litreview.reading import read_file
from litreview.reading.headings import heading_lines, running_text

REAL = Path("/work/shared/real")
PDFS = REAL / "pdfs"
SYSTEMS = REAL / "zotero" / "San7o+research-papers-collection" / "storage"
MAPREDUCE = next((SYSTEMS / "L5VFETMG").glob("*.pdf"), SYSTEMS)
BIGTABLE = next((SYSTEMS / "P3IFQHTA").glob("*.pdf"), SYSTEMS)
PAXOS = SYSTEMS / "Y82DIS32" / "paxos-simple.pdf"
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="shared/real material not present")


@cache
def _pages(path: Path) -> dict[int, str]:
    (paper,) = read_file(path).papers
    return {p.page: p.text for p in paper.full_text}


def _sentences(path: Path, page: int) -> list[str]:
    """A page's sentences as the evidence scorer reads a passage of it."""
    return list(split_sentences(whole_sentences(_pages(path)[page]), min_words=1))


def test_squeezenet_numbered_capitals_heading_is_not_glued_to_the_next_sentence() -> None:
    sentences = _sentences(PDFS / "2016_squeezenet_iandola.pdf", 5)
    assert not any("SQUEEZENET DETAILS" in s for s in sentences)
    assert any(s.startswith("For brevity, we have omitted") for s in sentences)


def test_mapreduce_section_and_paragraph_titles_are_their_own_units() -> None:
    sentences = _sentences(MAPREDUCE, 3)
    for heading in ("3.3 Fault Tolerance", "Handling Worker Failures", "Semantics in the Presence"):
        assert not any(heading in s for s in sentences), heading
    assert "The master pings every worker periodically." in sentences
    assert any(s.startswith("Since the MapReduce library is designed") for s in sentences)
    assert any(s.startswith("When the user-supplied map and reduce") for s in sentences)


def test_a_running_head_that_interrupts_a_sentence_is_left_out() -> None:
    """Bigtable's page 9 opens with "Bigtable: A Distributed Storage System for Structured
    Data · 4: 9" in the middle of a sentence carried over from page 8."""
    text = _pages(BIGTABLE)[9]
    assert text.startswith("Bigtable: A Distributed Storage System")
    assert not any("Structured Data · 4" in s for s in _sentences(BIGTABLE, 9))


def test_section_headings_of_every_real_pdf_stay_out_of_sentences() -> None:
    """Every numbered section heading line of the 12 PDFs (e.g. "3.3 THE SQUEEZENET
    ARCHITECTURE", "4.2 Training Data and Batching") appears in no sentence of its page."""
    numbered = re.compile(r"^\d{1,2}(\.\d{1,2}){1,3}\.?\s+[A-Z][A-Za-z-]*( [A-Za-z-]+){0,6}$")
    checked = 0
    for path in sorted(PDFS.glob("*.pdf")):
        for page, text in _pages(path).items():
            headings = [line for line in text.split("\n") if numbered.match(line.strip())]
            if not headings:
                continue
            sentences = _sentences(path, page)
            for heading in headings:
                checked += 1
                assert not any(heading.strip() in s for s in sentences), (path.name, heading)
    assert checked >= 40


def test_prose_lines_are_not_taken_for_headings() -> None:
    """A short line that ends a paragraph, a sentence wrapped before a capitalised word,
    and a line a formula broke off ("To discover how to satisfy P2b" + ", let's ...") are
    running text."""
    lines = [
        "The master keeps several data structures. For each map task and",
        "reduce task, it stores the state and the identity of the",
        "worker machine.",
        "Google File System",
        "and Bigtable both run on the same machines as MapReduce workers.",
    ]
    assert heading_lines(lines) == set()
    paxos = _sentences(PAXOS, 6)
    assert any(s.startswith("To discover how to satisfy P2b") for s in paxos)


def test_running_text_cuts_blocks_at_headings() -> None:
    text = (
        "3.3 Fault Tolerance\nThe library must tolerate failures.\n"
        "Handling Worker Failures\nThe master pings every worker periodically."
    )
    assert running_text(text) == [
        "The library must tolerate failures.",
        "The master pings every worker periodically.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Any reduce task will read the data from worker B. MapReduce is resilient to it.",
            ("Any reduce task will read the data from worker B.", "MapReduce is resilient to it."),
        ),
        ("The proofs are in Appendix B. The code is public.", None),
        ("This was proposed by J. Smith in 2001 and later extended.", None),
        ("Written by John A. Smith and Mary B. Jones in their book.", None),
    ],
)
def test_a_letter_naming_a_thing_ends_a_sentence_and_an_initial_does_not(
    text: str, expected: tuple[str, ...] | None
) -> None:
    """pysbd reads "worker B." as an initial; a name's initial must stay one."""
    found = split_sentences(text, min_words=1)
    if expected is None:
        assert len(found) == (2 if "Appendix" in text else 1)
    else:
        assert found == expected
