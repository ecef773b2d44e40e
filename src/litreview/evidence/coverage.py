"""Does the library speak to a question or a topic at all?

A search always returns its nearest papers, however far: asked about lattice QCD, a library of
graphics papers drafted a confident related-work section on rendering. The test is the one the
extractive answer declines by: the best sentence of the retrieved abstracts (and passages) must
come close to the text asked about.
"""

from __future__ import annotations

from collections.abc import Sequence

from litreview.evidence.scoring import Evidence, EvidenceScorer
from litreview.evidence.source import Source

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


def covers(scorer: EvidenceScorer, text: str, sources: Sequence[Source]) -> bool:
    """Whether ``sources`` say anything close to ``text`` (a question, a topic, an abstract)."""
    return covered(scorer.sentences(text, sources))
