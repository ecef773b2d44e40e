"""A library that only knows its papers by id: what a metadata follow-up reads."""

from __future__ import annotations

from collections.abc import Iterable

from litreview.index.retriever import Filters
from litreview.reading.paper import Paper
from litreview.review.limits import has_author


class PapersById:
    """The one thing a metadata follow-up reads of the library: papers by id. Anything else
    (a search) raises, so a test proves the question was not searched."""

    def __init__(self, papers: Iterable[Paper]) -> None:
        self.papers = {p.paper_id: p for p in papers}

    def get(self, ids: Iterable[str]) -> dict[str, Paper]:
        return {i: self.papers[i] for i in ids if i in self.papers}

    def ids_matching(self, filters: Filters) -> set[str]:
        """Only whether a name is one of the library's authors is asked ("by Kajiya")."""
        return {i for i, p in self.papers.items() if has_author(p, filters.author or "")}
