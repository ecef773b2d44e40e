"""Text clean-up shared by every reader: titles, ids, identifiers, links, LaTeX remnants."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Escapes that page dumps and BibTeX leave in abstracts; unescaping them is
# lossless. Unknown macros such as ``\tool`` (an author's placeholder for a
# system's name) are kept: dropping them would leave "we propose , a ...".
_LATEX_ESCAPES = re.compile(r"\\([%&_$#{}])")
# Font macros written into an abstract's text ("we introduce \textbf{StoryGPT-V}", "code is
# at \url{https://...}", real Better BibTeX exports of arXiv abstracts): only the macro goes,
# the words stay; and the few symbols such abstracts spell in LaTeX ("5.9$\times$ speedup",
# "1-$\mu$m", "add-ons (\eg, ControlNet)").
_FONT_MACRO = re.compile(
    r"\\(?:textbf|textit|textsc|texttt|textrm|textsf|emph|underline|mathrm|mathbf|mathit|url)"
    r"\s*\{([^{}]*)\}"
)
_SYMBOLS = {
    r"$\times$": "×",
    r"$\mu$": "µ",
    r"$\sim$": "~",
    r"$\approx$": "≈",
    r"$\pm$": "±",
    r"$\leq$": "≤",
    r"$\geq$": "≥",
    r"\eg": "e.g.",
    r"\ie": "i.e.",
    r"\etal": "et al.",
}
_SYMBOL = re.compile(
    "|".join(re.escape(k) + (r"\b\.?" if k[-1].isalpha() else "") for k in _SYMBOLS)
)
_URL = re.compile(r"https?://[^\s<>()\[\]{}\"']+")
_TRAILING_PUNCT = ".,;:!?)]}'\""
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>{}]+)", re.IGNORECASE)
# New-style (2007+) and old-style (hep-th/9901001) arXiv identifiers.
_ARXIV = re.compile(
    r"(?:arxiv\s*[:/.]?\s*|arxiv\.org/(?:abs|pdf)/|10\.48550/arxiv\.)"
    r"((?:\d{4}\.\d{4,5})|(?:[a-z][a-z.\-]+/\d{7}))(v\d+)?",
    re.IGNORECASE,
)
_BARE_ARXIV = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")


def clean_text(text: str) -> str:
    """Unicode-normalise, unescape LaTeX escapes, drop font macros, collapse white space."""
    text = unicodedata.normalize("NFC", text)
    text = _LATEX_ESCAPES.sub(r"\1", text)
    text = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(0).rstrip(".")], _FONT_MACRO.sub(r"\1", text))
    return " ".join(text.split())


def cut_title(title: str, most: int = 60) -> str:
    """A title short enough for a warning line, cut at a word and marked as cut: one rule for
    every note that names a record by its title (skipped items, merged records)."""
    title = " ".join(title.split())
    if len(title) <= most:
        return title
    head = title[:most]
    if title[most] != " " and " " in head:  # a word cut in two goes whole
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "\u2026"


def normalize_title(title: str) -> str:
    """The dedupe key: case, accents, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKD", title).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def paper_id_for(title: str) -> str:
    """Stable id from the normalised title (12 hex digits: no collision at any realistic size).

    Still the id of every paper whose title is not shared with a different
    paper, so libraries built before DOIs counted keep their ids.
    """
    return hashlib.sha1(normalize_title(title).encode()).hexdigest()[:12]


def distinct_id_for(key: str) -> str:
    """Id of a paper whose title another, different paper already holds.

    ``key`` is its strongest identity (``doi:...``, ``arxiv:...`` or title,
    year and first author), so a re-ingest lands on the same id again.
    """
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1/ABC.`` -> ``10.1/abc``: DOIs are case-insensitive by definition."""
    if not value:
        return None
    match = _DOI.search(value.replace("\\_", "_"))
    if not match:
        return None
    return match.group(1).rstrip(_TRAILING_PUNCT).casefold()


def find_doi(text: str) -> str | None:
    """The first DOI mentioned in a text (a Zotero ``extra`` field, a PDF's first page)."""
    return normalize_doi(text)


def normalize_arxiv(value: str | None) -> str | None:
    """``arXiv:2303.11366v4`` or ``2303.11366`` -> ``2303.11366`` (versions are one paper)."""
    if not value:
        return None
    value = value.strip()
    bare = _BARE_ARXIV.match(value)
    if bare:
        return bare.group(1)
    match = _ARXIV.search(value)
    return match.group(1).casefold() if match else None


def find_arxiv(text: str) -> str | None:
    """The first arXiv identifier written as such (``arXiv:...``, an arxiv.org link)."""
    match = _ARXIV.search(text)
    return match.group(1).casefold() if match else None


def surname(name: str) -> str:
    """``Smith, Jane`` and ``Jane Smith`` both give ``smith``."""
    name = name.strip()
    words = name.split()
    name = name.split(",", 1)[0] if "," in name else (words[-1] if words else "")
    return normalize_title(name)


_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Han, kana and Hangul: names written in them put the family name first ("王 五", "山田 太郎").
_FAMILY_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def family_name(name: str) -> str:
    """The name a citation calls an author by, as written: ``Dean, Jeffrey`` and ``Jeffrey
    Dean`` -> ``Dean``; ``Ludwig van Beethoven`` -> ``van Beethoven`` (BibTeX's "von" part);
    ``Martin Luther King Jr.`` -> ``King``; ``王 五`` -> ``王`` (family name first: a draft
    read "五 and Smith [3]"); "" for a name with no letters."""
    name = " ".join(name.split())
    if "," in name:
        return name.split(",", 1)[0].strip()
    words = [w for w in name.split() if w.casefold() not in _SUFFIXES] or name.split()
    if not words or not any(c.isalpha() for c in words[-1]):
        return ""
    if _FAMILY_FIRST.match(words[0]):
        return words[0]
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():
        start -= 1
    return " ".join(words[start:])


def extract_links(text: str) -> tuple[str, ...]:
    """Code and data URLs mentioned in an abstract, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCT)
        if url and url not in seen:
            seen[url] = None
    return tuple(seen)
