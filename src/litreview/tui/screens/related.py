"""Related work: paste a topic or draft abstract, watch themes appear, export the draft."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Markdown, TextArea

from litreview.review.related import RelatedWorkDraft, Theme
from litreview.tui.screens.base import AppScreen
from litreview.tui.widgets.status import StatusBar

if TYPE_CHECKING:
    pass


class RelatedWorkScreen(AppScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "generate", "Draft"),
        Binding("ctrl+s", "export('md')", "Export .md"),
        Binding("ctrl+t", "export('latex')", "Export .tex"),
        Binding("escape", "stop_or_back", "Stop / Chat"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stop = threading.Event()
        self.draft: RelatedWorkDraft | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="related"):
            with Vertical(id="related-input"):
                yield TextArea(id="work", soft_wrap=True)
            yield Markdown(
                "Paste your topic or draft abstract on the left, then Ctrl+G.", id="draft"
            )
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_generate(self) -> None:
        work_text = self.query_one(TextArea).text.strip()
        if not work_text:
            self.app.notify("Write a topic or paste an abstract first.", severity="warning")
            return
        self.stop = threading.Event()
        self.query_one("#draft", Markdown).update("*Finding papers…*")
        self.generate(work_text)

    @work(thread=True, exclusive=True, group="related")
    def generate(self, work_text: str) -> None:
        from litreview.errors import Stopped
        from litreview.review.related import draft_related_work
        from litreview.tui.errors import shown

        app = self.litreview
        outline: list[str] = []
        written: list[str] = []

        def show(footer: str) -> None:
            text = "### Outline\n\n" + "\n".join(outline) + "\n\n" + "\n\n".join(written)
            app.call_from_thread(self.query_one("#draft", Markdown).update, f"{text}\n\n{footer}")

        def progress(stage: str, done: int, total: int, message: str) -> None:
            if stage == "screen":
                app.call_from_thread(self._activity, f"the model is reading {message}")
            if stage == "theme":
                outline.append(f"{done}. {message}")
                show(f"*Writing theme {done} of {total}…*")
                app.call_from_thread(self._activity, f"theme {done}/{total}: {message}")

        def on_theme(theme: Theme) -> None:
            written.append(f"#### {theme.name}\n\n{theme.paragraph}")
            show("")

        try:
            draft = draft_related_work(
                app.library,
                app.backend(),
                work_text,
                progress=progress,
                stop=self.stop,
                on_theme=on_theme,
                filters=app.filters,
            )
        except Stopped:
            app.call_from_thread(self._activity, "stopped")
            return
        except Exception as exc:  # a notification, never a closed app
            message = shown(exc)
            if message is None:
                raise
            app.call_from_thread(
                app.notify, message, title="Error", severity="error", timeout=10, markup=False
            )
            app.call_from_thread(self._activity, "error")
            return
        app.call_from_thread(self._show, draft)

    def _activity(self, text: str) -> None:
        self.query_one(StatusBar).activity = text

    def _show(self, draft: RelatedWorkDraft) -> None:
        from litreview.review.export import render

        self.draft = draft
        app = self.litreview
        self.query_one(StatusBar).usage = app.spend(draft.usage, draft.model)
        if not draft.themes:
            self.query_one("#draft", Markdown).update("No paper in the library is related to this.")
            return
        self.query_one("#draft", Markdown).update(render(draft, "md").text)
        self._activity(f"draft ready: {len(draft.themes)} themes, {len(draft.papers)} papers")
        if draft.ranking_note:
            self.app.notify(draft.ranking_note, title="Related work", timeout=10, markup=False)
        if draft.excluded_note:
            self.app.notify(
                draft.excluded_note[0].upper() + draft.excluded_note[1:],
                title="Related work",
                timeout=15,
                markup=False,
            )
        if draft.screening_note:
            self.app.notify(
                f"{draft.screening_note[0].upper()}{draft.screening_note[1:]}.",
                title="Related work",
                severity="warning",
                timeout=15,
                markup=False,
            )

    def action_export(self, fmt: str) -> None:
        from litreview.errors import LitreviewError
        from litreview.review.export import render, unused_path
        from litreview.tui.errors import for_tui
        from litreview.tui.paths import shown_path

        if self.draft is None or not self.draft.themes:
            self.app.notify("Draft something first (Ctrl+G).", severity="warning")
            return
        exported = render(self.draft, fmt)
        app = self.litreview
        # A folder of its own, never an earlier export's (Ctrl+S then Ctrl+T in one second).
        folder = unused_path(app.export_dir, time.strftime("related-%Y%m%d-%H%M%S"))
        try:
            path = exported.write(folder)
        except LitreviewError as exc:
            self.app.notify(for_tui(str(exc)), title="Export", severity="error", markup=False)
            return
        # The path first, from the home folder: a notification is half the terminal wide.
        originals = exported.originals  # the UTF-8 copies, when pdflatex lost characters
        beside = "references.bib" + (
            f" and {', '.join(originals)} (for xelatex)" if originals else ""
        )
        message = f"{shown_path(path)}\nand {beside} beside it"
        self.app.notify(message, title="Draft exported to", markup=False)
        self.exported = folder

    def action_stop_or_back(self) -> None:
        if any(w.is_running for w in self.workers):
            self.stop.set()
        else:
            self.app.pop_screen()
