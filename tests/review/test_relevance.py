"""The related-work relevance judge: its signals on real sample papers, and its cut."""

from __future__ import annotations

import numpy as np

from litreview.evidence.claims import own_claims
from litreview.index.library import Library
from litreview.index.retriever import SearchHit
from litreview.reading.paper import Paper
from litreview.review.relevance import (
    JUDGE,
    Judge,
    Signals,
    anchor_similarity,
    claims_coverage,
    rarity,
    signals,
    topic_terms,
)
from litreview.settings import Settings
from tests.support.papers import sample_sources

DEFENSE_TOPIC = "Defenses that repair or remove a backdoor from a trained network"


def _hit(title: str, abstract: str, score: float = 1.0, rank: int = 1) -> SearchHit:
    return SearchHit(Paper(title.lower()[:12], title, abstract), rank, score)


def _sample_hits(*starts: str) -> list[SearchHit]:
    return [
        SearchHit(Paper(s.paper_id, s.title, s.text), s.n, 1.0) for s in sample_sources(*starts)
    ]


def test_topic_terms_leave_out_what_the_topic_rules_out() -> None:
    words = topic_terms(
        "Defenses that repair a backdoored network itself, rather than only detecting it"
    )
    assert {"defens", "repair", "backdoor"} <= words
    assert "detect" not in words
    assert "transcript" not in topic_terms("Speech processing other than transcription, e.g. x")


def test_own_claims_are_the_sentences_after_the_context_that_are_not_about_others() -> None:
    abstract = (
        "Backdoor attacks threaten deep networks. Many defenses have been proposed. "
        "We propose a new attack that plants a trigger during deployment. "
        "Existing defenses fail to detect it. Our attack reaches a 99% success rate."
    )
    claims = own_claims(abstract)
    assert claims[0].startswith("We propose a new attack")
    assert not any("Existing defenses" in c or "Many defenses" in c for c in claims)
    assert claims[-1].startswith("Our attack reaches")


def test_rarity_weighs_the_topics_own_words_over_the_fields(sample_settings: Settings) -> None:
    with Library(sample_settings) as lib:
        weights = rarity(lib, {"network", "backdoor", "grok"})
    assert weights["network"] < 0.5 < weights["backdoor"] < weights["grok"]


def test_a_defense_paper_covers_a_defense_topic_an_attack_paper_only_mentions(
    sample_settings: Settings,
) -> None:
    # Real sample papers: the attack paper's abstract uses "defense" too, as others' work.
    defense, attack = _sample_hits(
        "Adversarial Feature Map Pruning for Backdoor",
        "Towards Practical Deployment-Stage Backdoor Attack",
    )
    assert "defens" in topic_terms(attack.paper.abstract)
    with Library(sample_settings) as lib:
        weights = rarity(lib, topic_terms(DEFENSE_TOPIC))
    assert claims_coverage(weights, defense) > claims_coverage(weights, attack)


def test_similarity_is_to_the_two_best_papers_and_neutral_without_vectors(
    sample_settings: Settings,
) -> None:
    hits = _sample_hits(
        "Adversarial Feature Map Pruning for Backdoor",
        "Beating Backdoor Attack at Its Own Game",
        "Mitigating the Backdoor Effect for Multi-Task",
        "Neural Ordinary Differential Equations",
    )
    with Library(sample_settings) as lib:
        similarity = anchor_similarity(lib, hits)
        # A paper the library has no vector for (still being indexed): no hit gains.
        unknown = anchor_similarity(lib, [*hits, _hit("Not In The Library", "Nothing.")])
        both = signals(lib, DEFENSE_TOPIC, hits)
    assert similarity[2] > similarity[3] + 0.2
    assert not unknown.any()
    assert both.coverage[0] > both.coverage[3] and both.search.tolist() == [1.0] * 4


def test_the_judge_keeps_what_is_within_its_margin_most_relevant_first() -> None:
    signals_ = Signals(
        search=np.array([1.20, 1.15, 1.10, 1.00, 0.70]),
        similarity=np.array([1.0, 0.9, 0.5, 0.9, 0.9]),
        coverage=np.array([0.6, 0.1, 0.2, 0.6, 0.6]),
    )
    judge = Judge(similarity_weight=0.5, coverage_weight=0.5, margin=0.4)
    # Relevance: 2.00, 1.65, 1.45, 1.75, 1.45 -> within 0.4 of the best: papers 0, 3, 1.
    assert judge.keep(signals_, limit=12) == [0, 3, 1]
    assert judge.keep(signals_, limit=2) == [0, 3]
    search_only = Judge(0.0, 0.0, 0.3)
    assert search_only.keep(signals_, limit=12) == [0, 1, 2, 3]
    empty = Signals(np.array([]), np.array([]), np.array([]))
    assert JUDGE.keep(empty, limit=12) == []
