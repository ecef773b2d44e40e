"""``litreview ingest``: files into the library, with progress and a summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from litreview.cli.context import AppContext, console, progress_bar, stop_on_ctrl_c

STAGE_LABELS = {"read": "Reading files", "embed": "Embedding papers", "lexical": "BM25 index"}


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

    from litreview.index.ingest import IngestStopped
    from litreview.index.vectors import VectorStoreError
    from litreview.library import sample_paths
    from litreview.library.readers import ReadOptions, zotero_database
    from litreview.library.readers.zotero import default_data_dir

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
    with app.open_library() as library:
        try:
            pending = library.reconcile()
        except VectorStoreError as exc:
            raise click.ClickException(str(exc)) from exc
        if not files and not pending:
            if library.catalog.count() == 0:
                raise click.UsageError(
                    "nothing to ingest: pass files, or --sample for the bundled demo library"
                )
            out.print("Library is up to date; nothing pending.")
            return
        progress = progress_bar(out)
        tasks: dict[str, Any] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(STAGE_LABELS.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        try:
            with stop_on_ctrl_c() as stop, progress:
                report = library.ingest(files, on_progress, stop, ReadOptions(collection))
        except (IngestStopped, KeyboardInterrupt):
            out.print(
                f"[yellow]Interrupted.[/] {library.pending} papers are saved but not yet indexed; "
                "run 'litreview ingest' to finish."
            )
            sys.exit(130)
        except VectorStoreError as exc:
            raise click.ClickException(str(exc)) from exc
        total = library.catalog.count()
        problem = library.second_opinion_problem

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
    merged = f"{report.merged} merged as duplicates, " if report.merged else ""
    out.print(
        f"Ingested {len(report.files)} file(s): {report.added} added, {report.updated} updated, "
        f"{report.skipped} skipped{_reasons(report.skip_reasons)}, {merged}"
        f"{len(report.failed)} failed{resumed}. "
        f"Library: {total} papers.",
        soft_wrap=True,  # one line in logs and pipes, not cut at 80 columns
    )
    if problem:
        out.print(
            f"[yellow]note:[/] searches will run without the second re-ranking model: {problem}",
            soft_wrap=True,
        )
    if report.failed:
        sys.exit(1)


def _reasons(counts: dict[str, int]) -> str:
    """Why records were not added, e.g. ``" (264 already in the library, 3 no abstract)"``."""
    return f" ({', '.join(f'{n} {r}' for r, n in counts.items())})" if counts else ""
