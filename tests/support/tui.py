"""Driving the TUI in Pilot tests the way a user types."""

from __future__ import annotations

from textual.widgets import Input

from litreview.tui.app import LitReviewApp


async def ask(pilot: object, app: LitReviewApp, question: str) -> None:
    """Type ``question`` in the chat box, press Enter, and wait for the answer to finish."""
    field = app.screen.query_one("#question", Input)
    field.value = question
    await pilot.press("enter")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
