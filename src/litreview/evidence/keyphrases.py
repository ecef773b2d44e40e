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
    "framework problem state art attack attacks novel new "
    # Adjectives any abstract uses of its own setting ("large clusters", "a simple method").
    "large small high low simple different various many multiple single efficient effective "
    "existing recent"
)

# Words that say how a paper is written or where it comes from, never what it is about:
# boilerplate ("In this paper we propose"), the verbs titles and abstracts are cut at
# ("Learning Tasks Require", "Introduce X"), venues and affiliations, and the ACM
# classification block some PDFs carry ("Categories and Subject Descriptors").
_NOT_TOPICAL_WORDS = (
    "paper papers article propose proposes proposed present presents introduce introduces "
    "show shows demonstrate demonstrates require requires tend tends achieve achieves "
    "provide provides allow allows enable enables describe describes involve involves "
    "university universities institute department laboratory lab inc corporation company "
    "conference proceedings journal symposium workshop arxiv preprint copyright "
    "abstract introduction keywords categories subject descriptors email author authors"
)


@lru_cache(maxsize=1)
def _generic_terms() -> frozenset[str]:
    return frozenset(terms(_GENERIC_WORDS))


def generic(key: frozenset[str]) -> bool:
    """True for a phrase key made only of words every paper in the field uses."""
    return key <= _generic_terms()


@lru_cache(maxsize=1)
def _not_topical_terms() -> frozenset[str]:
    return frozenset(terms(_NOT_TOPICAL_WORDS))


def boilerplate(key: frozenset[str]) -> bool:
    """True for a phrase with a word of how papers are written or where they come from."""
    return bool(key & _not_topical_terms())


def proper_name(phrase: str, texts: Sequence[str]) -> bool:
    """True for a phrase made only of names: an organisation, a place, a person ("Google").

    A word is a name when the texts write it capitalised every time and never in
    lower case ("Google", "Stanford"), not counting where any word is capitalised
    (after a full stop, or in a title typed in title case: callers pass abstracts).
    Acronyms and names with inner capitals ("BERT", "MapReduce") are what methods and
    systems are called, and may name a theme.
    """
    words = re.findall(r"[^\W\d_][\w'-]*", phrase)
    if not words:
        return False
    for word in words:
        if word.isupper() or any(c.isupper() for c in word[1:]):
            return False
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
        seen = [m.group(0) for text in texts for m in pattern.finditer(text)]
        if not seen or any(not w[0].isupper() for w in seen):
            return False
    return True


def topical(phrase: str, abstracts: Sequence[str] = ()) -> bool:
    """Whether a key phrase can say what papers are about.

    Not when made of words every paper uses (:func:`generic`), ending in an
    adjective (:func:`adjectival`), carrying boilerplate, a venue or an
    affiliation (:func:`boilerplate`), or made only of names the ``abstracts``
    write capitalised every time (:func:`proper_name`): the GFS, Bigtable and
    MapReduce papers share "Google", which is where they were written, not
    what they are about.
    """
    key = _key(phrase)
    return bool(key) and not (
        generic(key) or adjectival(phrase) or boilerplate(key) or proper_name(phrase, abstracts)
    )


def _key(phrase: str) -> frozenset[str]:
    return frozenset(terms(phrase))


def _stems(text: str) -> list[str]:
    """The text's content words in order, stemmed as :func:`terms` stems them."""
    return [t for w in re.findall(r"[a-z0-9]+", text.lower()) for t in terms(w)]


def uses(text_stems: Sequence[str], key: frozenset[str]) -> bool:
    """Whether the text says the phrase: its words side by side, in any order, stop words
    aside ("processing of data" says "data processing")."""
    size = len(key)
    return any(frozenset(text_stems[i : i + size]) == key for i in range(len(text_stems)))


Uses = dict[frozenset[str], set[int]]  # a phrase's key -> the texts (by index) that use it


def _inside(
    texts: Sequence[str], abstracts: Sequence[str] | None = None
) -> tuple[Uses, Uses, dict[frozenset[str], str]]:
    """Which of ``texts`` use each candidate phrase, and how the phrase reads.

    Candidates are each text's topical key phrases (:func:`topical`). Two
    readings of "use": the phrase is among the text's own key phrases (its
    dozen most salient: ``named``), or the text says it (``said``: the
    Bigtable paper's key phrase "distributed storage" is only said in the GFS
    paper's abstract).
    """
    surface: dict[frozenset[str], str] = {}
    named: Uses = {}
    prose = list(abstracts) if abstracts is not None else list(texts)
    for i, text in enumerate(texts):
        for phrase in key_phrases(text):
            key = _key(phrase)
            if key not in surface and key not in named and topical(phrase, prose):
                surface[key] = phrase
            if key in surface:
                named.setdefault(key, set()).add(i)
    stems = [_stems(text) for text in texts]
    said = {key: named[key] | {i for i, s in enumerate(stems) if uses(s, key)} for key in surface}
    return named, said, surface


