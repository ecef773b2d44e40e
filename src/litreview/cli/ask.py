"""``litreview ask``: a cited answer from the library, streamed as it is written."""

from __future__ import annotations

import json
import sys

import click

from litreview.cli.context import AppContext, console
from litreview.cli.paper_filters import metadata_options, read_filters
from litreview.cli.zotero_filters import check_names
from litreview.review.session import SessionError, SessionStore, Turn


@click.command("ask")
@click.argument("question")
@click.option("--model", "-m", help="Model alias, litellm model string, or 'extractive'.")
@click.option("-k", "k", type=click.IntRange(1, 50), default=None, help="Papers to retrieve.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--session", "-s", help="Keep the conversation under this name: follow-ups see it.")
@metadata_options
@click.pass_obj
def ask_command(
    app: AppContext,
    question: str,
    model: str | None,
    k: int | None,
    as_json: bool,
    session: str | None,
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> None:
    """Answer QUESTION from your library, citing the papers it rests on as [n]."""
    if not question.strip():
        raise click.UsageError("the question is empty")
    filters = read_filters(source, year_from, year_to, author, collection, tag)
    from litreview.llm.registry import resolve

    settings = app.settings
    out = console()
    if session is not None:
        try:
            SessionStore(settings.sessions_path).path(session)
        except SessionError as exc:
            raise click.BadParameter(str(exc), param_hint="--session") from exc
    # Before the library opens: a model without its key is an error at once.
    backend = resolve(model or settings.llm.model, settings)
    from litreview.review.ask import ask

    stream = _AnswerStream()
    with app.open_library(require_papers=True) as library:
        library.load_models()  # on the second core while the stores open
        check_names(library, collection, tag, source)
        try:
            store = SessionStore(settings.sessions_path)
            conversation = store.load(session) if session else None
            history = conversation.history() if conversation else []
            result = ask(
                library,
                backend,
                question,
                k=k,
                history=history,
                on_delta=None if as_json else stream.write,
                filters=filters,
            )
            if session is not None:
                store.append(session, Turn.of(result))
        except KeyboardInterrupt:
            out.print("\n[yellow]Stopped.[/]")
            sys.exit(130)
    stream.raise_if_closed()  # the turn is saved: now the command may end (cli/main.py)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    click.echo("\n")
    if not result.sources and filters.active():
        out.print(
            "[yellow]note:[/] no paper passes these filters; 'litreview library' with the same "
            "filters lists the papers that do",
            soft_wrap=True,
        )
    cited = {c.n: c for c in result.citations}
    if result.sources:
        # An answer that cites nothing (the library does not cover the question) was not drawn
        # from these papers: they are only the nearest ones, not its sources.
        click.echo("Sources:" if cited else "Nearest papers (none cited):")
    for n, hit in enumerate(result.sources, start=1):
        mark = "*" if n in cited else " "
        pages = cited[n].pages if n in cited else ()
        where = f", p. {', '.join(map(str, pages))}" if pages else ""
        click.echo(f" {mark}[{n}] {hit.paper.title}  ({hit.paper.paper_id}{where})")
    for weak in result.weak:
        out.print(
            f"[yellow]Weakly supported by its citation{'s' if len(weak.citations) > 1 else ''} "
            f"(score {weak.score:.2f}):[/] {weak.sentence}",
            soft_wrap=True,
        )
    if result.unchecked_chars:
        out.print(
            f"[yellow]note:[/] the answer is long; its last {result.unchecked_chars} characters "
            "were not checked against the sources",
            soft_wrap=True,
        )
    if result.dropped_citations:
        dropped = ", ".join(f"[{n}]" for n in result.dropped_citations)
        out.print(f"[yellow]Removed citations to sources that were not provided: {dropped}[/]")
    if result.dropped_pages:
        dropped = ", ".join(f"[{n}, p. {page}]" for n, page in result.dropped_pages)
        out.print(
            "[yellow]Removed page numbers the sources' passages do not come from "
            f"(the paper stays cited): {dropped}[/]"
        )
    from litreview.llm.registry import spent

    out.print(f"[dim]{result.model} · {spent(result.model, result.usage)}[/]")


class _AnswerStream:
    """The answer streamed to stdout, until its reader goes away (``| head -2``).

    From then on the rest of the answer is dropped rather than raised: the answer
    still completes and its session turn is saved, so a follow-up has its context.
    The closed pipe is raised once that is done (:meth:`raise_if_closed`).
    """

    def __init__(self) -> None:
        self.closed: BrokenPipeError | None = None

    def write(self, text: str) -> None:
        if self.closed is not None:
            return
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError as exc:
            self.closed = exc

    def raise_if_closed(self) -> None:
        if self.closed is not None:
            raise self.closed
