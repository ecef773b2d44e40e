"""``litreview batch``: questions from a file, answers to JSON Lines, resumable."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from litreview.cli.context import (
    STOPS_ON_CTRL_C,
    AppContext,
    console,
    progress_bar,
    stop_on_ctrl_c,
)
from litreview.cli.paper_filters import metadata_options, read_filters
from litreview.cli.zotero_filters import check_names

if TYPE_CHECKING:
    from litreview.index.retriever import Filters


@click.command("batch")
@click.argument("questions_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "results",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="RESULTS.jsonl: one answer per line, appended; rerunning resumes (a new file, or one "
    "an earlier batch wrote).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a Markdown report of all answers.",
)
@click.option("--concurrency", "-j", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--model", "-m", help="Model alias, litellm model string, or 'extractive'.")
@click.option(
    "-k",
    "k",
    type=click.IntRange(1, 50),
    default=None,
    help="Papers per question (default: [retrieval] k, 8). Answers made with another -k are "
    "not reused; those made with this one earlier in --out are.",
)
@metadata_options
@click.pass_obj
def batch_command(
    app: AppContext,
    questions_file: Path,
    results: Path,
    report: Path | None,
    concurrency: int,
    model: str | None,
    k: int | None,
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> None:
    """Answer every question of QUESTIONS_FILE (text, JSONL with id/question, or CSV)."""
    # Ctrl-C: finish the answers under way, start no new ones; a second Ctrl-C: leave those
    # too. Either way the run ends with its summary and report (exit status 130), from the
    # first moment on: one pressed while the CLI was still loading counts too (cli/main.py).
    hurry = threading.Event()
    with stop_on_ctrl_c(hurry, STOPPING) as stop:
        filters = read_filters(source, year_from, year_to, author, collection, tag)
        _batch(app, questions_file, results, report, concurrency, model, k, filters, stop, hurry)


setattr(batch_command, STOPS_ON_CTRL_C, True)

STOPPING = (
    "Stopping: the answers under way finish and are saved, no new ones start "
    "(Ctrl-C again to leave those too)."
)


def _batch(
    app: AppContext,
    questions_file: Path,
    results: Path,
    report: Path | None,
    concurrency: int,
    model: str | None,
    k: int | None,
    filters: Filters,
    stop: threading.Event,
    hurry: threading.Event,
) -> None:
    from litreview.cli.ingest import plain_progress
    from litreview.llm.registry import resolve, spent
    from litreview.review.batch import check_report, read_answers, run_batch, write_report
    from litreview.review.questions import read_questions
    from litreview.review.wording import counted

    settings = app.settings
    out = console()
    questions = read_questions(questions_file)
    read_answers(results)  # a file batch did not write is refused before the slow start
    if report is not None:
        check_report(report)
    progress = progress_bar(out, "Answering")
    # Without a terminal (a log, CI, nohup) the bar is off: plain lines, as ingest prints them.
    lines = plain_progress(lambda text: out.print(text, soft_wrap=True))
    with app.open_library(require_papers=True) as library:
        check_names(library, filters.collection, filters.tag, filters.source)
        backend = resolve(model or settings.llm.model, settings)
        with progress:
            task = progress.add_task("answer", total=len(questions))

            def on_result(row: dict[str, object]) -> None:
                if row.get("error"):
                    out.print(f"[red]{row['id']}: {row['error']}[/]", soft_wrap=True)

            def on_progress(done: int, total: int) -> None:
                if out.is_terminal:
                    progress.update(task, completed=done)
                else:
                    lines("Answering", done, total)

            summary = run_batch(
                library,
                backend,
                questions,
                results,
                k=k,
                concurrency=concurrency,
                on_result=on_result,
                on_progress=on_progress,
                stop=stop,
                filters=filters,
                hurry=hurry,
            )
        # Still with the library open: answers left under way (a second Ctrl-C) may be using it.
        if report is not None:
            write_report(results, report, questions)
        remaining = (
            summary.total - summary.skipped - summary.reused - summary.answered - summary.failed
        )
        redone = [
            f"{counted(n, 'earlier answer')} {'was' if n == 1 else 'were'} {why} and "
            f"{'was' if n == 1 else 'were'} redone"
            for n, why in (
                (summary.redone_for_question, "for a different question"),
                (summary.redone_for_settings, f"made with {_either(summary.settings_changed)}"),
            )
            if n
        ]
        # Reused from further up the file (a copy appended, nothing asked): said apart from the
        # answers already the latest line for their question.
        reused = (
            f"{summary.reused} already answered with these settings (earlier in the file), "
            if summary.reused
            else ""
        )
        unfinished = [
            f"{n} {what}"
            for n, what in (
                (summary.abandoned, "left under way"),
                (remaining - summary.abandoned, "not started"),
            )
            if n
        ]
        cost = spent(backend.name, summary.usage)
        out.print(
            f"{summary.answered} answered, {summary.skipped} already done, {reused}"
            f"{summary.failed} failed"
            + (f", {', '.join(unfinished)} (interrupted; rerun to resume)" if unfinished else "")
            + "".join(f"; {note}" for note in redone)
            + f" · {backend.name} · {cost} · {summary.seconds:.1f}s",
            soft_wrap=True,  # one line in logs and pipes, not cut at 80 columns
        )
        if summary.abandoned:
            # The answers left under way run on in their threads, which the interpreter would
            # wait for at exit (a model's reply can take minutes): end now, all said and saved.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(130)
    if stop.is_set():
        sys.exit(130)
    if summary.failed:
        sys.exit(1)


# How the summary names each setting an earlier answer was made with (review.batch.SETTINGS).
_OTHER = {
    "model": "another model",
    "filters": "other filters",
    "k": "another -k",
    "retrieval": "another retrieval mode",
}


def _either(settings: list[str]) -> str:
    """The settings that made earlier answers differ, as "another model or another -k"."""
    words = [_OTHER[name] for name in settings] or ["other settings"]
    return ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]
