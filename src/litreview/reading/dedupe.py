"""One paper, however many times and places it appears."""

from __future__ import annotations

from dataclasses import replace

from litreview.reading.paper import Paper


def merge_two(kept: Paper, other: Paper) -> tuple[Paper, str | None]:
    """Fold ``other`` into ``kept``: sources are unioned, missing fields filled.

    The first copy's abstract wins; a differing abstract is reported rather
    than silently picked, because it usually means two versions of a paper.
    """
    sources = tuple(dict.fromkeys(kept.sources + other.sources))
    warning = None
    if kept.abstract != other.abstract:
        warning = (
            f"{kept.title!r}: abstracts differ between {', '.join(kept.sources)} and "
            f"{', '.join(other.sources)}; keeping the first"
        )
    merged = replace(
        kept,
        sources=sources,
        authors=kept.authors or other.authors,
        year=kept.year or other.year,
        url=kept.url or other.url,
        links=tuple(dict.fromkeys(kept.links + other.links)),
        extra={**other.extra, **kept.extra},
    )
    return merged, warning


def merge_papers(papers: list[Paper]) -> tuple[list[Paper], list[str]]:
    """De-duplicate on paper id (the normalised title), keeping first-seen order."""
    by_id: dict[str, Paper] = {}
    warnings: list[str] = []
    for paper in papers:
        kept = by_id.get(paper.paper_id)
        if kept is None:
            by_id[paper.paper_id] = paper
            continue
        by_id[paper.paper_id], warning = merge_two(kept, paper)
        if warning:
            warnings.append(warning)
    return list(by_id.values()), warnings
