"""One chat message: the question, or an answer that streams in and links its citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual.widgets import Markdown

if TYPE_CHECKING:
    from litreview.review.ask import AskResult

_MARKER = re.compile(r"\[(\d+)(?:, p\. (\d+))?\]")  # as citations.check writes them


def linkify(text: str) -> str:
    """``[3]`` -> a Markdown link ``cite:3`` so a click (or Enter) opens source 3;
    ``[3, p. 7]`` -> ``cite:3:7``, which opens it at its passage from page 7."""

    def link(m: re.Match[str]) -> str:
        n, page = m.group(1), m.group(2)
        if page is None:
            return f"[\\[{n}\\]](cite:{n})"
        return f"[\\[{n}, p. {page}\\]](cite:{n}:{page})"

    return _MARKER.sub(link, text)


def parse_cite(href: str) -> tuple[int, int | None]:
    """``cite:3`` -> (3, None); ``cite:3:7`` -> (3, 7)."""
    n, _, page = href.removeprefix("cite:").partition(":")
    return int(n), int(page) if page else None


class Question(Markdown):
    DEFAULT_CLASSES = "question"


class Answer(Markdown):
    """An answer keeps its own sources: its ``[n]`` links open them, not the latest answer's."""

    DEFAULT_CLASSES = "answer"

    def __init__(
        self,
        markdown: str = "",
        result: AskResult | None = None,
        citations: Sequence[Mapping[str, object]] = (),
    ) -> None:
        super().__init__(markdown)
        self.result = result
        self.citations = list(citations)  # a reopened answer: what its [n] pointed at
