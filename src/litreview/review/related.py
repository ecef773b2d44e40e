"""Related work: several queries, themes by clustering, one cited paragraph per theme.

With a model, the model first reads the papers the relevance judge found and
leaves out those beside the topic (:func:`litreview.review.relevance.screen`);
they are listed in ``RelatedWorkDraft.excluded``, never dropped unsaid.

The draft never silently drops a paper it was given: a paragraph that
leaves papers of its theme uncited is regenerated once with a reminder, and
whatever is still missing is appended as an explicit "also relevant"
sentence and reported in ``Theme.regenerated`` / ``RelatedWorkDraft.appended``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from litreview.errors import LitreviewError, Stopped
from litreview.evidence.coverage import covers
from litreview.evidence.keyphrases import candidate_phrases, key_phrases, spelled_as_name
from litreview.evidence.scoring import EvidenceScorer, terms
from litreview.evidence.sentences import short_name, split_sentences, whole_sentences
from litreview.evidence.source import Source
from litreview.evidence.themes import form_themes, taken_shares
from litreview.index.library import Library
from litreview.index.retriever import Filters, SearchHit
from litreview.llm.backend import Backend, complete
from litreview.llm.types import Request, Usage
from litreview.reading.paper import PageText, Paper
from litreview.review import prompts
from litreview.review.citations import check
from litreview.review.relevance import JUDGE, Judge, screen, signals
from litreview.review.support import SupportCheck, check_support
from litreview.review.wording import counted

MAX_QUERIES = 8
PER_QUERY = 10
MAX_THEMES = 5
MIN_PAPERS = 3
RELEVANCE_FLOOR = 0.30  # cosine to the whole input; MiniLM puts unrelated abstracts below ~0.2
THEME_NAME_WORDS = 8

# Progress events: (stage, done, total, message). Stages: "retrieve" (0/1, 1/1), "screen"
# (0/1: a model is reading the papers found, with a model only), "theme" (i of n: the i-th
# theme is being written), "written" (i of n done).
ProgressFn = Callable[[str, int, int, str], None]


class TopicNotCovered(LitreviewError):
    """No retrieved paper says anything close to the topic: a draft would cite whatever was
    nearest (a graphics library drafted "Rendering Algorithms" for lattice QCD)."""

    def __init__(self, nearest: Sequence[Paper]) -> None:
        closest = ", ".join(f"“{short_name(p.title, text=p.abstract)}”" for p in nearest[:3])
        super().__init__(
            "your library does not seem to cover this topic: no abstract says anything close "
            f"to it (the nearest papers: {closest}). Try other words, or ingest papers on it"
        )


@dataclass
class Theme:
    name: str
    papers: list[Paper]
    numbers: list[int]
    paragraph: str = ""
    regenerated: bool = False
    appended: list[int] = field(default_factory=list)
    # Markers the model wrote that point outside the theme's sources, removed from the text.
    dropped: list[int] = field(default_factory=list)
    # With a model: each cited sentence checked against the abstracts it cites (as ask does).
    support: list[SupportCheck] = field(default_factory=list)

    @property
    def weak(self) -> list[SupportCheck]:
        return [s for s in self.support if not s.supported]


@dataclass
class RelatedWorkDraft:
    work: str
    queries: list[str]
    themes: list[Theme]
    usage: Usage
    model: str
    ranking_note: str | None = None  # "ranking is partial: ..." while indexing is unfinished
    # Papers the judge found that the model read as beside the topic, best first.
    excluded: list[Paper] = field(default_factory=list)
    # Why the model's relevance reply was not used, when it was not.
    screening_note: str | None = None

    @property
    def excluded_note(self) -> str | None:
        """What a face says of the papers the model left out (None when it left out none)."""
        if not self.excluded:
            return None
        listed = "; ".join(f"“{short_name(p.title, text=p.abstract)}”" for p in self.excluded)
        them = "it" if len(self.excluded) == 1 else "them"
        return (
            f"the model read {counted(len(self.excluded), 'paper')} as beside the topic and "
            f"left {them} out: {listed}"
        )

    @property
    def papers(self) -> list[tuple[int, Paper]]:
        return [(n, p) for t in self.themes for n, p in zip(t.numbers, t.papers, strict=True)]

    @property
    def dropped(self) -> list[int]:
        return [n for t in self.themes for n in t.dropped]

    @property
    def weak(self) -> list[SupportCheck]:
        return [s for t in self.themes for s in t.weak]

    def to_dict(self) -> dict[str, object]:
        return {
            "queries": self.queries,
            "themes": [
                {
                    "name": t.name,
                    "paragraph": t.paragraph,
                    "papers": [
                        {"n": n, "paper_id": p.paper_id, "title": p.title}
                        for n, p in zip(t.numbers, t.papers, strict=True)
                    ],
                    "regenerated": t.regenerated,
                    "appended_citations": t.appended,
                    "dropped_citations": t.dropped,
                    "support": [c.to_dict() for c in t.support],
                    "weakly_supported": len(t.weak),
                }
                for t in self.themes
            ],
            "dropped_citations": self.dropped,
            "weakly_supported": len(self.weak),
            "usage": self.usage.to_dict(),
            "model": self.model,
            "ranking_note": self.ranking_note,
            "excluded": [{"paper_id": p.paper_id, "title": p.title} for p in self.excluded],
            "screening_note": self.screening_note,
        }


def derive_queries(work: str) -> list[str]:
    """The input itself, its sentences (claims) and its key phrases: several angles, not one."""
    text = " ".join(work.split())
    queries = [text[:600]]
    sentences = list(split_sentences(text)) if len(text.split()) > 25 else []
    queries.extend(sentences[:4])
    queries.extend(key_phrases(text)[:4])
    unique = list(dict.fromkeys(q for q in queries if q.strip()))
    return unique[:MAX_QUERIES]


def gather_hits(
    library: Library,
    queries: Sequence[str],
    max_papers: int,
    judge: Judge = JUDGE,
    filters: Filters | None = None,
) -> list[SearchHit]:
    """The papers on the topic, most relevant first: cut on relevance, ``max_papers`` only a
    ceiling.

    Candidates are the two-stage search of the whole input (``queries[0]``):
    on the labelled topics the narrower derived queries (claims, key phrases)
    brought in more off-topic papers than relevant ones, so they do not select
    papers. The relevance judge (:mod:`litreview.review.relevance`) decides
    which are on topic. Without the re-ranking stage (``retrieval.rerank =
    false`` or its models absent) scores are on another scale than the judge
    was calibrated on; then the old rule applies: the best ``max_papers``
    whose embedding is close enough to the input.
    """
    request = library.request(queries[0], k=max(max_papers, PER_QUERY) + 5, filters=filters)
    hits = library.search(request)
    if hits and all(h.late_score is not None and h.rerank_score is not None for h in hits):
        return [hits[i] for i in judge.keep(signals(library, queries[0], hits), max_papers)]
    ids = [h.paper.paper_id for h in hits[:max_papers]]
    vectors = library.paper_vectors(ids)
    target = library.embed([queries[0]])[0]
    by_id = {h.paper.paper_id: h for h in hits}
    return [
        by_id[pid]
        for i, pid in enumerate(ids)
        if i < MIN_PAPERS or (pid in vectors and float(vectors[pid] @ target) >= RELEVANCE_FLOOR)
    ]


def cluster(vectors: np.ndarray, max_themes: int = MAX_THEMES) -> list[int]:
    """Theme labels: spherical k-means (k-means++ seeding, fixed seed), k by silhouette.

    A related-work section reads best as a few themes of a few papers each, so
    among the cuts whose largest theme holds at most ~60% of the papers the
    best silhouette wins.
    """
    n = len(vectors)
    if n < 4:
        return [0] * n
    from scipy.cluster.vq import kmeans2
    from scipy.spatial.distance import pdist, squareform

    square = squareform(pdist(vectors, metric="cosine"))
    largest_allowed = max(3, int(0.6 * n))
    candidates = []
    for k in range(2, min(max_themes, n // 2) + 1):
        _, raw = kmeans2(vectors, k, minit="++", seed=7)
        labels = [int(x) for x in raw]
        if len(set(labels)) < 2:
            continue
        biggest = max(labels.count(g) for g in set(labels))
        candidates.append((biggest <= largest_allowed, silhouette(square, labels), labels))
    if not candidates:
        return [0] * n
    return max(candidates, key=lambda c: (c[0], c[1]))[2]


def silhouette(square: np.ndarray, labels: list[int]) -> float:
    """Mean silhouette width (Rousseeuw 1987) from a precomputed distance matrix."""
    groups = set(labels)
    if len(groups) < 2:
        return -1.0
    lab = np.array(labels)
    widths = []
    for i in range(len(lab)):
        same = lab == lab[i]
        same[i] = False
        if not same.any():
            widths.append(0.0)
            continue
        a = float(square[i, same].mean())
        b = min(float(square[i, lab == g].mean()) for g in groups if g != lab[i])
        widths.append((b - a) / max(a, b) if max(a, b) > 0 else 0.0)
    return float(np.mean(widths))


def _sources(
    papers: Sequence[Paper],
    numbers: Sequence[int],
    passages: Mapping[str, tuple[PageText, ...]] | None = None,
) -> tuple[Source, ...]:
    """Each paper's abstract and, when its full text matched the topic better than its
    abstract did, that passage with its page (a paragraph may cite it as ``[n, p. 7]``)."""
    passages = passages or {}
    return tuple(
        Source(n, p.paper_id, p.title, p.abstract, passages.get(p.paper_id, ()), authors=p.authors)
        for n, p in zip(numbers, papers, strict=True)
    )


def found_sources(
    hits: Sequence[SearchHit], passages: Mapping[str, tuple[PageText, ...]] | None = None
) -> tuple[Source, ...]:
    """The papers found, numbered in the judge's order, each with the passage it was found
    by (``passages``, when the caller has them already): what the coverage test and a
    screening model read."""
    if passages is None:
        passages = _best_passages(hits)
    return _sources([h.paper for h in hits], range(1, len(hits) + 1), passages)


# An abstract this short says too little to share a theme's phrase: Paxos Made Simple's is
# "The Paxos algorithm, when presented in plain English, is very simple.", so a consensus
# draft gave it a theme of its own, named after its title, beside "Consensus".
SHORT_ABSTRACT_WORDS = 40


def _theme_text(paper: Paper, passages: Sequence[PageText]) -> str:
    """What a paper's theme is found from: its title and abstract, and when the abstract is
    short, the passages the topic found it by."""
    text = f"{paper.title}. {paper.abstract}"
    if len(paper.abstract.split()) < SHORT_ABSTRACT_WORDS:
        text += "".join(f" {p.text}" for p in passages)
    return text


def _best_passages(hits: Sequence[SearchHit]) -> dict[str, tuple[PageText, ...]]:
    """The passage each hit's paper was found by, as whole sentences (none when its abstract
    matched best, or it has no full text)."""
    out: dict[str, tuple[PageText, ...]] = {}
    for hit in hits:
        if hit.passage is not None and hit.page is not None:
            text = whole_sentences(hit.passage)
            if text:
                out[hit.paper.paper_id] = (PageText(hit.page, text),)
    return out


def theme_request(
    work: str,
    sources: tuple[Source, ...],
    others: tuple[Source, ...] = (),
    frequency: Callable[[list[str]], dict[str, float]] | None = None,
) -> Request:
    """Name a theme: the prompt for models; the papers, the other themes' papers and each
    candidate phrase's share of the library for the extractive engine."""
    system, user = prompts.messages(
        "related_theme", sources=prompts.render_sources(sources), others=_others_block(others)
    )
    share: dict[str, float] = {}
    if frequency is not None:
        share = frequency(candidate_phrases([f"{s.title}. {s.text}" for s in sources]))
    return Request(
        "theme_name",
        (system, user),
        query=work,
        sources=sources,
        others=others,
        phrase_share=share,
    )


