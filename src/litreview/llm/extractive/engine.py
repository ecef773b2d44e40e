"""The extractive backend: the same streaming interface as any model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cached_property

from litreview.errors import Stopped
from litreview.evidence.scoring import EvidenceScorer
from litreview.llm.backend import Delta, Done, StreamEvent
from litreview.llm.errors import LLMError
from litreview.llm.extractive import related
from litreview.llm.extractive.answer import POLICY, Policy, compose_answer
from litreview.llm.types import Completion, Request, Usage

NAME = "extractive"


class ExtractiveBackend:
    """Answers from the evidence sentences themselves; no model, no network, no cost."""

    TASKS = ("answer", "theme_name", "related_paragraph")

    def __init__(self, policy: Policy = POLICY) -> None:
        # Another policy only for benchmarks that compare the engine's choices under two.
        self.policy = policy

    @property
    def name(self) -> str:
        return NAME

    @property
    def context_window(self) -> int | None:
        return None  # it reads every source whole

    @property
    def max_output_tokens(self) -> int | None:
        return None

    @property
    def quotes_sources(self) -> bool:
        return True

    @cached_property
    def scorer(self) -> EvidenceScorer:
        return EvidenceScorer.shared()

    def run(self, request: Request) -> str:
        if request.task == "answer":
            return compose_answer(
                self.scorer,
                request.query,
                request.sources,
                self.policy,
                request.about,
                nearest=bool(request.lacking) or request.far,
            )
        if request.task == "theme_name":
            return related.theme_name(request.sources, request.others, request.phrase_share)
        if request.task == "related_paragraph":
            return related.paragraph(self.scorer, request.theme, request.query, request.sources)
        raise LLMError(
            f"the extractive engine cannot do task {request.task!r}; "
            f"it does {', '.join(self.TASKS)} (pick a model with --model)"
        )

    def _usage(self, request: Request, text: str) -> Usage:
        count = self.scorer.count_tokens
        prompt = sum(count(m.content) for m in request.messages)
        return Usage(prompt, count(text), 0.0)

    def stream(
        self, request: Request, stop: threading.Event | None = None
    ) -> Iterator[StreamEvent]:
        text = self.run(request)
        for piece in _pieces(text):
            if stop is not None and stop.is_set():
                raise Stopped("stopped")
            yield Delta(piece)
        yield Done(Completion(text, self._usage(request, text), NAME))


def _pieces(text: str, words: int = 4) -> Iterator[str]:
    """Word groups (with their spacing) so a UI streams the answer as it would a model's."""
    import re

    tokens = re.findall(r"\S+\s*|\s+", text)
    for start in range(0, len(tokens), words):
        yield "".join(tokens[start : start + words])
