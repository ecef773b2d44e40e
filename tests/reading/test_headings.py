"""Headings are not sentences: on the real PDFs of shared/real, a section title, a run-in
paragraph title, a capitals heading or a running head never starts or sits inside a sentence
that an answer could quote, and the prose around them is kept whole."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from litreview.evidence.sentences import split_sentences, whole_sections, whole_sentences
from litreview.reading import read_file
from litreview.reading.headings import (
    heading_lines,
    last_heading,
    running_text,
    section_heading,
    sections,
    without_closing_heading,
)
from litreview.reading.readers.web_page import read_page

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


def test_each_block_keeps_the_section_heading_it_falls_under() -> None:
    """Issue 14: headings are evidence of what the sentences under them are about. On
    MapReduce's page 3 "The master pings every worker periodically" opens the section
    "Handling Worker Failures"; the text before the page's first heading falls under the
    heading given (the one in force where the text starts)."""
    blocks = sections(_pages(MAPREDUCE)[3], heading="3.1 Execution Overview")
    assert blocks[0].heading == "3.1 Execution Overview" and not blocks[0].opens
    (pings,) = [b for b in blocks if "The master pings every worker periodically." in b.text]
    assert pings.heading == "Handling Worker Failures" and pings.opens
    assert [b.heading for b in blocks if b.opens][:3] == [
        "3.2 Master Data Structures",
        "3.3 Fault Tolerance",
        "Handling Worker Failures",
    ]
    assert last_heading(_pages(MAPREDUCE)[3]) == "Semantics in the Presence of Failures"


@pytest.mark.parametrize(
    "line",
    [
        "Bigtable: A Distributed Storage System for Structured Data · 4: 9",  # a running head
        "ByteNet [18] 23.75",  # a table row of the Transformer paper
        "Completion 75.4% 69.9% 68.5% 69.9%",  # AutoDroid's
        "Attention(Q, K, V ) = softmax(QKT",  # a formula
        "arXiv:1706.03762v7 [cs.CL] 2 Aug 2023",  # a stamp
    ],
)
def test_furniture_tables_and_formulas_cut_the_text_but_head_nothing(line: str) -> None:
    """Lines of the real PDFs that take a heading's shape but name no section: a block
    after them stays under the section heading before them."""
    assert not section_heading(line)
    blocks = sections(f"3.3 Fault Tolerance\nWorkers fail.\n{line}\nThe master pings them.")
    if len(blocks) == 2:
        assert blocks[1].heading == "3.3 Fault Tolerance" and not blocks[1].opens


@pytest.mark.parametrize(
    "line",
    ["3.3 Fault Tolerance", "Handling Worker Failures", "B.1 HOTPOTQA FINETUNING DETAILS"],
)
def test_section_titles_head_their_sections(line: str) -> None:
    assert section_heading(line)


def test_whole_sections_keep_headings_and_drop_cut_pieces() -> None:
    """A passage of MapReduce's page 3 that starts mid-sentence ("inaccessible. ...") and
    crosses into "Semantics in the Presence of Failures": the leading piece is dropped,
    the first block is under the heading it started in, the next under its own."""
    text = _pages(MAPREDUCE)[3]
    passage = text[text.index("inaccessible. Completed reduce") :]
    blocks = whole_sections(passage, heading="Handling Worker Failures")
    assert blocks[0].heading == "Handling Worker Failures" and not blocks[0].opens
    assert blocks[0].text.startswith("Completed reduce tasks do not need to be reexecuted")
    assert blocks[1].heading == "Semantics in the Presence of Failures" and blocks[1].opens
    assert whole_sentences(passage) == " ".join(b.text for b in blocks)


CHUBBY = SYSTEMS / "BRQIEUVL" / "burrows_html.html"


@pytest.mark.skipif(not CHUBBY.is_file(), reason="shared/real not present")
def test_a_passage_that_ends_on_the_next_sections_heading_is_shown_without_it() -> None:
    """Chubby's saved web page (San7o's Zotero, shared/real): a search hit's passage ended
    "... we did not need general transactions.\\n\\n2.11 Backup"."""
    text = read_page(CHUBBY).text
    end = text.index("2.11 Backup") + len("2.11 Backup")
    window = text[end - 600 : end]
    assert without_closing_heading(window) == window[: window.rindex("2.11 Backup")].rstrip()
    assert without_closing_heading(window).endswith("transactions.")
    # A passage that ends in running text, or one that is a heading alone, is as it was.
    prose = text[: text.index("2.11 Backup")].rstrip()[-600:]
    assert without_closing_heading(prose) == prose
    assert without_closing_heading("2.11 Backup") == "2.11 Backup"


@pytest.mark.skipif(not PDFS.is_dir(), reason="shared/real not present")
def test_a_passage_ending_on_two_headings_or_a_stamp_is_shown_without_them() -> None:
    """The sentiment study's page 13 (shared/real/pdfs): a hit ended "... MAST tasks.\n6
    Discussions" once its last heading was cut; its page 1 window ends on the arXiv stamp."""
    pages = _pages(PDFS / "2023_sentiment_llm_zhang.pdf")
    page = next(text for text in pages.values() if "6.1 LLMs for SA in Practice" in text)
    end = page.index("6.1 LLMs for SA in Practice") + len("6.1 LLMs for SA in Practice")
    window = page[end - 500 : end]
    assert without_closing_heading(window).endswith("MAST tasks.")
    first = pages[min(pages)]
    stamp = re.search(r"arXiv:\S+ \[cs\.CL\] \d+ \w+ \d{4}", first)
    assert stamp is not None
    shown = without_closing_heading(first[: stamp.end()])
    assert "arXiv:" not in shown[-60:] and shown.strip()
