"""Issue 14: what a new user met in the terminal UI, each driven with Pilot."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import DataTable, Input, Markdown, OptionList

from litreview.llm.types import Usage
from litreview.review.session import SessionStore
from litreview.settings import Settings, load_settings
from litreview.tui.app import LitReviewApp
from litreview.tui.screens.chat import ChatScreen
from litreview.tui.screens.help import HelpScreen
from litreview.tui.screens.ingest import IngestScreen
from litreview.tui.screens.library import LibraryScreen
from litreview.tui.screens.models import ModelScreen
from litreview.tui.screens.sessions import SessionsScreen
from litreview.tui.widgets.message import Answer
from litreview.tui.widgets.sources import SourcesPanel
from litreview.tui.widgets.status import StatusBar
from tests.support.tui import ask, idle, press, running, submit

MEMORY = "How can huge models be trained when GPU memory is limited?"
TROJANS = "How can trojans in text classifiers be detected?"


def _abstract_title(app: LitReviewApp) -> str:
    source = app.screen.query_one("#abstract", Markdown).source
    return source.splitlines()[0]


def test_citations_in_an_older_answer_open_that_answers_sources(
    sample_settings: Settings, tmp_path: Path
) -> None:
    async def scenario() -> None:
        async with running(sample_settings, tmp_path / "sessions") as (app, pilot):
            await ask(pilot, MEMORY)
            await ask(pilot, TROJANS)
            first, second = app.screen.query(Answer).results()
            assert first.result and second.result
            first_1 = first.result.sources[0].paper.title
            assert first_1 != second.result.sources[0].paper.title
            first.post_message(Markdown.LinkClicked(first, "cite:1"))
            await pilot.pause()
            assert _abstract_title(app) == f"### [1] {first_1}"
            options = app.screen.query_one("#source-list", OptionList)
            assert first_1 in str(options.get_option_at_index(0).prompt)
            # ... and back to the newest answer's own [1].
            second.post_message(Markdown.LinkClicked(second, "cite:1"))
            await pilot.pause()
            assert _abstract_title(app) == f"### [1] {second.result.sources[0].paper.title}"

            # An answer still streaming has no sources yet: its [1] does not open another's.
            second.post_message(Markdown.LinkClicked(second, "cite:2"))
            await pilot.pause()
            before = _abstract_title(app)
            assert before.startswith("### [2] ")
            streaming = Answer("Partial text [1]")
            await app.screen.query_one("#messages").mount(streaming)
            streaming.post_message(Markdown.LinkClicked(streaming, "cite:1"))
            await pilot.pause()
            assert _abstract_title(app) == before
            assert app.screen.query_one(SourcesPanel).owner is second

            # A reopened conversation: its answers' markers open the papers they cited.
            name = app.session.name
            await pilot.press("ctrl+n")
            await pilot.pause()
            app.open_session(name)
            app.screen.show_session()  # type: ignore[attr-defined]
            await pilot.pause()
            reopened = next(iter(app.screen.query(Answer).results()))
            cited = {int(str(c["n"])): str(c["title"]) for c in reopened.citations}
            n = min(cited)
            reopened.post_message(Markdown.LinkClicked(reopened, f"cite:{n}"))
            await pilot.pause()
            assert _abstract_title(app) == f"### [{n}] {cited[n]}"

    asyncio.run(scenario())


def test_finished_answer_is_scrolled_into_view(sample_settings: Settings, tmp_path: Path) -> None:
    async def scenario() -> None:
        small = (90, 20)  # a small terminal: answers overflow
        async with running(sample_settings, tmp_path / "sessions", small) as (app, pilot):
            await ask(pilot, MEMORY)
            await pilot.pause(0.2)
            messages = app.screen.query_one("#messages")
            assert messages.max_scroll_y > 0
            assert messages.scroll_y == messages.max_scroll_y

    asyncio.run(scenario())


def test_typing_in_the_library_goes_to_the_search_box(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await press(pilot, "ctrl+l")
            await press(pilot, *"trojan", "enter")
            assert isinstance(app.screen, LibraryScreen)  # Enter searched, opened nothing
            search = app.screen.query_one("#library-search", Input)
            assert search.value == "trojan"
            table = app.screen.query_one(DataTable)
            assert 0 < table.row_count <= 50
            await pilot.press("down")
            assert app.screen.focused is table
            await pilot.press("s")  # a letter in the table goes back to the search box
            assert app.screen.focused is search and search.value == "trojans"

    asyncio.run(scenario())


def test_f1_opens_litreview_help_and_f1_or_escape_close_it(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            for closer in ("f1", "escape"):
                await pilot.press("f1")
                await pilot.pause()
                assert isinstance(app.screen, HelpScreen)
                assert "Ctrl+T" in app.screen.query_one("#help-text", Markdown).source
                await pilot.press(closer)
                await pilot.pause()
                assert isinstance(app.screen, ChatScreen)

    asyncio.run(scenario())


def test_new_chat_and_reopened_chat_start_clean(sample_settings: Settings, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running(sample_settings, tmp_path / "sessions") as (app, pilot):
            await ask(pilot, MEMORY)
            first = app.session.name
            panel = app.screen.query_one(SourcesPanel)
            assert panel.entries
            app.screen.query_one("#source-list").focus()
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert not panel.entries
            assert app.screen.query_one("#source-list", OptionList).option_count == 0
            assert app.screen.focused is app.screen.query_one("#question")
            # Tokens counted in this sitting are not shown as the reopened chat's.
            app.session_usage = Usage(prompt_tokens=321, completion_tokens=45)
            app.screen.query_one(StatusBar).usage = app.session_usage
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, SessionsScreen)
            label = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
            assert "(1 turn)" in label
            await pilot.press("enter")
            await pilot.pause()
            assert app.session.name == first
            assert "321" not in str(app.screen.query_one(StatusBar).render())

    asyncio.run(scenario())


def test_library_and_related_status_bars_show_the_session_tokens(
    sample_settings: Settings,
) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            app.session_usage = Usage(prompt_tokens=1234, completion_tokens=56)
            for key in ("ctrl+l", "ctrl+r"):
                await press(pilot, key)
                assert "1234 + 56 tokens" in str(app.screen.query_one(StatusBar).render())
                await pilot.press("escape")
                await pilot.pause()

    asyncio.run(scenario())


def test_empty_library_opens_with_a_way_to_ingest(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.papers import small_corpus

    corpus = small_corpus(tmp_path, n=3)
    # The button ingests the bundled sample; a 3-paper stand-in keeps the test short.
    monkeypatch.setattr("litreview.tui.screens.ingest.sample_paths", lambda: [corpus])

    async def scenario() -> None:
        async with running(settings) as (app, pilot):
            await pilot.pause()
            assert isinstance(app.screen, IngestScreen)
            intro = str(app.screen.query_one("#ingest-intro").render())
            assert f"There is no library at {settings.home} yet" in intro  # a new folder
            chat_status = app.screen_stack[-2].query_one(StatusBar).activity
            assert "Ingest papers" in chat_status  # how to come back after closing the dialog
            app.screen.query_one("#ingest-path", Input).value = str(tmp_path / "missing.bib")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, IngestScreen)
            assert "does not exist" in str(app.screen.query_one("#ingest-status").render())
            await pilot.click("#ingest-sample")
            await idle(pilot)
            assert isinstance(app.screen, ChatScreen)
            assert app.library.count() == 3
            assert "3 papers" in app.screen.query_one(StatusBar).activity

    asyncio.run(scenario())


def test_model_picker_says_how_to_add_a_model(settings: Settings) -> None:
    async def scenario() -> None:
        async with running(settings) as (app, pilot):
            if isinstance(app.screen, IngestScreen):  # empty library
                await pilot.press("escape")
            await press(pilot, "ctrl+o")
            assert isinstance(app.screen, ModelScreen)
            hint = str(app.screen.query_one("#model-hint").render())
            assert str(settings.home / "config.toml") in hint and "[models.local]" in hint

    asyncio.run(scenario())


def test_error_text_keeps_its_brackets(
    sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual reads notifications and plain strings as markup: ``[llm]`` would vanish."""
    for key in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LITREVIEW_HOME", str(sample_home))
    monkeypatch.delenv("LITREVIEW_CONFIG", raising=False)
    settings = load_settings()
    broken = tmp_path / "notes[draft].csv"
    broken.write_text("no,title,column\n1,2,3\n", encoding="utf-8")

    def shown() -> list[str]:
        # What a Toast shows for each notification (textual.widgets._toast.Toast.render).
        return [
            (Content.from_markup(n.message) if n.markup else Content(n.message)).plain
            for n in app._notifications
        ]

    app = LitReviewApp(settings, model="anthropic/claude-3-5-haiku-20241022")
    app.store = SessionStore(tmp_path / "sessions")

    async def scenario() -> None:
        async with app.run_test(size=(150, 45)) as pilot:
            await app.workers.wait_for_complete()
            await ask(pilot, MEMORY)
            assert any("api_key under [models.<alias>]" in t for t in shown()), shown()
            # A file name with brackets, in an error toast and in the dialog's status line.
            app.action_ingest()
            await pilot.pause()
            assert isinstance(app.screen, IngestScreen)
            await submit(pilot, "#ingest-path", str(broken))
            assert any("notes[draft].csv" in t for t in shown()), shown()
            assert "notes[draft].csv" in str(app.screen.query_one("#ingest-status").render())
            await pilot.press("escape")
            # A query with brackets, in the library's status bar.
            await pilot.press("ctrl+l")
            await app.workers.wait_for_complete()
            await press(pilot, *"[draft] trojan", "enter")
            status = str(app.screen.query_one(StatusBar).render())
            assert "for “[draft] trojan”" in status, status

    asyncio.run(scenario())


