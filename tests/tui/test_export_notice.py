"""The notification of an export shows where the file went, whole, at 160 columns.

A new user's "Exported to /home/…" was cut off before the path; now the path comes first (the
title says what happened), from the home folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from litreview.review.session import SessionStore
from litreview.settings import Settings
from litreview.tui.app import LitReviewApp
from litreview.tui.paths import shown_path
from tests.support.svg import screen_lines
from tests.support.tui import ask


def toast_text(svg: str) -> str:
    """The text of the notification, its wrapped rows joined (each row right of its ▌)."""
    return "".join(line.rsplit("▌", 1)[1].strip() for line in screen_lines(svg) if "▌" in line)


def test_the_chat_export_names_its_file_from_the_home_folder(
    sample_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    work = tmp_path / "Documents" / "research" / "phd-thesis"
    work.mkdir(parents=True)

    async def scenario() -> None:
        app = LitReviewApp(sample_settings, model="extractive")
        app.store = SessionStore(tmp_path / "sessions")  # the sample home stays as built
        app.export_dir = work
        async with app.run_test(size=(160, 45), notifications=True) as pilot:
            await app.workers.wait_for_complete()
            await ask(pilot, "How can huge models be trained when GPU memory is limited?")
            await pilot.press("ctrl+t")
            await pilot.pause(0.3)
            (exported,) = work.glob("chat-*.md")
            shown = f"~/Documents/research/phd-thesis/{exported.name}"
            assert toast_text(app.export_screenshot()) == f"Conversation exported to{shown}"

    asyncio.run(scenario())


def test_paths_outside_the_home_folder_are_shown_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert shown_path(tmp_path / "home" / "a.md") == "~/a.md"
    assert shown_path(tmp_path / "elsewhere" / "a.md") == str(tmp_path / "elsewhere" / "a.md")
