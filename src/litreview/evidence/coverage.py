"""Does the library speak to a question or a topic at all?

A search always returns its nearest papers, however far: asked about lattice QCD, a library of
graphics papers drafted a confident related-work section on rendering. The test is the one the
extractive answer declines by: the best sentence of the retrieved abstracts (and passages) must
come close to the text asked about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from litreview.evidence.scoring import Evidence, EvidenceScorer
from litreview.evidence.source import Source
from litreview.reading.normalize import surname

# Below this semantic similarity the best sentence does not address the question.
# Calibrated on bench/data: the 184 hard on-topic questions' best sentences score
# >= 0.381, the 20 off-topic questions' <= 0.356 (bench/answer_quality.py). As related-work
# topics (2026-11-30): the 57 labelled multi-paper topics' best sentences 0.406 and above,
# the off-topic questions' 0.356 and below; a graphics library asked about lattice QCD 0.299,
# about radiosity 0.683.
NOT_COVERED_BELOW = 0.365


# A question one step outside the library with no name to give it away ("How does a distributed
# file system handle the failure of its master server?" of ML papers) still finds sentences
# close enough to quote, but its first paper is far: over the bundled sample, the 22 such
# questions' first papers had a MiniLM similarity of 0.06-0.32 and an MPNet one of 0.04-0.40;
# the 425 labelled questions about papers the sample holds, 0.17 and up, and below both bars
# together only one (a question about kinds of item, not a topic). bench/near_topic.py.
FAR_DENSE = 0.33
FAR_RERANK = 0.30


def far(dense: float | None, rerank: float | None) -> bool:
    """Whether a search's first paper is too far from the question for its answer to be
    trusted without a word of caution (``dense``: MiniLM's similarity, ``rerank``: MPNet's).
    Both are needed: MiniLM alone was not measured, and on a library of three PDFs it put
    "What warmup steps did the Transformer use?" (answered on the Transformer's page 7)
    under any bar that caught the near-topic questions."""
    if dense is None or rerank is None:
        return False
    return dense < FAR_DENSE and rerank < FAR_RERANK


FAR_NOTE = (
    "The papers nearest to this question are far from it: what follows may not answer it, "
    "and your library may not cover it."
)


def covered(evidence: Sequence[Evidence]) -> bool:
    """Whether any of the scored sentences comes close enough to what was asked."""
    return bool(evidence) and max(e.semantic for e in evidence) >= NOT_COVERED_BELOW


def readable(sources: Sequence[Source]) -> list[Source]:
    """Each source's abstract, then one view per retrieved page of its full text."""
    return [
        view
        for s in sources
        for view in (
            (replace(s, passages=(), sections=()), *s.page_views()) if s.passages else (s,)
        )
    ]


def covers(scorer: EvidenceScorer, text: str, sources: Sequence[Source]) -> bool:
    """Whether ``sources`` say anything close to ``text`` (a question, a topic, an abstract),
    in a sentence of an abstract or of a retrieved passage (a topic only a PDF's body speaks
    to: "learning rate warmup" on the Transformer's page 7), or in a title
    (:func:`titles_covering`)."""
    return covered(scorer.sentences(text, readable(sources))) or bool(
        titles_covering(scorer, text, sources)
    )


# A question naming a paper's subject by a word its abstract never uses ("What is Reyes?",
# "Who wrote about Jell-O?" of a graphics library: best sentences 0.24 and 0.12, titles "The
# Reyes image rendering architecture" 0.52 and "Ray tracing Jell-O brand gelatin" 0.44) is
# still covered by that paper. Titles are short, so their bar is higher than a sentence's: the
# 20 off-topic questions' best titles on the sample library reach 0.306.
TITLE_COVERS_FROM = 0.40


def titles_covering(scorer: EvidenceScorer, text: str, sources: Sequence[Source]) -> list[Source]:
    """The sources whose title alone is close to ``text``, closest first, after those its
    authors' initials name (:func:`named_by_initials`)."""
    if not sources:
        return []
    similarity = scorer.embed([s.title for s in sources]) @ scorer.embed([text])[0]
    close = [(float(v), s) for v, s in zip(similarity, sources, strict=True)]
    named = named_by_initials(text, sources)
    return named + [
        s
        for v, s in sorted(close, key=lambda c: -c[0])
        if v >= TITLE_COVERS_FROM and s not in named
    ]


_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def named_by_initials(text: str, sources: Sequence[Source]) -> list[Source]:
    """The sources a result's name in ``text`` spells by their authors' surnames ("the FLP
    impossibility result": Fischer, Lynch and Paterson; RSA, GHZ): a researcher's name for a
    paper that shares no word with its title ("Impossibility of distributed consensus with
    one faulty process"), so the question was declined though that paper ranked first."""
    acronyms = set(_ACRONYM.findall(text))
    return [s for s in sources if len(s.authors) >= 2 and _initials(s.authors) in acronyms]


def _initials(authors: Sequence[str]) -> str:
    """Each author's surname's first letter: "Fischer, Michael J." and "Nancy Lynch" give F, L."""
    return "".join(surname(a)[:1].upper() for a in authors)
