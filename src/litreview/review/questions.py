"""Files of questions, one reader for every command that takes them (``batch``,
``search --queries``): plain text one per line, JSON Lines, or CSV.

A bad line is the file's error with its line number, never a skipped question:
a batch that silently answered fewer questions than the file holds would be
worse than one that refuses to start. Every bad line is said at once (up to
:data:`MAX_PROBLEMS`), so a file with three mistakes takes one fix, not three runs.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from litreview.errors import LitreviewError
from litreview.reading.readers.text import not_utf8, undecodable_lines

# Problems listed in one error; past this, a count (a wrong file, not a few typos, has more).
MAX_PROBLEMS = 20


class QuestionsFileError(LitreviewError):
    """A questions file that cannot be read, with file and line."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str


def normalise_question(text: str) -> str:
    """The question as it is compared and answered: whitespace runs made one space (``ask``
    answers this form, so an answer's ``question`` is comparable with the file's)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class _Problem:
    line: int | None
    message: str


def read_questions(path: Path) -> list[Question]:
    """Text (one per line), JSONL (``id``, ``question``) or CSV (a ``question`` column).

    ``query`` is accepted wherever ``question`` is: ``search --queries`` and
    ``batch`` read the same files.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QuestionsFileError(f"cannot read ({exc.strerror})", path=path) from exc
    problems = [_Problem(line, not_utf8(byte)) for line, byte in undecodable_lines(data)]
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    numbered: list[tuple[int, Question]] = []
    for item in _parse(path, text):
        if isinstance(item, _Problem):
            problems.append(item)
        else:
            numbered.append(item)
    first_line: dict[str, int] = {}
    for number, q in numbered:
        if q.id in first_line:
            problems.append(
                _Problem(
                    number, f"question id {q.id!r} appears twice (also on line {first_line[q.id]})"
                )
            )
        else:
            first_line[q.id] = number
    if problems:
        raise _error(path, problems)
    if not numbered:
        raise QuestionsFileError("no questions found", path=path)
    return [q for _, q in numbered]


def _error(path: Path, problems: list[_Problem]) -> QuestionsFileError:
    """One error for all of the file's problems, in line order; one problem reads as before
    (``file:line: message``)."""
    problems = sorted(problems, key=lambda p: p.line or 0)
    if len(problems) == 1:
        return QuestionsFileError(problems[0].message, path=path, line=problems[0].line)
    shown = [
        f"  {path}:{p.line}: {p.message}" if p.line is not None else f"  {path}: {p.message}"
        for p in problems[:MAX_PROBLEMS]
    ]
    if len(problems) > MAX_PROBLEMS:
        shown.append(f"  ... and {len(problems) - MAX_PROBLEMS} more")
    return QuestionsFileError(f"{len(problems)} problems:\n" + "\n".join(shown), path=path)


def _parse(path: Path, text: str) -> Iterator[tuple[int, Question] | _Problem]:
    """Each question with its line, or each line's problem; a bad line does not stop the
    reading, so that every problem of the file can be said at once."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        columns = {c.strip().casefold(): c for c in reader.fieldnames or []}
        key = "question" if "question" in columns else "query"
        if key not in columns:
            yield _Problem(1, "no 'question' (or 'query') column")
            return
        for row in reader:
            question = normalise_question(row.get(columns[key]) or "")
            if not question:
                yield _Problem(reader.line_num, "empty question")
                continue
            qid = (row.get(columns["id"]) or "").strip() if "id" in columns else ""
            yield reader.line_num, Question(qid or str(reader.line_num - 1), question)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if suffix in (".jsonl", ".ndjson") or stripped.startswith("{"):
            yield _json_line(number, stripped)
        else:
            yield number, Question(str(number), normalise_question(stripped))


def _json_line(number: int, line: str) -> tuple[int, Question] | _Problem:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return _Problem(number, f"invalid JSON ({exc.msg})")
    if not isinstance(row, dict):
        return _Problem(number, 'a JSON line must be an object with a "question" (or "query")')
    key = "question" if row.get("question") is not None else "query"
    value = row.get(key)
    if value is None:
        return _Problem(number, 'a JSON line needs a "question" (or "query")')
    if not isinstance(value, str):
        return _Problem(number, f'the "{key}" must be text, not {json.dumps(value)}')
    question = normalise_question(value)
    if not question:
        return _Problem(number, f'the "{key}" is empty')
    qid = row.get("id")
    qid = "" if qid is None else str(qid).strip()
    return number, Question(qid or str(number), question)
