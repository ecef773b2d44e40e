"""``litreview library``: what is in the library."""

from __future__ import annotations

import json

import click

from litreview.cli.context import AppContext, console
from litreview.cli.paper_filters import metadata_options, read_filters
from litreview.cli.zotero_filters import check_names


@click.command("library")
@click.option("--json", "as_json", is_flag=True, help="Print papers and stats as JSON.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N papers.")
@metadata_options
@click.pass_obj
def library_command(
    app: AppContext,
    as_json: bool,
    limit: int | None,
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> None:
    """List the library's papers (all, or those the filters keep) and its statistics.

    The filters are search's, so a researcher can see what a filtered search or ask
    will draw on before asking.
    """
    filters = read_filters(source, year_from, year_to, author, collection, tag)
    filtered = filters.active()
    with app.open_library() as library:
        check_names(library, collection, tag, source)
        papers = list(library.papers())
        total = len(papers)
        if filtered:
            kept = library.ids_matching(filters)
            papers = [p for p in papers if p.paper_id in kept]
        pending = library.pending
        sources = library.source_counts()
        state = library.indexing_state()
    shown = papers if limit is None else papers[:limit]
    stats = {
        "count": total,
        "matching": len(papers),  # what the filters keep (all of them without filters)
        "indexed": total - pending,
        "pending": pending,
        "sources": sources,
        "home": str(app.settings.home),
        "indexing": state.to_dict(),
        "ranking_note": state.notice,
    }
    if as_json:
        click.echo(
            json.dumps({"papers": [p.to_dict() for p in shown], "stats": stats}, ensure_ascii=False)
        )
        return
    from rich.table import Table

    out = console(stderr=False)
    if not papers and not filtered:
        out.print(f"The library at {app.settings.home} is empty. Try: litreview ingest --sample")
        return
    if not papers:
        out.print("No paper in the library passes these filters.")
        return
    table = Table(show_lines=False, expand=True)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("title", ratio=1, min_width=30)
    table.add_column("year", no_wrap=True)
    table.add_column("source", no_wrap=True)
    for paper in shown:
        table.add_row(paper.paper_id, paper.title, str(paper.year or ""), _sources(paper.sources))
    out.print(table)
    by_source = ", ".join(f"{name} ({n})" for name, n in sorted(sources.items()))
    pending_note = f", {pending} pending (run 'litreview ingest')" if pending else ""
    matching = f" of {total} match the filters" if filtered else ""
    out.print(
        f"{len(papers)} papers{matching}{pending_note}. Sources: {by_source}. "
        f"Home: {app.settings.home}"
    )
    if state.notice:
        out.print(f"note: {state.notice}", soft_wrap=True)


def _sources(sources: tuple[str, ...]) -> str:
    """The first source file, and how many more: the full list is in --json."""
    if not sources:
        return ""
    name = sources[0] if len(sources[0]) <= 16 else sources[0][:15] + "…"
    more = f" +{len(sources) - 1}" if len(sources) > 1 else ""
    return f"{name}{more}"
