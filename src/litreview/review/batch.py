"""Batch: a file of questions in, one JSON line per answer out, resumable.

Each answer is appended and flushed as soon as it exists, so an interrupted
run loses no finished answer; a rerun skips questions already answered and
retries the ones that failed. An answer is reused only for the question it
answers, made the way this run makes them (see :func:`plan`): the file's latest
line per id is what counts, so a question asked again supersedes its earlier
line and the file stays append-only. An answer made this way further up the file
(before a rerun with another ``-k`` or model) is reused too: a copy of it is
appended, marked ``copy_of_line``, so that it is again its id's latest line. One
failing question is recorded with its error and the others go on.
"""

from __future__ import annotations

import fcntl
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from litreview.errors import LitreviewError, describe
from litreview.index.library import Library
from litreview.index.retriever import Filters
from litreview.llm.backend import Backend
from litreview.llm.registry import EXTRACTIVE
from litreview.llm.types import Usage
from litreview.review.ask import ask
from litreview.review.questions import Question, normalise_question
from litreview.review.wording import counted
from litreview.secrets import redact
from litreview.settings import RetrievalSettings


@dataclass
class BatchSummary:
    total: int = 0
    skipped: int = 0
    # Answers made this way further up the file, not the latest line for their id (a run with
    # another -k came between): reused, their copy appended. Not counted in ``skipped``.
    reused: int = 0
    answered: int = 0
    failed: int = 0
    # Answers under way when a second Ctrl-C said not to wait for them: left unrecorded (a
    # rerun asks them), counted apart from the questions never started.
    abandoned: int = 0
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    # Earlier answers not reused, and asked again in this run: their id's question has changed
    # (a line inserted into a text file renumbers the ones after it) ...
    redone_for_question: int = 0
    # ... or they were made another way: another model, other filters, another -k or
    # retrieval mode (which of these, in :data:`SETTINGS` order, in ``settings_changed``).
    redone_for_settings: int = 0
    settings_changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "skipped": self.skipped,
            "reused": self.reused,
            "answered": self.answered,
            "failed": self.failed,
            "abandoned": self.abandoned,
            "redone_for_question": self.redone_for_question,
            "redone_for_settings": self.redone_for_settings,
            "settings_changed": self.settings_changed,
            "usage": self.usage.to_dict(),
            "seconds": round(self.seconds, 2),
        }


class NotAnAnswersFile(LitreviewError):
    """``--out`` names a file batch did not write: appending answers to it would spoil it."""

    exit_code = 2


# What every line batch writes holds: an answer's or a failure's record.
_ROW_KEYS = '"id", "question" and "answer" or "error"'
# Every record starts so (``id`` is written first); a line cut by a crash is a prefix of it.
_ROW_START = '{"id": '


def read_answers(results: Path) -> dict[str, dict[str, object]]:
    """The latest record per id of an answers file (none if there is no file yet).

    The file is only ever appended to, so a question asked again (a failure retried, a
    changed question, another ``-k``) has several lines; the last is its answer. A line cut
    by a crash mid-write is skipped (its question counts as not answered and is asked
    again). A file that batch did not write (a papers .jsonl, notes) is refused with
    :class:`NotAnAnswersFile` before anything is appended to it.
    """
    return {str(row["id"]): row for _, row in read_records(results)}


def read_records(results: Path) -> list[tuple[int, dict[str, object]]]:
    """Every record of an answers file with its line number (from 1), in file order: what
    :func:`read_answers` reads, earlier lines included. Refuses what it refuses."""
    try:
        data = results.read_bytes()
    except FileNotFoundError:
        return []
    # A crash can cut a line inside a character; such a line is skipped like any cut line.
    text = data.decode("utf-8", errors="replace")
    records: list[tuple[int, dict[str, object]]] = []
    # Split on newlines only: an answer's text may hold U+2028 or U+0085 unescaped
    # (``ensure_ascii=False``), which ``splitlines`` would take for line ends.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            if line.startswith(_ROW_START) or _ROW_START.startswith(line):
                continue
            raise _not_answers(results, number) from None
        if not _is_record(row):
            raise _not_answers(results, number)
        records.append((number, row))
    return records


def _is_record(row: object) -> bool:
    return (
        isinstance(row, dict)
        and "id" in row
        and isinstance(row.get("question"), str)
        and ("answer" in row or "error" in row)
    )


def _not_answers(results: Path, number: int) -> NotAnAnswersFile:
    return NotAnAnswersFile(
        f"not a batch answers file (each line should be a JSON object with {_ROW_KEYS}, as "
        "batch writes them); --out takes a new file, or the answers file of an earlier batch "
        "to resume",
        path=results,
        line=number,
    )


