"""Library and related-work screens, driven with Pilot on the sample library."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Markdown, TextArea

from litreview.settings import Settings
from litreview.tui.screens.chat import ChatScreen
from litreview.tui.screens.ingest import IngestScreen
from litreview.tui.screens.library import LibraryScreen, PaperScreen
from litreview.tui.screens.related import RelatedWorkScreen
from litreview.tui.widgets.message import Answer
from tests.support.tui import idle, press, running, submit


def test_library_search_open_paper_and_ask_about_papers_like_it(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await press(pilot, "ctrl+l")
            assert isinstance(app.screen, LibraryScreen)
            table = app.screen.query_one(DataTable)
            assert table.row_count == 264
            app.screen.query_one(
                "#library-search", Input
            ).value = "trojan attacks on text classifiers"
            await pilot.click("#library-search")
            await press(pilot, "enter")
            assert 0 < table.row_count <= 50
            # a search's rows carry their scores, best first
            first, second = table.get_row_at(0), table.get_row_at(1)
            assert str(first[4]).startswith("T-Miner") and float(first[0]) >= float(second[0])
            table.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PaperScreen)
            await press(pilot, "l")
            assert isinstance(app.screen, ChatScreen)
            assert app.screen.query_one(Answer).source
            result = app.last_result
            assert result is not None
            sources = [h.paper.title for h in result.sources]
            assert sources and not any(t.startswith("T-Miner") for t in sources)
            # Searched by T-Miner's own title and abstract, not the question's words ("most
            # like", "differ": a user's answer quoted a cooking example): the papers it cites
            # are about backdoors and trojans, as T-Miner is (it had cited an Arabic synonym
            # attack paper alone).
            cited = [c.title.casefold() for c in result.citations]
            assert len(cited) >= 2 and all("backdoor" in t or "trojan" in t for t in cited[:2])

    asyncio.run(scenario())


def test_ingest_a_file_from_the_library_screen(settings: Settings, tmp_path: Path) -> None:
    from tests.support.papers import small_corpus

    corpus = small_corpus(tmp_path, n=5)
    # Start from a library with one paper, then ingest five more from inside the app.
    first = tmp_path / "one.jsonl"
    first.write_text(
        json.dumps({"title": "A paper on graphs", "abstract": "Graph networks " * 20}) + "\n"
    )
    from litreview.index.library import Library

    with Library(settings) as lib:
        lib.ingest([first])

    async def scenario() -> None:
        async with running(settings) as (app, pilot):
            await press(pilot, "ctrl+l")
            await pilot.press("ctrl+o")  # Ctrl+I is Tab in a terminal
            await pilot.pause()
            assert isinstance(app.screen, IngestScreen)
            await submit(pilot, "#ingest-path", str(corpus))
            await idle(pilot)
            assert isinstance(app.screen, LibraryScreen)
            assert app.screen.query_one(DataTable).row_count == 6

    asyncio.run(scenario())


def test_related_work_shows_outline_then_draft_and_exports(
    sample_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # exports land in the directory litreview was started from

    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert isinstance(app.screen, RelatedWorkScreen)
            app.screen.query_one(
                TextArea
            ).text = "detecting and removing backdoors in neural networks"
            await press(pilot, "ctrl+g")
            draft = app.screen.query_one("#draft", Markdown).source
            assert draft.startswith("## Related Work") and "[1]" in draft
            await pilot.press("ctrl+t")
            await pilot.pause()
            folder = app.screen.exported  # type: ignore[attr-defined]
            assert folder.parent == tmp_path
            assert "\\cite{" in (folder / "related-work.tex").read_text()
            assert (folder / "references.bib").read_text().count("@") >= 3

    asyncio.run(scenario())


def test_every_screen_action_has_a_palette_entry(sample_settings: Settings) -> None:
    async def scenario() -> None:
        async with running(sample_settings) as (app, pilot):
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {
                "Switch model",
                "Export conversation",
                "New chat",
                "Open session",
                "Stop answer",
                "Library",
                "Related work",
            } <= titles
            await pilot.press("ctrl+l")
            await app.workers.wait_for_complete()
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {"Ingest papers", "Search the library"} <= titles
            await pilot.press("escape", "ctrl+r")
            await pilot.pause()
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {
                "Draft related work",
                "Export draft as Markdown",
                "Export draft as LaTeX",
            } <= titles

    asyncio.run(scenario())
