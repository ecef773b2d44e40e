"""Ask: retrieve, build a numbered context, stream a cited answer, check its citations."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import split_sentences, whole_sentences
from litreview.evidence.source import Source
from litreview.index.fusion import reciprocal_rank_fusion
from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchHit
from litreview.llm.backend import Backend, Delta, Done
from litreview.llm.types import Completion, Message, Request, Usage
from litreview.reading.paper import PageText
from litreview.review import prompts
from litreview.review.citations import Citation, CitationStream, check
from litreview.review.support import MAX_CHECKED_CHARS, SupportCheck, check_support

DEFAULT_ANSWER_TOKENS = 512
EVIDENCE_SENTENCES = 4  # per source in prompts for models: short prompts for small local models
PASSAGES_PER_SOURCE = 2  # full-text passages beside each abstract (the best-matching ones)
PASSAGE_SENTENCES = 3  # per passage in prompts for models


@dataclass
class AskResult:
    question: str
    answer: str
    citations: list[Citation]
    sources: list[SearchHit]
    dropped_citations: list[int]
    usage: Usage
    model: str
    messages: list[Message] = field(default_factory=list)
    support: list[SupportCheck] = field(default_factory=list)
    unchecked_chars: int = 0  # of the answer past the support check's cap (MAX_CHECKED_CHARS)
    ranking_note: str | None = None  # "ranking is partial: ..." while indexing is unfinished
    dropped_pages: list[tuple[int, int]] = field(default_factory=list)  # (n, page) not given

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
            "dropped_pages": [{"n": n, "page": page} for n, page in self.dropped_pages],
            "support": [s.to_dict() for s in self.support],
            "weakly_supported": len(self.weak),
            "support_unchecked_chars": self.unchecked_chars,
            "ranking_note": self.ranking_note,
            "usage": self.usage.to_dict(),
            "model": self.model,
        }


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A follow-up is searched with the question it follows only when it leans on it: a topic change
# ("How can huge models be trained with little GPU memory?" after a question on backdoors) must
# retrieve exactly what it would as a first question, or the earlier topic crowds it out.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]*’")
_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
# Words that point back at something said before, whatever surrounds them.
_DEICTIC = _words(
    "this these those such former latter above aforementioned abovementioned previous mentioned"
)
# Personal pronouns point back only when nothing in the question came before them to refer to
# ("Does it need clean data?", not "How do diffusion models generalize, and why do they ...").
_PRONOUNS = _words("it its itself they them their theirs themselves")
# "that" is mostly a relative pronoun ("methods that prune"); it points back on its own, or
# before a noun that names an earlier answer's subject ("that approach").
_THAT_NOUNS = _words(
    "one ones approach approaches method methods paper papers work works model models "
    "technique techniques idea ideas result results system systems defense defence attack "
    "supervision framework algorithm"
)
# Openings that continue the previous question ("And for diffusion models?", "What about ...").
_CONTINUATIONS = (
    "and ",
    "also ",
    "what about ",
    "how about ",
    "same ",
    "any other",
    "anything else",
    "what else",
    "others",
    "more ",
    "but ",
    "or ",
    "so ",
    "then ",
    "how so",
    "which one",
    "the first",
    "the second",
    "the last",
)
_STOPWORDS = _words(
    "a an the and or but if of to in on for with by from at as is are was were be been being "
    "do does did done doing has have had can could may might must shall should will would "
    "what which who whom whose when where why how there here not no nor so than too very "
    "i me my we our you your he she him her his one any all each some most more other "
    "about into over under between through during before after again further only own same "
    "just also both either neither much many few less least way ways paper papers library "
    "exist exists existing use used using work works make makes made"
)


# Words that ask about something without naming it: a question made only of these and stopwords
# ("Which is fastest?", "Tell me more about the first one") is about the previous topic.
_GENERIC = _words(
    "fastest slowest best worst cheapest newest oldest latest recent biggest smallest largest "
    "fast faster slow slower better worse bigger smaller cheaper cost costs code data dataset "
    "datasets result results accuracy limitation limitations drawback drawbacks advantage "
    "advantages pros cons difference differences differ compare compared comparison tell "
    "explain describe summarize summarise show give list detail details example examples "
    "first second third last else"
)


def _content_before(words: list[str], index: int) -> int:
    return sum(1 for w in words[:index] if w not in _STOPWORDS and len(w) > 2)


def depends_on_history(question: str) -> bool:
    """Does ``question`` lean on the turns before it (an anaphor, an ellipsis)?

    Deliberately lexical: it runs on every question and costs nothing. Reading
    a topic change as a follow-up costs little (``retrieve`` fuses in the
    question's own search); the reverse loses the context, so the rule leans
    to "follow-up" (``bench/followup_retrieval`` counts both mistakes). Quoted
    text (a title in "papers like “…”") is not read: its words never point back.
    """
    text = _QUOTED.sub(" quoted ", question.casefold().replace("’", "'"))
    words = _WORD.findall(text)
    if not words:
        return False
    stripped = " ".join(words) + " "
    if stripped.startswith(_CONTINUATIONS):
        return True
    if not any(w not in _STOPWORDS and w not in _GENERIC and len(w) > 2 for w in words):
        return True  # "Which is fastest?", "Any code?"
    for i, word in enumerate(words):
        if word in _DEICTIC:
            return True
        if word in _PRONOUNS and _content_before(words, i) < 2:
            return True
        if word in ("one", "ones") and _content_before(words, i) < 2:
            after = words[i + 1] if i + 1 < len(words) else ""
            if after in _STOPWORDS or after in ("that", ""):  # "one that ...", not "one network"
                return True
        if word == "that":
            after = words[i + 1] if i + 1 < len(words) else ""
            if not after or after in _THAT_NOUNS or i == 0:
                return True
    return False


MAX_CONTEXT_QUESTIONS = 3


def retrieval_query(question: str, history: Sequence[Message]) -> str:
    """The text retrieval searches for ``question`` asked after ``history``.

    A question that leans on the previous one ("Which of them needs no clean
    data?") is searched with it, and with the one before while those lean back
    too; any other question is searched alone, exactly as a first question.
    """
    if not depends_on_history(question):
        return question
    earlier = [m.content for m in history if m.role == "user"]
    context: list[str] = []
    for previous in reversed(earlier[-MAX_CONTEXT_QUESTIONS:]):
        context.insert(0, previous)
        if not depends_on_history(previous):
            break
    return " ".join([*context, question])


def retrieve(
    library: Library,
    question: str,
    history: Sequence[Message] = (),
    *,
    k: int,
    exclude: frozenset[str] = frozenset(),
) -> list[SearchHit]:
    """The papers for ``question`` asked after ``history``.

    A question that stands alone is searched alone. One that leans on earlier
    turns is searched twice, alone and with the questions it leans on, and the
    two rankings are fused (reciprocal rank): the earlier question says what
    "them" is, the new one's own words still rank the papers within it, and a
    topic change misread as a follow-up keeps its own papers near the top.
    ``bench/followup_retrieval`` measures the alternatives.
    """
    filters = Filters(exclude=exclude)
    in_context = retrieval_query(question, history)
    if in_context == question:
        return library.search(library.request(question, k=k, filters=filters))
    depth = max(2 * k, 20)
    rankings = [
        library.search(library.request(query, k=depth, filters=filters))
        for query in (question, in_context)
    ]
    by_id: dict[str, SearchHit] = {}
    for ranking in reversed(rankings):  # the question's own hit (and scores) wins
        by_id.update((hit.paper.paper_id, hit) for hit in ranking)
    fused = reciprocal_rank_fusion(
        [[hit.paper.paper_id for hit in ranking] for ranking in rankings], [1.0, 1.0]
    )
    order = sorted(fused, key=lambda paper_id: -fused[paper_id])[:k]
    return [replace(by_id[paper_id], rank=rank) for rank, paper_id in enumerate(order, start=1)]


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
    """Numbered sources: each paper's abstract and the full-text passages that matched.

    With a ``scorer`` (prompts for models) each is trimmed to the sentences
    that matter most for the question; without one (the extractive engine,
    the support check) they are whole. Passages are read as running text of
    whole sentences (:func:`whole_sentences`).
    """
    return tuple(
        Source(
            n,
            hit.paper.paper_id,
            hit.paper.title,
            trim(scorer, question, hit.paper.abstract, EVIDENCE_SENTENCES)
            if scorer
            else hit.paper.abstract,
            tuple(
                PageText(
                    p.page, trim(scorer, question, text, PASSAGE_SENTENCES) if scorer else text
                )
                for p in hit.passages[:PASSAGES_PER_SOURCE]
                if (text := whole_sentences(p.text))
            ),
        )
        for n, hit in enumerate(hits, start=1)
    )


def answer_request(
    question: str, sources: tuple[Source, ...], history: Sequence[Message] = ()
) -> Request:
    """The prompt (system, earlier turns, sources + question) and its structured twin."""
    system, user = prompts.messages(
        "answer",
        sources=prompts.render_sources(sources),
        question=question,
        pages=prompts.pages_rule(sources),
    )
    return Request(
        task="answer",
        messages=(system, *history, user),
        query=question,
        sources=sources,
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
    window = backend.context_window
    if not window:
        return request
    reserve = backend.max_output_tokens or DEFAULT_ANSWER_TOKENS
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
    stop: threading.Event | None = None,
    scorer: EvidenceScorer | None = None,
    exclude: frozenset[str] = frozenset(),
) -> AskResult:
    """Answer ``question`` from the library, citing its sources as ``[n]``.

    ``on_delta`` receives the answer as it streams, already checked: a
    citation marker reaches it only once complete and resolved, a removed one
    never does, so what a terminal or the TUI shows is ``answer`` itself.
    """
    question = " ".join(question.split())
    hits = retrieve(
        library, question, history, k=k or library.settings.retrieval.k, exclude=exclude
    )
    extractive = backend.quotes_sources
    scorer = scorer or EvidenceScorer.shared()
    sources = build_sources(hits, question, None if extractive else scorer)
    request = fit_window(backend, scorer, question, sources, history)
    sources = request.sources
    hits = hits[: len(sources)]  # numbering [n] stays the sources the model saw
    completion: Completion | None = None
    shown = CitationStream(sources)
    for event in backend.stream(request, stop):
        if isinstance(event, Delta):
            _show(on_delta, shown.feed(event.text))
        elif isinstance(event, Done):
            completion = event.completion
    assert completion is not None
    _show(on_delta, shown.finish())
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
        messages=list(request.messages),
        support=support,
        unchecked_chars=0 if extractive else max(0, len(checked.text) - MAX_CHECKED_CHARS),
        ranking_note=library.ranking_note(),
        dropped_pages=checked.dropped_pages,
    )


def _show(on_delta: Callable[[str], None] | None, text: str) -> None:
    if on_delta is not None and text:
        on_delta(text)


def hits_as_sources(hits: Sequence[SearchHit]) -> tuple[Source, ...]:
    """Full abstracts (not the trimmed prompt evidence): support is judged on the whole text."""
    return build_sources(hits, "", None)
