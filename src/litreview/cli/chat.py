"""``litreview chat``: the terminal UI."""

from __future__ import annotations

import click

from litreview.cli.context import AppContext


@click.command("chat")
@click.option("--model", "-m", help="Model alias, litellm model string, or 'extractive'.")
@click.pass_obj
def chat_command(app: AppContext, model: str | None) -> None:
    """Open the chat UI on your library (Ctrl+Q quits, Ctrl+P for all commands)."""
    from litreview.tui.app import LitReviewApp

    with app.open_library(require_papers=True):
        pass
    LitReviewApp(app.settings, model=model).run()
