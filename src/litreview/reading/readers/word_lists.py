"""Is this a word? Offline word lists, for the calls a paper's own words cannot make.

Two questions need a dictionary:

- A PDF word broken at a line end whose halves occur nowhere else in the paper is
  either a word cut at a syllable ("pri-marily") or a compound the paper uses once
  ("smart-home"); the paper cannot tell which, a dictionary can: "primarily" is a
  word, "smarthome" is not while "smart" and "home" are (``is_english_word``).
- A title typed in capitals: is "BERT" an acronym to keep, "REACT" a word to show as
  "React", and in "PLANO DE NEGÓCIO" is "PLANO" a Portuguese word? (``is_common``,
  in the title's own language).

The lists are pyspellchecker's word-frequency lists (shipped in the package, no
network), each loaded on its first question only (0.2-3.3 s), since most papers never
ask one. A language other than English is kept only as the set of its common words
(10-90 MB less than the whole list). They are general-language lists: they lack much
technical vocabulary ("dataset", "pretrained"), so they are asked only after the
paper itself (``pdf._repair``).
"""

from __future__ import annotations

import threading
from typing import Any

# The languages whose lists pyspellchecker ships and whose papers use the Latin alphabet.
LANGUAGES = ("en", "de", "es", "fr", "it", "nl", "pt")
# A word at least this common (per million words of its language's list) is a common word:
# in English "react" (8.6) and "adam" (2.1) are, "bert" (0.26) and "gan" (0.10) are not.
COMMON_PER_MILLION = 0.3

_LOCK = threading.Lock()
_ENGLISH: Any = None
_COMMON: dict[str, frozenset[str]] = {}


def _english() -> Any:
    global _ENGLISH
    with _LOCK:
        if _ENGLISH is None:
            from spellchecker import SpellChecker

            _ENGLISH = SpellChecker(language="en", distance=1).word_frequency
        return _ENGLISH


def _common(language: str) -> frozenset[str]:
    # English's whole list is kept anyway (``is_english_word``): load it once, for both.
    english = _english() if language == "en" and language not in _COMMON else None
    with _LOCK:
        if language not in _COMMON:
            from spellchecker import SpellChecker

            frequencies = (
                english
                if english is not None
                else SpellChecker(language=language, distance=1).word_frequency
            )
            least = COMMON_PER_MILLION * frequencies.total_words / 1e6
            _COMMON[language] = frozenset(
                word for word, count in frequencies.dictionary.items() if count >= least
            )
        return _COMMON[language]


def is_english_word(word: str) -> bool:
    """Whether ``word`` (any case) is in the English word list at all."""
    return bool(_english()[word.casefold()])


def is_common(word: str, language: str = "en") -> bool:
    """Whether ``word`` (any case) is a common word of ``language`` (one of ``LANGUAGES``)."""
    return word.casefold() in _common(language)
