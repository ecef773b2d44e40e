"""``litreview chat``: the terminal UI."""

from __future__ import annotations

import click

from litreview.cli.context import AppContext
from litreview.cli.paper_filters import metadata_options, read_filters
from litreview.cli.zotero_filters import check_names


@click.command("chat")
@click.option("--model", "-m", help="Model alias, litellm model string, or 'extractive'.")
@metadata_options
@click.pass_obj
def chat_command(
    app: AppContext,
    model: str | None,
    source: str | None,
    year_from: int | None,
    year_to: int | None,
    author: str | None,
    collection: str | None,
    tag: str | None,
) -> None:
    """Open the chat UI on your library (Ctrl+Q quits, Ctrl+P for all commands, F1 help).

    An empty library opens too, with a dialog to ingest the sample library or a file.
    With the filters (--year-from, --author, --collection, ...), answers and related-work
    drafts draw on the papers they pass only.
    """
    import shutil

    from litreview.tui.app import LitReviewApp

    filters = read_filters(source, year_from, year_to, author, collection, tag)
    settings = app.settings  # a broken config file is a message here, before the screen opens
    if collection is not None or tag is not None or source is not None:
        with app.open_library() as library:  # a typo is a message here, not an empty chat
            check_names(library, collection, tag, source)
    chat = LitReviewApp(settings, model=model, filters=filters if filters.active() else None)
    try:
        chat.run()
    finally:
        if not chat.close_library() and chat.made_folder is not None:
            # What opening made at a folder that was not there (a mistyped --home), with the
            # folders above it it made: nothing was ingested, so nothing of the user's is in it.
            shutil.rmtree(chat.made_folder, ignore_errors=True)
