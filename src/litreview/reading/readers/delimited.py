"""CSV and TSV with a header row (title and abstract columns at least), read row by row.

Spreadsheets and hand-edited exports break in a few ways, each kept or
rejected visibly with its line, never stored as garbage:

- a row with fewer values than the header (a truncated line) is kept with
  what it has, and the columns it lacks are named;
- a row with more values than the header (often an unquoted delimiter inside
  a title) is skipped: its values no longer line up with their columns;
- a stray quote inside one line (``"A" and more,...``) is read leniently, as
  spreadsheets do, and said; a quote that opens a field and never closes on
  its line swallows the lines after it, so those lines are skipped as one
  broken record and the span is named (the records in it are not guessed at);
- a column that appears twice (or two columns that both mean "title") is
  named once, and a row whose two values disagree is said.

Python's ``csv`` reads strictly here (a misplaced quote is an error, not a
silently merged field), one record at a time, so one bad record never costs
the rest of the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from litreview.reading.build import Collected
from litreview.reading.errors import LibraryFileError
from litreview.reading.readers.tabular import ours, record


def _header(path: Path, header: list[str], collected: Collected) -> list[str]:
    """Column names, checked for title and abstract; columns that mean one thing are said."""
    names = [name.strip() for name in header]
    mapped = {ours(name) for name in names}
    missing = [field for field in ("title", "abstract") if field not in mapped]
    if missing:
        found = ", ".join(name.casefold() for name in names)
        raise LibraryFileError(
            path, f"header has no {' or '.join(missing)} column (found: {found})", 1
        )
    by_meaning: dict[str, list[str]] = {}
    for number, name in enumerate(names, start=1):
        by_meaning.setdefault(ours(name) or name.casefold(), []).append(f"{number} {name!r}")
    for meaning, columns in by_meaning.items():
        if len(columns) > 1:
            collected.warn(
                path,
                1,
                f"columns {' and '.join(columns)} both hold the {meaning}; "
                "each row takes the first that is not empty",
            )
    return names


def _lenient(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _read_delimited(path: Path, text: str, delimiter: str) -> Collected:
    lines = io.StringIO(text).readlines()  # as csv sees them, for re-reading one leniently
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise LibraryFileError(path, f"malformed CSV header: {exc}", 1) from exc
    collected = Collected()
    keys = _header(path, header, collected)
    labels = [f"column {number}" for number in range(1, len(keys) + 1)]
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            end = reader.line_num
            if end > start or "unexpected end of data" in str(exc):
                if end > start:
                    collected.warn(
                        path,
                        start,
                        f"a quote opened on this line is not closed where a field ends until "
                        f"line {end}; lines {start}-{end} are skipped as one broken record (fix "
                        "the quote to keep the records in them)",
                    )
                collected.skip(path, start, f"unclosed quote ({exc})", "unclosed quote")
                continue
            if '"' not in str(exc):  # a NUL byte, a field over csv's size limit
                collected.skip(path, start, str(exc), f"unreadable row: {exc}")
                continue
            values = _lenient(lines[start - 1], delimiter)
            collected.warn(path, start, f"stray quote ({exc}); the row is read as spreadsheets do")
        if not any(value.strip() for value in values):
            continue  # a blank line is not a record
        if len(values) > len(keys):
            if any(value.strip() for value in values[len(keys) :]):
                collected.skip(
                    path,
                    start,
                    f"row has {len(values)} values but the header has {len(keys)} columns",
                    "more values than columns",
                )
                continue
            values = values[: len(keys)]  # trailing empty values: nothing lost
        if len(values) < len(keys):
            absent = ", ".join(repr(key) for key in keys[len(values) :])
            collected.warn(
                path,
                start,
                f"row has {len(values)} of {len(keys)} columns (no {absent}); read as it is",
            )
        record(collected, path, start, zip(keys, values, strict=False), labels)
    return collected


def read_csv(path: Path, text: str) -> Collected:
    return _read_delimited(path, text, ",")


def read_tsv(path: Path, text: str) -> Collected:
    return _read_delimited(path, text, "\t")
