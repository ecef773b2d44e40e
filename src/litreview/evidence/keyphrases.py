"""Key phrases: YAKE per text, aggregated across papers to name what they share."""

from __future__ import annotations

import re
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
    # Nouns of how any work is organised: "Neural Network Architectures" is true of a library.
    "architecture architectures algorithm algorithms technique techniques scheme schemes "
    "strategy strategies study studies analysis empirical "
    # How results are measured, which any paper of any theme reports ("Attack Success Rate").
    "accuracy success rate rates error errors cost costs "
    # Adjectives any abstract uses of its own setting ("large clusters", "a simple method").
    "large small high low simple different various many multiple single efficient effective "
    "existing recent "
    # Where any method is said to work, not what it is ("Real-world Scenarios").
    "real world scenario scenarios setting settings practical"
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


def spelled_as_name(word: str) -> bool:
    """Whether a word's capitals make it a name whatever the sentence: an acronym ("BERT",
    "GPT-4", "X2X") or a name with capitals inside ("MapReduce", "ImageNet"). Each part of
    a hyphenated word is judged alone: "Retrieval-Augmented" (a title's capitals) is not a
    name, and a theme sentence read "Seven works study Retrieval-Augmented generation"."""
    parts = [part for part in word.split("-") if any(c.isalpha() for c in part)]
    return any(part.isupper() or any(c.isupper() for c in part[1:]) for part in parts)


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
        if spelled_as_name(word):
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
    clause = bool(_CLAUSE.search(phrase))  # "Matrix That Rotates": a clause, not a name
    return bool(key) and not (
        clause
        or generic(key)
        or adjectival(phrase)
        or boilerplate(key)
        or proper_name(phrase, abstracts)
    )


_CLAUSE = re.compile(r"(?i)\b(?:that|which|who|whose|whom)\b")


def _key(phrase: str) -> frozenset[str]:
    return frozenset(terms(phrase))


@lru_cache(maxsize=4096)
def content_stems(text: str) -> tuple[str, ...]:
    """The text's content words in order, stemmed as :func:`terms` stems them."""
    return tuple(t for w in re.findall(r"[a-z0-9]+", text.lower()) for t in terms(w))


def uses(text_stems: Sequence[str], key: frozenset[str]) -> bool:
    """Whether the text says the phrase: its words side by side, in any order, stop words
    aside ("processing of data" says "data processing")."""
    return key in _runs(tuple(text_stems), len(key))


@lru_cache(maxsize=16384)
def _runs(text_stems: tuple[str, ...], size: int) -> frozenset[frozenset[str]]:
    """Every run of ``size`` consecutive stems, as a set: theme forming asks the same text
    about hundreds of phrases."""
    return frozenset(frozenset(text_stems[i : i + size]) for i in range(len(text_stems)))


Uses = dict[frozenset[str], set[int]]  # a phrase's key -> the texts (by index) that use it


def _inside(
    texts: Sequence[str], abstracts: Sequence[str] | None = None
) -> tuple[Uses, Uses, dict[frozenset[str], str]]:
    """:func:`_inside_of` on tuples (cached: theme forming asks again for the same papers)."""
    return _inside_of(tuple(texts), tuple(abstracts) if abstracts is not None else None)


@lru_cache(maxsize=1024)
def _inside_of(
    texts: tuple[str, ...], abstracts: tuple[str, ...] | None
) -> tuple[Uses, Uses, dict[frozenset[str], str]]:
    """Which of ``texts`` use each candidate phrase, and how the phrase reads.

    Candidates are each text's topical key phrases (:func:`topical`) that are
    not cut from a longer name (:func:`truncated`). Two readings of "use": the
    phrase is among the text's own key phrases (its dozen most salient:
    ``named``), or the text says it (``said``: the Bigtable paper's key phrase
    "distributed storage" is only said in the GFS paper's abstract).
    """
    surface: dict[frozenset[str], str] = {}
    named: Uses = {}
    prose = list(abstracts) if abstracts is not None else list(texts)
    for i, text in enumerate(texts):
        for phrase in key_phrases(text):
            key = _key(phrase)
            if (
                key not in surface
                and key not in named
                and topical(phrase, prose)
                and not truncated(phrase, texts)
            ):
                surface[key] = phrase
            if key in surface:
                named.setdefault(key, set()).add(i)
    stems = [content_stems(text) for text in texts]
    said = {key: named[key] | {i for i, s in enumerate(stems) if uses(s, key)} for key in surface}
    return named, said, surface


