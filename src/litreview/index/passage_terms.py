"""Which of one paper's passages use the question's words: BM25 among that paper's passages.

Why: a retrieved paper's passages were chosen by late interaction (MaxSim) alone, over the
passages ingest embedded, and MaxSim is carried by the words a question shares with the
whole paper. Asked "What optimizer was used to train the Transformer?", the Transformer's
abstract and introduction ("the Transformer", "trained") outscored page 7's "We used the
Adam optimizer ...", which also lay past the embedded chunks. Within one paper, a word of
every passage ("Transformer") says nothing of where the answer is, while a word of one or
two ("optimizer", "schedule") says where: BM25 with its document frequencies counted over
the paper's own passages weighs them so, and it reads every passage, embedded or not.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from litreview.index.catalog import StoredPassage
from litreview.index.lexical import LANG, query_terms
from litreview.reading.headings import sections
from litreview.reading.stopwords import ASKING

K1 = 1.5  # bm25s's "lucene" defaults, as the library's own BM25
B = 0.75
# A heading names what its section is about, as a title does its paper (BM25 counts a
# paper's title twice): GFS's "2.5 Chunk Size" says where its chunk size is given, in a paper
# whose every passage says "chunk".
HEADING_WEIGHT = 2


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer(LANG)


def _words(text: str) -> str:
    """``text`` with an identifier's parts apart: "warmup_steps = 4000" answers "What warmup
    steps ...?" (BM25's pattern reads "warmup_steps" as one word)."""
    return text.replace("_", " ")


def _pairs(stems: Sequence[str]) -> list[str]:
    """Each two neighbouring stems as one term, in either order ("learn rate" for "learning
    rate" and "rate of learning"; stop words are not stems, so "size in GFS" pairs "size"
    with "gfs")."""
    return [" ".join(sorted(pair)) for pair in itertools.pairwise(stems)]


@lru_cache(maxsize=4096)
def _counts(text: str) -> tuple[Counter[str], int]:
    """A passage's stems as the library's BM25 analyses text, and their neighbouring pairs
    (:func:`_pairs`), the words of the section headings in it counted :data:`HEADING_WEIGHT`
    more times; and its length in words (cached: the same papers' passages are read question
    after question)."""
    stems = query_terms(_words(text), _stemmer())
    counts = Counter(stems) + Counter(_pairs(stems))
    for heading in {b.heading for b in sections(text) if b.opens}:
        named = query_terms(heading, _stemmer())
        for term in [*named, *_pairs(named)]:
            counts[term] += HEADING_WEIGHT
    return counts, len(stems)


def passage_scores(query: str, passages: Sequence[StoredPassage]) -> dict[int, float]:
    """Each passage's BM25 score for ``query`` (by chunk number), its terms' rarity counted
    among ``passages`` (one paper's): 0 for a passage with none of the query's terms.

    The query's neighbouring words count as one more term each (:func:`_pairs`): a passage
    saying "learning rate" answers "What is the learning rate schedule ...?" better than one
    saying "learning" and "rate" apart, and within one paper a pair is rare where its words
    are not (the Transformer says "rate" of dropout and "learning" of everything)."""
    if not passages:
        return {}
    stems = [t for t in query_terms(_words(query), _stemmer()) if t not in ASKING]
    asked = [*stems, *_pairs(stems)]
    docs = [_counts(p.text) for p in passages]
    average = max(sum(length for _, length in docs) / len(docs), 1.0)
    held = {t: sum(1 for d, _ in docs if t in d) for t in set(asked)}
    rarity = {t: math.log(1 + (len(docs) - f + 0.5) / (f + 0.5)) for t, f in held.items()}
    out: dict[int, float] = {}
    for p, (d, length) in zip(passages, docs, strict=True):
        norm = K1 * (1 - B + B * length / average)
        out[p.n] = sum(rarity[t] * d[t] * (K1 + 1) / (d[t] + norm) for t in asked if d[t])
    return out
