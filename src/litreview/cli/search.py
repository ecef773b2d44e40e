"""``litreview search``: hybrid retrieval from the command line, one query or a file of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.text import Text

from litreview.cli.context import AppContext, console
from litreview.cli.loading import collector_paused
from litreview.cli.paper_filters import metadata_options, read_filters
from litreview.cli.zotero_filters import check_names
from litreview.reading.paper import page_label

if TYPE_CHECKING:
    from litreview.index.retriever import SearchHit


@click.command("search")
@click.argument("query", required=False)
@click.option(
    "-k", "k", type=click.IntRange(1, 1000), default=None, help="Number of papers (default 8)."
)
@click.option(
    "--queries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File of queries: one per line, or JSONL with id and query.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON output (one line per query).")
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "lexical"]),
    default=None,
    help="Retrieval mode (default hybrid: dense + BM25, fused).",
)
@click.option(
    "--mmr", is_flag=True, default=None, help="Diversify results (maximal marginal relevance)."
)
@metadata_options
@click.pass_obj
def search_command(
    app: AppContext,
    query: str | None,
    k: int | None,
    queries: Path | None,
    as_json: bool,
    mode: str | None,
    mmr: bool | None,
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> None:
    """Find the papers most relevant to QUERY."""
    if (query is None) == (queries is None):
        raise click.UsageError("give either a QUERY or --queries FILE")
    if query is not None and not query.strip():
        raise click.UsageError("the query is empty")
    filters = read_filters(source, year_from, year_to, author, collection, tag)
    from litreview.review.questions import read_questions

    items = (
        [(q.id, q.question) for q in read_questions(queries)] if queries else [("1", str(query))]
    )
    out = console()
    with collector_paused() as loaded, app.open_library(require_papers=True) as library:
        # The sessions load on the second core while chromadb imports and the stores open.
        library.load_models(mode)
        check_names(library, collection, tag, source)
        library.reconcile()
        loaded()  # what a search makes is collected as usual (cli/loading.py)
        state = library.indexing_state()
        if state.unsearchable_notice:
            out.print(f"[yellow]warning:[/] {state.unsearchable_notice}", soft_wrap=True)
        # The partial-ranking note itself reaches stderr through the library's notices.
        hybrid = (mode or library.settings.retrieval.mode) == "hybrid"
        ranking_note = state.notice if hybrid else None
        if library.rerank_problem:
            out.print(
                "[yellow]note:[/] searching without the second re-ranking model: "
                f"{library.rerank_problem}",
                soft_wrap=True,
            )
        for qid, text in items:
            request = library.request(text, k=k, mode=mode, mmr=mmr, filters=filters)
            hits = library.search(request)
            if as_json or queries:
                _print_json(qid, text, hits, as_json, ranking_note)
            else:
                _print_table(text, hits, filters.active())


def _print_json(
    qid: str, query: str, hits: list[SearchHit], as_json: bool, ranking_note: str | None
) -> None:
    if as_json:
        record = {
            "id": qid,
            "query": query,
            "results": [h.to_dict() for h in hits],
            "ranking_note": ranking_note,
        }
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(f"# {qid}: {query}")
    for hit in hits:
        where = f"  ({page_label(hit.page)})" if hit.page is not None else ""
        click.echo(
            f"{hit.rank:>3}. {hit.score:.4f}  {hit.paper.title}  [{hit.paper.paper_id}]{where}"
        )
    click.echo()


def _print_table(query: str, hits: list[SearchHit], filtered: bool) -> None:
    from rich.table import Table

    out = console(stderr=False)
    if not hits:
        why = (
            " with these filters (no paper passes them; see 'litreview library')"
            if filtered
            else ""
        )
        out.print(f"No papers match {query!r}{why}.")
        return
    table = Table(title=f"Papers for: {query}", title_justify="left", expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("year", no_wrap=True)
    table.add_column("id", style="dim", no_wrap=True)
    for hit in hits:
        table.add_row(
            str(hit.rank),
            f"{hit.score:.4f}",
            _title_cell(hit, query),
            str(hit.paper.year or ""),
            hit.paper.paper_id,
        )
    out.print(table)


PASSAGE_SHOWN = 200  # characters of the best passage under a title


def _title_cell(hit: SearchHit, query: str) -> Text:
    """The title, and under it the sentence of the best full-text passage that shares most
    words with the query (a passage is ~200 words: its start is rarely the match), with
    its page. A whole sentence: a passage is cut from the page mid-sentence at both ends, and
    its pieces were shown ("p. 4: guarantees and what they mean to applications.")."""
    from litreview.evidence.scoring import overlap, terms
    from litreview.evidence.sentences import fragment, split_sentences, whole_sections

    cell = Text(hit.paper.title)
    if hit.passage is not None:
        wanted = terms(query)
        # the passage's whole sentences, as related work reads it (whole_sections)
        whole = [
            s
            for block in whole_sections(hit.passage)
            for s in split_sentences(block.text, min_words=1)
            if not fragment(s)
        ]
        flat_passage = " ".join(hit.passage.split())  # a PDF's line breaks end no sentence
        sentences = whole or split_sentences(flat_passage, min_words=1) or [flat_passage]
        best = max(sentences, key=lambda sentence: overlap(wanted, sentence))
        flat = " ".join(best.split())
        cut = flat if len(flat) <= PASSAGE_SHOWN else flat[:PASSAGE_SHOWN].rsplit(" ", 1)[0] + " …"
        where = f"{page_label(hit.page)}: " if hit.page is not None else ""
        cell.append(f"\n{where}{cut}", style="dim")
    return cell
