"""Key phrases: YAKE per text, aggregated across papers to name what they share."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from litreview.evidence.scoring import terms

MAX_NGRAM = 3


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import yake

    return yake.KeywordExtractor(lan="en", n=MAX_NGRAM, top=12, dedupLim=0.7)


@lru_cache(maxsize=4096)
def key_phrases(text: str) -> tuple[str, ...]:
    """The text's key phrases, best first (YAKE: statistical, no model needed)."""
    return tuple(phrase for phrase, _ in _extractor().extract_keywords(text))


# Words nearly every paper of the field uses (stemmed like ``terms``): a phrase made only of
# them ("deep neural networks") names no theme and relates no two papers.
_GENERIC_WORDS = (
    "deep neural network networks net nets dnn dnns learning machine model models method methods "
    "approach approaches paper work results data training performance task tasks system systems "
    "framework problem state art attack attacks novel new"
)


@lru_cache(maxsize=1)
def _generic_terms() -> frozenset[str]:
    return frozenset(terms(_GENERIC_WORDS))


def generic(key: frozenset[str]) -> bool:
    """True for a phrase key made only of words every paper in the field uses."""
    return key <= _generic_terms()


def _key(phrase: str) -> frozenset[str]:
    return frozenset(terms(phrase))


def _inside(texts: Sequence[str]) -> tuple[Counter[frozenset[str]], dict[frozenset[str], str]]:
    """How many of ``texts`` use each candidate phrase, and how the phrase reads."""
    inside: Counter[frozenset[str]] = Counter()
    surface: dict[frozenset[str], str] = {}
    for text in texts:
        seen = set()
        for phrase in key_phrases(text):
            key = _key(phrase)
            if key and key not in seen and not generic(key) and not adjectival(phrase):
                seen.add(key)
                inside[key] += 1
                surface.setdefault(key, phrase)
    return inside, surface


def candidate_phrases(texts: Sequence[str]) -> list[str]:
    """The phrases :func:`shared_phrase` weighs for ``texts``: what a caller looks up shares for."""
    return list(_inside(texts)[1].values())


def shared_phrase(
    texts: Sequence[str],
    others: Sequence[str] = (),
    library_share: Mapping[str, float] | None = None,
) -> str | None:
    """The phrase most of ``texts`` share and ``others`` do not (a c-TF-IDF in miniature).

    ``library_share`` gives each candidate phrase's share of the whole
    library (see :func:`candidate_phrases`); phrases most of the library uses
    are discounted, and a share of 1.0 rules a phrase out.
    """
    inside, surface = _inside(texts)
    if not inside:
        return None
    outside: Counter[frozenset[str]] = Counter()
    for text in others:
        for key in {_key(p) for p in key_phrases(text)}:
            outside[key] += 1

    library_share = library_share or {}

    def score(key: frozenset[str]) -> float:
        share_in = inside[key] / len(texts)
        share_out = outside[key] / len(others) if others else 0.0
        common = library_share.get(surface[key], 0.0)
        # Longer phrases name a theme better than a lone word, if the papers share them.
        return share_in * (1.0 - common) - share_out + 0.15 * (len(key) - 1)

    # A theme's name is what its papers share: with several papers, a phrase of one is no name.
    shared = [k for k in inside if inside[k] >= 2] if len(texts) > 1 else list(inside)
    # A phrase the whole library uses (share 1.0, also how callers mark names already taken)
    # names nothing.
    shared = [k for k in shared if library_share.get(surface[k], 0.0) < 1.0]
    if not shared:
        return None
    best = max(shared, key=score)
    if len(best) == 1:
        # A lone word ("backdoor") names less than the phrase most of the papers build on it
        # ("backdoor attacks"), when there is one.
        wider = [k for k in inside if best < k and inside[k] >= max(2, len(texts) / 2)]
        if wider:
            best = max(wider, key=lambda k: (inside[k], -len(k)))
    return surface[best]


def adjectival(phrase: str) -> bool:
    """A phrase whose last word is an adjective ("dynamical", "hand-crafted") names no theme."""
    last = phrase.split()[-1].lower() if phrase.split() else ""
    adjective = re.search(r"(al|ive|ous|ic|able|ible|ful|less|ed)$", last)
    return bool(adjective) and last not in _NOUN_EXCEPTIONS


_NOUN_EXCEPTIONS = {
    "signal",
    "signals",
    "proposal",
    "interval",
    "retrieval",
    "rival",
    "manual",
    "trial",
    "potential",
    "material",
    "network",
    "logic",
    "topic",
    "music",
    "graphic",
    "objective",
    "alternative",
    "detective",
    "initiative",
    "seed",
    "speed",
    "need",
    "feed",
    "bed",
}


def title_case(phrase: str) -> str:
    small = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "with", "via"}
    words = phrase.split()
    return " ".join(
        w
        if (w.isupper() or any(c.isupper() for c in w[1:]))
        else (w.lower() if i and w.lower() in small else w[:1].upper() + w[1:])
        for i, w in enumerate(words)
    )
