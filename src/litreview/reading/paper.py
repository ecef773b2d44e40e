"""The record every stage passes around."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PageText:
    """One page of a paper's full text: its 1-based number and its cleaned text.

    A retrieved passage (a window of a page) is one too, with ``heading``: the section
    heading in force where it starts ("" when unknown, and for a whole page), which an
    answer reads as evidence of what the passage's first sentences are about.

    ``page`` is :data:`NO_PAGE` for a text that has no page numbers, a paper read from a web
    page (a Zotero snapshot): it is cited without a page (``[3]``, not ``[3, p. 1]``) and
    shown as "web page" (:func:`page_label`).
    """

    page: int
    text: str
    heading: str = ""


# The page number of a text without pages (a web page's): no page is cited for it.
NO_PAGE = 0


def page_label(page: int) -> str:
    """A page as a reader is shown it: "p. 7", or "web page" for a text without pages."""
    return "web page" if page == NO_PAGE else f"p. {page}"


@dataclass(frozen=True)
class Paper:
    """One paper of the library.

    ``paper_id`` is derived from the normalised title so the same paper read
    from a page dump, a BibTeX export and a CSV is one paper, and so that ids
    are stable across re-ingests. Identity itself is DOI and arXiv id first
    (:func:`litreview.reading.dedupe.same_work`): a second, different paper
    with an already-taken title gets an id from its DOI/arXiv id instead.

    ``full_text`` holds a PDF's text page by page (page numbers as printed by
    the PDF viewer, 1-based); the catalog keeps it apart from the abstract
    (``pages`` table) so that listing papers never loads whole PDFs.
    """

    paper_id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    url: str | None = None
    links: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    doi: str | None = None
    arxiv_id: str | None = None
    full_text: tuple[PageText, ...] = ()

    @property
    def content_hash(self) -> str:
        """Changes exactly when what gets indexed changes (title or abstract)."""
        return hashlib.sha1(f"{self.title}\n{self.abstract}".encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("authors", "links", "sources"):
            data[key] = list(data[key])
        data["full_text"] = [[p.page, p.text] for p in self.full_text]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            paper_id=data["paper_id"],
            title=data["title"],
            abstract=data["abstract"],
            authors=tuple(data.get("authors") or ()),
            year=data.get("year"),
            url=data.get("url"),
            links=tuple(data.get("links") or ()),
            sources=tuple(data.get("sources") or ()),
            extra=dict(data.get("extra") or {}),
            doi=data.get("doi"),
            arxiv_id=data.get("arxiv_id"),
            full_text=tuple(PageText(int(n), str(t)) for n, t in data.get("full_text") or ()),
        )


# Where a paper appeared, first found first, among the fields readers keep in ``extra``: a
# book's publisher, a thesis's school, when nothing names a journal or proceedings (the
# reference list and a chat's "Which of those appeared in SIGGRAPH?" read them alike).
VENUE_FIELDS = (
    "journal",
    "booktitle",
    "venue",
    "howpublished",
    "school",
    "institution",
    "publisher",
)
