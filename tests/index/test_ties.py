"""Near-tied scores give one order, whatever float noise decides their last digits.

Float32 model arithmetic can move a score by a unit in the last place from one run to the next
(batch at -j4 once put a different paper at the k-th place than at -j1). These tests make ties
on purpose (scores rounded to a coarse grid) and add noise far below the tolerance, different on
each run: the ranking must not move.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from litreview.index.fusion import SCORE_TOLERANCE, best_first
from litreview.index.late import TokenStore
from litreview.index.library import Library
from litreview.index.vectors import ChunkHit, VectorStore
from litreview.settings import Settings, load_settings

QUESTION = "How can huge models be trained when GPU memory is limited?"
GRID = 0.02  # coarse enough that most candidates tie with another
NOISE = SCORE_TOLERANCE / 100


def test_ties_within_the_tolerance_keep_the_given_order() -> None:
    scores = {"b": 0.5, "a": 0.5 + NOISE, "c": 0.9, "d": 0.5 - NOISE, "e": 0.1}
    assert best_first(scores) == ["c", "b", "a", "d", "e"]
    assert best_first(dict(sorted(scores.items()))) == ["c", "a", "b", "d", "e"]


def test_scores_further_apart_than_the_tolerance_are_ordered_by_score() -> None:
    step = 3 * SCORE_TOLERANCE
    assert best_first({"a": 0.5, "b": 0.5 + step, "c": 0.5 - step}) == ["b", "a", "c"]


def _noisy(seed: int) -> Callable[[float], float]:
    rng = random.Random(seed)
    return lambda value: round(value / GRID) * GRID + rng.uniform(-NOISE, NOISE)


def _ranking(settings: Settings, mode: str) -> list[str]:
    with Library(settings) as library:
        hits = library.search(library.request(QUESTION, k=20, mode=mode))
    return [hit.paper.paper_id for hit in hits]


def test_late_interaction_near_ties_give_one_ranking(
    sample_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(**{"retrieval.rerank_dense": 0.0})  # final score = MaxSim alone
    real = TokenStore.score
    rankings = []
    for seed in range(6):
        noisy = _noisy(seed)

        def score(self: TokenStore, *args: Any, noisy: Callable[[float], float] = noisy) -> Any:
            found = real(self, *args)
            return None if found is None else {pid: noisy(v) for pid, v in found.items()}

        monkeypatch.setattr(TokenStore, "score", score)
        rankings.append(_ranking(settings, "hybrid"))
    assert len(rankings[0]) == 20
    assert all(r == rankings[0] for r in rankings)


def test_dense_near_ties_give_one_ranking(
    sample_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = VectorStore.query
    rankings = []
    for seed in range(6):
        noisy = _noisy(seed)

        def query(self: VectorStore, *args: Any, noisy: Callable[[float], float] = noisy) -> Any:
            hits = [
                ChunkHit(h.chunk_id, h.paper_id, noisy(h.similarity)) for h in real(self, *args)
            ]
            return sorted(hits, key=lambda h: -h.similarity)  # tied chunks in the noise's order

        monkeypatch.setattr(VectorStore, "query", query)
        rankings.append(_ranking(sample_settings, "dense"))
    assert len(rankings[0]) == 20
    assert all(r == rankings[0] for r in rankings)
