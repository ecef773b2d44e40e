"""The papers an answer was built on, and the abstract of the selected one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from litreview.review.ask import AskResult


class SourcesPanel(Vertical):
    """Sources with scores; selecting one shows its abstract and its sentences' support."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.result: AskResult | None = None

    def compose(self) -> ComposeResult:
        yield OptionList(id="source-list")
        yield Markdown("Sources of the answer appear here.", id="abstract")

    def show_result(self, result: AskResult) -> None:
        self.result = result
        cited = {c.n for c in result.citations}
        options = self.query_one(OptionList)
        options.clear_options()
        for n, hit in enumerate(result.sources, start=1):
            mark = "●" if n in cited else "○"
            options.add_option(
                Option(f"{mark} [{n}] {hit.paper.title}  ({hit.score:.3f})", id=str(n))
            )
        if result.sources:
            self.show_source(1)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show_source(int(event.option.id))

    def show_source(self, n: int) -> None:
        if self.result is None or not 1 <= n <= len(self.result.sources):
            return
        hit = self.result.sources[n - 1]
        paper = hit.paper
        lines = [f"### [{n}] {paper.title}", ""]
        meta = [", ".join(paper.authors), str(paper.year or ""), ", ".join(paper.sources)]
        lines += [" · ".join(m for m in meta if m), "", paper.abstract, ""]
        checks = [s for s in self.result.support if n in s.citations]
        if checks:
            lines += ["#### Sentences citing it", ""]
            for check in checks:
                flag = "✔ supported" if check.supported else "⚠ weakly supported"
                lines.append(f"- {flag} ({check.score:.2f}): {check.sentence}")
        self.query_one("#abstract", Markdown).update("\n".join(lines))
        self.query_one(OptionList).highlighted = n - 1
