"""The evidence panel with full text, driven with Textual's Pilot on real PDFs: an answer's
page citation opens its paper at the passage of that page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.widgets import Input, Markdown

from litreview.settings import Settings
from litreview.tui.app import LitReviewApp
from litreview.tui.widgets.message import Answer, linkify, parse_cite
from litreview.tui.widgets.sources import SourcesPanel
from tests.support.tui import SIZE, settle

QUESTION = "Which optimizer and learning rate warmup schedule were used to train the model?"


def test_page_citations_become_links_to_the_page() -> None:
    assert linkify("Adam [1, p. 7] and [2].") == (
        "Adam [\\[1, p. 7\\]](cite:1:7) and [\\[2\\]](cite:2)."
    )
    assert parse_cite("cite:1:7") == (1, 7) and parse_cite("cite:2") == (2, None)


def test_a_page_citation_opens_the_passage_of_its_page(
    pdf_settings: Settings, tmp_path: Path
) -> None:
    async def scenario() -> None:
        app = LitReviewApp(pdf_settings, model="extractive")
        async with app.run_test(size=(150, 45)) as pilot:
            await app.workers.wait_for_complete()
            app.screen.query_one("#question", Input).value = QUESTION
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            answer = app.screen.query_one(Answer)
            assert "(cite:1:7)" in answer.source
            answer.post_message(Markdown.LinkClicked(answer, "cite:1:7"))
            await pilot.pause()
            shown = app.screen.query_one("#abstract", Markdown).source
            assert shown.startswith("### [1] Attention Is All You Need")
            passages = shown.index("#### Passages from the full text")
            assert shown.index("**▶ p. 7 · cited**", passages) == shown.index("**", passages)
            panel = app.screen.query_one(SourcesPanel)
            assert 7 in panel.cited_pages[1] and panel.passages[1][0].page == 7
            # Reopened from the saved session: the pages it cited, not the passages.
            saved = app.store.load(app.session.name)
            assert 7 in saved.turns[0].citations[0]["pages"]

    asyncio.run(scenario())


def test_evidence_panel_with_passages(snap_compare: Any, pdf_settings: Settings) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#question", Input).value = QUESTION
        await pilot.press("enter")
        await settle(pilot)
        answer = pilot.app.screen.query_one(Answer)
        answer.post_message(Markdown.LinkClicked(answer, "cite:1:7"))
        await settle(pilot)

    app = LitReviewApp(pdf_settings, model="extractive")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
