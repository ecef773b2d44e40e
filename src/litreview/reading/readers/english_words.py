"""Is this an English word? An offline dictionary, for the one call a paper's own words cannot make.

A word broken at a line end whose halves occur nowhere else in the paper is either a
word cut at a syllable ("pri-marily") or a compound the paper uses once ("smart-home");
the paper cannot tell which, a dictionary can: "primarily" is a word, "smarthome" is not
while "smart" and "home" are. The dictionary is pyspellchecker's English word-frequency
list (about 160,000 words, shipped in the package, no network), loaded on the first
question only (about 0.5 s), since most papers never ask one.

It is a general-English list: it lacks much technical vocabulary ("dataset",
"pretrained", "programmatically"), so it is asked only after the paper itself
(``pdf._repair``), and an unknown joined word with two known halves keeps its hyphen
("pre-trained" rather than "pretrained": either reads and searches).
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_WORDS: Any = None


def _frequencies() -> Any:
    global _WORDS
    with _LOCK:
        if _WORDS is None:
            from spellchecker import SpellChecker

            _WORDS = SpellChecker(language="en", distance=1).word_frequency
        return _WORDS


def is_english_word(word: str) -> bool:
    """Whether ``word`` (any case) is in the English word list."""
    return bool(_frequencies()[word.casefold()])


def word_frequency(word: str) -> int:
    """How common ``word`` (any case) is in that list: 0 when it is not there at all."""
    return int(_frequencies()[word.casefold()])
