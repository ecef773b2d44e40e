"""The papers one answer was built on, and the abstract of the selected one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from litreview.reading.paper import Paper
from litreview.review.ask import AskResult
from litreview.review.support import SupportCheck

PLACEHOLDER = "Sources of the answer appear here."


class SourcesPanel(Vertical):
    """Sources of the answer last selected; selecting one shows its abstract and the support
    of the sentences citing it. It always shows one answer's sources, so ``[n]`` means what
    it meant in that answer."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entries: dict[int, tuple[Paper, float | None]] = {}
        self.support: list[SupportCheck] = []
        self.owner: object | None = None  # the answer widget whose sources these are

    def compose(self) -> ComposeResult:
        yield OptionList(id="source-list")
        yield Markdown(PLACEHOLDER, id="abstract")

    def clear(self) -> None:
        self.entries, self.support, self.owner = {}, [], None
        self.query_one(OptionList).clear_options()
        self.query_one("#abstract", Markdown).update(PLACEHOLDER)

    def show_result(self, result: AskResult, owner: object | None = None) -> None:
        entries: dict[int, tuple[Paper, float | None]] = {
            n: (hit.paper, hit.score) for n, hit in enumerate(result.sources, start=1)
        }
        self._show(entries, {c.n for c in result.citations}, result.support, owner)

    def show_saved(
        self,
        citations: Sequence[Mapping[str, object]],
        papers: Mapping[str, Paper],
        owner: object | None = None,
    ) -> None:
        """A reopened answer: its cited papers, under the numbers the answer gave them."""
        entries: dict[int, tuple[Paper, float | None]] = {}
        for c in citations:
            pid, n = str(c["paper_id"]), int(str(c["n"]))
            paper = papers.get(pid) or Paper(
                pid, str(c.get("title", "")), "(no longer in the library)"
            )
            entries[n] = (paper, None)
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
                label.append(f"  ({score:.3f})")
            options.add_option(Option(label, id=str(n)))
        if entries:
            self.show_source(min(entries))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show_source(int(event.option.id))

    def show_source(self, n: int) -> None:
        if n not in self.entries:
            return
        paper, _ = self.entries[n]
        lines = [f"### [{n}] {paper.title}", ""]
        meta = [", ".join(paper.authors), str(paper.year or ""), ", ".join(paper.sources)]
        lines += [" · ".join(m for m in meta if m), "", paper.abstract, ""]
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
