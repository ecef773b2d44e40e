"""Citations are checked, not trusted.

A marker that points outside the provided sources is removed from the text
and reported; every kept marker resolves to a paper and is written ``[n]``.

The grammar (case-insensitive; the whole bracket must fit it):

    marker := "[" item (separator item)* "]"
    item   := label? number (("-" | "–" | "—" | "to") number)?
    label  := source(s) | ref(s)(.) | reference(s) | paper(s) | doc(s) | document(s) |
              citation(s) | cite | no. | # | ^ | see | cf. | e.g.   (with an optional ":")
    number := an optional minus sign and digits
    separator := "," | ";" | "&" | "/" | "and" | ", and"

Whitespace is allowed anywhere between parts: ``[ 99 ]``, ``[Paper 42]``,
``[1, 2 and 99]``, ``[-1]``, ``[Sources 1-3]``, ``[^2]`` are all markers.
A range expands when it is short and ascending (``[1-3]`` -> 1, 2, 3);
otherwise (``[1-300]``, ``[3-1]``) its two ends are read as two citations,
so the nonsense end is reported instead of 300 numbers. A number in brackets
with nothing else (``[2020]``) is read as a citation: answers cite by number,
so a lone bracketed number that no source carries is a broken citation, not
prose. Brackets holding any other word (``[see Table 2]``, ``[Fig. 3]``,
``[sic]``, ``[1, Table 2]``, a Markdown link's ``[text]``) are prose and are
left as written.

``CitationStream`` applies the same check to a streamed answer, holding back
from an opening ``[`` until the marker closes (or clearly is not one), so
what a terminal or the TUI shows is exactly the checked text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from litreview.llm.types import Source

_LABEL = (
    r"(?:sources?|refs?\.?|references?|papers?|docs?\.?|documents?|citations?|cite|no\.|"
    r"#|\^|see|cf\.|e\.g\.,?)\s*:?"
)
_NUMBER = r"[-–−]?\s*\d+"
_ITEM = rf"(?:{_LABEL}\s*)?{_NUMBER}(?:\s*(?:[-–—]|to\b)\s*{_NUMBER})?"
_SEPARATOR = r"\s*(?:,\s*and\b|[,;&/]|\band\b)\s*"
_MARKER = re.compile(rf"\[\s*{_ITEM}(?:{_SEPARATOR}{_ITEM})*\s*\]", re.IGNORECASE)
_ITEM_NUMBERS = re.compile(rf"({_NUMBER})(?:\s*(?:[-–—]|to\b)\s*({_NUMBER}))?", re.IGNORECASE)
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
)
_MAX_MARKER = 80  # characters: a longer bracket is prose


@dataclass(frozen=True)
class Citation:
    n: int
    paper_id: str
    title: str

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "paper_id": self.paper_id, "title": self.title}


@dataclass(frozen=True)
class CheckedText:
    text: str
    citations: list[Citation]
    dropped: list[int]


def _int(text: str) -> int:
    return int(re.sub(r"\s+", "", text).replace("–", "-").replace("−", "-"))


def _numbers(marker: str) -> list[int]:
    """The numbers a marker cites, in order (ranges expanded when short and ascending)."""
    body = _LABEL_RE.sub(" ", marker[1:-1])
    numbers: list[int] = []
    for part in re.split(_SEPARATOR, body, flags=re.IGNORECASE):
        match = _ITEM_NUMBERS.search(part)
        if match is None:
            continue
        lo = _int(match.group(1))
        if match.group(2) is None:
            numbers.append(lo)
            continue
        hi = _int(match.group(2))
        if 0 < hi - lo < _LONGEST_RANGE:
            numbers.extend(range(lo, hi + 1))
        else:
            numbers.extend([lo, hi])
    return numbers


def check(text: str, sources: Sequence[Source]) -> CheckedText:
    """Normalise markers, drop those that resolve to no source, list the rest in order."""
    by_n = {s.n: s for s in sources}
    cited: dict[int, Citation] = {}
    dropped: list[int] = []

    def replace(match: re.Match[str]) -> str:
        kept = []
        for n in _numbers(match.group(0)):
            if n in by_n:
                kept.append(n)
                source = by_n[n]
                cited.setdefault(n, Citation(n, source.paper_id, source.title))
            elif n not in dropped:
                dropped.append(n)
        return "".join(f"[{n}]" for n in dict.fromkeys(kept))

    cleaned = _MARKER.sub(replace, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    return CheckedText(cleaned.strip(), sorted(cited.values(), key=lambda c: c.n), dropped)


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
    ``check(whole_text, sources).text``: a marker is shown only once it is
    complete and checked, a removed one is never shown. Text after an opening
    ``[`` waits until the bracket closes or stops looking like a marker, and
    trailing spaces wait for the next word (a removed marker takes the space
    before it along).
    """

    def __init__(self, sources: Sequence[Source]) -> None:
        self.sources = tuple(sources)
        self._raw: list[str] = []
        self._shown = ""

    def feed(self, delta: str) -> str:
        self._raw.append(delta)
        raw = "".join(self._raw)
        return self._advance(check(raw[: self._stable_end(raw)], self.sources).text)

    def finish(self) -> str:
        """The rest of the checked text, once the stream has ended."""
        return self._advance(check("".join(self._raw), self.sources).text)

    @property
    def shown(self) -> str:
        return self._shown

    def _advance(self, checked: str) -> str:
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
