"""What a citation calls an author: one rule for the reference list and the draft's prose."""

from __future__ import annotations

import pytest

from litreview.reading.normalize import family_name


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("Dean, Jeffrey", "Dean"),
        ("Jeffrey Dean", "Dean"),
        ("Ludwig van Beethoven", "van Beethoven"),  # BibTeX's "von" part
        ("Martin Luther King Jr.", "King"),
        # A trial's drafts read "五 and Smith [3]" and "Ivanov and 太郎 [2]": family name first.
        ("王 五", "王"),
        ("山田 太郎", "山田"),
        ("张伟", "张伟"),
        ("", ""),
        ("1234", ""),
    ],
)
def test_family_name(name: str, called: str) -> None:
    assert family_name(name) == called


def test_the_draft_and_the_reference_list_call_authors_alike() -> None:
    from litreview.evidence.source import Source
    from litreview.llm.extractive.related import cited_name
    from litreview.review.export import short_authors

    authors = ("王 五", "John Smith")
    assert cited_name(Source(1, "p", "A study", "x", authors=authors))[0] == "王 and Smith"
    assert short_authors(authors) == "王 and Smith"
