"""Combining rankings and diversifying results: pure functions over ids and vectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

# Scores closer than this are a tie. Float32 model arithmetic can move a score by a few units in
# the last place from one run to the next (batch -j4 once swapped two papers at the k-th place);
# a tie then falls to an order that noise cannot change.
SCORE_TOLERANCE = 1e-6


def best_first(scores: Mapping[str, float], tolerance: float = SCORE_TOLERANCE) -> list[str]:
    """Ids by score, best first; scores equal after rounding to ``tolerance`` keep their order.

    The result is as deterministic as the mapping's order: build it in an order
    that noise cannot change (by id, or along an earlier ranking that was).
    """
    return sorted(scores, key=lambda item: -round(scores[item] / tolerance))


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], weights: Sequence[float], k: int = 60
) -> dict[str, float]:
    """Weighted RRF (Cormack et al. 2009): robust to the retrievers' incomparable scores."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def mmr(
    candidates: Sequence[str],
    relevance: dict[str, float],
    vectors: dict[str, np.ndarray],
    k: int,
    lambda_: float,
) -> list[str]:
    """Maximal marginal relevance (Carbonell & Goldstein 1998).

    Relevance is rescaled to [0, 1] so ``lambda_`` means the same whatever
    scale the fused scores have. Candidates without a vector keep their rank.
    """
    if not candidates:
        return []
    values = np.array([relevance[c] for c in candidates], dtype=np.float32)
    span = float(values.max() - values.min()) or 1.0
    rel = {c: (relevance[c] - float(values.min())) / span for c in candidates}
    chosen: list[str] = []
    remaining = list(candidates)

    def redundancy(c: str) -> float:
        if c not in vectors:
            return 0.0
        return max((float(vectors[c] @ vectors[s]) for s in chosen if s in vectors), default=0.0)

    while remaining and len(chosen) < k:
        best = max(remaining, key=lambda c: lambda_ * rel[c] - (1 - lambda_) * redundancy(c))
        chosen.append(best)
        remaining.remove(best)
    return chosen