def candidate_phrases(texts: Sequence[str]) -> list[str]:
    """The phrases :func:`shared_phrase` weighs for ``texts``: what a caller looks up shares for."""
    return list(_inside(texts)[2].values())


# A name of two phrases ("Data Processing and Distributed Storage") stays a heading.
MAX_NAME_WORDS = 7


def shared_phrase(
    texts: Sequence[str],
    others: Sequence[str] = (),
    library_share: Mapping[str, float] | None = None,
    abstracts: Sequence[str] | None = None,
) -> str | None:
    """The phrase most of ``texts`` share and ``others`` do not (a c-TF-IDF in miniature).

    ``library_share`` gives each candidate phrase's share of the whole
    library (see :func:`candidate_phrases`); phrases most of the library uses
    are discounted, and a share of 1.0 rules a phrase out. ``abstracts`` (the
    texts without their titles, which capitalise every word) tell names from
    topics (:func:`proper_name`).

    Shared means among the key phrases of two texts or more. When no phrase
    is, a phrase of several words two texts say (not only the one it is key
    to) still names what they share, and with a second one for the texts it
    leaves out the theme is named by both ("Data Processing and Distributed
    Storage" for MapReduce, GFS and Bigtable, whose one shared key phrase was
    their company's name).
    """
    named, said, surface = _inside(texts, abstracts)
    if not surface:
        return None
    library_share = library_share or {}
    taken = {k for k in surface if library_share.get(surface[k], 0.0) >= 1.0}
    best = _best(texts, others, named, surface, library_share, taken)
    if best is not None or len(texts) < 2:
        return best
    wordy = {k: v for k, v in said.items() if len(k) > 1 and k not in taken}
    first = _best(texts, others, wordy, surface, library_share, taken)
    if first is None:
        return None
    key = _key(first)
    missing = set(range(len(texts))) - wordy[key]
    if not missing:
        return first
    rest = [
        k
        for k, users in wordy.items()
        if missing <= users
        and not k & key
        and len(first.split()) + len(surface[k].split()) < MAX_NAME_WORDS
    ]
    if not rest:
        return None
    second = max(rest, key=lambda k: (len(wordy[k]), -len(surface[k].split())))
    return f"{first} and {surface[second]}"


def _best(
    texts: Sequence[str],
    others: Sequence[str],
    inside: Uses,
    surface: dict[frozenset[str], str],
    library_share: Mapping[str, float],
    taken: set[frozenset[str]],
) -> str | None:
    """The phrase of ``inside`` that the most texts use, fewest ``others`` and the least of
    the library, preferring longer ones; None when no two texts use one."""
    outside: Counter[frozenset[str]] = Counter()
    for text in others:
        for key in {_key(p) for p in key_phrases(text)}:
            outside[key] += 1

    def score(key: frozenset[str]) -> float:
        share_in = len(inside[key]) / len(texts)
        share_out = outside[key] / len(others) if others else 0.0
        common = library_share.get(surface[key], 0.0)
        # Longer phrases name a theme better than a lone word, if the papers share them.
        return share_in * (1.0 - common) - share_out + 0.15 * (len(key) - 1)

    # A theme's name is what its papers share: with several papers, a phrase of one is no name.
    shared = [k for k in inside if len(inside[k]) >= 2] if len(texts) > 1 else list(inside)
    # A phrase the whole library uses (share 1.0, also how callers mark names already taken)
    # names nothing.
    shared = [k for k in shared if k not in taken]
    if not shared:
        return None
    best = max(shared, key=score)
    if len(best) == 1:
        # A lone word ("backdoor") names less than the phrase most of the papers build on it
        # ("backdoor attacks"), when there is one.
        wider = [k for k in inside if best < k and len(inside[k]) >= max(2, len(texts) / 2)]
        if wider:
            best = max(wider, key=lambda k: (len(inside[k]), -len(k)))
    return surface[best]


def adjectival(phrase: str) -> bool:
    """A phrase whose last word is an adjective ("dynamical", "hand-crafted", "safety-driven")
    names no theme, nor one cut from a title's opening verb ("Improving CDCL SAT")."""
    words = phrase.lower().split()
    if words and words[0] in _OPENING_VERBS:
        return True
    last = words[-1] if words else ""
    adjective = re.search(
        r"(al|ive|ous|ic|able|ible|ful|less|ed|-driven|-aware|-free|-like)$", last
    )
    return bool(adjective) and last not in _NOUN_EXCEPTIONS


# How titles open ("Improving X", "Towards Y"): a key phrase starting so is a cut title.
_OPENING_VERBS = frozenset(
    [
        "align",
        "aligning",
        "improve",
        "improving",
        "develop",
        "developing",
        "enable",
        "enabling",
        "revisit",
        "revisiting",
        "rethink",
        "rethinking",
        "towards",
        "toward",
        "countless",
        "generate",
    ]
)

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