# At most this many of the other themes' titles go into a theme's prompt: enough to say what
# the name must not fit, without a long draft's whole list in every request.
MAX_OTHER_TITLES = 12


def _others_block(others: Sequence[Source]) -> str:
    """The other themes' papers, by title, that a theme's name must not fit ("" if none): a
    name from what the theme's papers share alone ("Backdoor Attacks") fitted every theme of
    a backdoor draft."""
    if not others:
        return ""
    titles = "\n".join(
        f"<other>{prompts.fence(' '.join(s.title.split()))}</other>"
        for s in others[:MAX_OTHER_TITLES]
    )
    return "\n" + prompts.render("related_theme_others", titles=titles) + "\n"


def paragraph_request(
    work: str, theme: str, sources: tuple[Source, ...], reminder: str = ""
) -> Request:
    """One theme's paragraph, relating its sources to the user's work."""
    system, user = prompts.messages(
        "related_paragraph",
        work=work,
        theme=theme,
        sources=prompts.render_sources(sources),
        reminder=reminder,
    )
    return Request("related_paragraph", (system, user), query=work, sources=sources, theme=theme)


def clean_name(text: str, fallback: str) -> str:
    """A model's theme name, trimmed to one short line; the fallback if it is not a name."""
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), "")
    name = line.strip().strip("\"'*#:.-` ").removeprefix("Theme:").strip()
    if not name or len(name.split()) > THEME_NAME_WORDS or "[" in name or "<" in name:
        return fallback
    return name


