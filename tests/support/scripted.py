"""A scripted backend for unit tests of the review tasks: never a product path."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from litreview.llm.backend import Delta, Done, StreamEvent
from litreview.llm.types import Completion, Request, Usage


class Scripted:
    """A unit-test fake: answers each request with the next scripted text."""

    def __init__(self, *texts: str) -> None:
        self.texts = list(texts)
        self.requests: list[Request] = []

    @property
    def name(self) -> str:
        return "scripted"

    def stream(
        self, request: Request, stop: threading.Event | None = None
    ) -> Iterator[StreamEvent]:
        self.requests.append(request)
        text = self.texts.pop(0) if len(self.texts) > 1 else self.texts[0]
        yield Delta(text)
        yield Done(Completion(text, Usage(10, 5, 0.001), "scripted"))

    context_window = None
    max_output_tokens = None
    quotes_sources = False
