"""One chat message: the question, or an answer that streams in and links its citations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual.widgets import Markdown

if TYPE_CHECKING:
    from litreview.review.ask import AskResult

_MARKER = re.compile(r"\[(\d+)\]")


def linkify(text: str) -> str:
    """``[3]`` -> a Markdown link ``cite:3`` so a click (or Enter) opens source 3."""
    return _MARKER.sub(lambda m: f"[\\[{m.group(1)}\\]](cite:{m.group(1)})", text)


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
