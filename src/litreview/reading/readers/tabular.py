"""Records as named fields (CSV columns, JSON keys): names mapped to ours, values checked.

Column names are matched the way people and tools write them: ``titles`` /
``summaries`` (arXiv dumps), ``Abstract Note`` / ``Publication Year`` /
``Extra`` (Zotero's CSV export), ``doi``/``arxiv_id``, CSL JSON's ``author``
and ``issued``.

JSON values need not be strings. Each is kept only when it means what the
field means: a list of strings is an abstract in paragraphs, a list of
``{"family", "given"}`` objects is a list of authors, ``{"date-parts":
[[2020]]}`` is a year. Anything else is said, with its file and line: a
title or abstract that is not text rejects the record (a number or an object
stored as a title would be garbage the user never sees again), any other
field is left empty with a warning, and nothing is turned into text by
Python's ``str()`` silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from litreview.reading.build import Collected, parse_year
from litreview.reading.normalize import find_doi, normalize_arxiv

# Column names people actually use, mapped to ours (lower-case keys).
ALIASES = {
    "title": "title",
    "titles": "title",
    "name": "title",
    "abstract": "abstract",
    "abstracts": "abstract",
    "summary": "abstract",
    "summaries": "abstract",
    "description": "abstract",
    "abstract note": "abstract",  # Zotero CSV export
    "authors": "authors",
    "author": "authors",
    "creators": "authors",
    "year": "year",
    "publication year": "year",  # Zotero CSV export
    "date": "year",
    "issued": "year",  # CSL JSON
    "url": "url",
    "link": "url",
    "doi": "doi",
    "arxiv": "arxiv_id",
    "arxiv_id": "arxiv_id",
    "arxiv id": "arxiv_id",
    "eprint": "arxiv_id",
}
TEXT_FIELDS = ("title", "abstract")


def ours(name: str) -> str | None:
    """Our field for a column or key name, or ``None`` (kept among the paper's extra fields)."""
    return ALIASES.get(name.strip().casefold())


class NotText(Exception):
    """A title or abstract whose value cannot be read as text: the record is rejected."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(f"{field} is {kind(value)}, not text")
        self.reason = f"{field} is not text"


def kind(value: object) -> str:
    """How JSON names a value's type, for messages ("a number", "an object")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(field: str, value: object, warn: list[str]) -> str | None:
    """A title or abstract: text, or a list of strings (paragraphs), joined."""
    if _empty(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        warn.append(f"{field} is a list of {len(value)} strings; joined")
        return " ".join(value)
    raise NotText(field, value)


def _person(value: object) -> str | None:
    """One author: a name, or a CSL / Zotero-style object with its parts."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        family, given = value.get("family") or value.get("lastName"), value.get("given")
        given = given or value.get("firstName")
        if isinstance(family, str) and family:
            return f"{family}, {given}" if isinstance(given, str) and given else family
        for key in ("literal", "name", "full_name"):
            if isinstance(value.get(key), str) and value[key]:
                return str(value[key])
    return None


def _authors(value: object, warn: list[str]) -> object:
    """A string as it is (``parse_authors`` splits it), or a list of names; others said."""
    if _empty(value) or isinstance(value, str):
        return value or None
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else None
    if items is None:
        warn.append(f"authors is {kind(value)}, not names; left empty")
        return None
    names = [_person(item) for item in items]
    dropped = [kind(item) for item, name in zip(items, names, strict=True) if name is None]
    if dropped:
        warn.append(
            f"authors: {len(dropped)} entries are not names ({', '.join(dropped)}); left out"
        )
    return [name for name in names if name]


def _year(value: object, warn: list[str]) -> object:
    """A year or a date as text or a number; CSL's ``{"date-parts": [[2020, 5]]}`` too."""
    if isinstance(value, dict) and isinstance(value.get("date-parts"), list):
        parts = value["date-parts"]
        first = parts[0] if parts and isinstance(parts[0], list) and parts[0] else [None]
        value = first[0]
    if _empty(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        warn.append(f"year is {kind(value)}, not a year; left empty")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if parse_year(value) is None:
        warn.append(f"cannot read a year from {str(value)[:40]!r}; left empty")
        return None
    return value


def _plain(field: str, value: object, warn: list[str]) -> str | None:
    """A URL, DOI or arXiv id: text only (a number would have lost its zeros: 2001.10000)."""
    if _empty(value):
        return None
    if isinstance(value, str):
        return value
    warn.append(f"{field} is {kind(value)}, not text; left empty")
    return None


def _extra(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def record(
    collected: Collected,
    path: Path,
    line: int,
    pairs: Iterable[tuple[str, object]],
    labels: Sequence[str] = (),
) -> None:
    """Keep (or reject, visibly) one record given as ``(name, value)`` pairs in file order.

    Two names for one field (``title`` and ``name``, or a CSV column repeated):
    the first non-empty value is used, and a second one that disagrees is said.
    ``labels`` name the pairs by position in messages (a CSV's "column 3");
    by default a pair is named by its key.
    """
    warn: list[str] = []
    raw: dict[str, tuple[str, object]] = {}
    extra: dict[str, str] = {}
    for index, (name, value) in enumerate(pairs):
        label = labels[index] if index < len(labels) else repr(name)
        field = ours(name)
        if field is None:
            if not _empty(value):
                extra[name if name not in extra else f"{name} ({label})"] = _extra(value)
            continue
        if _empty(value):
            continue
        if field not in raw:
            raw[field] = (label, value)
        elif raw[field][1] != value:
            warn.append(
                f"two {field} fields disagree ({_short(raw[field][1])} in {raw[field][0]}, "
                f"{_short(value)} in {label}); the first is used"
            )
    values = {field: value for field, (_, value) in raw.items()}
    try:
        title = _text("title", values.get("title"), warn)
        abstract = _text("abstract", values.get("abstract"), warn)
    except NotText as exc:
        collected.skip(path, line, f"{exc}; skipped", exc.reason)
        return
    authors = _authors(values.get("authors"), warn)
    year = _year(values.get("year"), warn)
    url = _plain("url", values.get("url"), warn)
    doi = _plain("doi", values.get("doi"), warn)
    arxiv = _plain("arxiv_id", values.get("arxiv_id"), warn)
    for message in warn:
        collected.warn(path, line, message)
    if doi:
        extra["doi"] = doi
        url = url or f"https://doi.org/{doi}"
    elif extra.get("Extra"):  # Zotero keeps DOIs of some item types in "Extra"
        doi = find_doi(extra["Extra"])
    collected.keep(
        path,
        line,
        title=title,
        abstract=abstract,
        authors=authors,
        year=year,
        url=url,
        extra=extra,
        doi=doi,
        arxiv_id=normalize_arxiv(arxiv) if arxiv else None,
    )


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return repr(text if len(text) <= 40 else text[:37] + "...")
