"""The chat screen: ask, watch the answer stream in, open its sources."""

from __future__ import annotations

import threading
import time
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Input, Markdown

from litreview.llm.registry import spent
from litreview.review.ask import AskResult
from litreview.tui.paths import shown_path
from litreview.tui.screens.base import AppScreen
from litreview.tui.widgets.message import Answer, Question, linkify, parse_cite
from litreview.tui.widgets.sources import SourcesPanel
from litreview.tui.widgets.status import StatusBar
from litreview.tui.widgets.textbox import TextBox

STREAM_REFRESH_S = 0.05  # redraw the streaming answer at most 20 times a second


class ChatScreen(AppScreen[None]):
    # Esc and F2 each have two bindings; check_action enables one of each for where the focus
    # is, and the footer shows that one: in the question box Esc stops the answer and F2 goes
    # to the sources; anywhere else (the sources, their evidence, the messages) Esc, and F2
    # from the sources, come back to the question box.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop answer"),
        Binding("escape", "back_to_question", "Back to question"),
        Binding("ctrl+o", "switch_model", "Model"),
        # Not Ctrl+E: the question box takes it (end of line) before the screen sees it.
        Binding("ctrl+t", "export", "Export"),
        Binding("ctrl+n", "new_session", "New chat"),
        Binding("ctrl+s", "open_session", "Sessions"),
        Binding("f2", "focus_sources", "Sources"),
        Binding("f2", "back_to_question", "Back to question"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stop = threading.Event()
        self.exclude_next: frozenset[str] = frozenset()
        self.query_next: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="conversation"):
                yield VerticalScroll(id="messages")
                # Focus coming back to it (Esc, F2, Shift+Tab, typing elsewhere) keeps the
                # question being written: no selection for the next key to replace.
                yield TextBox(
                    placeholder="Ask your library… (Enter to send, Esc to stop)", id="question"
                )
            yield SourcesPanel(id="sources")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        # Anchored: while an answer streams in, the view follows its end (until the user
        # scrolls up to read something else).
        self.query_one("#messages", VerticalScroll).anchor()
        self.query_one("#question", Input).focus()

    @on(Input.Submitted, "#question")
    def submitted(self, event: Input.Submitted) -> None:
        event.input.value = ""
        self.ask(event.value)

    def ask(
        self, question: str, exclude: frozenset[str] = frozenset(), query: str | None = None
    ) -> None:
        """Ask ``question`` in this chat; ``exclude`` keeps papers out of the answer and
        ``query`` is searched instead of the question (for "papers like this", the paper
        itself and its title and abstract)."""
        question = question.strip()
        if not question:
            return
        self.exclude_next = exclude or self.exclude_next
        self.query_next = query or self.query_next
        messages = self.query_one("#messages", VerticalScroll)
        messages.mount(Question(f"**You:** {question}"))
        answer = Answer("…")
        messages.mount(answer)
        messages.scroll_end(animate=False)
        self.stop = threading.Event()
        self.query_one(StatusBar).activity = "retrieving and answering…"
        self.answer_question(question, answer, self.exclude_next, self.query_next)
        self.exclude_next = frozenset()
        self.query_next = None

    @work(thread=True, exclusive=True, group="answer")
    def answer_question(
        self, question: str, widget: Answer, exclude: frozenset[str], query: str | None = None
    ) -> None:
        from litreview.errors import Stopped
        from litreview.tui.errors import shown

        app = self.litreview
        parts: list[str] = []
        last = 0.0

        def on_delta(text: str) -> None:
            nonlocal last
            parts.append(text)
            now = time.monotonic()
            if now - last >= STREAM_REFRESH_S:
                last = now
                app.call_from_thread(widget.update, linkify("".join(parts)))

        try:
            result = app.ask(
                question, on_delta=on_delta, stop=self.stop, exclude=exclude, query=query
            )
        except Stopped:
            app.call_from_thread(widget.update, linkify("".join(parts)) + "\n\n*(stopped)*")
            app.call_from_thread(self._set_activity, "stopped")
            return
        except Exception as exc:  # a message in the chat, never a closed app
            message = shown(exc)
            if message is None:
                raise
            app.call_from_thread(widget.update, f"⚠ **No answer.** {escape_markdown(message)}")
            app.call_from_thread(
                app.notify, message, title="Error", severity="error", timeout=10, markup=False
            )
            app.call_from_thread(self._set_activity, "error")
            return
        app.call_from_thread(self._finish, widget, result)  # type: ignore[arg-type]

    def _set_activity(self, text: str) -> None:
        self.query_one(StatusBar).activity = text

    async def _finish(self, widget: Answer, result: AskResult) -> None:
        text = linkify(result.answer)
        weak = result.weak
        if weak:
            text += "\n\n" + "\n".join(f"> ⚠ weakly supported: {w.sentence}" for w in weak)
        if result.dropped_citations:
            dropped = ", ".join(f"[{n}]" for n in result.dropped_citations)
            text += f"\n\n*Removed citations to sources that were not provided: {dropped}*"
        if result.ranking_note:
            text += f"\n\n*Note: {escape_markdown(result.ranking_note)}.*"
        if result.dropped_pages:
            dropped = ", ".join(f"\\[{n}, p. {page}\\]" for n, page in result.dropped_pages)
            text += f"\n\n*Removed page numbers the sources' passages do not come from: {dropped}*"
        text += f"\n\n<sub>{result.model} · {spent(result.model, result.usage)}</sub>"
        widget.result = result
        self.query_one(SourcesPanel).show_result(result, owner=widget)
        status = self.query_one(StatusBar)
        status.usage = self.litreview.session_usage
        status.activity = "ready"
        # The final text is longer than the streamed one (warnings, model line): scroll once
        # it is laid out, or the end of the answer stays below the fold.
        await widget.update(text)
        messages = self.query_one("#messages", VerticalScroll)
        messages.call_after_refresh(messages.scroll_end, animate=False)

    @on(Markdown.LinkClicked)
    def link_clicked(self, event: Markdown.LinkClicked) -> None:
        if not event.href.startswith("cite:"):
            return
        event.prevent_default()
        n, page = parse_cite(event.href)
        answer = next(
            (w for w in [event.markdown, *event.markdown.ancestors] if isinstance(w, Answer)),
            None,
        )
        panel = self.query_one(SourcesPanel)
        if answer is not None and panel.owner is not answer:
            # Each answer's [n] is its own source n: load that answer's sources first.
            if answer.result is not None:
                panel.show_result(answer.result, owner=answer)
            elif answer.citations:
                ids = [str(c["paper_id"]) for c in answer.citations]
                papers = self.litreview.papers_by_id(ids)
                panel.show_saved(answer.citations, papers, owner=answer)
            else:  # still streaming: its sources are not known yet, the panel's are another's
                self.app.notify("Its sources appear when the answer is finished.", timeout=3)
                return
        panel.show_source(n, page)

    def action_stop(self) -> None:
        self.stop.set()

    def action_focus_sources(self) -> None:
        self.query_one("#source-list").focus()

    def action_back_to_question(self) -> None:
        self.query_one("#question", Input).focus()

    def _in_question(self) -> bool:
        """Whether keys go to the question box (it has the focus, or nothing has)."""
        return self.focused is None or self.focused is self.query_one("#question", Input)

    def _in_sources(self) -> bool:
        panel = self.query_one(SourcesPanel)
        return self.focused is not None and panel in self.focused.ancestors_with_self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":  # Esc, in the question box
            return self._in_question()
        if action == "focus_sources":  # F2, from anywhere but the sources
            return not self._in_sources()
        if action == "back_to_question":  # Esc away from the box; F2 from the sources
            return not self._in_question()
        return True

    def typing_target(self, event: events.Key) -> Widget | None:
        # A character typed in the sources list, its evidence or the messages starts a
        # question: the app moves the focus to the box before handing the key on, so this key
        # and the rest of the question land there, in order.
        return self.query_one("#question", Input) if self.typed_into_nothing(event) else None

    def action_switch_model(self) -> None:
        self.litreview.action_switch_model()

    def action_export(self) -> None:
        if not self.litreview.session.turns:
            self.app.notify("Nothing to export yet: ask something first.", severity="warning")
            return
        # The path alone, from the home folder (a new user's "Exported to /home/…" was cut off
        # before the path at 160 columns); the title says what happened.
        path = shown_path(self.litreview.export_session())
        self.app.notify(path, title="Conversation exported to")

    def action_open_session(self) -> None:
        from litreview.tui.screens.sessions import SessionsScreen

        app = self.litreview

        def chosen(name: str | None) -> None:
            if name:
                app.open_session(name)
                self.show_session()

        app.push_screen(SessionsScreen(app.store), chosen)

    def show_session(self) -> None:
        """Re-render the app's current session (after reopening it)."""
        messages = self.query_one("#messages", VerticalScroll)
        messages.remove_children()
        for turn in self.litreview.session.turns:
            messages.mount(Question(f"**You:** {turn.question}"))
            text = linkify(turn.answer) + f"\n\n<sub>{turn.model}</sub>"
            messages.mount(Answer(text, citations=turn.citations))
        messages.call_after_refresh(messages.scroll_end, animate=False)
        self._reset_side()
        self.query_one(StatusBar).activity = f"reopened {self.litreview.session.name}"

    def _reset_side(self) -> None:
        """A different conversation: no sources, tokens or focus left over from the last one."""
        self.query_one(SourcesPanel).clear()
        self.query_one(StatusBar).usage = self.litreview.session_usage
        self.query_one("#question", Input).focus()

    def action_new_session(self) -> None:
        self.litreview.new_session()
        self.query_one("#messages", VerticalScroll).remove_children()
        self._reset_side()
        self.query_one(StatusBar).activity = "new chat"


def escape_markdown(text: str) -> str:
    """A message shown inside Markdown as it is (brackets, asterisks and underscores kept)."""
    return "".join("\\" + c if c in "\\`*_[]<>#" else c for c in text)
