"""Names a question asks about (GFS, BERT, Kajiya, "Google File System") and whether the
papers found mention them.

Why: retrieval always returns the nearest papers, and the extractive engine quotes their
closest sentences, so a question one step outside the library ("How does GFS handle
master failure?" on a library without the GFS paper) got a confident answer about
something else (a trial: AutoDroid's "why and how AutoDroid fails"). Words alone cannot
tell a paraphrase from a different subject, but a *name* the question uses and no
retrieved paper writes is a plain sign that the papers are about something else; the
answer says so instead of quoting as if they answered it.

A name is a word (or a hyphenated word's part) written as one: capitals past its first
letter (GFS, ResNet, LoRA), letters with digits (T5, word2vec), or a capitalised word that
does not open the question (Kajiya, Transformer); such words in a row are one name
("Monte Carlo"). A source mentions a name when its title, abstract, authors or a retrieved
passage has it (a plural "s" allowed, case ignored), or, for an acronym, words whose
initials spell it ("reinforcement learning" for RL). ``review.ask`` then asks the whole
library (:meth:`~litreview.index.library.Library.unwritten`) and drops capitalised common
words (:func:`uncommon`) unless the question's writer capitalised a common word that
English does not ("Raft", "Chord"). On the sample library (``bench/outside_names.py``):
24 of 25 questions naming what it lacks are told so (21 before that exception; Dynamo is
missed because BM25 stems the sample's "DynaMoE" to "dynamo"), and 6 of 425 labelled
questions about papers it holds would be, as before (a name no paper writes: "PhD",
"RAM", "Semitic").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from litreview.evidence.source import Source
from litreview.reading.stopwords import ASKING, english_plus, romance

_WORD = re.compile(r"[^\W_][\w\-'’]*")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")


def _name_like(word: str, opens: bool) -> bool:
    letters = [c for c in word if c.isalpha()]
    if not letters or len(word) < 2:
        return False
    if any(c.isupper() for c in word[1:]) and sum(c.isupper() for c in word) >= 2:
        return True  # GFS, ResNet, LoRA, GPT-3 (one capital past the first: "iPhone" too)
    if any(c.isdigit() for c in word) and len(letters) >= 2:
        return True  # word2vec, GPT3; not "3D" alone (one letter)
    if word[0].isupper() and not opens:
        return word.lower() not in _common()
    return False


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """Words that are no name even capitalised mid-question ("Is It ...", "Which Of")."""
    return english_plus() | romance() | ASKING | {"does", "i"}  # english_plus holds english


def asked_names(question: str) -> list[str]:
    """The names ``question`` uses, in order, each once; name-like words in a row are one
    ("Monte Carlo", "Google File System") unless a possessive ends one ("Google's MapReduce").

    A hyphenated word is read part by part ("GPT-4-generated" names GPT,
    "Conv-TasNet-style" Conv TasNet): its lower-case parts are ordinary words, and a
    compound the question coins is no name a paper would write whole.
    """
    names: list[str] = []
    run: list[str] = []

    def close() -> None:
        if run and " ".join(run).lower() not in {n.lower() for n in names}:
            names.append(" ".join(run))
        run.clear()

    last = 0
    for m in _WORD.finditer(question):
        if question[last : m.start()].strip():
            close()  # punctuation between: "GFS, MapReduce" are two
        last = m.end()
        word = re.sub(r"(?:['’]s|['’])$", "", m.group())  # Kajiya's -> Kajiya
        opens = bool(_OPENS_SENTENCE.search(question[: m.start()]))
        for part in word.split("-"):
            if len(part) > 2 and part.endswith("s") and part[:-1].isupper():
                part = part[:-1]  # LLMs -> LLM (a plural "s" is allowed when matching)
            if _name_like(part, opens):
                run.append(part)
            else:
                close()
            opens = False
        if word != m.group():
            close()  # a possessive ends its name: "Tolstoy's War" is Tolstoy, then War
    close()
    return names


def _pattern(name: str) -> re.Pattern[str]:
    parts = r"[\s\-]*".join(re.escape(w) for w in name.split())
    return re.compile(rf"(?<![^\W_]){parts}s?(?![^\W_])", re.IGNORECASE)


def mentions(name: str, texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` writes ``name`` as a word (or its plural)."""
    pattern = _pattern(name)
    return any(pattern.search(text) for text in texts)


