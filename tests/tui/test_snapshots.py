"""SVG snapshots of the main screens (pytest-textual-snapshot).

Update them after an intended change with ``pytest tests/tui --snapshot-update`` and look
at the report it writes before committing.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea

from litreview.settings import Settings
from litreview.tui.app import LitReviewApp
from tests.support.tui import SIZE, settle


def test_chat_after_an_answer(snap_compare: Any, fp32_sample_settings: Settings) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#question", Input).value = "How can huge models be trained?"
        await pilot.press("enter")
        await settle(pilot)

    app = LitReviewApp(fp32_sample_settings, model="extractive")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_library_screen(snap_compare: Any, sample_settings: Settings) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)

    app = LitReviewApp(sample_settings, model="extractive")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_related_work_screen(snap_compare: Any, sample_settings: Settings) -> None:
    # The draft itself is checked in test_screens.py: its text depends on approximate
    # nearest-neighbour ties, which a pixel-exact snapshot should not.
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        pilot.app.screen.query_one(TextArea).text = "quantization of neural networks"
        await settle(pilot)

    app = LitReviewApp(sample_settings, model="extractive")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
