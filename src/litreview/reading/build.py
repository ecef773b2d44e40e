"""Turning raw fields from any reader into a validated :class:`Paper`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.reading.casing import display_name, display_title
from litreview.reading.errors import MissingAbstract, MissingTitle, SkippedRecord
from litreview.reading.normalize import (
    clean_text,
    extract_links,
    normalize_arxiv,
    normalize_doi,
    paper_id_for,
)
from litreview.reading.paper import PageText, Paper

# Zotero's rich-text markup in titles (``<i>E. coli</i>``, ``<sub>2</sub>``, a pasted
# ``<p>...</p>``), which its exports carry on ("{\\textless}p{\\textgreater}"): not title words.
_RICH_TEXT = re.compile(r"</?(?:i|b|em|strong|sub|sup|sc|p|span|br)\b[^<>]*>", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1\d\d\d|20\d\d)(?!\d)")
# How much of a paper's first page stands in for a missing abstract.
STAND_IN_CHARS = 1500


class Collected:
    """Papers of one file, the records skipped (with line and reason), and repairs made.

    ``records`` counts every record the reader met, kept or not, so the
    ingest summary can prove nothing went missing silently.
    """

    def __init__(self) -> None:
        self.papers: list[Paper] = []
        self.lines: list[int | None] = []  # each kept paper's line (the merge note names them)
        self.skipped: list[SkippedRecord] = []
        self.warnings: list[str] = []
        self.files_missing: list[FileMissing] = []
        self.records = 0

    def keep(self, path: Path, line: int | None, **fields: Any) -> None:
        """Build a paper with :func:`make_paper`; a record that cannot be one is noted."""
        self.records += 1
        try:
            self.papers.append(make_paper(path, line, **fields))
            self.lines.append(line)
        except SkippedRecord as exc:
            self.skipped.append(exc)

    def skip(self, path: Path, line: int | None, message: str, reason: str) -> None:
        """Count a record the reader could not even turn into fields."""
        self.records += 1
        self.skipped.append(SkippedRecord(path, message, line, reason))

    def warn(self, path: Path | None, line: int | None, message: str) -> None:
        """A record repaired, not lost: said with its place so the user can fix the source.

        ``path`` None: the message names its place itself (a Zotero item key).
        """
        if path is None:
            self.warnings.append(message)
            return
        where = f"{path.name}:{line}" if line else path.name
        self.warnings.append(f"{where}: {message}")

    def file_missing(self, ref: str, message: str) -> None:
        """A kept paper whose attached file is missing (a Zotero item ``ref``): what becomes of
        it is the catalog's to say, so the warning is finished by the ingest."""
        self.files_missing.append(FileMissing(ref, message))

    def skip_reasons(self) -> dict[str, int]:
        return dict(Counter(s.reason for s in self.skipped))


@dataclass(frozen=True)
class FileMissing:
    """A paper kept from its metadata alone, its attached file missing: ``message`` says so
    ("item K ('Title'): attachment storage:a.pdf is missing") and the ingest adds what the
    catalog made of it (added, updated, or nothing to say when it changed nothing)."""

    ref: str
    message: str


def parse_authors(value: object) -> tuple[str, ...]:
    """Authors as a list, or the "A and B" of BibTeX, or "A; B" of spreadsheets.

    A list written twice over is read once: 18,002 of the 50,000 rows of the real abstract
    corpus repeat their whole list ("Benny Gamus; Yizhar Or; Benny Gamus; Yizhar Or"), which
    went on into references.bib. A single name met twice is kept twice (two Wei Wangs).
    """
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        names: Iterable[str] = (str(v) for v in value)
    else:
        text = str(value)
        sep = " and " if " and " in text else (";" if ";" in text else None)
        names = text.split(sep) if sep else [text]
    return written_once([display_name(n) for n in (clean_text(n) for n in names) if n])


