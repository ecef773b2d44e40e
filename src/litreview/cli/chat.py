"""``litreview chat``: the terminal UI."""

from __future__ import annotations

import click

from litreview.cli.context import AppContext


@click.command("chat")
@click.option("--model", "-m", help="Model alias, litellm model string, or 'extractive'.")
@click.pass_obj
def chat_command(app: AppContext, model: str | None) -> None:
    """Open the chat UI on your library (Ctrl+Q quits, Ctrl+P for all commands, F1 help).

    An empty library opens too, with a dialog to ingest the sample library or a file.
    """
    from litreview.tui.app import LitReviewApp

    settings = app.settings  # a broken config file is a message here, before the screen opens
    LitReviewApp(settings, model=model).run()
