"""Add papers from inside the app: a file or folder path, or the bundled sample library.

One dialog for both ways in: the library screen's ingest key, and the first start on an
empty library (which opens the app with this dialog instead of exiting).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.widgets import Button, Input, Label, ProgressBar

from litreview.reading import sample_paths
from litreview.tui.screens.base import AppModal

if TYPE_CHECKING:
    from litreview.index.ingest import IngestReport

EMPTY_INTRO = (
    "Your library is empty. Ingest the bundled sample library (264 papers, about a minute), "
    "or type the path of your own papers (a .bib .csv .json .jsonl .txt or .pdf file, a folder, "
    "a Zotero data folder) and press Enter."
)
# Where the library will be, said when there was none: a mistyped --home shows here (quitting
# without ingesting leaves no folder behind: cli/chat.py).
NEW_HOME = (
    "There is no library at {home} yet: ingest the bundled sample library (264 papers, about a "
    "minute) or type the path of your own papers (a .bib .csv .json .jsonl .txt or .pdf file, a "
    "folder, a Zotero data folder) and press Enter to make one there. Ctrl+Q quits."
)
INTRO = (
    "Type the path of a file to ingest (.bib .csv .json .jsonl .txt .pdf), a folder or a "
    "Zotero data folder and press Enter."
)


class IngestScreen(AppModal[int | None]):
    """Dismissed with the number of papers added or updated, or None if nothing was done."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_close", "Stop / Close"),
    ]

    def __init__(self, empty: bool = False, new_home: Path | None = None) -> None:
        super().__init__()
        self.empty = empty
        self.new_home = new_home
        self.stop = threading.Event()
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(id="ingest-dialog"):
            intro = EMPTY_INTRO if self.empty else INTRO
            if self.empty and self.new_home is not None:
                intro = NEW_HOME.format(home=self.new_home)
            yield Label(intro, id="ingest-intro", markup=False)
            yield Input(placeholder="~/papers/zotero-export.bib", id="ingest-path")
            with Horizontal(id="ingest-actions"):
                yield Button("Ingest the sample library", id="ingest-sample")
                yield ProgressBar(id="ingest-progress", show_eta=True)
            yield Label("Esc: close (stops an ingest; what is done is kept)", id="ingest-status")

    def on_mount(self) -> None:
        self.query_one("#ingest-path", Input).focus()

    @on(Input.Submitted, "#ingest-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if not path.exists():
            self._say(f"{path} does not exist")
            return
        self.start([path], path.name)

    @on(Button.Pressed, "#ingest-sample")
    def sample_pressed(self) -> None:
        self.start(sample_paths(), "the sample library")

    def start(self, paths: list[Path], what: str) -> None:
        if self.running:
            return
        self.running = True
        self.stop = threading.Event()
        self._say(f"ingesting {what}…")
        self.ingest(paths, what)

    @work(thread=True, exclusive=True, group="ingest")
    def ingest(self, paths: list[Path], what: str) -> None:
        from litreview.errors import Stopped
        from litreview.tui.errors import shown

        app = self.litreview
        bar = self.query_one("#ingest-progress", ProgressBar)

        def progress(stage: str, done: int, total: int) -> None:
            app.call_from_thread(bar.update, total=total, progress=done)
            app.call_from_thread(self._say, f"{what}: {stage} {done}/{total}")

        try:
            report = app.library.ingest(paths, progress, self.stop)
        except Stopped:
            app.call_from_thread(self._failed, "stopped; what was done is kept", "warning")
            return
        except Exception as exc:  # a message, never a crash
            app.call_from_thread(self._failed, shown(exc) or str(exc), "error")
            return
        app.call_from_thread(self._report, report, what)

    def _report(self, report: IngestReport, what: str) -> None:
        changed = report.added + report.updated + report.removed
        if report.failed_files:
            first = report.failed_files[0]
            self._failed(f"{first.path.name}: {first.error}", "error")
            if not changed:  # stay open: the user can correct the path
                return
        message = (
            f"{report.added} added, {report.updated} updated, {report.skipped} already present"
        )
        if report.removed:
            message += f", {report.removed} removed (gone from Zotero)"
        warnings = [w for f in report.files for w in f.warnings]
        if warnings:
            message += "\n" + "\n".join(warnings[:3])
        self.app.notify(message, title=f"Ingested {what}", timeout=8, markup=False)
        self.running = False
        self.dismiss(changed)

    def _failed(self, message: str, severity: SeverityLevel) -> None:
        self.running = False
        self._say(message)
        self.app.notify(message, title="Ingest", severity=severity, timeout=10, markup=False)

    def _say(self, text: str) -> None:
        self.query_one("#ingest-status", Label).update(Text(text))

    def action_stop_or_close(self) -> None:
        if self.running:
            self.stop.set()
        else:
            self.dismiss(None)
