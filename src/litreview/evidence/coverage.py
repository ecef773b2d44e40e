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
