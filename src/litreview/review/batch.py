"""Batch: a file of questions in, one JSON line per answer out, resumable.

Each answer is appended and flushed as soon as it exists, so an interrupted
run loses no finished answer; a rerun skips questions already answered and
retries the ones that failed. One failing question is recorded with its
error and the others go on.
"""

from __future__ import annotations

import fcntl
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from litreview.errors import LitreviewError, describe
from litreview.index.library import Library
from litreview.index.retriever import Filters
from litreview.llm.backend import Backend
from litreview.llm.types import Usage
from litreview.review.ask import ask
from litreview.review.questions import Question
from litreview.secrets import redact


@dataclass
class BatchSummary:
    total: int = 0
    skipped: int = 0
    answered: int = 0
    failed: int = 0
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "skipped": self.skipped,
            "answered": self.answered,
            "failed": self.failed,
            "usage": self.usage.to_dict(),
            "seconds": round(self.seconds, 2),
        }


def result_rows(results: Path) -> Iterator[dict[str, object]]:
    """The records of a results file, in order; a line cut by a crash mid-write is skipped
    (its question counts as not answered and is asked again)."""
    if not results.exists():
        return
    for line in results.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "id" in row:
            yield row


def answered_ids(results: Path) -> set[str]:
    """Ids already answered (without error) in an existing results file."""
    return {str(row["id"]) for row in result_rows(results) if not row.get("error")}


def run_batch(
    library: Library,
    backend: Backend,
    questions: list[Question],
    results: Path,
    *,
    k: int | None = None,
    concurrency: int = 1,
    on_result: Callable[[dict[str, object]], None] | None = None,
    stop: threading.Event | None = None,
    filters: Filters | None = None,
) -> BatchSummary:
    start = time.monotonic()
    write_lock = threading.Lock()
    results.parent.mkdir(parents=True, exist_ok=True)

    def answer(q: Question) -> dict[str, object]:
        try:
            result = ask(library, backend, q.question, k=k, filters=filters)
        except Exception as exc:  # any failure is this question's, recorded to retry
            message = describe(exc)
            if message is None:
                message = f"{type(exc).__name__}: {redact(str(exc))}"  # a bug, kept as a record
            return {"id": q.id, "question": q.question, "error": message, "model": backend.name}
        return {"id": q.id, **result.to_dict()}

    with results.open("a+", encoding="utf-8") as handle:
        _claim(handle, results)
        done = answered_ids(results)
        todo = [q for q in questions if q.id not in done]
        summary = BatchSummary(total=len(questions), skipped=len(questions) - len(todo))
        if handle.tell() > 0:
            handle.seek(handle.tell() - 1)
            if handle.read(1) != "\n":
                handle.write("\n")  # end a line a crash cut short; it is not an answer

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
            if on_result is not None:
                on_result(row)

        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            pending: set[Future[dict[str, object]]] = set()
            queue = iter(todo)
            while True:
                while len(pending) < max(1, concurrency) and not (stop and stop.is_set()):
                    nxt = next(queue, None)
                    if nxt is None:
                        break
                    pending.add(pool.submit(answer, nxt))
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    record(future.result())
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


def write_report(results: Path, report: Path, questions: list[Question]) -> None:
    """A Markdown report of the answers in ``results``, in the questions' order."""
    # A later line (a retried question) wins.
    rows = {str(row["id"]): row for row in result_rows(results)}
    parts = ["# Batch answers", ""]
    total = Usage()
    failed = 0
    for q in questions:
        row = rows.get(q.id)
        parts += [f"## {q.id}. {q.question}", ""]
        if row is None:
            parts += ["_not answered yet_", ""]
            continue
        if row.get("error"):
            failed += 1
            parts += [f"**Failed:** {row['error']}", ""]
            continue
        parts += [str(row.get("answer", "")), ""]
        citations = row.get("citations") or []
        if isinstance(citations, list) and citations:
            parts += [f"- [{c['n']}] {c['title']} (`{c['paper_id']}`)" for c in citations] + [""]
        usage = row.get("usage")
        if isinstance(usage, dict):
            total = total + Usage.from_dict(usage)
    parts += [
        "---",
        "",
        f"{len(questions)} questions, {failed} failed; {total.prompt_tokens} prompt + "
        f"{total.completion_tokens} completion tokens, cost {total.cost_label}.",
        "",
    ]
    report.write_text("\n".join(parts), encoding="utf-8")
