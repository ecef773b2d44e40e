"""Ask: retrieve, build a numbered context, stream a cited answer, check its citations."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from litreview.evidence import coverage, names
from litreview.evidence.frame import without_frame
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import split_sentences, whole_sections
from litreview.evidence.source import Section, Source
from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchHit
from litreview.llm.backend import Backend, Delta, Done
from litreview.llm.types import Completion, Message, Request, Usage
from litreview.reading.paper import PageText, Paper
from litreview.review import limited, metadata_followup, prompts
from litreview.review.citations import Citation, CitationStream, check
from litreview.review.followup import about_one, retrieve
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
    whole sentences under their section headings (:func:`whole_sections`).
    """
    return tuple(_source(n, hit, question, scorer) for n, hit in enumerate(hits, start=1))


def _source(n: int, hit: SearchHit, question: str, scorer: EvidenceScorer | None) -> Source:
    passages: list[PageText] = []
    sections: list[Section] = []
    for p in hit.passages[:PASSAGES_PER_SOURCE]:
        blocks = whole_sections(p.text, p.heading)
        if not blocks:
            continue
        text = " ".join(b.text for b in blocks)
        passages.append(
            PageText(p.page, trim(scorer, question, text, PASSAGE_SENTENCES) if scorer else text)
        )
        sections += [Section(p.page, b.heading, b.text, b.opens) for b in blocks]
    abstract = hit.paper.abstract
    return Source(
        n,
        hit.paper.paper_id,
        hit.paper.title,
        trim(scorer, question, abstract, EVIDENCE_SENTENCES) if scorer else abstract,
        tuple(passages),
        sections=tuple(sections),
        authors=hit.paper.authors,
    )


def answer_request(
    question: str, sources: tuple[Source, ...], history: Sequence[Message] = ()
) -> Request:
    """The prompt (system, earlier turns, sources + question) and its structured twin; a
    question about the one thing an earlier turn named is about the first source, which its
    search ranked first (:func:`~litreview.review.followup.about_one`)."""
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
        about=(sources[0].n,) if sources and history and about_one(question, history) else (),
    )


def like_query(paper: Paper) -> str:
    """What "papers like this" searches for: the paper's own title and abstract."""
    return f"{paper.title}. {paper.abstract}"


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
    filters: Filters | None = None,
    query: str | None = None,
) -> AskResult:
    """Answer ``question`` from the library, citing its sources as ``[n]``.

    ``on_delta`` receives the answer as it streams, already checked: a
    citation marker reaches it only once complete and resolved, a removed one
    never does, so what a terminal or the TUI shows is ``answer`` itself.
    Markers are numbered in reading order (the first source cited is ``[1]``) and
    ``sources`` come in that numbering, the uncited last in their rank order.
    ``filters`` keep the sources to, say, one Zotero collection or tag. ``query`` is what to
    search for and quote against when it is not the question: "papers like this" asks in
    words but searches by the paper's own title and abstract (the question's words, "most
    like", "differ", matched papers that merely used them).
    A follow-up that only filters or sorts the previous answer's papers by year, author or
    venue is answered from their metadata (:mod:`~litreview.review.metadata_followup`); one
    about content under such a limit ("Which of those from before 1995 use ray tracing?",
    "What did Kajiya propose in 1986?") from the papers that meet it, saying so
    (:mod:`~litreview.review.limited`).
    """
    question = " ".join(question.split())
    scope: limited.Scope | None = None
    if not query:  # "Which of those are from before 1990?": the earlier answer's papers, listed
        reading = metadata_followup.reading_of(library, question, history, exclude, filters)
        listed = metadata_followup.answer(
            library, question, history, exclude, filters, on_delta, reading=reading
        )
        if listed is not None:
            return listed
        # "Which of those from before 1995 use ray tracing?": answered from those papers alone
        scope = limited.scope(library, question, history, exclude, filters, reading=reading)
        if scope is not None and not scope.papers:
            return metadata_followup.plain(question, history, scope.note, on_delta)
    # "Which papers discuss ray tracing?" is searched as "ray tracing?": the frame names no
    # topic and ranked papers that "discuss" anything (the answer still reads the question).
    topic = without_frame(question)
    searched = " ".join(query.split()) if query else topic
    k = k or library.settings.retrieval.k
    if scope is not None:
        hits = limited.hits(library, scope, k, filters)
    else:
        hits = retrieve(
            library, searched, () if query else history, k=k, exclude=exclude, filters=filters
        )
    extractive = backend.quotes_sources
    scorer = scorer or EvidenceScorer.shared()
    sources = build_sources(hits, searched, None if extractive else scorer)
    # "How does GFS handle master failure?" on a library without GFS: the nearest papers
    lacking = () if query else tuple(lacked(library, question, sources))
    # "How does a distributed file system handle the failure of its master server?" of ML
    # papers names nothing they lack, but even the first paper found is far from it.
    far = (
        not lacking
        and not query
        and scope is None
        and far_from(question, hits)
        # The extractive engine declines what no sentence comes close to, and says so itself.
        and not (extractive and not coverage.covers(scorer, question, sources))
    )
    request = replace(
        fit_window(backend, scorer, question, sources, history), lacking=lacking, far=far
    )
    if query:
        request = replace(request, query=searched, about=())
    elif scope is not None:  # the limit chose the papers; the question's other words, the text
        request = replace(request, query=scope.searched)
    sources = request.sources
    hits = hits[: len(sources)]  # numbering [n] stays the sources the model saw
    completion: Completion | None = None
    shown = CitationStream(sources, renumber=True)
    notes = [scope.note] if scope is not None else []
    if lacking:
        notes.append(names.note(lacking))
    elif far:
        notes.append(coverage.FAR_NOTE)
    opening = "".join(f"{n}\n\n" for n in notes)
    _show(on_delta, opening)
    for event in backend.stream(request, stop):
        if isinstance(event, Delta):
            _show(on_delta, shown.feed(event.text))
        elif isinstance(event, Done):
            completion = event.completion
    assert completion is not None
    _show(on_delta, shown.finish())
    checked = check(opening + completion.text, sources, renumber=True)
    # Sources in the answer's numbering, the first cited [1] (``check``); hit i was [i + 1].
    hits = [hits[n - 1] for n in checked.order]
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


def far_from(question: str, hits: Sequence[SearchHit]) -> bool:
    """Whether even the first paper found is far from ``question`` (:func:`coverage.far`),
    which names nothing: a name the library writes ("the Transformer") says it is on topic
    however a detail is worded."""
    return (
        bool(hits)
        and not names.asked_names(question)
        and coverage.far(hits[0].dense_score, hits[0].rerank_score)
    )


def lacked(library: Library, question: str, sources: Sequence[Source]) -> list[str]:
    """The names the question uses that no source and no paper of the library writes
    (:mod:`~litreview.evidence.names`): the sources are then only the nearest papers."""
    missing = names.unmentioned(question, sources)
    missing = library.unwritten(missing) if missing else []
    return names.uncommon(missing, question) if missing else []


def _show(on_delta: Callable[[str], None] | None, text: str) -> None:
    if on_delta is not None and text:
        on_delta(text)


def hits_as_sources(hits: Sequence[SearchHit]) -> tuple[Source, ...]:
    """Full abstracts (not the trimmed prompt evidence): support is judged on the whole text."""
    return build_sources(hits, "", None)