def source_texts(source: Source) -> list[str]:
    return [source.title, source.text, " ".join(source.authors), *(p.text for p in source.passages)]


def _acronym(name: str) -> bool:
    return 2 <= len(name) <= 5 and name.isalpha() and name.isupper()


def spelled_out(acronym: str, texts: Iterable[str]) -> bool:
    """Whether ``texts`` have content words whose initials spell ``acronym`` in a row
    ("RL": "reinforcement learning"; "VLM": "vision-language model"), as a paper writes
    a term out where a question abbreviates it. Stop words break a row: "granted for
    studies" does not spell GFS."""
    pattern = re.compile(
        r"(?<![^\W_])" + r"[\s\-]+".join(rf"{re.escape(c)}[^\W_]*" for c in acronym),
        re.IGNORECASE,
    )
    drop = _common()
    return any(
        not any(w.lower() in drop for w in re.split(r"[\s\-]+", m.group()))
        for text in texts
        for m in pattern.finditer(text)
    )


def unmentioned(question: str, sources: Sequence[Source]) -> list[str]:
    """The names ``question`` uses that none of ``sources`` writes, or spells out."""
    texts = [t for s in sources for t in source_texts(s)]
    return [
        name
        for name in asked_names(question)
        if not mentions(name, texts) and not (_acronym(name) and spelled_out(name, texts))
    ]


def uncommon(names: Sequence[str], question: str | None = None) -> list[str]:
    """``names`` less those made only of common English or Portuguese words capitalised
    ("Chinese", "South Korean": a question's adjectives, not a thing it names). Asked last
    and only of what is left: the word lists take 0.2-3 s to load.

    Given the ``question``, a common word its writer capitalised mid-sentence in an
    otherwise lower-case question is a name after all ("How does Raft elect a leader?",
    "What does Chord use to locate keys?", "Photon mapping": systems and methods named by
    ordinary words), unless English capitalises that word anyway: a people, a language, a
    calendar word or a point of the compass (:func:`by_convention`). A title-cased question
    ("Which Papers Discuss Ray Tracing?") says nothing by its capitals, so it keeps the rule.
    """
    plain = [n for n in names if all(w[1:].islower() and w.isalpha() for w in n.split())]
    if not plain:
        return list(names)
    from litreview.reading.readers.word_lists import is_common

    def common(name: str) -> bool:
        return all(is_common(w) or is_common(w, "pt") for w in name.split())

    chosen = question is not None and not title_cased(question)

    def named(name: str) -> bool:
        return chosen and not any(by_convention(w) for w in name.split())

    return [n for n in names if n not in plain or not common(n) or named(n)]


#: Common words English writes capitalised whatever they mean in the sentence.
_CONVENTION = frozenset(
    str.split(
        "monday tuesday wednesday thursday friday saturday sunday january february march april "
        "may june july august september october november december north south east west "
        "english french dutch greek swiss thai czech welsh irish arabic hebrew latin semitic "
        "islamic hispanic germanic slavic nordic celtic muslim hindu buddhist catholic "
        "protestant jew jewish god internet web earth china japan turkey chile jordan"
    )
)
_CONVENTION_ENDINGS = ("ese", "ian", "ean", "ican", "ern")


def by_convention(word: str) -> bool:
    """Whether English capitalises ``word`` anyway: a people or a language (Chinese,
    Korean, Italian, American, Spanish, German), a name's adjective (Gaussian, Boolean), a
    day or month, a compass point or region (Western), or a country that is also a word."""
    lower = word.lower()
    if lower in _CONVENTION or lower.endswith(_CONVENTION_ENDINGS):
        return True
    return len(lower) >= 6 and lower.endswith(("an", "ish"))


def title_cased(question: str) -> bool:
    """Whether most of ``question``'s words past its first are capitalised (a heading's
    style), so that a capital says nothing about a word being a name."""
    words = [m.group() for m in _WORD.finditer(question)][1:]
    content = [w for w in words if w.isalpha() and w.lower() not in _common()]
    if not content:
        return False
    return sum(w[0].isupper() for w in content) > len(content) / 2


def note(names: Sequence[str]) -> str:
    """What an answer opens with when the library lacks what the question names."""
    quoted = [f"“{n}”" for n in names]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return (
        f"No paper in your library mentions {listed}: what follows is from the nearest "
        "papers, which may not answer the question."
    )
