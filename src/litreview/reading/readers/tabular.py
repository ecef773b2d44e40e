"""JSON Lines and CSV/TSV with title/abstract/authors/year/url columns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from litreview.reading.build import Collected
from litreview.reading.errors import LibraryFileError

# Column names people actually use, mapped to ours (lower-case keys).
ALIASES = {
    "title": "title",
    "name": "title",
    "abstract": "abstract",
    "summary": "abstract",
    "abstract note": "abstract",  # Zotero CSV export
    "authors": "authors",
    "author": "authors",
    "year": "year",
    "publication year": "year",  # Zotero CSV export
    "date": "year",
    "url": "url",
    "link": "url",
    "doi": "doi",
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
    collected.keep(
        path,
        line,
        title=fields.get("title"),
        abstract=fields.get("abstract"),
        authors=fields.get("authors"),
        year=fields.get("year"),
        url=fields.get("url"),
        extra=extra,
    )


def read_jsonl(path: Path, text: str) -> Collected:
    collected = Collected()
    for number, line in enumerate(text.split("\n"), start=1):
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
