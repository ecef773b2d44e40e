"""What every backend offers: a stream of text deltas ending in a finished completion.

The TUI and the review tasks consume this one shape, whichever model is
behind it, so the extractive engine needs no special case anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from litreview.llm.types import Completion, Request


@dataclass(frozen=True)
class Delta:
    """A piece of text as it arrives."""

    text: str


@dataclass(frozen=True)
class Done:
    """The end of a stream: the whole text and what it cost."""

    completion: Completion


StreamEvent = Delta | Done


@runtime_checkable
class Backend(Protocol):
    """A model that answers requests."""

    @property
    def name(self) -> str:
        """What the UI and JSON call this model (e.g. ``extractive``, ``openai/gpt-4o-mini``)."""
        ...

    @property
    def context_window(self) -> int | None:
        """Tokens the model reads at most (prompt + answer); ``None``: no limit to respect."""
        ...

    @property
    def max_output_tokens(self) -> int | None:
        """Tokens it may answer with, to reserve in the window; ``None``: a default is kept."""
        ...

    @property
    def quotes_sources(self) -> bool:
        """Whether its text is quoted from the sources it is given (the extractive engine).

        Such text needs no trimmed evidence in its prompt and no support check:
        checking a quotation against itself would only measure the check.
        """
        ...

    def stream(
        self, request: Request, stop: threading.Event | None = None
    ) -> Iterator[StreamEvent]:
        """Deltas, then exactly one :class:`Done`; raises :class:`~litreview.llm.errors.LLMError`.

        Setting ``stop`` stops the stream at the next delta with
        :class:`~litreview.llm.errors.Stopped`.
        """
        ...


def complete(backend: Backend, request: Request, stop: threading.Event | None = None) -> Completion:
    """Run a request to the end and return the finished completion."""
    for event in backend.stream(request, stop):
        if isinstance(event, Done):
            return event.completion
    raise RuntimeError(f"backend {backend.name} ended its stream without a result")
