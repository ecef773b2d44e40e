"""Judges that read the topic's exact wording, as cut rules for related work (issue 14).

Used by ``bench.related_limits`` (same run, same candidates). The relevance
judge ranks a topic's candidates nearly as well as any cut needs (a perfect
per-topic cut of its ranking reaches 0.89 precision at 0.96 recall) but its
scores are not comparable across topics, so a margin below the best keeps the
neighbouring topic's papers in some topics to reach the far relevant ones in
others. Each signal here asks, without a model beyond the two encoders the
library already runs, whether a paper's own text says what the topic says:

- **best sentence**: MiniLM cosine of the topic to the paper's title or its
  abstract sentence that matches the topic best (max over sentences, not the
  whole abstract), relative to the topic's best candidate;
- **focus**: cosine of the topic to the paper's title and first two own-claim
  sentences (its stated contribution: "attacks" vs "defenses"), relative;
- **key phrases**: share of the topic's key phrases (``key_phrases``: YAKE)
  whose every word is in the title or in that best-matching sentence;
- **encoder agreement**: the lower of the MiniLM and MPNet cosines to the
  topic, each relative to the topic's best (both encoders must agree);
- **title anchors**: cosine of the paper's title to the centroid of the
  topic's two best papers' titles (a sentence-level "resembles the best").

``bench.related_limits`` adds each to the judge's relevance (a weight chosen
with the margin), gates the judge's tail on the key phrases, and fits a
logistic model over all of them; every rule is chosen on one half of the
topics and measured on the other, and leave-one-topic-out.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.related_limits import (
    COVERAGE,
    MARGINS,
    MIN_PAPERS,
    POOL,
    SIMILARITY,
    Cut,
    Family,
    Limits,
    fixed,
    margin_cut,
)
from litreview.evidence.claims import background_of
from litreview.evidence.keyphrases import key_phrases
from litreview.evidence.scoring import EvidenceScorer, terms
from litreview.evidence.sentences import split_sentences
from litreview.index.retriever import SearchHit

FOCUS_SENTENCES = 2
ANCHORS = 2


@dataclass(frozen=True)
class Wording:
    """One value per candidate (the topic's first POOL hits, in search order)."""

    best_sentence: np.ndarray
    focus: np.ndarray
    key_phrases: np.ndarray
    agreement: np.ndarray
    title_anchors: np.ndarray

    def named(self) -> dict[str, np.ndarray]:
        return {
            "best sentence": self.best_sentence,
            "focus (title + first own claims)": self.focus,
            "key phrases in title or best sentence": self.key_phrases,
            "encoder agreement": self.agreement,
            "title similarity to the two best": self.title_anchors,
        }


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _relative(x: np.ndarray) -> np.ndarray:
    """Each value less the topic's best: comparable across topics where raw cosines are not."""
    return x - x.max() if len(x) else x


def wording(scorer: EvidenceScorer, topic: str, hits: Sequence[SearchHit]) -> Wording:
    """The signals above for ``hits`` on ``topic``."""
    q = scorer.embed([topic])[0]
    phrases = [t for t in (terms(p) for p in key_phrases(topic)) if t]
    best, focus, keys, titles = [], [], [], []
    for hit in hits:
        sentences = list(split_sentences(hit.paper.abstract))
        texts = [hit.paper.title, *sentences]
        vectors = scorer.embed(texts)
        cosines = vectors @ q
        top = int(np.argmax(cosines))
        best.append(float(cosines[top]))
        context = background_of(list(enumerate(sentences)))
        own = [i for i in range(len(sentences)) if i not in context][:FOCUS_SENTENCES]
        own = own or list(range(min(FOCUS_SENTENCES, len(sentences))))
        focus.append(float(_unit(vectors[[0, *(i + 1 for i in own)]].mean(axis=0)) @ q))
        where = terms(hit.paper.title) | terms(texts[top])
        keys.append(sum(p <= where for p in phrases) / len(phrases) if phrases else 0.0)
        titles.append(vectors[0])
    matrix = np.array(titles)
    anchors = _unit(matrix[:ANCHORS].mean(axis=0)) if len(matrix) else matrix
    dense = np.array([h.dense_score if h.dense_score is not None else 0.0 for h in hits])
    rerank = np.array([h.rerank_score if h.rerank_score is not None else 0.0 for h in hits])
    return Wording(
        best_sentence=_relative(np.array(best)),
        focus=_relative(np.array(focus)),
        key_phrases=np.array(keys),
        agreement=np.minimum(_relative(dense), _relative(rerank)),
        title_anchors=matrix @ anchors if len(matrix) else np.zeros(0),
    )


WORDING_WEIGHTS = [0.25, 0.5, 1.0, 2.0]
KEY_PHRASE_FLOORS = [0.1, 0.2, 0.3, 0.4, 0.5]
THRESHOLDS = np.round(np.arange(-6.0, 4.0, 0.05), 2)
L2 = 0.01


def wording_families(limits: Limits, signals: Sequence[Wording]) -> dict[str, Family]:
    """The cut rules that read the topic's wording (see the module docstring)."""
    grid = list(itertools.product(SIMILARITY, COVERAGE, MARGINS))

    def plus(name: str) -> Family:
        def cut(a: float, b: float, m: float, c: float) -> Cut:
            return lambda i: margin_cut(
                limits.relevance(i, a, b) + c * signals[i].named()[name][:POOL], m
            )

        return fixed(lambda: {(*p, c): cut(*p, c) for p in grid for c in WORDING_WEIGHTS})

    def gated(a: float, b: float, m: float, floor: float) -> Cut:
        # The judge's two best stay; below them a paper must use the topic's key phrases.
        def cut(i: int) -> list[int]:
            kept = margin_cut(limits.relevance(i, a, b), m)
            keys = signals[i].key_phrases
            return [j for t, j in enumerate(kept) if t < MIN_PAPERS or keys[j] >= floor]

        return cut

    out = {
        f"judge + {name}": plus(name)
        for name in signals[0].named()
        if name != "key phrases in title or best sentence"
    }
    out["judge, tail must use the topic's key phrases"] = fixed(
        lambda: {(*p, f): gated(*p, f) for p in grid for f in KEY_PHRASE_FLOORS}
    )
    out["logistic fit of the judge's and the wording signals"] = logistic(limits, signals)
    return out


def features(limits: Limits, signals: Sequence[Wording]) -> list[np.ndarray]:
    """Per topic, one row per candidate: the judge's three signals and the wording ones, each
    relative to the topic's best (raw scores are not comparable across topics)."""
    out = []
    for sig, words in zip(limits.sigs, signals, strict=True):
        columns = [sig.search, sig.similarity, sig.coverage, *words.named().values()]
        out.append(np.stack([c[:POOL] - c[:POOL].max() for c in columns], axis=1))
    return out


def logistic(limits: Limits, signals: Sequence[Wording]) -> Family:
    """A logistic model of "on topic" fitted on the training topics (numpy and scipy: no new
    dependency); the threshold on its output is the parameter chosen there too."""
    from scipy.optimize import minimize

    rows = features(limits, signals)

    def make(train: list[int], relevant: Sequence[set[str]]) -> list[Cut]:
        x = np.vstack([rows[i] for i in train])
        y = np.array(
            [h.paper.paper_id in relevant[i] for i in train for h in limits.rows[i]],
            dtype=float,
        )
        mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9

        def loss(w: np.ndarray) -> float:
            p = 1 / (1 + np.exp(-(((x - mu) / sd) @ w[:-1] + w[-1])))
            ll = y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)
            return float(-ll.mean() + L2 * np.sum(w[:-1] ** 2))

        w = minimize(loss, np.zeros(x.shape[1] + 1), method="L-BFGS-B").x
        scores = [((r - mu) / sd) @ w[:-1] + w[-1] for r in rows]

        def cut(t: float) -> Cut:
            return lambda i: [
                int(j) for j in np.argsort(-scores[i], kind="stable") if scores[i][j] >= t
            ]

        return [cut(t) for t in THRESHOLDS]

    return Family(make, trained=True)
