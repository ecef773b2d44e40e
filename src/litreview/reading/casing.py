"""Titles and names typed in capitals, shown as people write them ("Deep Residual Learning").

Real libraries hold titles and author names in all capitals: a PDF's title
set in capitals ("REACT: SYNERGIZING REASONING AND ACTING IN LANGUAGE
MODELS"), a scanned paper's authors ("CORINNA CORTES"), a medical export's
given names ("Mozes, GEZA"). Shown as typed they shout in every list, draft
and reference. Only text with no lower-case letter at all is changed (a title
typed in mixed case, acronyms and "ReAct" included, is the author's choice),
and within it a word that reads as an acronym keeps its capitals: one with a
digit ("3D", "QUERY2CAD"), of two letters ("AI"), or of up to five letters
that is not a common English word ("GPU", "BERT", "LSTM", "CAD"). A lone word
before a colon is the system's name ("SQUEEZENET: ..."), whose true casing
("SqueezeNet") cannot be guessed from the title, so it is kept as typed too, unless the
paper's own text (abstract, pages) writes it in one mixed case: "REACT" is "ReAct",
"ALEXNET-LEVEL" "AlexNet-Level", "QUERY2CAD" "Query2CAD" (:func:`text_spellings`).
A title in another language is judged by that language's words: in "PLANO DE
NEGÓCIO" (a real Zotero library's business plan) "PLANO" is a Portuguese word, not
an acronym, and "de" a small word ("Plano de Negócio").

Nothing downstream depends on the typed case: paper ids and duplicate
detection fold case (``normalize_title``), BibTeX keys are lower-case, and
author search ignores case; so the stored record holds the display form.
"""

from __future__ import annotations

import re
from collections import Counter

from litreview.reading.readers.word_lists import is_common

# Lower-case inside a title (English, and the particles of other languages' titles).
_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "via",
        "vs",
        "with",
        "de",
        "del",
        "der",
        "des",
        "di",
        "du",
        "e",
        "el",
        "en",
        "et",
        "la",
        "le",
        "les",
        "o",
        "und",
        "van",
        "von",
        "y",
    ]
)
# Words up to this long that are not common words read as acronyms: "BERT", "YOLO", "CUDA"
# (``word_lists.is_common``: "react" and "adam" are words; "bert", "gan" and "cad" are not).
ACRONYM_LETTERS = 5
# The small words of titles in other languages, lower-case inside a title of that language
# ("PLANO DE NEGÓCIO" -> "Plano de Negócio"); they also say which languages a title may
# be in, before any word list is loaded.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "pt": "a ao aos as com da das de do dos e em entre na nas no nos o os para pela pelo por "
        "sem sobre um uma",
        "es": "a al con de del e el en entre la las los para por sin sobre un una y",
        "fr": "au aux avec dans de des du en et la le les par pour sans sur un une",
        "de": "am auf aus bei das dem den der des die ein eine für im in mit und von vom zu zum "
        "zur",
        "it": "a al alla con da dei del della delle di e il in la le nel nella per su un una",
        "nl": "aan bij de een en het in met naar of op over te van voor",
    }.items()
}
# Two-letter English words that are words, not acronyms, in a title ("ATTENTION IS ALL ...").
_TWO_LETTER_WORDS = frozenset(
    ["am", "be", "do", "go", "he", "if", "is", "it", "me", "my", "no", "so", "up", "us", "we"]
)
# Prefixes typed with a hyphen ("PRE-TRAINING"): words, though short and rare on their own.
_PREFIXES = frozenset(
    [
        "anti",
        "bi",
        "co",
        "counter",
        "cross",
        "de",
        "inter",
        "intra",
        "mid",
        "multi",
        "non",
        "over",
        "post",
        "pre",
        "re",
        "self",
        "semi",
        "sub",
        "super",
        "tri",
        "un",
        "under",
    ]
)
_ROMAN = frozenset({"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"})


def shouting(text: str) -> bool:
    """True for text with letters, at least two of them, and none in lower case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def title_language(title: str) -> str:
    """The language of a title's words, as far as casing needs it: English unless another
    language's small words are in it and that language knows more of its longer words.

    Another language's list is loaded only for a title with a longer word that is not
    common English and a small word of that language ("DE"), so a title of common
    English words costs no other language's list."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", title)]
    longer = [w for w in words if len(w) >= 4]
    if all(is_common(w) for w in longer):
        return "en"
    candidates = [
        language for language, small in _FUNCTION_WORDS.items() if any(w in small for w in words)
    ]

    def known(language: str) -> int:
        return sum(is_common(w, language) for w in longer)

    best = max(candidates, key=known, default="en")
    return best if known(best) > known("en") else "en"


def _acronym(word: str, language: str = "en") -> bool:
    letters = "".join(c for c in word if c.isalpha())
    if any(c.isdigit() for c in word) or not letters:
        return True
    if letters.casefold() in _ROMAN:
        return True
    if letters.casefold() in _SMALL | _TWO_LETTER_WORDS | _small_words(language):
        return False
    if len(letters) <= 2:
        return True
    if len(letters) <= ACRONYM_LETTERS:
        return not (is_common(letters) or is_common(letters, language))
    return False


