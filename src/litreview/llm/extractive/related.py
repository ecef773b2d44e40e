"""Related-work pieces without a model: theme names and per-theme paragraphs.

A theme's name is the key phrase its papers share (and the others do not);
a paragraph gives each paper its contribution sentence, rewritten in the
third person and cited, ordered as the papers were numbered.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from litreview.evidence.claims import CONTRIBUTION
from litreview.evidence.keyphrases import (
    adjectival,
    generic,
    key_phrases,
    shared_phrase,
    title_case,
)
from litreview.evidence.scoring import EvidenceScorer, terms
from litreview.evidence.sentences import short_name, split_sentences, third_person
from litreview.evidence.source import Source

OTHER_THEME = "Other Related Work"


def theme_name(
    sources: Sequence[Source],
    others: Sequence[Source] = (),
    phrase_share: Mapping[str, float] | None = None,
) -> str:
    texts = [f"{s.title}. {s.text}" for s in sources]
    others_texts = [f"{s.title}. {s.text}" for s in others]
    phrase = shared_phrase(texts, others_texts, phrase_share, [s.text for s in sources])
    if phrase:
        return title_case(phrase)
    # Several papers that share no phrase: naming them after one of them would be false.
    return OTHER_THEME if len(sources) > 1 else short_name(sources[0].title)


def contribution(scorer: EvidenceScorer, work: str, source: Source) -> str:
    """The sentence that best says what the paper did, as it relates to the user's work.

    A sentence in the authors' voice ("we propose ...") wins over background
    ones however close those are to the work: a related-work paragraph says
    what each paper contributes, not what its introduction says of the field.
    """
    evidence = scorer.sentences(work, [source]) if work else []
    if not evidence:
        sentences = split_sentences(source.text)
        return sentences[0] if sentences else source.text
    authored = [e for e in evidence if CONTRIBUTION.search(e.text)]
    return max(authored or evidence, key=lambda e: e.score).text


def paragraph(scorer: EvidenceScorer, theme: str, work: str, sources: Sequence[Source]) -> str:
    """A paragraph a researcher can start from, not a reading list.

    It opens with what the theme's papers share (the theme, and the phrases
    several of them use), then gives each paper's contribution as a sentence
    with the paper as its subject ("NNSmith [3] generates ..."), tied to an
    earlier paper of the theme by a phrase they share, or marked as a
    different angle when they share none.
    """
    if not sources:
        return ""
    phrases = {s.n: _phrases(s) for s in sources}
    counts = Counter(key for s in sources for key in phrases[s.n])
    common = frozenset(k for k, c in counts.items() if c > len(sources) / 2)
    parts = [_opening(theme, sources, phrases)] if len(sources) > 1 else []
    for i, source in enumerate(sources):
        sentence = third_person(contribution(scorer, work, source)).rstrip(" .;:")
        last = i == len(sources) - 1 and len(sources) > 2
        parts.append(_as_subject(sentence, f"{paper_name(source.title)} [{source.n}]", last))
        if i:
            link = _link(source, sources[:i], phrases, theme, common)
            parts.append(f"{link}." if link else "")
    return " ".join(p for p in parts if p)


def paper_name(title: str, max_words: int = 10) -> str:
    """The system name before a colon, else the title itself (clipped only when very long)."""
    head, sep, _ = title.partition(":")
    if sep and 0 < len(head.split()) <= 4:
        return head.strip()
    return short_name(title, max_words)


_NUMBERS = ["", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]


def _phrases(source: Source) -> dict[frozenset[str], str]:
    """A paper's key phrases, keyed by their content terms (word order and case aside)."""
    out: dict[frozenset[str], str] = {}
    for phrase in key_phrases(f"{source.title}. {source.text}"):
        key = _key(phrase)
        if key and not generic(key) and not adjectival(phrase):
            out.setdefault(key, phrase)
    return out


def _key(phrase: str) -> frozenset[str]:
    """A phrase's content terms, plurals folded ("backdoor attacks" is "backdoor attack")."""
    return frozenset(t[:-1] if len(t) > 3 and t.endswith("s") else t for t in terms(phrase))


