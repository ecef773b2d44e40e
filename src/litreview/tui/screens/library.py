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
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, Markdown

from litreview.reading.paper import Paper
from litreview.review.ask import like_query
from litreview.tui.screens.base import AppScreen
from litreview.tui.screens.chat import escape_markdown
from litreview.tui.widgets.status import StatusBar
from litreview.tui.widgets.textbox import TextBox

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
        text = (
            f"## {p.title}\n\n{meta}\n\n{identifiers(p)}\n\n{p.abstract}\n\n{links}\n\n"
            f"`{p.paper_id}`"
        )
        with Vertical(id="paper-dialog"):
            yield Markdown(text)
            yield Label("l: ask for papers like this · Esc: back")

    def action_like(self) -> None:
        self.dismiss(
            f"Which papers in my library are most like “{self.paper.title}”, "
            "and how do they differ?"
        )


def identifiers(paper: Paper) -> str:
    """The paper's DOI, arXiv id and URL, one a line, as Markdown links whose text is the
    identifier itself: the user copies it as shown, or clicks it to open the page. The dialog
    showed none of them, so a paper could not be looked up from the library."""
    lines: list[str] = []
    if paper.doi:
        lines.append(f"DOI: {link(paper.doi, f'https://doi.org/{paper.doi}')}")
    if paper.arxiv_id:
        lines.append(f"arXiv: {link(paper.arxiv_id, f'https://arxiv.org/abs/{paper.arxiv_id}')}")
    doi_url = f"https://doi.org/{paper.doi}".lower() if paper.doi else None
    if paper.url and paper.url.lower() != doi_url:  # most URLs of a DOI are its doi.org link
        lines.append(f"URL: {link(paper.url, paper.url)}")
    return "  \n".join(lines)  # a hard break: one identifier per line


def link(text: str, url: str) -> str:
    """``text`` shown as it is, linked to ``url`` (angle brackets: parentheses and spaces in
    a DOI stay inside the link)."""
    return f"[{escape_markdown(text)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"


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
            # Ctrl+F, or typing in the table, comes back to it with the search kept, the
            # cursor after it: Input's default selected it for the next key to replace.
            yield TextBox(
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

    def typing_target(self, event: events.Key) -> Widget | None:
        # A letter typed in the table is meant for the search box ('l' and Enter belong to
        # the paper dialog and the table); the app moves the focus before handing the key on,
        # so a fast burst lands whole and in order.
        if self.focused is self.query_one(DataTable) and self.typed_into_nothing(event):
            return self.query_one("#library-search", Input)
        return None
