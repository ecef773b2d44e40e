"""The library's search box keeps the search when the focus comes back to it.

A new user searched, went into the table, pressed Ctrl+F to refine the search and typed: Ctrl+F
had selected the whole search, so the first key replaced it. Letters typed in the table go to
the box too, whole and in order even when typed fast.
"""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable, Input

from litreview.settings import Settings
from litreview.tui.screens.library import LibraryScreen
from tests.support.tui import burst, press, running


def test_ctrl_f_comes_back_to_the_search_with_its_text_kept(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await press(pilot, "ctrl+l")
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            search = screen.query_one("#library-search", Input)
            await press(pilot, *"trojan", "enter")
            await press(pilot, "down")
            assert screen.focused is screen.query_one(DataTable)
            await press(pilot, "ctrl+f")
            assert screen.focused is search
            assert search.selection.is_empty and search.cursor_position == len("trojan")
            await press(pilot, *"s")
            assert search.value == "trojans"

    asyncio.run(scenario())


def test_a_burst_typed_in_the_table_lands_whole_in_the_search(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await press(pilot, "ctrl+l")
            screen = app.screen
            search = screen.query_one("#library-search", Input)
            await press(pilot, *"trojan", "enter")
            await press(pilot, "down")
            assert screen.focused is screen.query_one(DataTable)
            burst(app, " attacks on text classifiers")
            await pilot.pause(0.3)
            assert search.value == "trojan attacks on text classifiers"
            assert screen.focused is search

    asyncio.run(scenario())
