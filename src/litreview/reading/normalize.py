"""Text clean-up shared by every reader: titles, ids, links, LaTeX remnants."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Escapes that page dumps and BibTeX leave in abstracts; unescaping them is
# lossless. Unknown macros such as ``\tool`` (an author's placeholder for a
# system's name) are kept: dropping them would leave "we propose , a ...".
_LATEX_ESCAPES = re.compile(r"\\([%&_$#{}])")
_URL = re.compile(r"https?://[^\s<>()\[\]{}\"']+")
_TRAILING_PUNCT = ".,;:!?)]}'\""


def clean_text(text: str) -> str:
    """Unicode-normalise, unescape LaTeX escapes, collapse white space."""
    text = unicodedata.normalize("NFC", text)
    text = _LATEX_ESCAPES.sub(r"\1", text)
    return " ".join(text.split())


def normalize_title(title: str) -> str:
    """The dedupe key: case, accents, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKD", title).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def paper_id_for(title: str) -> str:
    """Stable id from the normalised title (12 hex digits: no collision at any realistic size)."""
    return hashlib.sha1(normalize_title(title).encode()).hexdigest()[:12]


def extract_links(text: str) -> tuple[str, ...]:
    """Code and data URLs mentioned in an abstract, in order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING_PUNCT)
        if url and url not in seen:
            seen[url] = None
    return tuple(seen)
