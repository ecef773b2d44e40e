"""The "trending papers" page dump: page chrome, then title line / abstract line pairs.

Quirks handled (all seen in real dumps): chrome lines in several variants, a
date line, blank lines present or absent between entries, the first title
glued to the "Subscribe" button ("SubscribeHarmony: ..."), no trailing newline.
"""

from __future__ import annotations

import re
from pathlib import Path

from litreview.reading.build import Collected
from litreview.reading.errors import LibraryFileError

CHROME = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox once a day!",
        "subscribe",
        "byak and the research community",
    }
)
_DATE = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(, \d{4})?$")
_GLUE = "subscribe"

# A title is a line, an abstract a paragraph: these bounds tell them apart
# with a wide margin on real data (titles 16-165 chars, abstracts 560+).
MAX_TITLE_WORDS = 50
MIN_ABSTRACT_WORDS = 15


def _is_chrome(line: str) -> bool:
    low = line.casefold()
    return low in CHROME or bool(_DATE.match(low))


def _content_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank, non-chrome lines with their 1-based numbers; un-glues the header."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or _is_chrome(line):
            continue
        if not out and line.casefold().startswith(_GLUE) and len(line) > len(_GLUE):
            line = line[len(_GLUE) :].strip()
        out.append((number, line))
    return out


def read_trending(path: Path, text: str) -> Collected:
    lines = _content_lines(text)
    if not lines:
        raise LibraryFileError(path, "only page chrome, no papers")
    collected = Collected()
    for i in range(0, len(lines), 2):
        title_line, title = lines[i]
        if len(title.split()) > MAX_TITLE_WORDS:
            raise LibraryFileError(
                path,
                f"expected a title line, found a paragraph of {len(title.split())} words "
                "(is a title missing before it?)",
                title_line,
            )
        if i + 1 >= len(lines):
            raise LibraryFileError(path, f"title {title!r} has no abstract after it", title_line)
        abstract_line, abstract = lines[i + 1]
        if len(abstract.split()) < MIN_ABSTRACT_WORDS:
            raise LibraryFileError(
                path,
                f"expected the abstract of {title!r} (line {title_line}), found a short line "
                f"{abstract[:60]!r} (is an abstract missing?)",
                abstract_line,
            )
        collected.keep(path, title_line, title=title, abstract=abstract)
    return collected