def written_once(
    names: Sequence[str], same: Callable[[str], str] = str.casefold
) -> tuple[str, ...]:
    """An author list written twice over, read once; one name met twice is kept twice (two
    people may share it). ``same``: what two spellings of one name are compared by. The one
    rule for the reader and for references.bib's writer (a catalog filled before the reader
    had it may still hold a doubled list)."""
    half = len(names) // 2
    if (
        half
        and len(names) % 2 == 0
        and [same(n) for n in names[:half]] == [same(n) for n in names[half:]]
    ):
        return tuple(names[:half])
    return tuple(names)


def parse_year(value: object) -> int | None:
    """The first plausible year in a date however written ("2023-05-01", "May 2023", "1995")."""
    if value is None or value == "":
        return None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def stand_in_abstract(pages: tuple[PageText, ...]) -> tuple[str, str]:
    """What a paper with full text but no abstract is searched by, and where it came from.

    The PDF's own abstract section when it has one (most papers do); else its
    first paragraphs, which for a paper are the summary an author wrote first.
    """
    from litreview.reading.readers.pdf import abstract_section

    section = abstract_section(pages)
    if section:
        return section, "abstract section of the PDF"
    text = " ".join(p.text for p in pages[:2])
    text = clean_text(text)[:STAND_IN_CHARS]
    return text, "first paragraphs of the PDF"


# What databases put where an abstract is missing (IEEE's "Not Available"): no text to search
# or quote; an answer read "According to Larrabee [1], not Available."
_PLACEHOLDER_ABSTRACT = re.compile(
    r"^\W*(?:(?:no\s+)?abstract\s+(?:is\s+)?(?:not\s+)?available|not\s+available|n/?a|none|null|"
    r"no\s+abstract|abstract|tbd|to\s+be\s+added)?\W*$",
    re.IGNORECASE,
)


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
    doi: object = None,
    arxiv_id: object = None,
    full_text: tuple[PageText, ...] = (),
    stand_in: tuple[str, str] | None = None,
) -> Paper:
    """Validate and clean one record; a record without title or text is skipped, with why.

    ``stand_in`` is what a reader found to search the paper by when it has no abstract, and
    where, as clean text (a web page's description tag or abstract section:
    :mod:`.readers.web_page`); by default the full text's abstract section or first
    paragraphs stand in.
    """
    clean_abstract = clean_text(str(abstract or ""))
    # A title in capitals takes its names' casing ("SqueezeNet") from the paper's own words.
    own_words = " ".join([clean_abstract, *(page.text for page in full_text)])
    typed_title = clean_text(_RICH_TEXT.sub("", str(title or ""))).strip("{} ")
    clean_title = display_title(typed_title, own_words)
    placeholder = clean_abstract if _PLACEHOLDER_ABSTRACT.match(clean_abstract) else ""
    if placeholder:
        clean_abstract = ""
    extra = dict(extra or {})
    if not clean_title:
        raise MissingTitle(path, "record has no title; skipped", line)
    if not clean_abstract and (stand_in or full_text):
        clean_abstract, origin = stand_in or stand_in_abstract(full_text)
        if clean_abstract:
            extra["abstract_from"] = origin
    if not clean_abstract:
        if placeholder:
            raise MissingAbstract(
                path,
                f"{clean_title!r} has only {placeholder!r} for an abstract; skipped",
                line,
                reason="placeholder abstract",
            )
        raise MissingAbstract(path, f"{clean_title!r} has no abstract; skipped", line)
    links = extract_links(clean_abstract)
    url_text = clean_text(str(url)) if url else None
    doi_text = normalize_doi(str(doi)) if doi else None
    arxiv_text = normalize_arxiv(str(arxiv_id)) if arxiv_id else None
    if arxiv_text is None and doi_text and doi_text.startswith("10.48550/arxiv."):
        arxiv_text = normalize_arxiv(doi_text.removeprefix("10.48550/arxiv."))
    return Paper(
        paper_id=paper_id_for(clean_title),
        title=clean_title,
        abstract=clean_abstract,
        authors=parse_authors(authors),
        year=parse_year(year),
        url=url_text or None,
        links=links,
        sources=(path.name,),
        extra=extra,
        doi=doi_text,
        arxiv_id=arxiv_text,
        full_text=full_text,
    )
