"""JSON: an array of records (or ``{"papers": [...]}``), or JSON Lines, one record a line.

Objects are read with their keys in file order, repeats included (``json``
would keep the last of two ``"title"`` keys without a word), and each record
goes through :func:`~litreview.reading.readers.tabular.record`, which says
what it could not use.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from litreview.reading.build import Collected
from litreview.reading.errors import LibraryFileError
from litreview.reading.readers.tabular import record


class _Object(dict[str, Any]):
    """A JSON object that remembers every key it was written with, in order."""

    pairs: list[tuple[str, Any]]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    obj.pairs = pairs
    return obj


def _loads(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_object)


def _keep(collected: Collected, path: Path, line: int, row: dict[str, Any]) -> None:
    record(collected, path, line, row.pairs if isinstance(row, _Object) else row.items())


def read_jsonl(path: Path, text: str) -> Collected:
    return read_jsonl_lines(path, enumerate(text.split("\n"), start=1))


def read_jsonl_lines(path: Path, lines: Iterable[tuple[int, str]]) -> Collected:
    """JSON Lines from numbered lines: a string's or a stream's (a big or gzip file)."""
    collected = Collected()
    for number, line in lines:
        if not line.strip():
            continue
        try:
            row = _loads(line)
        except json.JSONDecodeError as exc:
            # One broken line is that record's loss, never the file's (the others are read);
            # a file of nothing but broken lines fails as a whole (``_result``).
            problem = f"invalid JSON ({exc.msg} at column {exc.colno})"
            collected.skip(path, number, problem, "invalid JSON")
            collected.warn(path, number, f"{problem}; line skipped")
            continue
        if not isinstance(row, dict):
            collected.skip(path, number, "not a JSON object", "not a record")
            collected.warn(path, number, "not a JSON object; line skipped")
            continue
        _keep(collected, path, number, row)
    return collected


def read_json(path: Path, text: str) -> Collected:
    """A JSON array of records (or ``{"papers": [...]}``); JSON Lines saved as ``.json`` too."""
    try:
        data = _loads(text)
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
        _keep(collected, path, line or 1, row)
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
