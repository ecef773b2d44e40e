from __future__ import annotations

import numpy as np

from litreview.index.fusion import mmr, reciprocal_rank_fusion


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], [1.0, 1.0], k=60)
    ranked = sorted(fused, key=lambda x: -fused[x])
    assert set(ranked[:2]) == {"a", "b"}
    assert fused["c"] == fused["d"] == 1 / 63


def test_rrf_weights() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], [2.0, 1.0], k=1)
    assert fused["a"] == 1.0 and fused["b"] == 0.5


def test_mmr_skips_near_duplicates() -> None:
    v = {
        "a": np.array([1.0, 0.0]),
        "a2": np.array([0.999, 0.0447]),
        "b": np.array([0.0, 1.0]),
    }
    rel = {"a": 1.0, "a2": 0.95, "b": 0.5}
    assert mmr(["a", "a2", "b"], rel, v, k=2, lambda_=0.5) == ["a", "b"]
    assert mmr(["a", "a2", "b"], rel, v, k=2, lambda_=1.0) == ["a", "a2"]


def test_mmr_empty() -> None:
    assert mmr([], {}, {}, k=3, lambda_=0.5) == []
