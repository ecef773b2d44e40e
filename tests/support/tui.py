"""Driving the TUI in Pilot tests the way a user types."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from litreview.tui.app import LitReviewApp


async def ask(pilot: object, app: LitReviewApp, question: str) -> None:
    """Type ``question`` in the chat box, press Enter, and wait for the answer to finish."""
    field = app.screen.query_one("#question", Input)
    field.value = question
    await pilot.press("enter")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


# Snapshot terminal size, and waiting until a screen is still enough to compare.
SIZE = (140, 40)


async def settle(pilot: Any) -> None:
    """Wait until the screen is still: workers done, Markdown rendered, no cursor blink."""
    # A blinking cursor would make every snapshot differ by the blink phase.
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.5)  # let Markdown finish rendering what the workers handed it
