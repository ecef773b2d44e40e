"""A single author's "I" is put in the third person as the authors' "we" is.

A trial's answer quoted "I will describe ... the tasks they set out to achieve" from a real
abstract written by one author: the "I" survived the rewrite that made every "we" "they".
"""

from __future__ import annotations

import pytest

from litreview.evidence.sentences import third_person


@pytest.mark.parametrize(
    ("sentence", "quoted"),
    [
        (
            "In this talk I will describe the tasks.",
            "In this talk the author will describe the tasks.",
        ),
        ("I present a method.", "The author presents a method."),
        (
            "I also study X, and I focus on Y.",
            "The author also studies X, and the author focuses on Y.",
        ),
        ("I have shown this.", "The author has shown this."),
        (  # a real abstract of the 50k corpus
            "In this paper, I present an overview of my efforts to expand the reach.",
            "The author presents an overview of their efforts to expand the reach.",
        ),
    ],
)
def test_one_authors_i(sentence: str, quoted: str) -> None:
    assert third_person(sentence) == quoted


@pytest.mark.parametrize(
    "sentence", ["Type I errors are controlled.", "Phase I trials were run.", "Part I reviews it."]
)
def test_a_roman_one_is_kept(sentence: str) -> None:
    assert third_person(sentence) == sentence