def lone_words_specific(
    frequency: Callable[[list[str]], dict[str, float]], texts: Sequence[str], size: int
) -> Callable[[list[str]], dict[str, float]]:
    """Library shares, with a lone word that does not single the draft out marked as naming
    nothing (share 1.0).

    A one-word heading ("Image", "Target", "Class", "Motion") is true of much of
    a library: it may head a theme only when at least half of the library's
    papers that use it are papers of this draft ("Radiosity", "Quantization",
    "Consensus"). Counted as the library's share is (a substring of title and
    abstract), over ``size`` papers. Shares are read once per phrase (a draft's
    themes ask about the same phrases again).
    """
    lowered = [t.lower() for t in texts]
    known: dict[str, float] = {}  # one draft asks about the same phrases many times

    def share(phrases: list[str]) -> dict[str, float]:
        missing = [p for p in dict.fromkeys(phrases) if p not in known]
        if missing:
            known.update(frequency(missing))
        out = {}
        for p in phrases:
            value = known.get(p, 0.0)
            if len(terms(p)) == 1 and not spelled_as_name(p):
                in_draft = sum(p.lower() in t for t in lowered)
                if value * size > 2 * in_draft:
                    value = 1.0
            out[p] = value
        return out

    return share


def unique_name(name: str, used: Sequence[str]) -> str:
    """Two themes under one heading read as a mistake: "Other Related Work (2)"."""
    if name not in used:
        return name
    k = 2
    while f"{name} ({k})" in used:
        k += 1
    return f"{name} ({k})"