def test_chat_export_numbers_each_paper_once(
    sample_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    async def scenario() -> None:
        async with running(sample_settings, tmp_path / "sessions") as (app, pilot):
            await ask(pilot, MEMORY)
            await ask(pilot, TROJANS)
            await pilot.press("ctrl+t")
            await pilot.pause()
            path = tmp_path / f"{app.session.name}.md"
            assert path.exists()  # in the directory litreview was started from
            text = path.read_text()
            refs = text.split("## References", 1)[1]
            cited = {str(c["paper_id"]) for t in app.session.turns for c in t.citations}
            assert sum(pid in refs for pid in cited) == len(cited)
            assert len([line for line in refs.splitlines() if line.startswith("[")]) == len(cited)
            path.write_text("my edits")  # a second export replaces no file, not even its own
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert path.read_text() == "my edits"
            assert (tmp_path / f"{app.session.name}-2.md").read_text() == text

    asyncio.run(scenario())


def test_models_command_prints_the_config_file_and_an_example(home: Path) -> None:
    from tests.support.cli import run_cli

    proc = run_cli(home, "models", check=True)
    assert str(home / "config.toml") in proc.stdout
    assert (
        "[models.local]" in proc.stdout and 'api_base = "http://127.0.0.1:8080/v1"' in proc.stdout
    )
    payload = json.loads(run_cli(home, "models", "--json", check=True).stdout)
    assert payload["default"] and payload["config_file"] == str(home / "config.toml")
    # With [models.local] configured, the example is another model, under a free alias (a
    # user was told to add the [models.local] they had).
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[models.local]\nmodel = "openai/gemma"\napi_base = "http://127.0.0.1:9/v1"\n'
    )
    again = run_cli(home, "models", check=True).stdout
    assert "Add another model" in again and "[models.local2]" in again


