"""The bound on what any cut of the related-work ranking reaches (bench/related_limits.py).

The README states the aim's distance from this bound, so the bound must be the
best per-topic prefix choice at the target recall, not merely a good one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from bench.related_limits import Cut, Family, Limits, best_cut_at_target, choose

from litreview.index.retriever import SearchHit
from litreview.reading.paper import Paper
from litreview.review.relevance import Signals


def test_the_bound_picks_each_topics_prefix_for_the_best_precision_at_the_target_recall() -> None:
    # Topic A: its 2 papers lead; topic B: its 2nd paper sits behind two others.
    flags = [[True, True, False, False], [True, False, False, True]]
    best = best_cut_at_target(flags, sizes=[2, 2], target=0.95)
    # Both must be cited in full: A cut after 2 (1.0), B after 4 (0.5).
    assert best == {"precision": 0.75, "recall": 1.0}
    # At a lower target B may stop after its first paper.
    assert best_cut_at_target(flags, sizes=[2, 2], target=0.75) == {
        "precision": 1.0,
        "recall": 0.75,
    }


def test_a_target_no_cut_reaches_gives_zero() -> None:
    # A topic with a paper the candidates never bring caps recall below the target.
    assert best_cut_at_target([[True, False]], sizes=[3], target=0.95) == {
        "precision": 0.0,
        "recall": 0.0,
    }


def test_a_rule_is_chosen_for_recall_first_then_precision() -> None:
    # Three rules x two topics: (precision, recall, papers).
    table = np.array(
        [
            [[1.0, 0.5, 1], [1.0, 0.5, 1]],  # precise, misses half
            [[0.5, 1.0, 4], [0.5, 1.0, 4]],  # complete
            [[0.8, 1.0, 2], [0.6, 1.0, 3]],  # complete and more precise: chosen
        ]
    )
    assert choose(table, [0, 1]) == 2
    # When no rule reaches the target recall, the best recall wins.
    assert choose(table[:1], [0, 1]) == 0


def _limits(scores: list[list[float]], relevant: list[set[str]]) -> Limits:
    """A Limits over made-up candidates: paper ``t{i}p{j}`` is topic i's j-th hit."""
    limits = Limits.__new__(Limits)
    limits.rows = [
        [SearchHit(Paper(f"t{i}p{j}", f"t{i}p{j}", ""), j + 1, s) for j, s in enumerate(row)]
        for i, row in enumerate(scores)
    ]
    zeros = [np.zeros(len(r)) for r in scores]
    limits.sigs = [Signals(np.array(r), z, z) for r, z in zip(scores, zeros, strict=True)]
    limits.topics = [{"id": f"t{i}", "relevant": rel} for i, rel in enumerate(relevant)]
    limits.abstract_coverage = zeros
    limits.background = zeros
    return limits


def test_every_family_is_measured_held_out_two_ways_and_in_sample() -> None:
    # Topic i's relevant papers are its first two hits; a margin of 0.2 keeps exactly them.
    scores = [[1.0, 0.9, 0.5, 0.4]] * 4
    relevant = [{f"t{i}p0", f"t{i}p1"} for i in range(4)]
    limits = _limits(scores, relevant)

    def labels(topic: dict[str, object]) -> set[str]:
        return topic["relevant"]  # type: ignore[return-value]

    seen: list[list[int]] = []

    def make(train: list[int], rel: Sequence[set[str]]) -> list[Cut]:
        seen.append(train)
        return [lambda i: [0, 1], lambda i: [0]]

    out = limits.held_out(labels, {"made up": Family(make, trained=True)})
    assert set(out) >= {"relevance judge (shipped rule), same protocol", "made up"}
    for protocol in ("two_fold", "leave_one_topic_out", "chosen_on_all_topics"):
        assert out["made up"][protocol] == [1.0, 1.0, 2.0]
        assert out["relevance judge (shipped rule), same protocol"][protocol][:2] == [1.0, 1.0]
    # A trained family is fitted on each fold's training topics only: 2 halves, 4 leave-one-out
    # folds, and once on all.
    assert seen[:2] == [[0, 2], [1, 3]]
    assert seen[2:6] == [[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]]
    assert seen[6] == [0, 1, 2, 3]