def filters_record(filters: Filters | None) -> dict[str, object]:
    """The filters an answer was made with, as each record keeps them (only those set)."""
    if filters is None:
        return {}
    return {key: value for key, value in filters.metadata().items() if value is not None}


def retrieval_record(settings: RetrievalSettings, k: int | None) -> dict[str, object]:
    """How an answer's sources are retrieved, as each record keeps it: the papers per
    question (``-k``, else ``[retrieval] k``, as :func:`ask` takes them) and the retrieval
    mode and MMR, which every search takes from the settings. Each changes which papers an
    answer cites."""
    return {"k": k or settings.k, "mode": settings.mode, "mmr": settings.mmr}


# What makes an answer, besides its question: an earlier answer made with another of these is
# asked again. In the order the summary names them.
SETTINGS = ("model", "filters", "k", "retrieval")


@dataclass
class Resume:
    """What a run has to do, given the answers already in its file."""

    todo: list[Question]
    done: int
    # Why an earlier answer is not reused: "question" (its id now asks something else) or
    # "settings" (it was made another way: which of :data:`SETTINGS`, in ``changed``).
    redo: dict[str, str]
    changed: dict[str, list[str]] = field(default_factory=dict)
    # Answers made this way further up the file, by id: the copy to append, so that it is its
    # id's latest line again (``copy_of_line`` names the line that first held it).
    reuse: dict[str, dict[str, object]] = field(default_factory=dict)


def plan(
    questions: list[Question],
    answers: dict[str, dict[str, object]],
    model: str,
    filters: dict[str, object],
    retrieval: dict[str, object],
    *,
    default_retrieval: dict[str, object] | None = None,
    earlier: list[tuple[int, dict[str, object]]] | None = None,
) -> Resume:
    """Which questions still need an answer.

    An answer is reused only when it answers this question: the same id *and* the same
    question text (whitespace aside). Ids alone are not enough: a text file's ids are its
    line numbers, so a line inserted at the top would pair every question with its
    neighbour's answer. It must also have been made the same way, which every record
    keeps: the same model, filters and retrieval (:func:`retrieval_record`: ``-k``, mode,
    MMR); rerunning with ``--model``, ``--collection`` or ``-k`` asks for those answers,
    not the old ones. A record from before filters were kept counts as unfiltered; one
    from before retrieval was kept counts as made with ``default_retrieval`` (the
    settings' ``k``, mode and MMR, as a run without ``-k`` used then; default: ``retrieval``),
    unless it holds more sources than that ``k`` (then a larger ``-k`` made it, and it is
    asked again). A failure is always asked again.

    Only the latest line per id (``answers``) is done as it stands. When it is not such an
    answer, the newest of ``earlier`` (every record of the file, with its line number, as
    :func:`read_records` gives them) that is, is reused: switching ``-k`` back and forth
    asks nothing twice. Its copy, in ``reuse``, is to be appended.
    """
    made_before = default_retrieval or retrieval
    todo: list[Question] = []
    redo: dict[str, str] = {}
    changed: dict[str, list[str]] = {}
    reuse: dict[str, dict[str, object]] = {}

    def answers_this(row: dict[str, object], q: Question) -> bool:
        return normalise_question(str(row.get("question", ""))) == normalise_question(q.question)

    def reusable(row: dict[str, object], q: Question) -> bool:
        return (
            not row.get("error")
            and answers_this(row, q)
            and not made_differently(row, model, filters, retrieval, made_before)
        )

    by_id: dict[str, list[tuple[int, dict[str, object]]]] = {}
    for line, record in earlier or []:
        by_id.setdefault(str(record["id"]), []).append((line, record))
    for q in questions:
        row = answers.get(q.id)
        if row is not None and reusable(row, q):
            continue
        found = next(
            ((n, old) for n, old in reversed(by_id.get(q.id, [])) if reusable(old, q)), None
        )
        if found is not None:
            number, old = found
            # "id" first, as every record starts; a copy of a copy names the first line.
            reuse[q.id] = {"id": old["id"], **old, "copy_of_line": old.get("copy_of_line", number)}
            continue
        todo.append(q)
        if row is None or row.get("error"):
            continue
        if not answers_this(row, q):
            redo[q.id] = "question"
        else:
            redo[q.id] = "settings"
            changed[q.id] = made_differently(row, model, filters, retrieval, made_before)
    done = len(questions) - len(todo) - len(reuse)
    return Resume(todo, done, redo, changed, reuse)


