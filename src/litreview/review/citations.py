"""Citations are checked, not trusted.

A marker that points outside the provided sources is removed from the text
and reported; every kept marker resolves to a paper and is written ``[n]``.

The grammar (case-insensitive; the whole bracket must fit it):

    marker := "[" item (separator item)* "]"
    item   := label? number (("-" | "–" | "—" | "to") number)? page?
    page   := ","? ("p" | "p." | "pp." | "page" | "pages") number (("-" | "–" | "—") number)?
    label  := source(s) | ref(s)(.) | reference(s) | paper(s) | doc(s) | document(s) |
              citation(s) | cite | no. | # | ^ | see | cf. | e.g.   (with an optional ":")
    number := an optional minus sign and digits
    separator := "," | ";" | "&" | "/" | "and" | ", and"

Spaces are allowed anywhere between parts (not line breaks, and a marker is
at most 80 characters: anything longer is prose): ``[ 99 ]``, ``[Paper 42]``,
``[1, 2 and 99]``, ``[-1]``, ``[Sources 1-3]``, ``[^2]`` are all markers.
A range expands when it is short and ascending (``[1-3]`` -> 1, 2, 3);
otherwise (``[1-300]``, ``[3-1]``) its two ends are read as two citations,
so the nonsense end is reported instead of 300 numbers. A number in brackets
with nothing else (``[2020]``) is read as a citation: answers cite by number,
so a lone bracketed number that no source carries is a broken citation, not
prose. Brackets holding any other word (``[see Table 2]``, ``[Fig. 3]``,
``[sic]``, ``[1, Table 2]``, a Markdown link's ``[text]``) are prose and are
left as written.

A page cites a full-text passage of the source (``[3, p. 7]``). It is
checked like the number: a page that is not among the pages retrieved for
that source (the ones the model was shown) is removed and reported, while
the citation of the paper stays (``[3]``). Kept pages are written
``[3, p. 7]``, one marker per page.

``CitationStream`` applies the same check to a streamed answer, holding back
from an opening ``[`` until the marker closes (or clearly is not one), so
what a terminal or the TUI shows is exactly the checked text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from litreview.evidence.source import Source

_S = r"[ \t]*"  # spaces within a marker; a marker never spans lines
# Each run of spaces can be matched one way only (no two optional space runs side by side):
# an ambiguous pattern backtracks exponentially on a long bracket that never closes.
_LABEL = (
    r"(?:sources?|refs?\.?|references?|papers?|docs?\.?|documents?|citations?|cite|no\.|"
    rf"#|\^|see|cf\.|e\.g\.,?)(?:{_S}:)?"
)
_NUMBER = rf"(?:[-–−]{_S})?\d+"
_ITEM = rf"(?:{_LABEL}{_S})?{_NUMBER}(?:{_S}(?:[-–—]|to\b){_S}{_NUMBER})?"
_PAGE_WORD = r"(?:pp?\.?|pages?\b)"
_PAGE = rf"{_S}(?:,{_S})?{_PAGE_WORD}{_S}\d+(?:{_S}[-–—]{_S}\d+)?"
_ITEM = rf"{_ITEM}(?:{_PAGE})?"
_SEPARATOR = rf"{_S}(?:,{_S}and\b|[,;&/]|\band\b){_S}"
_MARKER = re.compile(rf"\[{_S}{_ITEM}(?:{_SEPARATOR}{_ITEM})*{_S}\]", re.IGNORECASE)
_PAGE_RE = re.compile(rf"{_S},?{_S}{_PAGE_WORD}{_S}(\d+)(?:{_S}[-–—]{_S}(\d+))?", re.IGNORECASE)
_ITEM_NUMBERS = re.compile(rf"({_NUMBER})(?:{_S}(?:[-–—]|to\b){_S}({_NUMBER}))?", re.IGNORECASE)
_LABEL_RE = re.compile(_LABEL, re.IGNORECASE)
_LONGEST_RANGE = 20
# The words a marker may hold, for deciding early that a bracket being streamed is not one.
_MARKER_WORDS = (
    "sources",
    "references",
    "refs.",
    "papers",
    "docs.",
    "documents",
    "citations",
    "cite",
    "no.",
    "see",
    "cf.",
    "e.g.,",
    "and",
    "to",
    "p.",
    "pp.",
    "pages",
)
_MAX_MARKER = 80  # characters: a longer bracket is prose


@dataclass(frozen=True)
class Citation:
    n: int
    paper_id: str
    title: str
    pages: tuple[int, ...] = ()  # full-text pages cited, each one the source was given

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "paper_id": self.paper_id,
            "title": self.title,
            "pages": list(self.pages),
        }


@dataclass(frozen=True)
class CheckedText:
    text: str
    citations: list[Citation]
    dropped: list[int]
    dropped_pages: list[tuple[int, int]] = field(default_factory=list)  # (n, page) not retrieved
    # With ``renumber``: the given sources' numbers in the order the text now numbers them (the
    # cited ones as first cited, then the others in their order); ``citations`` and
    # ``dropped_pages`` use the new numbers, ``dropped`` the numbers as written (no source).
    order: list[int] = field(default_factory=list)


def _int(text: str) -> int:
    return int(re.sub(r"\s+", "", text).replace("–", "-").replace("−", "-"))


def _pages(text: str) -> tuple[str, list[int]]:
    """An item without its page part, and the pages it names (a short range expanded)."""
    match = _PAGE_RE.search(text)
    if match is None:
        return text, []
    lo = int(match.group(1))
    hi = int(match.group(2)) if match.group(2) else lo
    pages = list(range(lo, hi + 1)) if 0 <= hi - lo < _LONGEST_RANGE else [lo, hi]
    return text[: match.start()], pages


def _items(marker: str) -> list[tuple[int, list[int]]]:
    """What a marker cites, in order: (number, pages) per number, ranges expanded when short
    and ascending; the pages of an item go with its last number."""
    body = _LABEL_RE.sub(" ", marker[1:-1])
    # An item's page follows a comma ("3, p. 7"): join it to its item before splitting on
    # separators, of which the comma is one.
    body = re.sub(rf"{_S},(?={_S}{_PAGE_WORD}{_S}\d)", " ", body, flags=re.IGNORECASE)
    items: list[tuple[int, list[int]]] = []
    for part in re.split(_SEPARATOR, body, flags=re.IGNORECASE):
        part, pages = _pages(part)
        match = _ITEM_NUMBERS.search(part)
        if match is None:
            continue
        lo = _int(match.group(1))
        if match.group(2) is None:
            items.append((lo, pages))
            continue
        hi = _int(match.group(2))
        numbers = list(range(lo, hi + 1)) if 0 < hi - lo < _LONGEST_RANGE else [lo, hi]
        items.extend((n, pages if n == numbers[-1] else []) for n in numbers)
    return items


def _numbers(marker: str) -> list[int]:
    """The numbers a marker cites, in order (ranges expanded when short and ascending)."""
    return [n for n, _ in _items(marker)]


def check(text: str, sources: Sequence[Source], renumber: bool = False) -> CheckedText:
    """Normalise markers, drop those that resolve to no source, list the rest in order.

    ``renumber``: the kept markers are numbered in reading order, the first source cited
    ``[1]``, the next new one ``[2]``..., as a paper numbers its references (an answer
    whose paragraphs ran [3], [1], [4], [2] was hard to follow); :attr:`CheckedText.order`
    says which given source each new number is, so the caller reorders its sources.
    """
    by_n = {s.n: s for s in sources}
    cited: dict[int, Citation] = {}
    dropped: list[int] = []
    dropped_pages: list[tuple[int, int]] = []
    shown: dict[int, int] | None = {} if renumber else None
    cleaned = _substitute(text, by_n, cited, dropped, dropped_pages, shown)
    if shown is None:
        return CheckedText(
            cleaned.strip(), sorted(cited.values(), key=lambda c: c.n), dropped, dropped_pages
        )
    for source in sources:  # the uncited after the cited, in their given order
        shown.setdefault(source.n, len(shown) + 1)
    return CheckedText(
        cleaned.strip(),
        sorted((replace(c, n=shown[c.n]) for c in cited.values()), key=lambda c: c.n),
        dropped,
        [(shown[n], page) for n, page in dropped_pages],
        order=sorted(shown, key=shown.__getitem__),
    )


def _substitute(
    text: str,
    by_n: dict[int, Source],
    cited: dict[int, Citation],
    dropped: list[int],
    dropped_pages: list[tuple[int, int]] | None = None,
    shown: dict[int, int] | None = None,
) -> str:
    """Markers checked and the spaces they leave tidied; nothing here reaches across a line
    break or a non-space character, so a text can be checked piece by piece (the stream).

    ``shown`` (renumbering): each source's number as written, given at its first marker
    here and kept in the dict, so pieces checked in order number as the whole text would.
    """
    lost_pages = [] if dropped_pages is None else dropped_pages

    def number(n: int) -> int:
        return n if shown is None else shown.setdefault(n, len(shown) + 1)

    def replace_marker(match: re.Match[str]) -> str:
        if len(match.group(0)) > _MAX_MARKER:  # prose, as the stream filter decides too
            return match.group(0)
        kept: list[tuple[int, int | None]] = []
        for n, pages in _items(match.group(0)):
            if n not in by_n:
                if n not in dropped:
                    dropped.append(n)
                continue
            source = by_n[n]
            citation = cited.setdefault(n, Citation(n, source.paper_id, source.title))
            good = [p for p in pages if p in source.pages]
            for page in pages:
                if page not in source.pages and (n, page) not in lost_pages:
                    lost_pages.append((n, page))
            if good:
                cited[n] = replace(citation, pages=tuple(sorted({*citation.pages, *good})))
            kept.extend([(n, p) for p in good] or [(n, None)])
        return "".join(
            f"[{number(n)}]" if page is None else f"[{number(n)}, p. {page}]"
            for n, page in dict.fromkeys(kept)
        )

    cleaned = _MARKER.sub(replace_marker, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned)


def could_be_marker(prefix: str) -> bool:
    """Can text that starts with ``[`` and has not closed yet still become a marker?"""
    if len(prefix) > _MAX_MARKER or "\n" in prefix:
        return False
    body = prefix[1:].casefold()
    if re.search(r"[^\w\s.,;:&/#^\-–—−]", body):
        return False
    words = (w.rstrip(",") for w in re.findall(r"[a-z][a-z.,]*", body))
    return all(any(m.startswith(w) for m in _MARKER_WORDS) for w in words)


class CitationStream:
    """Checks a streamed answer as it arrives: ``feed`` each delta, show what it returns.

    Everything it returns, joined with ``finish()``, is exactly
    ``check(whole_text, sources, renumber).text``: a marker is shown only once it is
    complete and checked, a removed one is never shown. Text after an opening
    ``[`` waits until the bracket closes or stops looking like a marker, and
    trailing spaces wait for the next word (a removed marker takes the space
    before it along). Text up to the last plain character is checked once and
    kept, so each delta costs time for itself, not for the whole answer.
    """

    def __init__(self, sources: Sequence[Source], renumber: bool = False) -> None:
        self.sources = tuple(sources)
        self._by_n = {s.n: s for s in self.sources}
        # ``check(..., renumber=True)``'s numbering: a marker re-checked while it waits keeps
        # the number its source was first given, and markers are settled in text order.
        self._shown_numbers: dict[int, int] | None = {} if renumber else None
        self._settled = ""  # checked text of the raw text before ``_pending``, not stripped
        self._pending = ""  # raw text whose checking may still change
        self._shown = ""

    def feed(self, delta: str) -> str:
        self._pending += delta
        stable = self._stable_end(self._pending)
        cut = self._settle_end(self._pending, stable)
        self._settled += self._substitute(self._pending[:cut])
        self._pending = self._pending[cut:]
        return self._advance(self._settled + self._substitute(self._pending[: stable - cut]))

    def finish(self) -> str:
        """The rest of the checked text, once the stream has ended."""
        self._settled += self._substitute(self._pending)
        self._pending = ""
        return self._advance(self._settled)

    @property
    def shown(self) -> str:
        return self._shown

    def _substitute(self, raw: str) -> str:
        return _substitute(raw, self._by_n, {}, [], None, self._shown_numbers)

    def _advance(self, checked: str) -> str:
        checked = checked.strip()
        if not checked.startswith(self._shown):  # cannot happen by construction; never un-show
            return ""
        new = checked[len(self._shown) :]
        self._shown = checked
        return new

    @staticmethod
    def _stable_end(raw: str) -> int:
        """How much of the raw text can no longer change how it is checked."""
        end = len(raw)
        opening = raw.rfind("[")
        if opening != -1 and "]" not in raw[opening:] and could_be_marker(raw[opening:]):
            end = opening
        while end and raw[end - 1] in " \t":
            end -= 1
        return end

    @staticmethod
    def _settle_end(raw: str, stable: int) -> int:
        """Where the stable text can be cut so that checking the two sides apart gives the same
        as checking them together: after a plain character, outside any bracket."""
        cut = stable
        while cut > 0:
            if raw[cut - 1] in " \t":
                cut -= 1
            elif raw[cut - 1] == "]":
                opening = raw.rfind("[", 0, cut)
                if opening == -1:
                    return cut
                cut = opening
            else:
                return cut
        return 0
