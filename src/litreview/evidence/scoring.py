"""Scoring evidence sentences against a question: embedding similarity plus term overlap.

The same measure serves the answer (which sentences to quote) and, in the
review tasks, the support check (does a cited sentence rest on its source).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from litreview.evidence.sentences import MIN_WORDS, split_sentences
from litreview.evidence.source import Source
from litreview.reading import stopwords
from litreview.reading.paper import NO_PAGE

# Weights of the combined score; calibrated on the labelled questions (bench/).
SEMANTIC_WEIGHT = 0.75
LEXICAL_WEIGHT = 0.25
# The fewest words of a sentence judged on a page of full text. A page's text is already
# whole sentences (:func:`~litreview.evidence.sentences.whole_sections` drops the pieces its
# cut left), and a paper states a setting briefly: the Transformer's "We used warmup_steps =
# 4000." (five words, under the abstracts' six) was never read. (A web page's text is not cut
# so: it keeps the abstracts' minimum.)
PAGE_MIN_WORDS = 4


@dataclass(frozen=True)
class Evidence:
    """One sentence of one source, scored against the question."""

    source: Source
    index: int
    text: str
    semantic: float
    lexical: float

    @property
    def score(self) -> float:
        return SEMANTIC_WEIGHT * self.semantic + LEXICAL_WEIGHT * self.lexical


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> set[str]:
    """Stemmed content words (the same analysis as the BM25 index)."""
    import re

    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stopwords.english()]
    return {t for t in _stemmer().stemWords(words) if len(t) > 1}


def overlap(question_terms: set[str], text: str) -> float:
    """Share of the question's content terms that the sentence contains."""
    if not question_terms:
        return 0.0
    return len(question_terms & terms(text)) / len(question_terms)


# A short sentence that leans on the one before it ("It is central to GFS."): said alone, it
# says nothing, and on a page it is read only from PAGE_MIN_WORDS on.
_LEANS_BACK = re.compile(r"^\s*(?:it|its|this|that|these|those|they|their|such|both)\b", re.I)


def _sentences(source: Source) -> list[str]:
    """The sentences of a source's text that are judged: an abstract's (or web page's) of
    :data:`~litreview.evidence.sentences.MIN_WORDS` words and more, a full-text page's of
    :data:`PAGE_MIN_WORDS` and more unless a short one leans on the sentence before."""
    if source.page in (None, NO_PAGE):
        return list(split_sentences(source.text))
    return [
        t
        for t in split_sentences(source.text, PAGE_MIN_WORDS)
        if len(t.split()) >= MIN_WORDS or (_spaced(t) and not _LEANS_BACK.match(t))
    ]


def _spaced(text: str) -> bool:
    """Whether a text's words are told by spaces (mostly Latin letters): a Chinese sentence of
    few spaces is not a short one, and those the minimum left out stay out (the support check
    judged two of them, quoted from a Raman spectroscopy paper's pages, unsupported)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) >= len(letters) / 2


class EvidenceScorer:
    """Embeds sentences once per process and scores them against questions.

    Shared by threads (batch workers, the TUI's): the cache is read and
    written under a lock, while the embedding itself (onnxruntime, which
    releases the GIL) runs outside it so workers still embed in parallel.
    """

    CACHE_LIMIT = 50_000
    _shared: EvidenceScorer | None = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls) -> EvidenceScorer:
        """The process-wide scorer, so every task reuses one sentence-vector cache."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self) -> None:
        from litreview.encoders.minilm import MiniLMEmbedder

        self._embedder = MiniLMEmbedder()
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            found = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(zip(missing, self._embedder.embed(missing), strict=True))
            found.update(fresh)
            with self._lock:
                if len(self._cache) + len(fresh) > self.CACHE_LIMIT:
                    self._cache.clear()
                self._cache.update(fresh)
        # Built from this call's own vectors: another thread clearing the cache meanwhile
        # cannot take them away.
        return np.stack([found[t] for t in texts])

    def sentences(self, question: str, sources: Sequence[Source]) -> list[Evidence]:
        rows = [(s, i, t) for s in sources for i, t in enumerate(_sentences(s))]
        if not rows:
            return []
        vectors = self.embed([t for _, _, t in rows])
        q = self.embed([question])[0]
        q_terms = terms(question)
        return [
            Evidence(source, index, text, float(vec @ q), overlap(q_terms, text))
            for (source, index, text), vec in zip(rows, vectors, strict=True)
        ]

    def count_tokens(self, text: str) -> int:
        return self._embedder.count_tokens(text)

    def similarity(self, a: str, b: str) -> float:
        va, vb = self.embed([a, b])
        return float(va @ vb)