def draft_related_work(
    library: Library,
    backend: Backend,
    work: str,
    *,
    max_papers: int = 12,
    judge: Judge = JUDGE,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
    on_theme: Callable[[Theme], None] | None = None,
    filters: Filters | None = None,
) -> RelatedWorkDraft:
    """Draft a related-work section for ``work`` (a topic or a draft abstract), from the
    papers ``filters`` allow (a Zotero collection or tag, ...)."""

    def report(stage: str, done: int, total: int, message: str = "") -> None:
        if stop is not None and stop.is_set():
            raise Stopped("stopped")
        if progress is not None:
            progress(stage, done, total, message)

    work = " ".join(work.split())
    queries = derive_queries(work)
    report("retrieve", 0, 1, f"{len(queries)} queries")
    hits = gather_hits(library, queries, max_papers, judge, filters)
    papers = [hit.paper for hit in hits]
    passages = _best_passages(hits)
    if not papers:
        report("retrieve", 1, 1, counted(0, "paper"))
        return RelatedWorkDraft(work, queries, [], Usage(), backend.name)
    found = found_sources(hits, passages)
    if not covers(EvidenceScorer.shared(), work, found):
        raise TopicNotCovered(papers)
    usage = Usage()
    extractive = backend.quotes_sources
    excluded: list[Paper] = []
    screening_note = None
    if not extractive and len(papers) > 1:
        report("screen", 0, 1, counted(len(papers), "paper"))
        verdict = screen(backend, work, found, stop)
        usage = usage + verdict.usage
        screening_note = verdict.note
        excluded = [papers[n - 1] for n in verdict.excluded]
        papers = [papers[n - 1] for n in verdict.kept]
    # Said once the papers are known to speak to the topic: "found 3 papers" then "the
    # library does not cover this topic" read as a contradiction.
    report("retrieve", 1, 1, counted(len(papers), "paper"))

    vectors = library.paper_vectors([p.paper_id for p in papers])
    matrix = np.stack([vectors[p.paper_id] for p in papers])
    labels = cluster(matrix)
    texts = [_theme_text(p, passages.get(p.paper_id, ())) for p in papers]
    share = lone_words_specific(library.phrase_share, texts, library.count())
    # Themes are the clusters' papers that share a phrase (evidence.themes), ordered by their
    # best-ranked paper, the catch-all last; papers numbered in that order.
    groups = form_themes(texts, [p.abstract for p in papers], labels, share, MAX_THEMES)
    themes: list[Theme] = []
    n = 1
    for group in groups:
        members = [papers[i] for i in group.members]
        themes.append(Theme("", members, list(range(n, n + len(members)))))
        n += len(members)

    for i, theme in enumerate(themes, start=1):
        sources = _sources(theme.papers, theme.numbers, passages)
        others = tuple(s for t in themes if t is not theme for s in _sources(t.papers, t.numbers))
        frequency = taken_shares(share, [t.name for t in themes])
        # A theme is named from its abstracts; the paragraph may use the passages too.
        request = theme_request(work, _sources(theme.papers, theme.numbers), others, frequency)
        named = complete(backend, request, stop)
        usage = usage + named.usage
        theme.name = unique_name(
            clean_name(named.text, short_name(theme.papers[0].title)), [t.name for t in themes]
        )
        report("theme", i, len(themes), theme.name)
        theme.paragraph, extra = _paragraph(backend, work, theme, sources, stop, extractive)
        usage = usage + extra
        report("written", i, len(themes), theme.name)
        if on_theme is not None:
            on_theme(theme)
    return RelatedWorkDraft(
        work,
        queries,
        themes,
        usage,
        backend.name,
        ranking_note=library.ranking_note(),
        excluded=excluded,
        screening_note=screening_note,
    )