def truncated(phrase: str, texts: Sequence[str]) -> bool:
    """True for a phrase cut from a longer name.

    Key phrases are at most three words, so a title's longer subject comes out
    cut: "Scaling Physics-informed Hard" (+ "constraints"), "Edge-assisted
    Real-time Object" (+ "Detection"). Cut at its end when some place the texts
    write it goes on with another content word and no place ends it (a stop
    word, a bracket, a full stop): in a title any content word goes on, in
    prose a capitalised one (a lower-case word after it is usually its verb,
    which says nothing either way). Cut at its start when it is written twice or
    more and always after the same capitalised word ("Monte" + "Carlo Tree
    Search").
    """
    found = [place for text in texts for place in _neighbours(phrase, text)]
    ended = sum(after is None or after.lower() in _JOINING for _, after, _ in found)
    goes_on = sum(
        after is not None and after.lower() not in _JOINING and (after[:1].isupper() or in_title)
        for _, after, in_title in found
    )
    if goes_on and not ended:
        return True
    before = {b for b, _, _ in found}
    return (
        len(found) >= 2
        and len(before) == 1
        and None not in before
        and str(next(iter(before)))[:1].isupper()
        and str(next(iter(before))).lower() not in _JOINING
    )


def _joining_words() -> frozenset[str]:
    from litreview.reading.stopwords import english_plus

    # Title words that end a noun phrase as stop words do ("X via Y", "X Using Y").
    return english_plus() | {"via", "using", "toward", "towards", "without", "versus", "vs"}


_JOINING = _joining_words()


