from __future__ import annotations

from litreview.reading.dedupe import merge_papers
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper


def paper(title: str, abstract: str, source: str, **kw: object) -> Paper:
    return Paper(paper_id_for(title), title, abstract, sources=(source,), **kw)  # type: ignore[arg-type]


def test_duplicates_merge_sources_and_fill_fields() -> None:
    merged, warnings = merge_papers(
        [
            paper("Deep Nets", "same", "a.txt"),
            paper("deep nets", "same", "b.bib", year=2020, authors=("X",)),
        ]
    )
    assert len(merged) == 1 and not warnings
    assert merged[0].sources == ("a.txt", "b.bib")
    assert merged[0].year == 2020 and merged[0].authors == ("X",)


def test_differing_abstracts_warn_and_keep_first() -> None:
    merged, warnings = merge_papers([paper("T", "one", "a.txt"), paper("T", "two", "b.txt")])
    assert merged[0].abstract == "one"
    assert len(warnings) == 1 and "abstracts differ" in warnings[0]
