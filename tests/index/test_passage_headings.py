"""A retrieved passage carries the section heading it starts under (issue 14), read from
its paper's pages at query time: on MapReduce's real PDF (shared/real), a passage of page
3 that starts mid-section is under "Handling Worker Failures", two passages after it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from litreview.index.passage_headings import headed, heading_at
from litreview.reading import read_file
from litreview.reading.paper import PageText

SYSTEMS = Path("/work/shared/real/zotero/San7o+research-papers-collection/storage")
MAPREDUCE = next((SYSTEMS / "L5VFETMG").glob("*.pdf"), SYSTEMS)
pytestmark = pytest.mark.skipif(not MAPREDUCE.is_file(), reason="shared/real not present")


@cache
def _pages() -> tuple[PageText, ...]:
    (paper,) = read_file(MAPREDUCE).papers
    return paper.full_text


def _from(page: int, words: str) -> str:
    """A passage of ``page`` starting at ``words`` (as the chunker cuts one)."""
    text = next(p.text for p in _pages() if p.page == page)
    return text[text.index(words) : text.index(words) + 600]


def test_a_passage_starting_mid_section_gets_the_heading_above_it() -> None:
    passage = _from(3, "inaccessible. Completed reduce tasks")
    assert heading_at(_pages(), 3, passage) == "Handling Worker Failures"


def test_a_passage_at_the_top_of_a_page_gets_the_previous_pages_last_heading() -> None:
    page4 = next(p.text for p in _pages() if p.page == 4)
    assert heading_at(_pages(), 4, page4[:400]) == "Semantics in the Presence of Failures"


def test_an_unknown_passage_gets_no_heading() -> None:
    assert heading_at(_pages(), 3, "Text that is not on the page at all.") == ""
    assert heading_at(_pages(), 99, "Any text.") == ""


def test_headed_keeps_page_and_text() -> None:
    passage = PageText(3, _from(3, "inaccessible. Completed reduce tasks"))
    (found,) = headed(_pages(), [passage])
    assert (found.page, found.text) == (passage.page, passage.text)
    assert found.heading == "Handling Worker Failures"
