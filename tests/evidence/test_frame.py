"""A question asking for papers is searched by what it asks them to be about."""

from __future__ import annotations

import pytest

from litreview.evidence.frame import without_frame


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Which papers discuss ray tracing?", "ray tracing?"),
        ("Are there any papers on backdoor defenses?", "backdoor defenses?"),
        ("What papers in my library are about diffusion models?", "diffusion models?"),
        ("Quais artigos tratam de qualidade de software?", "qualidade de software?"),
    ],
)
def test_the_frame_is_not_searched(question: str, topic: str) -> None:
    assert without_frame(question) == topic


@pytest.mark.parametrize(
    "question",
    [
        "Which papers are by Kajiya?",  # a limit, read by review.limits
        "Which papers use Monte Carlo?",  # "use" is part of what is asked
        "Which of those discuss sampling?",  # leans on the chat's earlier answer
        "What defenses exist?",
        "Find papers on",  # nothing follows
    ],
)
def test_other_questions_are_kept_whole(question: str) -> None:
    assert without_frame(question) == question
