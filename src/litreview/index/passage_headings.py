"""The section heading each retrieved passage starts under, read from its paper's pages.

Why: a passage is a window of a page, and its first sentences usually continue a
section whose heading is in an earlier passage or page ("Handling Worker Failures"
heads MapReduce's page 3 from two passages up). An answer reads a heading that matches
the question as evidence that the sentences under it answer it, so each retrieved
passage carries the heading in force where it starts; headings inside the passage are
in its text (:func:`litreview.reading.headings.sections`).

Recomputed at query time from the stored page text rather than stored with the
passage: nothing embedded or indexed changes, a library ingested before works as it
is, and only the retrieved papers' pages are read (one query each; heading detection is
a few regular expressions per line, cached per page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from litreview.reading.headings import last_heading
from litreview.reading.paper import PageText

PROBE = 120  # characters of a passage's start looked up in its page


@lru_cache(maxsize=2048)
def _last(text: str) -> str:
    return last_heading(text)


def heading_at(pages: Sequence[PageText], page: int, passage: str) -> str:
    """The section heading in force where ``passage`` (a window of ``page``) starts: the
    last one before it on its page, else the last one of the pages before; "" if none or
    if the passage is not found in its page."""
    before = [p for p in pages if p.page < page]
    text = next((p.text for p in pages if p.page == page), None)
    start = -1 if text is None else text.find(passage.strip()[:PROBE])
    if text is None or start < 0:
        return ""
    found = _last(text[:start])
    for earlier in reversed(before):
        if found:
            break
        found = _last(earlier.text)
    return found


def headed(pages: Sequence[PageText], passages: Sequence[PageText]) -> list[PageText]:
    """``passages`` (of one paper, whose full text is ``pages``) with their headings."""
    return [replace(p, heading=heading_at(pages, p.page, p.text)) for p in passages]