def made_differently(
    row: dict[str, object],
    model: str,
    filters: dict[str, object],
    retrieval: dict[str, object],
    default_retrieval: dict[str, object],
) -> list[str]:
    """Which of :data:`SETTINGS` the record ``row`` was made with differ from these."""
    made = row.get("retrieval")
    if not isinstance(made, dict):  # written before retrieval was kept
        made = dict(default_retrieval)
        sources = row.get("sources")
        if isinstance(sources, list) and len(sources) > _as_int(made.get("k")):
            made["k"] = None  # more papers than that k gives: a larger -k, which is unknown
    differ = {
        "model": row.get("model") != model,
        "filters": (row.get("filters") or {}) != filters,
        "k": made.get("k") != retrieval.get("k"),
        "retrieval": any(made.get(key) != value for key, value in retrieval.items() if key != "k"),
    }
    return [name for name in SETTINGS if differ[name]]


def _as_int(value: object) -> int:
    return value if isinstance(value, int) else 0


def run_batch(
    library: Library,
    backend: Backend,
    questions: list[Question],
    results: Path,
    *,
    k: int | None = None,
    concurrency: int = 1,
    on_result: Callable[[dict[str, object]], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    filters: Filters | None = None,
    hurry: threading.Event | None = None,
) -> BatchSummary:
    """Answer the questions not yet answered in ``results``, appending a record for each.

    ``on_progress`` hears (questions done, questions in all) at the start, already
    answered ones counted, and after each record. Once ``stop`` is set no question is
    started and the answers under way are waited for; once ``hurry`` is set too they are
    not: the run returns at once, those answers unrecorded (``abandoned``), their threads
    left to finish on their own (a caller in a hurry ends the process without them).
    """
    start = time.monotonic()
    write_lock = threading.Lock()
    results.parent.mkdir(parents=True, exist_ok=True)
    kept_filters = filters_record(filters)

    def answer(q: Question) -> dict[str, object]:
        try:
            result = ask(library, backend, q.question, k=k, filters=filters)
        except Exception as exc:  # any failure is this question's, recorded to retry
            message = describe(exc)
            if message is None:
                message = f"{type(exc).__name__}: {redact(str(exc))}"  # a bug, kept as a record
            return {
                "id": q.id,
                "question": q.question,
                "error": message,
                "model": backend.name,
                "filters": kept_filters,
                "retrieval": made,
            }
        return {"id": q.id, **result.to_dict(), "filters": kept_filters, "retrieval": made}

    with results.open("a+", encoding="utf-8") as handle:
        _claim(handle, results)
        made = retrieval_record(library.settings.retrieval, k)
        records = read_records(results)
        resume = plan(
            questions,
            {str(row["id"]): row for _, row in records},
            backend.name,
            kept_filters,
            made,
            default_retrieval=retrieval_record(library.settings.retrieval, None),
            earlier=records,
        )
        todo = resume.todo
        summary = BatchSummary(total=len(questions), skipped=resume.done, reused=len(resume.reuse))
        if handle.tell() > 0:
            handle.seek(handle.tell() - 1)
            if handle.read(1) != "\n":
                handle.write("\n")  # end a line a crash cut short; it is not an answer
        # Answers made this way further up the file become their id's latest line again (the
        # file's rule and the report's), at no cost: nothing is asked.
        for copy in resume.reuse.values():
            handle.write(json.dumps(copy, ensure_ascii=False) + "\n")
        handle.flush()
        if on_progress is not None:
            on_progress(summary.skipped + summary.reused, summary.total)

        def record(row: dict[str, object]) -> None:
            with write_lock:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                handle.flush()
                if row.get("error"):
                    summary.failed += 1
                else:
                    summary.answered += 1
                    usage = row.get("usage")
                    if isinstance(usage, dict):
                        summary.usage = summary.usage + Usage.from_dict(usage)
                reason = resume.redo.get(str(row["id"]))
                if reason == "question":
                    summary.redone_for_question += 1
                elif reason == "settings":
                    summary.redone_for_settings += 1
                    seen = {*summary.settings_changed, *resume.changed.get(str(row["id"]), [])}
                    summary.settings_changed = [name for name in SETTINGS if name in seen]
                done = summary.skipped + summary.reused + summary.answered + summary.failed
            if on_result is not None:
                on_result(row)
            if on_progress is not None:
                on_progress(done, summary.total)

        pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
        pending: set[Future[dict[str, object]]] = set()
        try:
            queue = iter(todo)
            while True:
                while len(pending) < max(1, concurrency) and not (stop and stop.is_set()):
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    pending.add(pool.submit(answer, nxt))
                if not pending:
                    break
                if hurry is not None and hurry.is_set():
                    summary.abandoned = len(pending)
                    break
                # With ``hurry``, a look at it now and then: a signal handler setting it does
                # not end a wait.
                finished, pending = wait(
                    pending, timeout=None if hurry is None else 0.2, return_when=FIRST_COMPLETED
                )
                for future in finished:
                    record(future.result())
        finally:
            pool.shutdown(wait=not summary.abandoned, cancel_futures=True)
    summary.seconds = time.monotonic() - start
    return summary


class ResultsInUse(LitreviewError):
    """Another batch is writing the same results file."""


def _claim(handle: IO[str], results: Path) -> None:
    """Hold the results file for this run: two batches on one file would answer everything
    twice. The lock goes with the process, so a killed batch never leaves the file claimed."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise ResultsInUse(
            "another batch is writing this file; wait for it to finish, or write to another "
            "file with --out",
            path=results,
        ) from exc


REPORT_HEADING = "# Batch answers"


class NotAReport(LitreviewError):
    """``--report`` names a file batch did not write: the report would replace it."""

    exit_code = 2


def check_report(report: Path) -> None:
    """A report batch wrote before is rewritten; any other file (the user's notes.md) is
    refused before anything runs, never replaced."""
    try:
        with report.open(encoding="utf-8", errors="replace") as text:
            first = text.readline().rstrip("\n")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NotAReport(f"--report {report}: cannot be read ({exc.strerror})") from exc
    if first != REPORT_HEADING and report.stat().st_size:
        raise NotAReport(
            f"--report {report}: the file exists and is not a batch report (its first line is "
            f"not {REPORT_HEADING!r}); name a new file, or remove this one"
        )


def write_report(results: Path, report: Path, questions: list[Question]) -> None:
    """A Markdown report of the answers in ``results``, in the questions' order.

    Each question shows its id's latest record, and only if that record answers this
    question: an answer to what the id asked before (a run stopped before it got there)
    is not shown under the new question. The model (and ``-k``, ...) that made the answers
    is said once at the top; when they were not all made the same way (a run stopped
    part-way through a change of model), each answer says its own.
    """
    rows = read_answers(results)
    shown: dict[str, dict[str, object]] = {}
    for q in questions:
        row = rows.get(q.id)
        if row is not None and normalise_question(
            str(row.get("question", ""))
        ) == normalise_question(q.question):
            shown[q.id] = row
    made = {made_with(row) for row in shown.values()}
    each = len(made) > 1  # then each answer says its own
    parts = [REPORT_HEADING, ""]
    if each:
        parts += ["_Not all answers were made the same way: each says its model._", ""]
    elif made and None not in made:
        parts += [f"_Model: {next(iter(made))}, for every answer._", ""]
    total = Usage()
    failed = extractive = by_model = 0
    for q in questions:
        parts += [f"## {q.id}. {q.question}", ""]
        row = shown.get(q.id)
        if row is None:
            parts += ["_not answered yet_", ""]
            continue
        if each:
            parts += [f"_Model: {made_with(row) or 'not recorded'}_", ""]
        if row.get("error"):
            failed += 1
            parts += [f"**Failed:** {row['error']}", ""]
            continue
        parts += [str(row.get("answer", "")), ""]
        citations = row.get("citations") or []
        if isinstance(citations, list) and citations:
            parts += [f"- [{c['n']}] {c['title']} (`{c['paper_id']}`)" for c in citations] + [""]
        usage = row.get("usage")
        if row.get("model") == EXTRACTIVE:
            extractive += 1  # its token counts are what a model would have read: none spent
        elif isinstance(usage, dict):
            total = total + Usage.from_dict(usage)
            by_model += 1
    if extractive and not by_model:
        spent = "no model, no tokens (the extractive engine)"
    else:
        spent = (
            f"{total.prompt_tokens} prompt + {total.completion_tokens} completion tokens, cost "
            f"{total.cost_label}"
        ) + (
            f" ({counted(extractive, 'answer')} by the extractive engine, none)"
            if extractive
            else ""
        )
    parts += [
        "---",
        "",
        f"{counted(len(questions), 'question')}, {failed} failed; {spent}.",
        "",
    ]
    report.write_text("\n".join(parts), encoding="utf-8")


def made_with(row: dict[str, object]) -> str | None:
    """How a record was made, as the report says it: "`openai/gpt-4o` (-k 8, collection
    Thesis)"; ``None`` for a record that kept no model."""
    model = row.get("model")
    if not model:
        return None
    details: list[str] = []
    retrieval = row.get("retrieval")
    if isinstance(retrieval, dict):  # not kept before -k counted
        details.append(f"-k {retrieval.get('k')}")
        if retrieval.get("mode") not in (None, "hybrid"):
            details.append(f"{retrieval['mode']} retrieval")
        if retrieval.get("mmr"):
            details.append("MMR")
    filters = row.get("filters")
    if isinstance(filters, dict):
        details += [f"{key} {value}" for key, value in filters.items()]
    return f"`{model}`" + (f" ({', '.join(details)})" if details else "")