def _small_words(language: str) -> frozenset[str]:
    return _FUNCTION_WORDS.get(language, frozenset())


def minor_words(text: str) -> frozenset[str]:
    """The words a title in ``text``'s language keeps in lower case after its first ("of",
    "the"; Portuguese "de", "e", "para"): one list for titles and theme names alike."""
    return _SMALL | _small_words(title_language(text))


def _capitalize(word: str) -> str:
    """ "O'BRIEN" -> "O'Brien", "SELF-ATTENTION" -> "Self-Attention"."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), word)


def _title_word(word: str, first: bool, language: str = "en") -> str:
    parts = word.split("-")
    if len(parts) > 1:
        return "-".join(
            _capitalize(p)
            if i < len(parts) - 1 and p.casefold() in _PREFIXES
            else _title_word(p, first and i == 0, language)
            for i, p in enumerate(parts)
        )
    core = word.strip("\"'()[]{}<>.,;:!?")
    if not core or _acronym(core, language):
        return word
    if not first and core.casefold() in _SMALL | _small_words(language):
        return word.lower()
    return _capitalize(word)


def display_title(title: str, text: str = "") -> str:
    """An all-capitals title in title case, acronyms kept; any other title as typed.

    ``text`` is the paper's own text (abstract, pages): a title word it writes in one
    mixed case ("SqueezeNet", "ReAct") is shown so, since only the authors know it.
    """
    if not shouting(title):
        return title
    language = title_language(title)
    head, colon, rest = title.partition(":")
    if colon and len(head.split()) == 1 and rest.strip():
        # "SQUEEZENET: ALEXNET-LEVEL ACCURACY ...": the lone head is the system's name.
        shown = f"{head}:{_title_words(rest, True, language)}"
    else:
        shown = _title_words(title, True, language)
    spellings = text_spellings(title, text)
    if not spellings:
        return shown
    return _WORD.sub(lambda m: spellings.get(m.group(0).casefold(), m.group(0)), shown)


# A run of letters and digits: a word as the title and the text spell it ("Query2CAD").
_WORD = re.compile(r"[^\W_]+")
# Shorter words are not looked up: "iN" or "Of" in a text are noise, not a name's casing.
_SPELLED_MIN = 3


def _mixed(word: str) -> bool:
    """ "SqueezeNet", "ReAct", "Query2CAD", "LLMs": a capital after the first letter and a
    lower-case letter, which no sentence position or shouting explains."""
    return any(c.islower() for c in word) and any(c.isupper() for c in word[1:])


def text_spellings(title: str, text: str) -> dict[str, str]:
    """Title words (case-folded) -> the mixed-case spelling the paper's text gives them.

    A spelling is taken when the text writes the word in that one mixed case in more
    than half of its occurrences not in capitals (headings and running heads repeat
    the title in capitals): "ReAct" 150 times and "react" twice in ReAct's PDF. A word
    the text writes as a common word ("accuracy", "Accuracy") is left to title case.
    """
    words = {w.casefold() for w in _WORD.findall(title) if len(w) >= _SPELLED_MIN}
    if not words or not text:
        return {}
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    seen: dict[str, Counter[str]] = {}
    for match in pattern.finditer(text):
        spelled = match.group(0)
        if not spelled.isupper():
            seen.setdefault(spelled.casefold(), Counter())[spelled] += 1
    spellings = {}
    for word, counts in seen.items():
        best, n = counts.most_common(1)[0]
        if _mixed(best) and n * 2 > counts.total():
            spellings[word] = best
    return spellings


def _title_words(text: str, first: bool, language: str) -> str:
    out = []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            out.append(token)
            continue
        out.append(_title_word(token, first, language))
        # After a colon or a dash a new clause starts: its first word is capitalised.
        first = token.endswith((":", "—", "–")) or token in {"-", "—", "–"}
    return "".join(out)


def display_name(name: str) -> str:
    """A name's all-capitals words in name case: "SMITH, JOHN" -> "Smith, John",
    "Mozes, GEZA" -> "Mozes, Geza"; initials ("ABADI MJ" -> "Abadi MJ") stay.

    A name with no comma that is not all capitals is kept as typed: without the comma
    nothing says which words are the person's names ("ACME Consortium", an institution).
    """
    whole = shouting(name)
    if not whole and "," not in name:
        return name
    words = re.split(r"(\s+|,)", name)
    # In a name all in capitals a two-letter word is a surname ("LI, WEI", "XU WEI") where a
    # surname stands: first, or before the comma; elsewhere it is initials ("SMITH JA").
    surname_end = words.index(",") if "," in words else 1
    out = []
    for i, word in enumerate(words):
        letters = "".join(c for c in word if c.isalpha())
        if not shouting(word) or len(letters) < 2:
            out.append(word)
        elif len(letters) == 2 and not (whole and i < surname_end):
            out.append(word)  # "Mozes, GE", "SMITH JA": initials
        elif not any(c in "aeiouy" for c in letters.casefold()) or (letters.casefold() in _ROMAN):
            out.append(word)  # "MJ", "III": initials and generation numbers
        else:
            out.append(_capitalize(word))
    return "".join(out)
