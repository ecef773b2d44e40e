"""Turning raw fields from any reader into a validated :class:`Paper`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from litreview.reading.errors import LibraryFileError, MissingAbstract
from litreview.reading.normalize import clean_text, extract_links, paper_id_for
from litreview.reading.paper import Paper

_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


class Collected:
    """Papers of one file, and the records skipped (with their line) for lacking an abstract."""

    def __init__(self) -> None:
        self.papers: list[Paper] = []
        self.skipped: list[MissingAbstract] = []

    def keep(self, path: Path, line: int | None, **fields: Any) -> None:
        """Build a paper with :func:`make_paper`; a missing abstract is noted, not raised."""
        try:
            self.papers.append(make_paper(path, line, **fields))
        except MissingAbstract as exc:
            self.skipped.append(exc)


def parse_authors(value: object) -> tuple[str, ...]:
    """Authors as a list, or the "A and B" of BibTeX, or "A; B" of spreadsheets."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        names: Iterable[str] = (str(v) for v in value)
    else:
        text = str(value)
        sep = " and " if " and " in text else (";" if ";" in text else None)
        names = text.split(sep) if sep else [text]
    return tuple(n for n in (clean_text(n) for n in names) if n)


def parse_year(value: object) -> int | None:
    if value is None or value == "":
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def make_paper(
    path: Path,
    line: int | None,
    *,
    title: object,
    abstract: object,
    authors: object = None,
    year: object = None,
    url: object = None,
    extra: dict[str, str] | None = None,
) -> Paper:
    """Validate and clean one record; a missing title or abstract is the file's error."""
    clean_title = clean_text(str(title or "")).strip("{} ")
    clean_abstract = clean_text(str(abstract or ""))
    if not clean_title:
        raise LibraryFileError(path, "record has no title", line)
    if not clean_abstract:
        raise MissingAbstract(path, f"{clean_title!r} has no abstract; skipped", line)
    links = extract_links(clean_abstract)
    url_text = clean_text(str(url)) if url else None
    return Paper(
        paper_id=paper_id_for(clean_title),
        title=clean_title,
        abstract=clean_abstract,
        authors=parse_authors(authors),
        year=parse_year(year),
        url=url_text or None,
        links=links,
        sources=(path.name,),
        extra=dict(extra or {}),
    )
