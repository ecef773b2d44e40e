"""Does a cited sentence rest on the abstract it cites? A live, model-free check.

For each sentence of an answer that carries citation markers, the score is
the best match between the sentence (markers removed) and any sentence of
the cited abstracts (MiniLM similarity and term overlap), combined with how
many of the sentence's content terms the abstract contains at all.
Below a threshold calibrated on labelled examples (bench/data/
support_labels.jsonl, see bench/support_quality.py) the sentence is flagged
as weakly supported.

A citation of a page (``[3, p. 7]``) is checked against the passages of
that page the answer was given, not the abstract: the claim must rest on
what it says it rests on. A citation without a page is checked against the
abstract and every passage given for that source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from litreview.evidence.scoring import EvidenceScorer, overlap, terms
from litreview.evidence.sentences import split_sentences
from litreview.evidence.source import Source

_MARKER = re.compile(r"\[(\d+)(?:, p\. (\d+))?\]")  # as citations.check writes them
_LEADING_MARKERS = re.compile(rf"^\s*(?:{_MARKER.pattern}\s*)+")  # markers opening a sentence
# Weights and threshold fitted on the even-numbered labels of bench/data/support_labels.jsonl
# (373 claims) and measured on the odd ones: flags weak support with held-out precision 0.87,
# recall 0.80 (bench/support_quality.py). Term coverage carries most of the signal: a claim
# borrowed from another paper uses that paper's vocabulary.
SEMANTIC_WEIGHT = 0.4
LEXICAL_WEIGHT = 0.1
COVERAGE_WEIGHT = 0.5
SUPPORT_THRESHOLD = 0.69
# An answer is a few paragraphs; a runaway model can send megabytes. Checking is capped so a
# broken reply costs seconds, not hours; what lies beyond is reported as unchecked.
MAX_CHECKED_CHARS = 24_000


@dataclass(frozen=True)
class SupportCheck:
    sentence: str
    citations: list[int]
    score: float
    supported: bool
    best_evidence: str

    def to_dict(self) -> dict[str, object]:
        return {
            "sentence": self.sentence,
            "citations": self.citations,
            "score": round(self.score, 4),
            "supported": self.supported,
            "evidence": self.best_evidence,
        }


def support_score(scorer: EvidenceScorer, claim: str, source: Source) -> tuple[float, str]:
    """(score, best evidence sentence) of ``claim`` against one source's text."""
    evidence = scorer.sentences(claim, [source])
    if not evidence:
        return 0.0, ""
    best = max(evidence, key=lambda e: e.semantic)
    lexical = max(e.lexical for e in evidence)
    coverage = overlap(terms(claim), source.text)
    score = SEMANTIC_WEIGHT * best.semantic + LEXICAL_WEIGHT * lexical + COVERAGE_WEIGHT * coverage
    return score, best.text


def check_support(
    scorer: EvidenceScorer,
    answer: str,
    sources: Sequence[Source],
    threshold: float = SUPPORT_THRESHOLD,
) -> list[SupportCheck]:
    """One check per answer sentence that cites something."""
    by_n = {s.n: s for s in sources}
    checks = []
    checked = answer[:MAX_CHECKED_CHARS]
    for sentence in _with_own_markers(split_sentences(checked, min_words=1) or [checked]):
        markers = [(int(n), int(p) if p else None) for n, p in _MARKER.findall(sentence)]
        markers = [(n, p) for n, p in markers if n in by_n]
        if not markers:
            continue
        cited = list(dict.fromkeys(n for n, _ in markers))
        claim = _MARKER.sub("", sentence).replace("**", "").strip()
        scored = [support_score(scorer, claim, _evidence(by_n[n], p)) for n, p in markers]
        score, evidence = max(scored, key=lambda pair: pair[0])
        checks.append(SupportCheck(sentence, cited, score, score >= threshold, evidence))
    return checks


def _with_own_markers(sentences: Sequence[str]) -> list[str]:
    """The sentences with markers written after a full stop ("... failures. [1, p. 3]", as
    extractive answers quote whole sentences) moved back to the sentence they follow.

    The splitter puts such markers at the head of the next sentence, so that sentence was
    checked against the page its neighbour cited, and a last marker alone had no claim.
    """
    out: list[str] = []
    for sentence in sentences:
        leading = _LEADING_MARKERS.match(sentence)
        if leading and out:
            out[-1] = f"{out[-1]} {leading.group(0).strip()}"
            sentence = sentence[leading.end() :]
        if sentence.strip():
            out.append(sentence)
    return out


def _evidence(source: Source, page: int | None) -> Source:
    """What a citation rests on: the cited page's passages, or the whole source without a
    page (its text alone when it has no passages, exactly as before full text)."""
    if page is not None and page in source.pages:
        return replace(source, text=source.on_page(page), passages=(), page=page)
    if source.passages:
        return replace(source, text=source.whole(), passages=())
    return source
