"""The questions written for papers of the real corpus (bench/data/corpus_questions.jsonl).

``bench.corpus_retrieval`` takes their targets from the corpus's first lines
and counts a question as answered only by its listed papers, so a question that
drifted from its paper, a target outside the sample, or a question that reuses
its title's words (what the set is meant not to reward) would skew the figures.
"""

from __future__ import annotations

import gzip
import json
from itertools import islice

import pytest
from bench.corpus_retrieval import CORPUS, SMALLEST, load, rows, title_words_used


def test_the_rule_comes_first_and_there_are_30_distinct_targets() -> None:
    rule, questions = load()
    assert "title" in rule and len(rule) > 300
    assert len(questions) == 30
    assert len({q["relevant_titles"][0] for q in questions}) == 30
    assert all(q["corpus_line"] < SMALLEST for q in questions)
    assert len({q["venue"] for q in questions}) >= 10


def test_no_question_uses_its_titles_words() -> None:
    _, questions = load()
    for q in questions:
        assert title_words_used(q["question"], q["relevant_titles"][0]) == [], q["id"]


def test_the_rule_catches_inflected_title_words() -> None:
    assert title_words_used("Which learners adapt?", "A Simple Neural Attentive Meta-Learner") == [
        "learners"
    ]
    assert title_words_used("a safe way", "Safe Reinforcement Learning") == ["safe"]
    assert title_words_used("the use of a graph", "Using Graphs") == ["graph"]


@pytest.mark.skipif(not CORPUS.exists(), reason="the real corpus is not on this machine")
def test_each_target_is_the_corpus_line_it_names() -> None:
    _, questions = load()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src:
        titles = [json.loads(line)["title"] for line in islice(src, SMALLEST)]
    for q in questions:
        assert titles[q["corpus_line"]] == q["relevant_titles"][0]


def test_rows_put_every_mode_side_by_side() -> None:
    figures = {"recall@5": 0.9, "recall@10": 1.0, "mrr@10": 0.75}
    modes = ("lexical", "dense", "fusion", "late", "hybrid")
    result = {"load_before": [10.2, 9.8, 11.0], "1000": {m: figures for m in modes}}
    [(label, value)] = rows(result)
    assert "first 1,000 papers" in label and "load 10/10/11" in label
    assert value.count("0.900 / 0.750") == 5 and value.startswith("lexical")