def test_stopped_or_failing_ingest_is_said_in_the_dialog(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litreview.errors import Stopped
    from litreview.index.library import Library

    corpus = tmp_path / "papers.jsonl"
    corpus.write_text('{"title": "T", "abstract": "A"}\n')
    raised: list[BaseException] = [Stopped(), OSError("disk full")]

    def interrupted(self: Library, *args: object, **kwargs: object) -> None:
        raise raised.pop(0)  # what Esc during an ingest, or a failing disk, makes ingest do

    monkeypatch.setattr(Library, "ingest", interrupted)

    async def scenario() -> None:
        async with running(settings) as (app, pilot):
            await pilot.pause()
            assert isinstance(app.screen, IngestScreen)
            for expected in ("stopped; what was done is kept", "disk full"):
                await submit(pilot, "#ingest-path", str(corpus))
                assert isinstance(app.screen, IngestScreen)  # open, to try again
                assert expected in str(app.screen.query_one("#ingest-status").render())
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ChatScreen)

    asyncio.run(scenario())


def test_the_extractive_engine_spends_no_tokens_on_the_status_bar(
    sample_settings: Settings,
) -> None:
    """A trial: the bar read "3970 + 208 tokens" after extractive answers, where the CLI says
    "no model, no tokens" (the engine's counts are what a model would have read)."""

    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await ask(pilot, "How can huge models be trained when GPU memory is limited?")
            assert app.last_result is not None and app.last_result.usage.prompt_tokens > 0
            assert app.session_usage == Usage()
            assert "0 + 0 tokens" in str(app.screen.query_one(StatusBar).render())

    asyncio.run(scenario())
