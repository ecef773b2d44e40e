"""Plain data passed between the review tasks and the backends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from litreview.evidence.source import Source

Role = Literal["system", "user", "assistant"]
Task = Literal["answer", "theme_name", "related_paragraph", "relevance"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Usage:
    """Tokens and cost of one call; ``cost_usd`` is ``None`` when nobody knows the price."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0

    def __add__(self, other: Usage) -> Usage:
        cost = (
            None
            if self.cost_usd is None or other.cost_usd is None
            else self.cost_usd + other.cost_usd
        )
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            cost,
        )

    @property
    def cost_label(self) -> str:
        return "n/a" if self.cost_usd is None else f"${self.cost_usd:.4f}"

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Usage:
        cost = data.get("cost_usd")
        return cls(
            int(str(data.get("prompt_tokens") or 0)),
            int(str(data.get("completion_tokens") or 0)),
            None if cost is None else float(str(cost)),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": self.cost_usd,
        }


@dataclass(frozen=True)
class Request:
    """What a task asks of a model.

    ``messages`` is the rendered prompt for instruction-following models.
    The other fields carry the same request in structured form for the
    extractive engine, which reads evidence, not prompts: ``others`` and
    ``phrase_share`` serve naming a theme (the other themes' papers, each
    candidate phrase's share of the library), ``theme`` a theme's paragraph, and ``about``
    the numbers of the sources an answer is about when the question names one thing through
    an earlier turn ("Which benchmarks did they evaluate it on?"; a model reads the turns);
    ``lacking`` the names the question uses that no paper of the library writes (the answer
    then opens by saying so, :mod:`~litreview.evidence.names`, and the sources are only
    the nearest papers); ``far`` that even the first paper is far from the question (the
    answer opens with :data:`~litreview.evidence.coverage.FAR_NOTE`; again only the nearest).
    """

    task: Task
    messages: tuple[Message, ...]
    query: str = ""
    sources: tuple[Source, ...] = ()
    others: tuple[Source, ...] = ()
    phrase_share: Mapping[str, float] = field(default_factory=dict)
    theme: str = ""
    about: tuple[int, ...] = ()
    lacking: tuple[str, ...] = ()
    far: bool = False


@dataclass(frozen=True)
class Completion:
    """A finished call: the whole text, its usage, and the model that produced it."""

    text: str
    usage: Usage
    model: str