@lru_cache(maxsize=65536)
def _neighbours(phrase: str, text: str) -> tuple[tuple[str | None, str | None, bool], ...]:
    """The word right before and right after each place ``text`` writes ``phrase`` (None at
    punctuation or the text's ends), and whether that place is in the title (the text's first
    sentence: callers pass "title. abstract"), where no verb follows a subject's noun."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)
    title_end = text.find(". ")
    out = []
    for m in pattern.finditer(text):
        before = re.search(r"([^\W\d_][\w-]*)[ \t\n]+$", text[max(0, m.start() - 40) : m.start()])
        after = re.match(r"[ \t\n]+([^\W\d_][\w-]*)", text[m.end() : m.end() + 40])
        out.append(
            (
                before.group(1) if before else None,
                after.group(1) if after else None,
                m.start() < title_end,
            )
        )
    return tuple(out)


def candidate_phrases(texts: Sequence[str]) -> list[str]:
    """The phrases :func:`shared_phrase` may weigh for ``texts`` (each text's key phrases, one
    spelling per phrase): what a caller looks up library shares for."""
    out: dict[frozenset[str], str] = {}
    for text in texts:
        for phrase in key_phrases(text):
            key = _key(phrase)
            if key and not generic(key):
                out.setdefault(key, phrase)
    return list(out.values())


# A phrase names a theme only if the theme's papers say it at least this many times as often
# (as a share of papers) as the draft's other papers do: "backdoor attacks", which every
# theme of a backdoor-defence draft says, does not tell one theme from another.
CONTRAST = 2.0


def shared_phrase(
    texts: Sequence[str],
    others: Sequence[str] = (),
    library_share: Mapping[str, float] | None = None,
    abstracts: Sequence[str] | None = None,
) -> str | None:
    """The phrase most of ``texts`` share and ``others`` do not (a c-TF-IDF in miniature).

    See :func:`shared_users`; this is its phrase.
    """
    found = shared_users(texts, others, library_share, abstracts)
    return found[0] if found else None


def shared_users(
    texts: Sequence[str],
    others: Sequence[str] = (),
    library_share: Mapping[str, float] | None = None,
    abstracts: Sequence[str] | None = None,
) -> tuple[str, frozenset[int]] | None:
    """The phrase that names ``texts`` against ``others``, and which of ``texts`` say it.

    Candidates are the texts' topical key phrases. With several texts, a name
    is said by two of them or more (a phrase of one paper is no name for a
    group), and by a share of them at least :data:`CONTRAST` times the share
    of ``others`` that say it. ``library_share`` gives each candidate's share
    of the whole library (see :func:`candidate_phrases`): phrases most of the
    library uses are discounted, and a share of 1.0 rules a phrase out (how
    callers mark names already taken, or lone words that do not single the
    theme out). ``abstracts`` (the texts without their titles, which
    capitalise every word) tell names from topics (:func:`proper_name`).

    Two papers that share no phrase get no name joining theirs ("Gradient
    Boosting and Backdoor Attacks"): None, and a caller splits them
    (:mod:`litreview.evidence.themes`).
    """
    named, said, surface = _inside(texts, abstracts)
    if not surface:
        return None
    # Shares are looked up by a phrase's words, not its spelling: the caller's candidates were
    # read without the abstracts, so "Optimization" here may be "optimization" there.
    by_key: dict[frozenset[str], float] = {}
    for phrase, value in (library_share or {}).items():
        by_key[_key(phrase)] = max(value, by_key.get(_key(phrase), 0.0))

    def common(key: frozenset[str]) -> float:
        return by_key.get(key, 0.0)

    taken = {k for k in surface if common(k) >= 1.0}
    outside = [content_stems(text) for text in others]

    def share_out(key: frozenset[str]) -> float:
        return sum(uses(s, key) for s in outside) / len(outside) if outside else 0.0

    inside = said if len(texts) > 1 else named

    def share_in(key: frozenset[str]) -> float:
        return len(inside[key]) / len(texts)

    def size(key: frozenset[str]) -> int:
        """Words (a hyphenated one's parts each), not terms: "indivíduos" is one word that
        ``terms`` splits at its accent (a Portuguese one-paper theme was headed
        "Indivíduos" over "Consumo Alimentar")."""
        return len(re.findall(r"[^\W\d_]+", surface[key]))

    def score(key: frozenset[str]) -> float:
        salient = len(named.get(key, ())) / len(texts)
        # Longer phrases name a theme better than a lone word, if the papers share them; a
        # phrase the papers are about (among their key phrases) better than one they mention.
        return (
            share_in(key) * (1.0 - common(key))
            - share_out(key)
            + 0.15 * (size(key) - 1)
            + 0.25 * salient
        )

    least = 2 if len(texts) > 1 else 1
    # A lone word names the papers only if they are about it (it is among the key phrases of
    # half of them: "Radiosity"), not if they merely say it ("Shadows", "Understanding").
    said_enough = [
        k
        for k in inside
        if len(inside[k]) >= least
        and k not in taken
        and (size(k) > 1 or len(named.get(k, ())) >= max(least, len(texts) / 2))
    ]
    apart = [k for k in said_enough if share_out(k) * CONTRAST <= share_in(k)]
    most = [k for k in said_enough if share_in(k) >= 0.5]
    # Best a phrase most of the papers say and the others do not; else one most of them say
    # (the theme's share of what the whole draft is about, "Backdoor Attacks"); else one that
    # sets two or more of them apart (the caller may split the rest off).
    shared = [k for k in apart if k in set(most)] or most or apart
    if not shared:
        return None
    best = max(shared, key=lambda k: (score(k), -common(k), surface[k]))
    if size(best) == 1:
        # A lone word ("backdoor") names less than the phrase most of the papers build on it
        # ("backdoor attacks"), when there is one.
        wider = [k for k in shared if best < k and len(inside[k]) >= max(least, len(texts) / 2)]
        if wider:
            best = max(wider, key=lambda k: (len(inside[k]), -len(k), surface[k]))
    return surface[best], frozenset(inside[best])


def adjectival(phrase: str) -> bool:
    """A phrase whose last word is an adjective ("dynamical", "hand-crafted", "safety-driven")
    names no theme, nor one cut from a title's opening verb ("Improving CDCL SAT")."""
    words = phrase.lower().split()
    if words and words[0] in _OPENING_VERBS:
        return True
    last = words[-1] if words else ""
    if words and re.search(r"[a-z](?:ando|endo|indo)$", words[0]) and words[0] not in _GIVEN:
        return True  # a Portuguese gerund opens a clause, not a name: "Utilizando a Web"
    if last in _PLAIN_ADJECTIVES:
        return True  # "with long as a common thread" (a video-generation library's draft)
    if re.match(r"(?:multi|non|cross|semi|inter|intra|anti)-", last):
        return True  # "Multi-Scene", "Non-IID": a modifier waiting for its noun
    if last in _COMPARATIVES or re.search(r"[a-z](?:ando|endo|indo)$", last):
        return True  # "Models Smaller"; a Portuguese gerund: "Indivíduos Adultos Utilizando"
    romance = _romance_function_words()
    if words and (words[0] in romance or last in romance or set(words[1:-1]) & romance - _JOINS):
        return True  # "Tecnologia Web Foi" ("web technology was"), from a Portuguese abstract
    adjective = re.search(
        r"(al|ive|ous|ic|able|ible|ful|less|ed|-driven|-aware|-free|-like)$", last
    )
    return bool(adjective) and last not in _NOUN_EXCEPTIONS


# Given names with a gerund's ending ("Fernando Pessoa" is a name, "Utilizando a Web" is not).
_GIVEN = frozenset(["fernando", "hernando", "orlando", "armando", "rolando", "nintendo"])

# Adjectives without an adjective's ending, which a phrase may be cut at or consist of.
_PLAIN_ADJECTIVES = frozenset(
    [
        "long",
        "short",
        "consistent",
        "coherent",
        "robust",
        "fast",
        "slow",
        "different",
        "new",
        "novel",
        "recent",
        "current",
        "dense",
        "sparse",
        "complex",
        "smooth",
        "rigid",
        "stable",
        "accurate",
        "hard",
        "easy",
        "rich",
        "deep",
        "shallow",
        "wide",
        "narrow",
        "strong",
        "weak",
        "good",
        "bad",
        "best",
        "high",
        "low",
        "large",
        "small",
        "big",
        "tiny",
        "same",
        "similar",
        "certain",
        "various",
        "several",
        "major",
        "minor",
    ]
)

_COMPARATIVES = frozenset(
    [
        "smaller",
        "larger",
        "bigger",
        "faster",
        "slower",
        "better",
        "worse",
        "higher",
        "lower",
        "fewer",
        "greater",
        "deeper",
        "wider",
        "cheaper",
        "stronger",
        "weaker",
        "longer",
        "shorter",
        "lighter",
        "simpler",
        "easier",
        "harder",
    ]
)


# What may join a Portuguese or Spanish name's words ("Sistemas de Informação").
_JOINS = frozenset(["de", "da", "do", "das", "dos", "e", "em", "del", "la", "el", "y"])


@lru_cache(maxsize=1)
def _romance_function_words() -> frozenset[str]:
    """Portuguese and Spanish stop words ("foi", "para", "uma") that are not English words: the
    English stop words the phrases are cut at leave them inside a Portuguese abstract's
    phrases. bm25s's lists, as the English ones (:mod:`litreview.reading.stopwords`)."""
    from litreview.reading.stopwords import english_plus, romance

    return romance() - english_plus() - {"era", "sin", "con", "pro", "via", "solo", "come"}


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
    """A theme name in title case, its language's small words kept small ("Sistemas de
    Informação", not "Sistemas De Informação"); acronyms and mixed case kept."""
    from litreview.reading.casing import minor_words

    small = minor_words(phrase)
    words = phrase.split()
    return " ".join(
        w
        if spelled_as_name(w)
        else (w.lower() if i and w.lower() in small else w[:1].upper() + w[1:])
        for i, w in enumerate(words)
    )
