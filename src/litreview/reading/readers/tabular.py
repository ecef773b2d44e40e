"""JSON (an array, or JSON Lines) and CSV/TSV with title/abstract/authors/year/url columns.

Column names are matched the way people and tools write them: ``titles`` /
``summaries`` (arXiv dumps), ``Abstract Note`` / ``Publication Year`` /
``Extra`` (Zotero's CSV export), ``doi``/``arxiv_id``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from litreview.reading.build import Collected, parse_year
from litreview.reading.errors import LibraryFileError
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
    "url": "url",
    "link": "url",
    "doi": "doi",
    "arxiv": "arxiv_id",
    "arxiv_id": "arxiv_id",
    "arxiv id": "arxiv_id",
    "eprint": "arxiv_id",
}


def _record(collected: Collected, path: Path, line: int, row: dict[str, Any]) -> None:
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for key, value in row.items():
        if key is None:
            raise LibraryFileError(path, "row has more values than the header has columns", line)
        ours = ALIASES.get(key.strip().casefold())
        if ours and ours not in fields and value not in (None, ""):
            fields[ours] = value
        elif value not in (None, "") and not ours:
            extra[key] = str(value)
    doi = fields.pop("doi", None)
    if doi:
        extra["doi"] = str(doi)
        fields.setdefault("url", f"https://doi.org/{doi}")
    elif extra.get("Extra"):  # Zotero keeps DOIs of some item types in "Extra"
        doi = find_doi(extra["Extra"])
    arxiv = fields.pop("arxiv_id", None)
    arxiv_id = normalize_arxiv(str(arxiv)) if arxiv else None
    year = fields.get("year")
    if year not in (None, "") and parse_year(year) is None:
        collected.warn(path, line, f"cannot read a year from {str(year)[:40]!r}; left empty")
    collected.keep(
        path,
        line,
        title=fields.get("title"),
        abstract=fields.get("abstract"),
        authors=fields.get("authors"),
        year=fields.get("year"),
        url=fields.get("url"),
        extra=extra,
        doi=doi,
        arxiv_id=arxiv_id,
    )


def read_jsonl(path: Path, text: str) -> Collected:
    return read_jsonl_lines(path, enumerate(text.split("\n"), start=1))


def read_jsonl_lines(path: Path, lines: Iterable[tuple[int, str]]) -> Collected:
    """JSON Lines from numbered lines: a string's or a stream's (a big or gzip file)."""
    collected = Collected()
    for number, line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LibraryFileError(
                path, f"invalid JSON ({exc.msg} at column {exc.colno})", number
            ) from exc
        if not isinstance(row, dict):
            raise LibraryFileError(path, "each line must be a JSON object", number)
        _record(collected, path, number, row)
    return collected


def read_json(path: Path, text: str) -> Collected:
    """A JSON array of records (or ``{"papers": [...]}``); JSON Lines saved as ``.json`` too."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        first = text.lstrip()[:1]
        if first == "{" and exc.msg.startswith("Extra data"):
            return read_jsonl(path, text)  # JSON Lines named .json
        raise LibraryFileError(
            path, f"invalid JSON ({exc.msg} at column {exc.colno})", exc.lineno
        ) from exc
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if "title" in data or "titles" in data:
            data = [data]
        elif len(lists) == 1:
            data = lists[0]
    if not isinstance(data, list):
        raise LibraryFileError(path, "expected a JSON array of records", 1)
    collected = Collected()
    lines = _record_lines(text, len(data))
    for index, row in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(row, dict):
            collected.skip(path, line, f"record {index + 1} is not a JSON object", "not a record")
            continue
        _record(collected, path, line or 1, row)
    return collected


def _record_lines(text: str, count: int) -> list[int]:
    """Line where each top-level array element starts, for ``file:line`` warnings."""
    decoder = json.JSONDecoder()
    starts: list[int] = []
    pos = text.index("[") + 1 if "[" in text else 0
    while len(starts) < count:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        starts.append(text.count("\n", 0, pos) + 1)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
    return starts


def _read_delimited(path: Path, text: str, delimiter: str) -> Collected:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().casefold() for h in (reader.fieldnames or [])]
    mapped = {ALIASES.get(h) for h in header}
    missing = [c for c in ("title", "abstract") if c not in mapped]
    if missing:
        raise LibraryFileError(
            path, f"header has no {' or '.join(missing)} column (found: {', '.join(header)})", 1
        )
    collected = Collected()
    try:
        for row in reader:
            _record(collected, path, reader.line_num, row)
    except csv.Error as exc:
        raise LibraryFileError(path, f"malformed CSV: {exc}", reader.line_num) from exc
    return collected


def read_csv(path: Path, text: str) -> Collected:
    return _read_delimited(path, text, ",")


def read_tsv(path: Path, text: str) -> Collected:
    return _read_delimited(path, text, "\t")