def _opening(
    theme: str, sources: Sequence[Source], phrases: dict[int, dict[frozenset[str], str]]
) -> str:
    """ "Three works study X, with Y and Z as common threads.": what the theme's papers share."""
    theme_key = _key(theme)
    counts: dict[frozenset[str], int] = {}
    for s in sources:
        for key in phrases[s.n]:
            counts[key] = counts.get(key, 0) + 1
    surface = {k: v for s in reversed(sources) for k, v in phrases[s.n].items()}
    shared = sorted(
        (k for k, c in counts.items() if c >= 2 and not k <= theme_key),
        key=lambda k: (-counts[k], -len(k)),
    )
    threads: list[str] = []
    for key in shared:
        if all(not (key & other) for other in threads_keys(threads)):
            threads.append(surface[key].lower())
        if len(threads) == 2:
            break
    count = _NUMBERS[len(sources)] if len(sources) < len(_NUMBERS) else str(len(sources))
    if theme.startswith(OTHER_THEME):
        return f"{count} further works relate to the topic from different directions."
    opening = f"{count} works study {theme.lower()}"
    if len(threads) == 2:
        opening += f", with {threads[0]} and {threads[1]} as common threads"
    elif threads:
        opening += f", with {threads[0]} as a common thread"
    return opening + "."


def threads_keys(threads: Sequence[str]) -> list[frozenset[str]]:
    return [_key(t) for t in threads]


def _link(
    source: Source,
    earlier: Sequence[Source],
    phrases: dict[int, dict[frozenset[str], str]],
    theme: str,
    common: frozenset[frozenset[str]] = frozenset(),
) -> str:
    """How this paper relates to the ones before it: a phrase it shares with one of them.

    Phrases of the theme itself and those most of the theme shares (``common``,
    said once in the opening) relate nothing in particular and are skipped.
    """
    theme_key = _key(theme)
    for key, phrase in phrases[source.n].items():
        if key <= theme_key or key in common:
            continue
        for other in reversed(earlier):
            if key in phrases[other.n]:
                return f"Like {paper_name(other.title)} [{other.n}], it deals with {phrase.lower()}"
    # No shared key phrase: a word both titles use (titles are mostly nouns: "detection").
    said = theme_key | {t for key in common for t in key}
    mine = {w for w in _title_words(source.title) if not _key(w) <= said}
    for other in reversed(earlier):
        shared = sorted(mine & _title_words(other.title))
        if shared:
            return f"Like {paper_name(other.title)} [{other.n}], it deals with {shared[0]}"
    return ""


_TITLE_STOP = frozenset(
    {"towards", "via", "using", "based", "efficient", "simple", "new", "first", "large", "small"}
)


def _title_words(title: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z][a-z]{4,}", title)}
    return {w for w in words if w not in _TITLE_STOP and not adjectival(w) and not generic(_key(w))}


_SUBJECT = re.compile(
    r"^(?P<lead>.*?)\b(?:the authors?|they)\s+(?P<adverb>(?:also|further|then|first|"
    r"additionally|finally)\s+)?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_IN_THIS = re.compile(
    r"\b(?:in|with) this (?:paper|work|study|project|article),?\s*$|\bhere,?\s*$", re.IGNORECASE
)
_KEEP_VERB = {"can", "could", "will", "would", "may", "might", "must", "should", "also"}
_IRREGULAR = {"are": "is", "have": "has", "were": "was", "do": "does", "go": "goes"}


def _conjugate(verb: str) -> str:
    """Third person singular of a present-tense verb (past tenses and modals unchanged)."""
    lower = verb.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower in _KEEP_VERB or (lower.endswith(("ed", "s")) and not lower.endswith("ss")):
        return verb
    if re.search(r"(s|sh|ch|x|z|o)$", lower):
        return verb + "es"
    if re.search(r"[^aeiou]y$", lower):
        return verb[:-1] + "ies"
    return verb + "s"


def _as_subject(sentence: str, name: str, last: bool = False) -> str:
    """The contribution with the paper as its subject.

    "To fill these gaps, the authors propose X" -> "DQA [3] proposes X" (the
    lead-in refers to context the draft does not have); a sentence not in the
    authors' voice is attributed: "According to DyBit [1], ...".
    """
    sentence = re.sub(r"^I\b", "The author", sentence)
    match = _SUBJECT.match(sentence)
    lead = match.group("lead") if match else ""
    if (
        match
        and len(lead.split()) <= 15
        and (not lead.strip() or lead.rstrip().endswith(",") or _IN_THIS.search(lead))
    ):
        adverb = (match.group("adverb") or "").lower()
        if adverb.strip() == "also":
            adverb = ""  # "also" pointed at the paper's own earlier sentences
        text = f"{name} {adverb}{_conjugate(match.group('verb'))}{match.group('rest')}"
        if last:
            text = f"Finally, {text}"
    else:
        opener = "Finally, according" if last else "According"
        text = f"{opener} to {name}, {_continue(sentence)}"
    return text[:1].upper() + text[1:] + "."


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
    """Lower-case a sentence's first word inside another sentence, unless it is a name."""
    first = sentence.split(" ", 1)[0]
    if first.lower() in _COMMON_OPENERS or (first.isalpha() and first[1:].islower()):
        return sentence[:1].lower() + sentence[1:]
    return sentence
