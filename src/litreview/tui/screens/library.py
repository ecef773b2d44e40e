"""Browse and search the library, open a paper, ask about papers like it, ingest a file.

Typing goes to the search box (the screen opens there, and a letter typed in the table moves
back to it); Down or Tab goes into the table, where Enter opens the highlighted paper.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Markdown

from litreview.reading.paper import Paper
from litreview.review.ask import like_query
from litreview.tui.screens.base import AppScreen
from litreview.tui.widgets.status import StatusBar

SEARCH_RESULTS = 50


class PaperScreen(ModalScreen[str | None]):
    """One paper; ``l`` asks the chat for papers like it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("l", "like", "Papers like this"),
    ]

    def __init__(self, paper: Paper) -> None:
        super().__init__()
        self.paper = paper

    def compose(self) -> ComposeResult:
        p = self.paper
        meta = " · ".join(
            x for x in (", ".join(p.authors), str(p.year or ""), ", ".join(p.sources)) if x
        )
        links = "\n".join(f"- {link}" for link in p.links)
        text = f"## {p.title}\n\n{meta}\n\n{p.abstract}\n\n{links}\n\n`{p.paper_id}`"
        with Vertical(id="paper-dialog"):
            yield Markdown(text)
            yield Label("l: ask for papers like this · Esc: back")

    def action_like(self) -> None:
        self.dismiss(
            f"Which papers in my library are most like “{self.paper.title}”, "
            "and how do they differ?"
        )


# Short columns first so they stay visible next to long titles.
COLUMNS = ("id", "year", "source", "title")


class LibraryScreen(AppScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Chat"),
        # Not Ctrl+I: a terminal sends it as Tab, so it never reaches the app as Ctrl+I.
        Binding("ctrl+o", "app.ingest", "Ingest file"),
        Binding("ctrl+f", "focus_search", "Search"),
        Binding("down", "focus_table", "Results", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="library"):
            yield Input(
                placeholder="Search the library (Enter); empty shows everything",
                id="library-search",
            )
            yield DataTable(id="papers", cursor_type="row", zebra_stripes=True)
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.papers: dict[str, Paper] = {}
        self.load_papers("")
        self.query_one("#library-search", Input).focus()

    @work(thread=True, exclusive=True, group="library")
    def load_papers(self, query: str) -> None:
        library = self.litreview.library
        scores: list[float] | None = None
        if query:
            hits = library.search(library.request(query, k=SEARCH_RESULTS))
            papers, scores = [h.paper for h in hits], [h.score for h in hits]
            note = library.ranking_note()
            if note:
                self.app.call_from_thread(
                    self.app.notify, note, title="Search", timeout=8, markup=False
                )
        else:
            papers = list(library.papers())
        self.app.call_from_thread(self._show, papers, query, scores)

    def _show(self, papers: list[Paper], query: str, scores: list[float] | None = None) -> None:
        """The papers in the table; a search's with their scores, as `litreview search` shows
        them (a user saw a search rank all twelve papers of a library with nothing to say how
        well each matched)."""
        from rich.cells import cell_len

        table = self.query_one(DataTable)
        self.papers = {p.paper_id: p for p in papers}
        rows: list[tuple[str, ...]] = []
        for n, p in enumerate(papers):
            source = p.sources[0] if p.sources else ""
            if len(p.sources) > 1:
                source += f" +{len(p.sources) - 1}"
            cells = (p.paper_id, str(p.year or ""), source, p.title)
            rows.append(cells if scores is None else (f"{scores[n]:.4f}", *cells))
        columns: tuple[str, ...] = COLUMNS if scores is None else ("score", *COLUMNS)
        # Columns as wide as what they hold, set here: a DataTable measures its rows only when
        # its message queue runs dry, and until then draws its columns at their headers'
        # widths ("63  000_c1  A For"), which a loaded machine kept long enough to be seen
        # (and to fail the library screen's snapshot in CI twice).
        table.clear(columns=True)
        for i, label in enumerate(columns):
            table.add_column(label, width=max([cell_len(label), *(cell_len(r[i]) for r in rows)]))
        for p, row in zip(papers, rows, strict=True):
            table.add_row(*row, key=p.paper_id)
        what = f"{len(papers)} papers" + (f" for “{query}”" if query else "")
        self.query_one(StatusBar).activity = what

    @on(Input.Submitted, "#library-search")
    def search(self, event: Input.Submitted) -> None:
        self.load_papers(event.value.strip())

    @on(DataTable.RowSelected)
    def open_paper(self, event: DataTable.RowSelected) -> None:
        paper = self.papers.get(str(event.row_key.value))
        if paper is None:
            return

        def chosen(question: str | None) -> None:
            if question:  # ask_in_chat leaves this screen for the chat
                self.litreview.ask_in_chat(question, frozenset({paper.paper_id}), like_query(paper))

        self.app.push_screen(PaperScreen(paper), chosen)

    def action_focus_search(self) -> None:
        self.query_one("#library-search").focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def on_key(self, event: events.Key) -> None:
        # A letter typed while in the table is meant for the search box ('l' and Enter
        # belong to the paper dialog and the table).
        table = self.query_one(DataTable)
        if self.focused is table and event.is_printable and event.character:
            search = self.query_one("#library-search", Input)
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()
