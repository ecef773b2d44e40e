"""Ask: retrieve, build a numbered context, stream a cited answer, check its citations."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchHit, SearchRequest
from litreview.llm.backend import Backend, Delta, Done
from litreview.llm.extractive.evidence import EvidenceScorer
from litreview.llm.extractive.sentences import split_sentences
from litreview.llm.types import Completion, Message, Request, Source, Usage
from litreview.review import prompts
from litreview.review.citations import Citation, check
from litreview.review.support import SupportCheck, check_support

DEFAULT_ANSWER_TOKENS = 512
EVIDENCE_SENTENCES = 4  # per source in prompts for models: short prompts for small local models


@dataclass
class AskResult:
    question: str
    answer: str
    citations: list[Citation]
    sources: list[SearchHit]
    dropped_citations: list[int]
    usage: Usage
    model: str
    raw_answer: str = ""
    messages: list[Message] = field(default_factory=list)
    support: list[SupportCheck] = field(default_factory=list)

    @property
    def weak(self) -> list[SupportCheck]:
        return [s for s in self.support if not s.supported]

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "sources": [{"n": i, **hit.to_dict()} for i, hit in enumerate(self.sources, start=1)],
            "dropped_citations": self.dropped_citations,
            "support": [s.to_dict() for s in self.support],
            "weakly_supported": len(self.weak),
            "usage": self.usage.to_dict(),
            "model": self.model,
        }


def retrieval_query(question: str, history: Sequence[Message]) -> str:
    """A follow-up ("and which of them is fastest?") is searched with the question before it."""
    previous = [m.content for m in history if m.role == "user"][-1:]
    return " ".join([*previous, question])


def trim(scorer: EvidenceScorer, question: str, text: str, keep: int) -> str:
    """The ``keep`` sentences of an abstract that matter most for the question, in order."""
    sentences = split_sentences(text)
    if len(sentences) <= keep:
        return text
    source = Source(0, "", "", text)
    scored = scorer.sentences(question, [source])
    best = sorted(sorted(scored, key=lambda e: -e.score)[:keep], key=lambda e: e.index)
    return " … ".join(e.text for e in best)


def build_sources(
    hits: Sequence[SearchHit], question: str, scorer: EvidenceScorer | None
) -> tuple[Source, ...]:
    return tuple(
        Source(
            n,
            hit.paper.paper_id,
            hit.paper.title,
            trim(scorer, question, hit.paper.abstract, EVIDENCE_SENTENCES)
            if scorer
            else hit.paper.abstract,
        )
        for n, hit in enumerate(hits, start=1)
    )


def answer_request(
    question: str, sources: tuple[Source, ...], history: Sequence[Message] = ()
) -> Request:
    """The prompt (system, earlier turns, sources + question) and its structured twin."""
    system, user = prompts.messages(
        "answer", sources=prompts.render_sources(sources), question=question
    )
    return Request(
        task="answer",
        messages=(system, *history, user),
        query=question,
        sources=sources,
        history=tuple(history),
    )


def fit_window(
    backend: Backend,
    scorer: EvidenceScorer,
    question: str,
    sources: tuple[Source, ...],
    history: Sequence[Message],
) -> Request:
    """Drop the least relevant sources until the prompt fits the model's context window.

    The window and answer budget come from the model's config; token counts
    use the embedding tokenizer, a close estimate for English text.
    """
    request = answer_request(question, sources, history)
    window = getattr(backend, "context_window", None)
    if not window:
        return request
    reserve = getattr(backend, "max_output_tokens", None) or DEFAULT_ANSWER_TOKENS
    while len(sources) > 1:
        used = sum(scorer.count_tokens(m.content) for m in request.messages)
        if used + reserve <= window:
            break
        sources = sources[:-1]
        request = answer_request(question, sources, history)
    return request


def ask(
    library: Library,
    backend: Backend,
    question: str,
    *,
    k: int | None = None,
    history: Sequence[Message] = (),
    on_delta: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    scorer: EvidenceScorer | None = None,
    exclude: frozenset[str] = frozenset(),
) -> AskResult:
    question = " ".join(question.split())
    hits = library.search(
        SearchRequest(
            retrieval_query(question, history),
            k=k or library.settings.retrieval.k,
            filters=Filters(exclude=exclude),
        )
    )
    extractive = backend.name == "extractive"
    scorer = scorer or EvidenceScorer.shared()
    sources = build_sources(hits, question, None if extractive else scorer)
    request = fit_window(backend, scorer, question, sources, history)
    sources = request.sources
    hits = hits[: len(sources)]  # numbering [n] stays the sources the model saw
    completion: Completion | None = None
    for event in backend.stream(request, cancel):
        if isinstance(event, Delta):
            if on_delta is not None:
                on_delta(event.text)
        elif isinstance(event, Done):
            completion = event.completion
    assert completion is not None
    checked = check(completion.text, sources)
    # The extractive engine quotes its sources; checking it would only measure itself.
    support = [] if extractive else check_support(scorer, checked.text, hits_as_sources(hits))
    return AskResult(
        question=question,
        answer=checked.text,
        citations=checked.citations,
        sources=list(hits),
        dropped_citations=checked.dropped,
        usage=completion.usage,
        model=completion.model,
        raw_answer=completion.text,
        messages=list(request.messages),
        support=support,
    )


def hits_as_sources(hits: Sequence[SearchHit]) -> tuple[Source, ...]:
    """Full abstracts (not the trimmed prompt evidence): support is judged on the whole text."""
    return build_sources(hits, "", None)
