"""The model dialog (Ctrl+O) with a configured model whose key is not set: it is not taken,
a notification says which key to set, and errors in the TUI name Ctrl+O, not --model."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets import Input, OptionList

from litreview.review.session import SessionStore
from litreview.settings import Settings, load_settings
from litreview.tui.app import LitReviewApp
from litreview.tui.errors import for_tui
from litreview.tui.screens.chat import ChatScreen
from litreview.tui.screens.models import ModelScreen
from litreview.tui.widgets.message import Answer
from litreview.tui.widgets.status import StatusBar
from tests.support.tui import ask, press, running, submit

KEYS = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY")


@pytest.fixture
def claude_settings(sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The sample library, and a config with ``[models.claude]`` whose key is not set."""
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "config.toml"
    config.write_text('[models.claude]\nmodel = "anthropic/claude-3-5-haiku-latest"\n')
    monkeypatch.setenv("LITREVIEW_HOME", str(sample_home))
    monkeypatch.setenv("LITREVIEW_CONFIG", str(config))
    return load_settings()


def shown(app: LitReviewApp) -> list[str]:
    """The text of each notification, as its toast shows it."""
    return [
        (Content.from_markup(n.message) if n.markup else Content(n.message)).plain
        for n in app._notifications
    ]


async def pick(pilot: Any, name: str) -> None:
    options = pilot.app.screen.query_one("#model-list", OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(name)
    await press(pilot, "enter")


def test_a_model_without_its_key_is_not_taken(
    claude_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        async with running(claude_settings, tmp_path / "sessions") as (app, pilot):
            await press(pilot, "ctrl+o")
            assert isinstance(app.screen, ModelScreen)
            listed = str(
                app.screen.query_one("#model-list", OptionList).get_option("claude").prompt
            )
            assert "unavailable" in listed and "ANTHROPIC_API_KEY" in listed
            await pick(pilot, "claude")
            # The dialog stays open, the model stays, and the notification says why.
            assert isinstance(app.screen, ModelScreen) and app.model_name == "extractive"
            said = shown(app)[-1]
            assert "claude needs ANTHROPIC_API_KEY" in said, said
            assert "api_key under [models.claude]" in said and "restart litreview" in said
            assert "Answers still come from extractive" in said
            assert not any("Answers now come from" in t for t in shown(app))
            # A typed litellm string is checked the same way (Tab: from the list to the box).
            await press(pilot, "tab")
            assert app.focused is app.screen.query_one("#model-typed", Input)
            await submit(pilot, "#model-typed", "anthropic/claude-3-5-haiku-latest")
            assert isinstance(app.screen, ModelScreen) and app.model_name == "extractive"
            assert "needs ANTHROPIC_API_KEY" in shown(app)[-1], shown(app)
            await submit(pilot, "#model-typed", "gpt-4o")  # a bare name, as --model takes it
            assert "gpt-4o needs OPENAI_API_KEY" in shown(app)[-1], shown(app)
            await submit(pilot, "#model-typed", "no-such-model-xyz")
            assert "unknown model 'no-such-model-xyz'" in shown(app)[-1], shown(app)
            assert not any("--model" in t for t in shown(app)), shown(app)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ChatScreen)
            assert app.screen.query_one(StatusBar).model == "extractive"
            # With its key, a typed model is taken.
            monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
            await press(pilot, "ctrl+o")
            await press(pilot, "tab")
            await submit(pilot, "#model-typed", "openai/gpt-4o-mini")
            assert isinstance(app.screen, ChatScreen) and app.model_name == "openai/gpt-4o-mini"
            assert app.screen.query_one(StatusBar).model == "openai/gpt-4o-mini"

    asyncio.run(scenario())


def test_an_error_in_the_tui_names_ctrl_o_not_the_model_flag(
    claude_settings: Settings, tmp_path: Path
) -> None:
    app = LitReviewApp(claude_settings, model="claude")  # started with --model claude
    app.store = SessionStore(tmp_path / "sessions")

    async def scenario() -> None:
        async with app.run_test(size=(150, 45)) as pilot:
            await app.workers.wait_for_complete()
            await ask(pilot, "How can huge models be trained when GPU memory is limited?")
            answer = app.screen.query_one(Answer).source
            assert "No answer" in answer and "Ctrl+O in the chat" in answer, answer
            assert "--model" not in answer
            said = shown(app)[-1]
            assert "needs ANTHROPIC_API_KEY" in said and "another model with Ctrl+O" in said, said
            assert not any("--model" in t for t in shown(app)), shown(app)

    asyncio.run(scenario())


def test_for_tui_says_the_key_for_the_model_flag() -> None:
    assert for_tui("start the server or pick another model with --model") == (
        "start the server or pick another model with Ctrl+O in the chat"
    )
    assert for_tui("use --home to pick a writable one") == "use --home to pick a writable one"
