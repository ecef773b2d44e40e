"""A cited answer from evidence sentences: select, diversify, group, cite.

Selection is maximal marginal relevance over sentences (relevant, not
redundant), at most two sentences per paper; the answer is grouped by paper,
strongest first, each sentence cited ``[n]`` to its source, first person
rewritten so quoted claims read as the authors' claims. When nothing in the
sources is close to the question, the answer says so instead of quoting
loosely related text.
"""

from __future__ import annotations

from collections.abc import Sequence

from litreview.llm.extractive.evidence import Evidence, EvidenceScorer
from litreview.llm.extractive.related import CONTRIBUTION
from litreview.llm.extractive.sentences import short_name, third_person
from litreview.llm.types import Source

MAX_SENTENCES = 6
PER_SOURCE = 2
MMR_LAMBDA = 0.7
RELATIVE_FLOOR = 0.75  # keep sentences scoring at least this share of the best one
# Below this semantic similarity the best sentence does not address the question.
# Calibrated on bench/data: the 184 hard on-topic questions' best sentences score
# >= 0.381, the 20 off-topic questions' <= 0.356 (bench/answer_quality.py).
NOT_COVERED_BELOW = 0.365
RANK_PRIOR = 0.10  # the retriever's judgement of the whole paper counts too
CONTRIBUTION_BONUS = 0.05


def weight(e: Evidence, sources: int) -> float:
    """A sentence's worth in an answer: its match, its paper's retrieval rank, and whether it
    states a contribution (a method or finding) rather than background."""
    rank = 1.0 - (e.source.n - 1) / max(sources, 1)
    cue = CONTRIBUTION_BONUS if CONTRIBUTION.search(e.text) else 0.0
    return e.score + RANK_PRIOR * rank + cue


def select(scorer: EvidenceScorer, evidence: list[Evidence]) -> list[Evidence]:
    if not evidence:
        return []
    sources = max(e.source.n for e in evidence)
    value = {id(e): weight(e, sources) for e in evidence}
    best = max(value.values())
    pool = sorted(
        (e for e in evidence if value[id(e)] >= RELATIVE_FLOOR * best), key=lambda e: -value[id(e)]
    )
    vectors = dict(zip((e.text for e in pool), scorer.embed([e.text for e in pool]), strict=True))
    chosen: list[Evidence] = []
    per_source: dict[int, int] = {}
    while pool and len(chosen) < MAX_SENTENCES:

        def mmr(e: Evidence) -> float:
            redundancy = max(
                (float(vectors[e.text] @ vectors[c.text]) for c in chosen), default=0.0
            )
            return MMR_LAMBDA * value[id(e)] - (1 - MMR_LAMBDA) * redundancy

        pick = max(pool, key=mmr)
        pool.remove(pick)
        if per_source.get(pick.source.n, 0) >= PER_SOURCE:
            continue
        per_source[pick.source.n] = per_source.get(pick.source.n, 0) + 1
        chosen.append(pick)
    return chosen


def compose_answer(scorer: EvidenceScorer, question: str, sources: Sequence[Source]) -> str:
    if not sources:
        return "Your library has no papers that match this question, so there is nothing to cite."
    evidence = scorer.sentences(question, sources)
    if not evidence or max(e.semantic for e in evidence) < NOT_COVERED_BELOW:
        closest = "; ".join(f"“{short_name(s.title)}”" for s in sources[:3])
        return (
            "Your library does not seem to cover this question: no abstract says anything "
            f"close to it. The nearest papers are {closest}, but they address other questions."
        )
    chosen = select(scorer, evidence)
    groups: dict[int, list[Evidence]] = {}
    top = max(e.source.n for e in evidence)
    for item in sorted(chosen, key=lambda e: -weight(e, top)):
        groups.setdefault(item.source.n, []).append(item)
    paragraphs = []
    for n, items in groups.items():
        source = items[0].source
        body = " ".join(
            f"{third_person(e.text)} [{n}]" for e in sorted(items, key=lambda e: e.index)
        )
        paragraphs.append(f"**{short_name(source.title)}** [{n}]: {body}")
    papers = len(groups)
    verb = "speaks" if papers == 1 else "speak"
    lead = (
        f"{papers} paper{'s' if papers != 1 else ''} in your library {verb} to this "
        "(sentences from the abstracts, put in the third person; most relevant first)."
    )
    return "\n\n".join([lead, *paragraphs])
