"""The keys, driven through a real terminal (tmux), not only Pilot.

Pilot delivers key names straight to the app; a terminal sends bytes, and some keys cannot be
told apart there (Ctrl+I is Tab, Ctrl+M is Enter) or are taken by the focused widget first
(Ctrl+E in the question box). These tests type into ``litreview chat`` running in tmux and read
the screen back. They skip, saying so, where tmux is not installed (CI: apt-get install tmux).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import litreview_bin

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None,
    reason="tmux is not installed: the real-terminal key tests need it (apt-get install tmux)",
)


class Terminal:
    """One ``litreview chat`` in a tmux server of its own (its own socket, killed after)."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.socket = f"litreview-test-{uuid.uuid4().hex[:8]}"
        env = {
            "LITREVIEW_HOME": str(home),
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
            "TERM": "xterm-256color",
        }
        assignments = [f"{k}={v}" for k, v in env.items()]
        command = " ".join(["env", *assignments, litreview_bin(), "chat", "--model", "extractive"])
        self.tmux("new-session", "-d", "-x", "150", "-y", "45", "-c", str(cwd), command)
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        self.tmux("resize-window", "-x", "150", "-y", "45")

    def tmux(self, *args: str) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        return proc.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear on the screen:\n{screen}")
            time.sleep(0.2)

    def wait_gone(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text not in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} stayed on the screen:\n{screen}")
            time.sleep(0.2)

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal(own_sample: Path, tmp_path: Path) -> Iterator[Terminal]:
    cwd = tmp_path / "work"
    cwd.mkdir()
    term = Terminal(own_sample, cwd)
    try:
        yield term
    finally:
        term.close()


def test_keys_reach_the_app_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    terminal.wait_for("264 papers", timeout=90)
    # F1: litreview's own help; F1 closes it, and so does Esc.
    terminal.keys("F1")
    terminal.wait_for("F1 or Esc: close")
    terminal.keys("F1")
    terminal.wait_gone("F1 or Esc: close")
    terminal.keys("F1")
    terminal.wait_for("F1 or Esc: close")
    terminal.keys("Escape")
    terminal.wait_gone("F1 or Esc: close")
    # Ask, then Ctrl+T exports into the directory the chat was started from.
    terminal.type("How can huge models be trained when GPU memory is limited?")
    terminal.keys("Enter")
    terminal.wait_for("extractive · no model, no tokens", timeout=60)
    terminal.keys("C-t")
    terminal.wait_for("Conversation exported to")
    exports = list((tmp_path / "work").glob("chat-*.md"))
    assert len(exports) == 1 and "## References" in exports[0].read_text()
    # Ctrl+S: the saved conversations.
    terminal.keys("C-s")
    terminal.wait_for("Saved conversations")
    terminal.keys("Escape")
    terminal.wait_gone("Saved conversations")
    # Library: typing lands in the search box; Ctrl+O opens the ingest dialog.
    terminal.keys("C-l")
    terminal.wait_for("Ingest file")
    terminal.type("trojan")
    terminal.keys("Enter")
    terminal.wait_for("50 papers for")  # the search ran: Enter did not open a paper
    assert "T-Miner" in terminal.screen()
    # Typed in the table, all at once: the search box gets every character, in order.
    terminal.keys("Down")
    time.sleep(0.5)  # in the table (nothing on the screen says so)
    terminal.type(" attacks on text classifiers")
    screen = terminal.wait_for("trojan attacks on text classifiers")
    assert re.search(r"▊  trojan attacks on text classifiers +▎", screen), screen
    terminal.keys("C-o")
    terminal.wait_for("Type the path of a file to ingest")
    terminal.keys("Escape")
    terminal.wait_gone("Type the path of a file to ingest")
    # Related work: Ctrl+G drafts, Ctrl+S exports next to the chat export.
    terminal.keys("Escape")
    terminal.wait_for("Ask your library")
    terminal.keys("C-r")
    terminal.wait_for("then Ctrl+G")
    terminal.type("detecting and removing backdoors in neural networks")
    terminal.keys("C-g")
    terminal.wait_for("draft ready", timeout=90)
    terminal.keys("C-s")
    terminal.wait_for("references.bib")
    drafts = list((tmp_path / "work").glob("related-*/related-work.md"))
    assert len(drafts) == 1 and "## Related Work" in drafts[0].read_text()
    terminal.keys("C-q")
    deadline = time.monotonic() + 20
    while not terminal.exited():
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.2)


def test_escape_and_typing_return_to_the_question_box(terminal: Terminal) -> None:
    """F2 into the sources, Esc: the next question typed and Enter are asked (they went to the
    sources list before). Typed in the sources list all at once, as a terminal sends a paste or
    fast typing, every character reaches the box in order, and Enter asks it (a redirect in
    the screen asked 'pipelin')."""
    terminal.wait_for("264 papers", timeout=90)
    terminal.type("How can huge models be trained when GPU memory is limited?")
    terminal.keys("Enter")
    terminal.wait_for("extractive · no model, no tokens", timeout=60)
    terminal.keys("F2")
    terminal.wait_for("Back to question")  # the footer: Esc now comes back
    terminal.keys("Down")
    terminal.keys("Escape")
    terminal.wait_gone("Back to question")
    terminal.type("which one saves most memory")
    terminal.keys("Enter")
    terminal.wait_for("You: which one saves most memory", timeout=60)
    terminal.wait_gone("retrieving and answering", timeout=60)
    terminal.keys("F2")
    terminal.wait_for("Back to question")
    terminal.type("pipeline parallelism")
    terminal.wait_gone("Back to question")  # the first character took the focus to the box
    terminal.keys("Enter")
    screen = terminal.wait_for("You: pipeline", timeout=60)
    assert re.search(r"You: pipeline parallelism\s", screen), screen


def test_chat_on_an_empty_library_opens_with_an_ingest_dialog(tmp_path: Path) -> None:
    """A home that was not there (a first start, or a mistyped --home) is named in the
    dialog, and quitting without ingesting leaves no folder behind (it was made and kept)."""
    home = tmp_path / "typo" / "empty-home"  # a mistyped path: neither folder exists
    term = Terminal(home, tmp_path)
    try:
        screen = term.wait_for("Ingest the sample library", timeout=60)
        assert "There is no library at" in screen and "empty-home" in screen
        term.keys("Escape")
        term.wait_for("Ask your library")
        assert home.is_dir()  # open while the chat runs
        term.keys("C-q")
        deadline = time.monotonic() + 30
        while not term.exited() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert term.exited()
    finally:
        term.close()
    assert not home.exists() and not home.parent.exists()
