"""Driving the TUI in Pilot tests the way a user types: open the app, type, wait."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.worker import WorkerState

from litreview.review.session import SessionStore
from litreview.settings import Settings
from litreview.tui.app import LitReviewApp

# The terminal the Pilot tests open unless they need a small one.
TEST_SIZE = (150, 45)


@asynccontextmanager
async def running(
    settings: Settings, sessions: Path | None = None, size: tuple[int, int] = TEST_SIZE
) -> AsyncIterator[tuple[LitReviewApp, Pilot[Any]]]:
    """The app on the extractive engine, started and idle (its first screen's work done).

    ``sessions`` keeps the conversations in a folder of the test's, not the home's.
    """
    app = LitReviewApp(settings, model="extractive")
    if sessions is not None:
        app.store = SessionStore(sessions)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        yield app, pilot


async def idle(pilot: Pilot[Any]) -> None:
    """Wait for the workers a key started, then for the screen to take their results."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` and wait until what they started is done."""
    await pilot.press(*keys)
    await idle(pilot)


async def submit(pilot: Pilot[Any], box: str, text: str) -> None:
    """Put ``text`` in the input ``box`` (a selector) of the current screen and press Enter."""
    pilot.app.screen.query_one(box, Input).value = text
    await press(pilot, "enter")


async def ask(pilot: Pilot[Any], question: str) -> None:
    """Type ``question`` in the chat box, press Enter, and wait for the answer to finish."""
    await submit(pilot, "#question", question)


# Snapshot terminal size, and waiting until a screen is still enough to compare.
SIZE = (140, 40)


def _no_blink(pilot: Any) -> None:
    # A blinking cursor would make every snapshot differ by the blink phase.
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


async def settle(pilot: Any) -> None:
    """Wait until the screen is still: workers done, Markdown rendered, no cursor blink."""
    _no_blink(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    # Again: a screen the last key pushed may have composed its inputs only now (CI caught the
    # library screen's search box mid-blink on a loaded machine).
    _no_blink(pilot)
    await pilot.pause(0.5)  # let Markdown finish rendering what the workers handed it
    await _tables_measured(pilot)


async def _tables_measured(pilot: Any, tries: int = 400) -> None:
    """Wait until every DataTable has measured the rows it was given. A DataTable sizes its
    columns only when its message queue runs dry (``_on_idle``): on a loaded machine the
    library screen's snapshot caught the columns at their headers' widths ("63  000_c1  A
    For"), which failed CI (stop 25) and a fresh clone with only ``assert False`` to go on.

    That check alone failed CI once more (stop 26, same text): an empty table passes it, and
    the library screen's rows come from a worker that may still be pending or running here (a
    screen a key pushes mounts, and starts its worker, after the key's wait). So the loop also
    waits for every worker, and says so if the screen never settles rather than comparing."""
    for _ in range(tries):
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers)
        pending = [
            t
            for t in pilot.app.screen.query(DataTable)
            if t._require_update_dimensions or t._updated_cells or t._new_rows
        ]
        if not busy and not pending:
            break
        await pilot.pause(0.05)
    else:
        raise AssertionError(
            f"the screen did not settle in {tries * 0.05:.0f} s: {busy=}, {pending=}"
        )
    await pilot.pause()


def burst(app: App[None], text: str) -> None:
    """``text`` as a terminal sends fast typing or a paste without bracketed paste: every key
    queued in the app before it handles the first (Pilot's ``press`` waits after each key, so
    it never catches keys racing the focus)."""
    for c in text:
        app.post_message(events.Key("space" if c == " " else c, c))
