"""The litreview Textual app: owns the settings, the library, the model and the session."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from litreview.llm.types import Usage
from litreview.review.session import Session, SessionStore, Turn
from litreview.settings import Settings
from litreview.tui.paths import shown_path

if TYPE_CHECKING:
    from litreview.index.library import Library
    from litreview.index.retriever import Filters
    from litreview.llm.backend import Backend
    from litreview.reading.paper import Paper
    from litreview.review.ask import AskResult


def new_session_name() -> str:
    """Sortable by time, unique even for two chats started in the same second."""
    import secrets

    return time.strftime("chat-%Y%m%d-%H%M%S-") + secrets.token_hex(2)


class LitReviewApp(App[None]):
    CSS_PATH = "litreview.tcss"
    TITLE = "litreview"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "library", "Library"),
        Binding("ctrl+r", "related_work", "Related work"),
        Binding("f1", "help", "Help"),
    ]

    def __init__(
        self, settings: Settings, model: str | None = None, filters: Filters | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        # What this sitting draws on (``chat --collection/--tag``): answers and drafts only;
        # the library screen still lists every paper.
        self.filters = filters
        self._requested_model = model
        self.model_name = model or settings.llm.model or "…"
        self._backend: Backend | None = None
        self._library: Library | None = None
        self._lock = threading.Lock()
        self.store = SessionStore(settings.sessions_path)
        self.session = Session(new_session_name())
        self.session_usage = Usage()
        self.last_result: AskResult | None = None
        # Exports (chats, drafts) go where the user started litreview, like any CLI output,
        # not into the data directory where nobody looks; the notification names the path.
        self.export_dir = Path.cwd()
        # No library folder yet (a first start, or a mistyped --home): the ingest dialog says
        # where one will be made, and a sitting that ingested nothing leaves none behind.
        self.made_folder = settings.folder_to_make()
        self.home_was_new = self.made_folder is not None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications show error texts, paths and titles as they are: ``[models.x]`` in a
        message is text, not Rich markup (Textual's default would swallow it)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._focus_where_typing_goes(event)
        await super().on_event(event)

    def _focus_where_typing_goes(self, event: events.Key) -> None:
        """Move the focus to the box a typed character belongs in, before the key is handed on.

        Keys come from the terminal into the app's queue, in order, and the app hands each to
        the focused widget. Moving the focus here, at once (``Widget.focus`` would wait its
        turn behind the keys already queued), sends this key and every later one to the box,
        in order. Redirecting from a screen's ``on_key`` (bae0f11) lost characters of a fast
        burst: the keys reached the screen by bubbling through its queue while later ones went
        straight to the box, and those the screen saw after the focus had moved were dropped
        ("pipelin" asked for "pipeline parallelism").
        """
        from litreview.tui.screens.base import AppScreen

        screen = self.screen
        if not isinstance(screen, AppScreen):
            return
        target = screen.typing_target(event)
        if target is not None and target is not screen.focused:
            screen.set_focus(target)

    def on_mount(self) -> None:
        from litreview.tui.screens.chat import ChatScreen

        self.push_screen(ChatScreen())
        self.warm_up()

    # -- background loading: the first screen is interactive at once ---------------
    @work(thread=True, exclusive=True, group="warm-up")
    def warm_up(self) -> None:
        from litreview.llm.registry import choose_default

        if self._requested_model is None and not self.settings.llm.model:
            self.model_name = choose_default(self.settings).name
        self.call_from_thread(self._status, "loading the index and the embedding model…")
        try:
            library = self.library
            library.reconcile()
            library.warm_up()
        except Exception as exc:  # shown, never a crash: the user can still read the UI
            from litreview.tui.errors import shown

            message = shown(exc) or str(exc)
            self.call_from_thread(self.notify, message, title="Library", severity="error")
            self.call_from_thread(self._status, "index unavailable")
            return
        papers = library.count()
        if papers == 0:  # the dialog opens; once closed, the status line says how to reopen it
            self.call_from_thread(self._status, "empty library · Ctrl+P › Ingest papers")
            self.call_from_thread(self.action_ingest, True)
        else:
            note = library.ranking_note()
            partial = " · ranking partial (ingest unfinished)" if note else ""
            self.call_from_thread(
                self._status, f"ready · {papers} papers{partial}{self.filter_label}"
            )
            if note:
                self.call_from_thread(self.notify, note, title="Library", timeout=10)

    def action_help(self) -> None:
        from litreview.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_ingest(self, empty: bool = False) -> None:
        """Ingest a path or the sample library; an empty library opens this at start."""
        from litreview.tui.screens.ingest import IngestScreen

        def done(changed: int | None) -> None:
            if changed is None:
                return
            self._status(f"ready · {self.library.count()} papers")
            refresh = getattr(self.screen, "load_papers", None)
            if refresh is not None:  # the library screen shows the new papers
                refresh("")

        new_home = self.settings.home if self.home_was_new else None
        self.push_screen(IngestScreen(empty=empty, new_home=new_home), done)

    @property
    def filter_label(self) -> str:
        """`` · collection 'PBRT'`` for the status line, or nothing without filters."""
        f = self.filters
        if f is None:
            return ""
        named = [(k, v) for k, v in (("collection", f.collection), ("tag", f.tag)) if v]
        return "".join(f" · {k} {v!r}" for k, v in named)

    def _status(self, text: str) -> None:
        from litreview.tui.widgets.status import StatusBar

        for bar in self.screen.query(StatusBar):
            bar.activity = text
            bar.model = self.model_name

    @property
    def library(self) -> Library:
        with self._lock:
            if self._library is None:
                from litreview.index.library import Library

                self._library = Library(self.settings)
            return self._library

    def close_library(self) -> bool:
        """Close the library (once the app has exited); whether it holds any paper."""
        with self._lock:
            if self._library is None:
                return False
            held = self._library.count() > 0
            self._library.close()
            self._library = None
            return held

    def backend(self) -> Backend:
        from litreview.llm.registry import resolve

        with self._lock:
            if self._backend is None:
                self._backend = resolve(self.model_name, self.settings)
            return self._backend

    # -- the review tasks -------------------------------------------------------------
    def ask(
        self,
        question: str,
        on_delta: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        exclude: frozenset[str] = frozenset(),
        query: str | None = None,
    ) -> AskResult:
        from litreview.review.ask import ask

        result = ask(
            self.library,
            self.backend(),
            question,
            history=self.session.history(),
            on_delta=on_delta,
            stop=stop,
            exclude=exclude,
            filters=self.filters,
            query=query,
        )
        self.session = self.store.append(self.session.name, Turn.of(result))
        self.spend(result.usage, result.model)
        self.last_result = result
        return result

    def spend(self, usage: Usage, model: str) -> Usage:
        """Count what a model spent into the session's tokens (its status bar), and return
        them. The extractive engine sends nothing to a model: its token counts are what a model
        would have read, and the bar showed "3970 + 208 tokens" where the CLI says "no model,
        no tokens"."""
        from litreview.llm.registry import EXTRACTIVE

        if model != EXTRACTIVE:
            self.session_usage = self.session_usage + usage
        return self.session_usage

    def open_session(self, name: str) -> None:
        """Continue a saved conversation: its turns become the follow-up context again."""
        self.session = self.store.load(name)
        self.session_usage = Usage()  # tokens are counted per sitting, not saved with turns

    def new_session(self) -> None:
        self.session = Session(new_session_name())
        self.session_usage = Usage()

    def export_session(self) -> Path:
        """The conversation as Markdown, its markers renumbered against one reference list,
        in a file of its own (``name.md``, else ``name-2.md``...): it replaces nothing."""
        from litreview.review.export import render_conversation, unused_path

        ids = {str(c["paper_id"]) for t in self.session.turns for c in t.citations}
        try:
            papers = self.papers_by_id(ids)
        except Exception:  # the library cannot open: the saved titles still make references
            papers = {}
        text = render_conversation(self.session.name, self.session.turns, papers)
        self.export_dir.mkdir(parents=True, exist_ok=True)
        path = unused_path(self.export_dir, self.session.name, ".md")
        with path.open("x", encoding="utf-8") as out:  # never over a file made meanwhile
            out.write(text)
        return path

    def papers_by_id(self, ids: Iterable[str]) -> dict[str, Paper]:
        """Papers of saved turns, which keep only ids and titles, for their sources and
        references."""
        return self.library.get(ids)

    # -- models -----------------------------------------------------------------------
    def action_switch_model(self) -> None:
        from litreview.tui.screens.models import ModelScreen

        def chosen(name: str | None) -> None:
            if name:
                self.set_model(name)

        self.push_screen(ModelScreen(self.settings, self.model_name), chosen)

    def set_model(self, name: str) -> None:
        with self._lock:
            self.model_name = name
            self._backend = None
        self._status("ready")
        self.notify(f"Answers now come from {name}", title="Model")

    def action_library(self) -> None:
        from litreview.tui.screens.library import LibraryScreen

        if not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen())

    def action_related_work(self) -> None:
        from litreview.tui.screens.related import RelatedWorkScreen

        if not isinstance(self.screen, RelatedWorkScreen):
            self.push_screen(RelatedWorkScreen())

    def ask_in_chat(
        self, question: str, exclude: frozenset[str] = frozenset(), query: str | None = None
    ) -> None:
        """Back to the chat, asking ``question`` there; ``exclude`` keeps papers out of the
        answer and ``query`` is what is searched (for "papers like this", the paper itself
        and its title and abstract)."""
        from litreview.tui.screens.chat import ChatScreen

        while not isinstance(self.screen, ChatScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, ChatScreen):
            self.screen.ask(question, exclude, query)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Library", "Browse, search and ingest papers", self.action_library)
        yield SystemCommand(
            "Related work",
            "Draft a related-work section from a topic or abstract",
            self.action_related_work,
        )
        yield SystemCommand("Switch model", "Pick the model that answers", self.action_switch_model)
        yield SystemCommand(
            "Export conversation",
            "Write this chat to Markdown with references",
            self._export_chat,
        )
        yield SystemCommand("New chat", "Start a new conversation", self._new_chat)
        yield SystemCommand("Open session", "Reopen a saved conversation", self._open_chat)
        yield SystemCommand("Stop answer", "Stop the answer being written", self._stop)
        yield SystemCommand(
            "Ingest papers", "Add a file, or the sample library", self.action_ingest
        )
        yield SystemCommand("litreview help", "What every key does (F1)", self.action_help)
        # The current screen's own actions, so that every key has a palette entry too.
        from litreview.tui.screens.library import LibraryScreen
        from litreview.tui.screens.related import RelatedWorkScreen

        if isinstance(screen, LibraryScreen):
            yield SystemCommand(
                "Search the library", "Focus the search box", screen.action_focus_search
            )
        if isinstance(screen, RelatedWorkScreen):
            yield SystemCommand(
                "Draft related work", "Draft from the text on the left", screen.action_generate
            )
            yield SystemCommand(
                "Export draft as Markdown",
                "related-work.md + references.bib",
                lambda: screen.action_export("md"),
            )
            yield SystemCommand(
                "Export draft as LaTeX",
                "related-work.tex + references.bib",
                lambda: screen.action_export("latex"),
            )

    def _export_chat(self) -> None:
        from litreview.tui.screens.chat import ChatScreen

        if isinstance(self.screen, ChatScreen):
            self.screen.action_export()
        else:
            path = shown_path(self.export_session())
            self.notify(path, title="Conversation exported to")

    def _open_chat(self) -> None:
        from litreview.tui.screens.chat import ChatScreen

        if isinstance(self.screen, ChatScreen):
            self.screen.action_open_session()

    def _stop(self) -> None:
        from litreview.tui.screens.chat import ChatScreen

        if isinstance(self.screen, ChatScreen):
            self.screen.action_stop()

    def _new_chat(self) -> None:
        from litreview.tui.screens.chat import ChatScreen

        if isinstance(self.screen, ChatScreen):
            self.screen.action_new_session()
