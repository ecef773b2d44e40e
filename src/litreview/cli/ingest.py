"""``litreview ingest``: files into the library, with progress and a summary."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from litreview.cli.context import AppContext, console, progress_bar, stop_on_ctrl_c

STAGE_LABELS = {
    "read": "Reading files",
    "embed": "Embedding papers",
    "lexical": "BM25 index",
    "rerank": "Re-ranking model",
}
# Without a terminal (make run in CI, a pipe, a log), progress is plain lines: one per stage
# start and end, and one per PLAIN_EVERY seconds in between, so a slow first run is never silent.
PLAIN_EVERY = 5.0


def plain_progress(
    emit: Callable[[str], None],
    every: float = PLAIN_EVERY,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[str, int, int], None]:
    """Progress as log lines ("Embedding papers: 64/264 (24%), 4.1 papers/s, ~49 s left")."""
    started: dict[str, float] = {}
    last: dict[str, float] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        now = clock()
        label = STAGE_LABELS.get(stage, stage)
        if stage not in started:
            started[stage] = last[stage] = now
            if done < total:
                emit(f"{label}: {done}/{total}")
                return
        elif done < total and now - last[stage] < every:
            return
        last[stage] = now
        line = f"{label}: {done}/{total} ({100 * done // max(total, 1)}%)"
        elapsed = now - started[stage]
        if stage in ("embed", "rerank") and done and elapsed > 0:
            rate = done / elapsed
            line += f", {rate:.1f} papers/s"
            line += (
                f", ~{(total - done) / rate:.0f} s left" if done < total else f", {elapsed:.0f} s"
            )
        emit(line)

    return on_progress


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--sample", is_flag=True, help="Ingest the bundled demo library (264 papers).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option(
    "--zotero",
    "zotero",
    is_flag=True,
    help="Ingest the Zotero library at its default place (~/Zotero).",
)
@click.option(
    "--collection", metavar="NAME", help="Only this Zotero collection (and its sub-collections)."
)
@click.pass_obj
def ingest_command(
    app: AppContext,
    paths: tuple[Path, ...],
    sample: bool,
    as_json: bool,
    zotero: bool,
    collection: str | None,
) -> None:
    """Add papers from PATHS: files, folders (walked), a Zotero data folder or zotero.sqlite.

    Formats: page dumps .txt, BibTeX .bib, .json/.jsonl, .csv/.tsv, PDFs. Re-ingesting
    a file adds nothing; a changed abstract updates its paper in place. With no PATHS,
    finishes an ingest that was interrupted.
    """

    from litreview.reading import sample_paths
    from litreview.reading.readers import zotero_database
    from litreview.reading.readers.zotero import default_data_dir
    from litreview.review.wording import counted

    files = list(paths) + (sample_paths() if sample else [])
    if zotero:
        if zotero_database(default_data_dir()) is None:
            raise click.UsageError(
                f"no Zotero library at {default_data_dir()} (no zotero.sqlite there); "
                "pass its folder or its zotero.sqlite as a path"
            )
        files.append(default_data_dir())
    if collection and not any(zotero_database(Path(f).expanduser()) for f in files):
        raise click.UsageError("--collection needs a Zotero library: --zotero or its folder")
    out = console()
    plain = not out.is_terminal
    # Nothing ingested into a folder this run made (every file failed, a mistyped --home, a
    # usage error): it is removed, so the home still reads as no library. An interrupted run
    # keeps it: what it saved resumes.
    made = app.settings.folder_to_make()
    try:
        report, total, problem = _run(app, files, collection, out, plain)
    except click.ClickException:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        raise
    if made is not None and total == 0:
        shutil.rmtree(made, ignore_errors=True)
    if report is None:
        return
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "papers": total}))
    for item in report.files:
        for warning in item.warnings:
            named = warning.startswith(f"{item.path.name}:")  # already "file:line: ..."
            where = "" if named else f"{item.path.name}: "
            out.print(f"[yellow]warning:[/] {where}{escape(warning)}", soft_wrap=True)
        if item.error:
            out.print(f"[red]error:[/] {item.error}", soft_wrap=True)
    for note in report.notes:
        out.print(f"[yellow]warning:[/] {escape(note)}", soft_wrap=True)
    resumed = (
        f", finished indexing {report.resumed} papers left pending (an interrupted run, "
        "or a model added since)"
        if report.resumed
        else ""
    )
    if report.reranked and not report.embedded:
        resumed += f", gave {report.reranked} papers the re-ranking model's vectors"
    merged = f", {report.merged} merged as duplicates" if report.merged else ""
    removed = (
        f", {report.removed} removed (no longer in their Zotero library)" if report.removed else ""
    )
    failed = len(report.failed_files)
    unread = f"; {counted(failed, 'file')} could not be read" if failed else ""
    out.print(
        f"Ingested {counted(len(report.files), 'file')}: {report.added} added, "
        f"{report.updated} updated, {report.skipped} skipped{_reasons(report.skip_reasons)}"
        f"{merged}{removed}{resumed}{unread}. Library: {counted(total, 'paper')}.",
        soft_wrap=True,  # one line in logs and pipes, not cut at 80 columns
    )
    if problem:
        out.print(
            f"[yellow]note:[/] searches will run without the second re-ranking model: {problem}",
            soft_wrap=True,
        )
    if report.failed_files:
        sys.exit(1)


def _run(
    app: AppContext, files: list[Path], collection: str | None, out: Any, plain: bool
) -> tuple[Any, int, str | None]:
    """The ingest itself: (its report, or None when there was nothing to do; the papers the
    library then holds; why the re-ranking model cannot serve, if it cannot)."""
    from litreview.errors import Stopped
    from litreview.reading.readers import ReadOptions

    with app.open_library(create=True) as library:
        if plain:  # opening the stores can take a while on a first run (unpacking MPNet)
            out.print("Opening the library and its models...")
        with out.status("Opening the library and its models..."):
            pending = library.reconcile()
            unfinished = library.indexing_state().partial
        if not files and not pending and not unfinished:
            if library.count() == 0:
                raise click.UsageError(
                    "nothing to ingest: pass files, or --sample for the bundled demo library"
                )
            out.print("Library is up to date; nothing pending.")
            return None, library.count(), None
        progress = progress_bar(out)
        tasks: dict[str, Any] = {}
        lines = plain_progress(lambda text: out.print(text, soft_wrap=True))

        def on_progress(stage: str, done: int, total: int) -> None:
            if plain:
                lines(stage, done, total)
                return
            if stage not in tasks:
                tasks[stage] = progress.add_task(STAGE_LABELS.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        try:
            with stop_on_ctrl_c() as stop, progress:
                report = library.ingest(files, on_progress, stop, ReadOptions(collection))
        except (Stopped, KeyboardInterrupt):
            state = library.indexing_state()
            out.print(
                f"[yellow]Interrupted.[/] {state.papers} papers saved, {state.searchable} "
                f"searchable, {state.complete} complete; run 'litreview ingest' to finish.",
                soft_wrap=True,
            )
            sys.exit(130)
        total = library.count()
        problem = library.rerank_problem
    return report, total, problem


def _reasons(counts: dict[str, int]) -> str:
    """Why records were not added, e.g. ``" (264 already in the library, 3 no abstract)"``."""
    return f" ({', '.join(f'{n} {r}' for r, n in counts.items())})" if counts else ""
