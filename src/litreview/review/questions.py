"""Files of questions, one reader for every command that takes them (``batch``,
``search --queries``): plain text one per line, JSON Lines, or CSV.

A bad line is the file's error with its line number, never a skipped question:
a batch that silently answered fewer questions than the file holds would be
worse than one that refuses to start.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from litreview.errors import LitreviewError


class QuestionsFileError(LitreviewError):
    """A questions file that cannot be read, with file and line."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str


def read_questions(path: Path) -> list[Question]:
    """Text (one per line), JSONL (``id``, ``question``) or CSV (a ``question`` column).

    ``query`` is accepted wherever ``question`` is: ``search --queries`` and
    ``batch`` read the same files.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuestionsFileError(f"{path}: not valid UTF-8") from exc
    except OSError as exc:
        raise QuestionsFileError(f"{path}: cannot read ({exc.strerror})") from exc
    questions = list(_parse(path, text))
    if not questions:
        raise QuestionsFileError(f"{path}: no questions found")
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise QuestionsFileError(f"{path}: question id {q.id!r} appears twice")
        seen.add(q.id)
    return questions


def _parse(path: Path, text: str) -> Iterator[Question]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        columns = {c.strip().casefold(): c for c in reader.fieldnames or []}
        key = "question" if "question" in columns else "query"
        if key not in columns:
            raise QuestionsFileError(f"{path}:1: no 'question' (or 'query') column")
        for row in reader:
            question = (row.get(columns[key]) or "").strip()
            if not question:
                raise QuestionsFileError(f"{path}:{reader.line_num}: empty question")
            qid = (row.get(columns["id"]) or "").strip() if "id" in columns else ""
            yield Question(qid or str(reader.line_num - 1), question)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if suffix in (".jsonl", ".ndjson") or stripped.startswith("{"):
            try:
                row = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise QuestionsFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from exc
            question = ""
            if isinstance(row, dict):
                question = str(row.get("question") or row.get("query") or "").strip()
            if not question:
                raise QuestionsFileError(
                    f'{path}:{number}: a JSON line needs a "question" (or "query")'
                )
            yield Question(str(row.get("id", number)), question)
        else:
            yield Question(str(number), stripped)