def _paragraph(
    backend: Backend,
    work: str,
    theme: Theme,
    sources: tuple[Source, ...],
    stop: threading.Event | None,
    extractive: bool,
) -> tuple[str, Usage]:
    usage = Usage()
    reminder = ""
    text = ""
    for attempt in range(2):
        completion = complete(backend, paragraph_request(work, theme.name, sources, reminder), stop)
        usage = usage + completion.usage
        checked = check(completion.text, sources)
        text = checked.text
        theme.dropped = checked.dropped
        cited = {c.n for c in checked.citations}
        missing = [n for n in theme.numbers if n not in cited]
        if not extractive:
            # The extractive engine quotes its sources; checking it would only measure itself.
            theme.support = check_support(EvidenceScorer.shared(), text, sources)
        if not missing or extractive:
            return text, usage
        if attempt == 0:
            theme.regenerated = True
            listed = ", ".join(f"[{m}]" for m in missing)
            reminder = (
                f"A first draft left {listed} uncited. Cite every source, including {listed}."
            )
    by_n = {s.n: s for s in sources}
    theme.appended = missing
    also = "; ".join(f"{short_name(by_n[m].title, text=by_n[m].text)} [{m}]" for m in missing)
    return f"{text} Also relevant: {also}.".strip(), usage
