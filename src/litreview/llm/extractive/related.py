"""Related-work pieces without a model: theme names and per-theme paragraphs.

A theme's name is the key phrase its papers share (and the others do not);
a paragraph gives each paper its contribution sentence, rewritten in the
third person and cited, ordered as the papers were numbered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from litreview.llm.extractive.evidence import Evidence, EvidenceScorer
from litreview.llm.extractive.keyphrases import shared_phrase, title_case
from litreview.llm.extractive.sentences import short_name, split_sentences, third_person
from litreview.llm.types import Source

# Sentences that state what a paper contributes get a bonus over background sentences.
CONTRIBUTION = re.compile(
    r"\b(we|this paper|this work|our)\b.{0,40}\b(propose|present|introduce|develop|design|"
    r"show|demonstrate|find|achieve|outperform|reduce|improve)",
    re.IGNORECASE,
)
CONTRIBUTION_BONUS = 0.15


def theme_name(
    sources: Sequence[Source],
    others: Sequence[Source] = (),
    frequency: Callable[[list[str]], dict[str, float]] | None = None,
) -> str:
    texts = [f"{s.title}. {s.text}" for s in sources]
    phrase = shared_phrase(texts, [f"{s.title}. {s.text}" for s in others], frequency)
    return title_case(phrase) if phrase else short_name(sources[0].title)


def contribution(scorer: EvidenceScorer, work: str, source: Source) -> str:
    """The sentence that best says what the paper did, as it relates to the user's work."""
    evidence = scorer.sentences(work, [source]) if work else []
    if not evidence:
        sentences = split_sentences(source.text)
        return sentences[0] if sentences else source.text

    def score(e: Evidence) -> float:
        return e.score + (CONTRIBUTION_BONUS if CONTRIBUTION.search(e.text) else 0.0)

    return max(evidence, key=score).text


def paragraph(scorer: EvidenceScorer, theme: str, work: str, sources: Sequence[Source]) -> str:
    parts = [f"Several works address {theme.lower()}." if len(sources) > 1 else ""]
    for source in sources:
        sentence = _continue(third_person(contribution(scorer, work, source)).rstrip("."))
        parts.append(f"{short_name(source.title)} [{source.n}]: {sentence}.")
    return " ".join(p for p in parts if p)


_COMMON_OPENERS = {
    "the",
    "their",
    "they",
    "a",
    "an",
    "this",
    "these",
    "it",
    "its",
    "in",
    "to",
    "by",
}


def _continue(sentence: str) -> str:
    """Lower-case a sentence's first word when it follows a colon, unless it is a name."""
    first = sentence.split(" ", 1)[0]
    if first.lower() in _COMMON_OPENERS:
        return sentence[:1].lower() + sentence[1:]
    return sentence
