"""``litreview related-work``: a cited related-work draft, Markdown or LaTeX, plus BibTeX."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from litreview.cli.context import AppContext, console, stop_on_ctrl_c
from litreview.cli.paper_filters import metadata_options, read_filters
from litreview.cli.zotero_filters import check_names


@click.command("related-work")
@click.argument("topic_words", nargs=-1, metavar="[TOPIC]")
@click.option("--topic", help="The topic of your work, in a sentence or two.")
@click.option(
    "--abstract",
    "abstract_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file with your draft abstract.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write related-work.md|.tex and references.bib here (default: print the draft). "
    "Files already there are never replaced: the command stops at once, naming them "
    "(exit 2), unless --force is given.",
)
@click.option(
    "--force",
    is_flag=True,
    help="With --out: replace related-work.md|.tex and references.bib if they exist.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "latex"]), default="md", show_default=True
)
@click.option("--model", "-m", help="Model alias, litellm model string, or 'extractive'.")
@click.option("--max-papers", type=click.IntRange(2, 60), default=12, show_default=True)
@metadata_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print themes, paragraphs and papers as JSON."
)
@click.pass_obj
def related_command(
    app: AppContext,
    topic_words: tuple[str, ...],
    topic: str | None,
    abstract_file: Path | None,
    out_dir: Path | None,
    force: bool,
    fmt: str,
    model: str | None,
    max_papers: int,
    as_json: bool,
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> None:
    """Draft a related-work section for your TOPIC (its words, or --topic) or draft ABSTRACT,
    citing every paper it uses."""
    if topic_words:  # `related-work "my topic"` stopped at "unexpected extra argument"
        if topic is not None or abstract_file is not None:
            raise click.UsageError(
                "give the topic once: as words after related-work, or with --topic or --abstract"
            )
        topic = " ".join(topic_words)
    if (topic is None) == (abstract_file is None):
        raise click.UsageError("give either --topic TEXT or --abstract FILE")
    if abstract_file is not None:
        try:
            work = abstract_file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"{abstract_file}: not valid UTF-8 ({exc.reason})") from exc
    else:
        work = str(topic)
    if not work.strip():
        raise click.UsageError("the topic or abstract is empty")
    filters = read_filters(source, year_from, year_to, author, collection, tag)

    from rich.markup import escape

    from litreview.errors import Stopped
    from litreview.llm.registry import resolve, spent
    from litreview.review.export import existing_outputs, refusal, render
    from litreview.review.related import draft_related_work
    from litreview.review.wording import counted

    # The user's own references.bib (or last week's draft) in --out is said now, not after
    # minutes of drafting; the write checks again (and never replaces without --force).
    if out_dir is not None and not force and (clashes := existing_outputs(out_dir, fmt)):
        raise refusal(clashes)

    settings = app.settings
    out = console()

    def progress(stage: str, done: int, total: int, message: str) -> None:
        if stage == "theme":
            out.print(f"[dim]theme {done}/{total}: {message}…[/]")
        elif stage == "retrieve" and done:
            out.print(f"[dim]found {message}[/]")
        elif stage == "screen":
            out.print(f"[dim]the model is reading the {message} found for relevance…[/]")

    try:
        with stop_on_ctrl_c() as stop, app.open_library(require_papers=True) as library:
            check_names(library, collection, tag, source)
            backend = resolve(model or settings.llm.model, settings)
            draft = draft_related_work(
                library,
                backend,
                work,
                max_papers=max_papers,
                progress=progress,
                stop=stop,
                filters=filters,
            )
    except Stopped:
        out.print("[yellow]Stopped; nothing was written.[/]")
        sys.exit(130)
    if not draft.themes:
        raise click.ClickException("no paper in the library is related to this topic")
    exported = render(draft, fmt)
    if draft.excluded_note:
        out.print(f"[yellow]{escape(draft.excluded_note)}[/]", soft_wrap=True)
    if draft.screening_note:
        out.print(f"[yellow]{escape(draft.screening_note)}.[/]")
    for theme in draft.themes:
        if theme.appended:
            listed = ", ".join(f"[{n}]" for n in theme.appended)
            out.print(
                f"[yellow]{theme.name}: the model left {listed} uncited; "
                "added them as 'Also relevant'.[/]"
            )
        if theme.dropped:
            listed = ", ".join(f"[{n}]" for n in theme.dropped)
            out.print(
                f"[yellow]{theme.name}: removed citations to papers the paragraph was not given: "
                f"{listed}[/]"
            )
        for weak in theme.weak:
            out.print(
                f"[yellow]{theme.name}: weakly supported by its "
                f"citation{'s' if len(weak.citations) > 1 else ''} (score {weak.score:.2f}):[/] "
                f"{weak.sentence}",
                soft_wrap=True,
            )
    if as_json:
        click.echo(
            json.dumps(
                {**draft.to_dict(), "text": exported.text, "bibtex": exported.bibtex},
                ensure_ascii=False,
            )
        )
    elif out_dir is None:
        click.echo(exported.text)
    if out_dir is not None:
        text_path = exported.write(out_dir, replace=force)
        # The folder written, which is not --out when that could not be written (see write).
        where = exported.bibliography_note(text_path.parent)
        out.print(escape(f"Wrote {text_path} and {where} ({len(exported.cited)} papers)."))
    out.print(
        f"[dim]{draft.model} · {counted(len(draft.themes), 'theme')} · "
        f"{counted(len(exported.cited), 'paper')} cited · {spent(draft.model, draft.usage)}[/]"
    )
