"""Coming back to the chat's question box from the sources, its text kept.

A user in a real terminal pressed F2, read a source, pressed Esc and typed a question: the keys
went to the sources list and Enter did nothing; Shift+Tab came back, with the whole question
selected, so the next key replaced it. Typed in the sources list, a question goes to the box,
whole and in order even when typed fast (a redirect in the screen lost characters of a burst).
"""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Markdown, OptionList

from litreview.settings import Settings
from litreview.tui.screens.chat import ChatScreen
from litreview.tui.screens.help import HelpScreen
from litreview.tui.widgets.message import Question
from tests.support.tui import ask, burst, idle, running

QUESTION = "How can huge models be trained when GPU memory is limited?"


def keys(text: str) -> list[str]:
    """The key names Pilot presses to type ``text``."""
    return ["space" if c == " " else c for c in text]


def footer_key(screen: ChatScreen, key: str) -> str:
    """What the footer says ``key`` does where the focus is now."""
    return screen.active_bindings[key].binding.description


def test_escape_from_the_sources_returns_to_the_question_and_enter_asks(
    sample_settings: Settings,
) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await ask(pilot, QUESTION)
            screen = app.screen
            assert isinstance(screen, ChatScreen)
            box = screen.query_one("#question", Input)
            sources = screen.query_one("#source-list", OptionList)
            await pilot.press("f2", "down")  # read the second source
            await pilot.pause()
            assert screen.focused is sources
            assert screen.query_one("#abstract", Markdown).source.startswith("### [2] ")
            assert footer_key(screen, "escape") == "Back to question"
            await pilot.press("escape")
            await pilot.pause()
            assert screen.focused is box
            assert footer_key(screen, "escape") == "Stop answer"
            await pilot.press(*keys("which one saves most memory"), "enter")
            await idle(pilot)
            asked = [str(q.source) for q in screen.query(Question)]
            assert len(asked) == 2 and "which one saves most memory" in asked[1]
            assert len(app.session.turns) == 2 and box.value == ""

    asyncio.run(scenario())


def test_f2_toggles_between_the_question_and_the_sources(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await ask(pilot, QUESTION)
            screen = app.screen
            box = screen.query_one("#question", Input)
            await pilot.press("f2")
            await pilot.pause()
            assert screen.focused is screen.query_one("#source-list")
            await pilot.press("f2")
            await pilot.pause()
            assert screen.focused is box
            # Esc also comes back from the messages (focused by a click or Tab).
            screen.query_one("#messages").focus()
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert screen.focused is box

    asyncio.run(scenario())


def test_a_burst_typed_in_the_sources_lands_whole_in_the_question_box(
    sample_settings: Settings,
) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await ask(pilot, QUESTION)
            screen = app.screen
            box = screen.query_one("#question", Input)
            sources = screen.query_one("#source-list", OptionList)
            await pilot.press("f2", "down")
            await pilot.pause()
            assert screen.focused is sources
            burst(app, "pipeline parallelism")
            await pilot.pause(0.3)
            assert box.value == "pipeline parallelism" and screen.focused is box
            # Key by key too, after what was there, never over it.
            await pilot.press("f2", *keys(" or zero"))
            await pilot.pause()
            assert box.value == "pipeline parallelism or zero"
            assert box.cursor_position == len(box.value) and box.selection.is_empty
            await pilot.press("enter")
            await idle(pilot)
            asked = [str(q.source) for q in screen.query(Question)]
            assert asked[-1] == "**You:** pipeline parallelism or zero"

    asyncio.run(scenario())


def test_coming_back_with_shift_tab_keeps_the_text(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            screen = app.screen
            box = screen.query_one("#question", Input)
            await pilot.press(*"abcdef", "tab")
            await pilot.pause()
            assert screen.focused is not box
            await pilot.press("shift+tab")
            await pilot.pause()
            assert screen.focused is box
            assert box.selection.is_empty and box.cursor_position == len("abcdef")
            await pilot.press(*"jkl")
            await pilot.pause()
            assert box.value == "abcdefjkl"

    asyncio.run(scenario())


def test_help_says_how_to_come_back_to_the_question(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = app.screen.query_one("#help-text", Markdown).source
            assert "| Esc or F2 | from the sources list, back to the question box |" in text

    asyncio.run(scenario())
