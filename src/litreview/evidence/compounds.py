"""A question's compound terms ("learning rate"), whose words count only together.

The lexical match counts a question's terms one by one, and the sentence embedding sees
"rate" in "we use a rate of Pdrop = 0.1" as close to "learning rate": a user's "What is
the learning rate schedule used to train the Transformer?" was answered with the dropout
rate. A pair of adjacent words of the question is a compound when the sources write them
adjacent too (so "rate schedule", which no paper writes, is not one); a sentence that holds
the compound's last word (its head, "rate") without its first (what kind: "learning"), and
whose previous sentence does not name that kind either ("In addition, we apply dropout
... For the base model, we use a rate of Pdrop" is about the dropout rate), is about
another thing of that name.

Only a measure's name is read so ("learning rate", "batch size", "inference time",
"success rate"): a measure is told by its kind, a rate of dropout is no learning rate. A
thing's name is not ("hardware accelerator": the edge paper's "the most universal
accelerator" is one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

from litreview.evidence.scoring import Evidence, terms
from litreview.evidence.sentences import split_sentences
from litreview.evidence.source import Source
from litreview.reading import stopwords

# Words and the punctuation between them: a compound's words stand with nothing between
# ("Transformer (base model)" does not make "Transformer base" one).
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*|[^\sA-Za-z0-9]")

Compound = tuple[str, str]  # stemmed (modifier, head)

# The names of measures (plurals are stemmed to these).
MEASURES = frozenset(
    {
        "rate", "ratio", "size", "time", "latency", "throughput", "speed", "length", "count",
        "number", "score", "accuracy", "error", "loss", "cost", "budget", "decay", "weight",
        "threshold", "probability", "frequency", "temperature", "momentum", "epochs", "steps",
        "overhead", "usage", "consumption", "footprint",
    }
)  # fmt: skip


def _stem(word: str) -> str:
    found = terms(word)
    return next(iter(found)) if len(found) == 1 else ""


def _pairs(text: str, keep_names: bool = True) -> set[Compound]:
    """Adjacent content-word pairs of ``text``, stemmed; with ``keep_names`` False, none
    whose first word is capitalised past the text's start (a name: "MapReduce workers" is
    about MapReduce's workers, every sentence of its paper is)."""
    tokens = _TOKEN.findall(text)
    out: set[Compound] = set()
    for i, (first, second) in enumerate(pairwise(tokens)):
        if not (first[0].isalnum() and second[0].isalnum()):
            continue
        if first.lower() in stopwords.english() or second.lower() in stopwords.english():
            continue
        if not keep_names and i and first[:1].isupper():
            continue
        pair = (_stem(first), _stem(second))
        if all(pair) and pair[0] != pair[1]:
            out.add(pair)
    return out


def compounds(question: str, sources: Iterable[Source]) -> set[Compound]:
    """The question's adjacent word pairs that some source writes adjacent too."""
    heads = {_stem(word) for word in MEASURES}
    asked = {pair for pair in _pairs(question, keep_names=False) if pair[1] in heads}
    if not asked:
        return set()
    written: set[Compound] = set()
    for source in sources:
        texts = [source.title, source.text, *(p.text for p in source.passages)]
        for text in texts:
            written |= _pairs(text) & asked
    return written


def _previous(e: Evidence) -> str:
    sentences: Sequence[str] = split_sentences(e.source.text)
    return sentences[e.index - 1] if 0 < e.index <= len(sentences) else ""


def splits_compound(e: Evidence, found: set[Compound]) -> bool:
    """Whether a sentence holds a compound's head without its modifier (see above)."""
    if not found:
        return False
    held = terms(e.text)
    lacking = [m for m, head in found if head in held and m not in held]
    return bool(lacking) and not set(lacking) & terms(_previous(e))
