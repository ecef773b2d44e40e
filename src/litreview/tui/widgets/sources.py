"""The papers one answer was built on, and the abstract of the selected one.

A paper with full text also shows the passages the answer was given, each
under its page; a citation of a page (``[3, p. 7]``) opens the paper with
that page's passages marked, so a reader checks the claim where it is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from litreview.evidence.sentences import whole_sentences
from litreview.reading.paper import PageText, Paper, page_label
from litreview.review.ask import AskResult
from litreview.review.support import SupportCheck

PLACEHOLDER = "Sources of the answer appear here."
PASSAGES_SHOWN = 3

# How a source's retrieval score is shown. The snapshot tests show "(score)": the digits come
# from int8 models whose arithmetic differs by processor (AVX2 alone against AVX-512 VNNI:
# 0.699 / 0.681 for one paper), and a screen's snapshot must not.
SCORE_LABEL = "  ({:.3f})"


class SourcesPanel(Vertical):
    """Sources of the answer last selected; selecting one shows its abstract and the support
    of the sentences citing it. It always shows one answer's sources, so ``[n]`` means what
    it meant in that answer."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entries: dict[int, tuple[Paper, float | None]] = {}
        self.passages: dict[int, tuple[PageText, ...]] = {}  # per source: what the answer saw
        self.cited_pages: dict[int, tuple[int, ...]] = {}
        self.support: list[SupportCheck] = []
        self.owner: object | None = None  # the answer widget whose sources these are

    def compose(self) -> ComposeResult:
        yield OptionList(id="source-list")
        yield Markdown(PLACEHOLDER, id="abstract")

    def clear(self) -> None:
        self.entries, self.support, self.owner = {}, [], None
        self.passages, self.cited_pages = {}, {}
        self.query_one(OptionList).clear_options()
        self.query_one("#abstract", Markdown).update(PLACEHOLDER)

    def show_result(self, result: AskResult, owner: object | None = None) -> None:
        entries: dict[int, tuple[Paper, float | None]] = {
            n: (hit.paper, hit.score) for n, hit in enumerate(result.sources, start=1)
        }
        self.passages = {  # as the answer read them: whole sentences
            n: tuple(
                PageText(p.page, whole_sentences(p.text) or p.text)
                for p in hit.passages[:PASSAGES_SHOWN]
            )
            for n, hit in enumerate(result.sources, start=1)
            if hit.passages
        }
        self.cited_pages = {c.n: c.pages for c in result.citations if c.pages}
        self._show(entries, {c.n for c in result.citations}, result.support, owner)

    def show_saved(
        self,
        citations: Sequence[Mapping[str, object]],
        papers: Mapping[str, Paper],
        owner: object | None = None,
    ) -> None:
        """A reopened answer: its cited papers, under the numbers the answer gave them (and
        the pages it cited; the passages themselves were not saved with it)."""
        self.cited_pages = {}
        entries: dict[int, tuple[Paper, float | None]] = {}
        for c in citations:
            pid, n = str(c["paper_id"]), int(str(c["n"]))
            paper = papers.get(pid) or Paper(
                pid, str(c.get("title", "")), "(no longer in the library)"
            )
            entries[n] = (paper, None)
            pages = c.get("pages")
            if isinstance(pages, list) and pages:
                self.cited_pages[n] = tuple(int(p) for p in pages)
        self.passages = {}
        self._show(entries, set(entries), [], owner)

    def _show(
        self,
        entries: dict[int, tuple[Paper, float | None]],
        cited: set[int],
        support: list[SupportCheck],
        owner: object | None,
    ) -> None:
        self.entries, self.support, self.owner = entries, support, owner
        options = self.query_one(OptionList)
        options.clear_options()
        for n, (paper, score) in sorted(entries.items()):
            mark = "●" if n in cited else "○"
            label = Text(f"{mark} [{n}] {paper.title}")  # a Text: titles are not markup
            if score is not None:
                label.append(SCORE_LABEL.format(score))
            options.add_option(Option(label, id=str(n)))
        if entries:
            self.show_source(min(entries))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show_source(int(event.option.id))

    def show_source(self, n: int, page: int | None = None) -> None:
        """Source ``n``: its abstract, then its passages with their pages (``page``, when a
        citation named one, marked and first)."""
        if n not in self.entries:
            return
        paper, _ = self.entries[n]
        lines = [f"### [{n}] {paper.title}", ""]
        # "Chang, Fay, Dean, Jeffrey" hides where a name ends: names kept "Last, First" (as
        # Zotero stores them) are set apart by semicolons.
        apart = "; " if any("," in a for a in paper.authors) else ", "
        meta = [apart.join(paper.authors), str(paper.year or ""), ", ".join(paper.sources)]
        lines += [" · ".join(m for m in meta if m), ""]
        passages = self._passage_lines(n, page)
        if page is not None and passages:  # a page was cited: its words first, in view
            lines += [*passages, "#### Abstract", "", paper.abstract, ""]
        else:
            lines += [paper.abstract, "", *passages]
        checks = [s for s in self.support if n in s.citations]
        if checks:
            lines += ["#### Sentences citing it", ""]
            for check in checks:
                flag = "✔ supported" if check.supported else "⚠ weakly supported"
                lines.append(f"- {flag} ({check.score:.2f}): {check.sentence}")
        self.query_one("#abstract", Markdown).update("\n".join(lines))
        options = self.query_one(OptionList)
        index = sorted(self.entries).index(n)
        if options.highlighted != index:
            options.highlighted = index

    def _passage_lines(self, n: int, page: int | None) -> list[str]:
        passages = self.passages.get(n, ())
        cited = self.cited_pages.get(n, ())
        if not passages:
            if not cited:
                return []
            pages = ", ".join(f"p. {p}" for p in cited)
            return [f"*The answer cites its full text at {pages}.*", ""]
        order = sorted(passages, key=lambda p: p.page != page)  # the cited page first
        lines = ["#### Passages from the full text", ""]
        for passage in order:
            mark = "▶ " if passage.page == page else ""
            cite = " · cited" if passage.page in cited else ""
            head = f"**{mark}{page_label(passage.page)}{cite}**"
            lines += [head, "", f"> {_quote(passage.text)}", ""]
        return lines


def _quote(text: str) -> str:
    """A passage as one Markdown quote, shown as it is: its line breaks (PDF layout) are not
    paragraphs, and its brackets, asterisks and underscores are not markup."""
    return "".join("\\" + c if c in "\\`*_[]<>#" else c for c in " ".join(text.split()))
