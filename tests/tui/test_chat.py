"""The chat UI driven as a person would, with Textual's Pilot, on the sample library."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Markdown, OptionList

from litreview.settings import Settings, load_settings
from litreview.tui.app import LitReviewApp
from litreview.tui.screens.chat import ChatScreen
from litreview.tui.screens.models import ModelScreen
from litreview.tui.widgets.message import Answer
from litreview.tui.widgets.status import StatusBar
from tests.support.tui import ask, press, running

QUESTION = "How can huge models be trained when GPU memory is limited?"


def test_ask_streams_answer_sources_and_citation_opens_abstract(
    sample_settings: Settings, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            assert isinstance(app.screen, ChatScreen)
            await ask(pilot, QUESTION)
            answer = app.screen.query_one(Answer)
            source = answer.source
            assert "(cite:1)" in source and "Harmony" in source
            options = app.screen.query_one("#source-list", OptionList)
            assert options.option_count >= 3
            # Selecting citation [2] in the answer shows source 2's abstract.
            answer.post_message(Markdown.LinkClicked(answer, "cite:2"))
            await pilot.pause()
            abstract = app.screen.query_one("#abstract", Markdown).source
            assert abstract.startswith("### [2] ")
            status = app.screen.query_one(StatusBar)
            assert status.model == "extractive" and "0.0000" in str(status.render())
            # The session was saved and exports with references.
            saved = app.store.load(app.session.name)
            assert saved.turns[0].question == QUESTION
            app.export_dir = tmp_path
            exported = app.export_session().read_text()
            assert "## References" in exported and "Harmony" in exported
            app.save_screenshot(str(tmp_path / "chat.svg"))
        svg = (tmp_path / "chat.svg").read_text()
        assert "Sources" in svg or "Harmony" in svg

    asyncio.run(scenario())


def test_switch_model_from_the_picker(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await press(pilot, "ctrl+o")
            assert isinstance(app.screen, ModelScreen)
            await pilot.press("enter")  # the first entry: extractive
            await pilot.pause()
            assert isinstance(app.screen, ChatScreen) and app.model_name == "extractive"

    asyncio.run(scenario())


def test_unreachable_backend_is_a_message_not_a_crash(
    sample_home: Path, tmp_path: Path, monkeypatch: object
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[models.down]\nmodel = "openai/x"\napi_base = "http://127.0.0.1:9/v1"\n')
    import os

    os.environ["LITREVIEW_CONFIG"] = str(config)
    os.environ["LITREVIEW_HOME"] = str(sample_home)
    try:
        settings = load_settings()
    finally:
        del os.environ["LITREVIEW_CONFIG"]

    async def scenario() -> None:
        app = LitReviewApp(settings, model="down")
        async with app.run_test(size=(150, 45)) as pilot:
            await app.workers.wait_for_complete()
            await ask(pilot, QUESTION)
            text = app.screen.query_one(Answer).source
            assert "No answer" in text and "connection refused" in text
            assert app.screen.query_one(StatusBar).activity == "error"

    asyncio.run(scenario())


def test_sessions_persist_and_reopen(sample_settings: Settings, tmp_path: Path) -> None:
    async def scenario() -> None:
        # Sessions in the test's folder, not the shared sample home's.
        async with running(sample_settings, tmp_path / "sessions") as (app, pilot):
            await ask(pilot, QUESTION)
            first = app.session.name
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert not app.screen.query(Answer)
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.press("enter")  # newest first: the first chat (the new one is unsaved)
            await pilot.pause()
            assert app.session.name == first and len(app.session.turns) == 1
            assert "Harmony" in app.screen.query_one(Answer).source
            # A follow-up in the reopened session carries its history.
            await ask(pilot, "Which of them reduces memory the most?")
            assert len(app.store.load(first).turns) == 2

    asyncio.run(scenario())
