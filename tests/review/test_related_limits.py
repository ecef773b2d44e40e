"""The bound on what any cut of the related-work ranking reaches (bench/related_limits.py).

The README states the aim's distance from this bound, so the bound must be the
best per-topic prefix choice at the target recall, not merely a good one.
"""

from __future__ import annotations

from bench.related_limits import best_cut_at_target


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
