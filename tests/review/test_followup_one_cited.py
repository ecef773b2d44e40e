"""A follow-up's "it" after an answer that cited one paper is that paper (issue 14).

In a chat on a real graphics library, "Which papers discuss radiosity?", then "Which of those
are from before 1990?" (answered with the hemi-cube paper alone), then "How does it work?" was
searched by the earlier questions and answered from another radiosity book. Here on the real
PDFs: a listing that cited SqueezeNet alone, after a question about small networks.
"""

from __future__ import annotations

from litreview.index.library import Library
from litreview.llm.types import Message
from litreview.review.followup import retrieve, the_one_cited
from litreview.review.session import AnswerMessage
from litreview.settings import Settings


def _history(cited: tuple[str, ...]) -> list[Message]:
    return [
        Message("user", "How can a neural network be made smaller?"),
        AnswerMessage("assistant", "...", cited=cited),
        Message("user", "Which of those are from before 2017?"),
        AnswerMessage("assistant", "The one paper ... [1]", cited=cited[:1]),
    ]


def test_it_is_the_one_paper_the_previous_answer_cited(pdf_settings: Settings) -> None:
    with Library(pdf_settings) as library:
        by_title = {p.title: p.paper_id for p in library.papers()}
        (squeeze,) = [pid for title, pid in by_title.items() if title.startswith("SqueezeNet")]
        (attention,) = [pid for title, pid in by_title.items() if "Attention" in title]
        # The Transformer paper: nothing in the questions points at it but the answer.
        hits = retrieve(library, "How does it work?", _history((attention, squeeze)), k=5)
        assert hits[0].paper.paper_id == attention
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert len({h.paper.paper_id for h in hits}) == len(hits) <= 5
        # "them" is a set: no one paper is put first.
        plain = retrieve(library, "How do they work?", _history((attention, squeeze)), k=5)
        assert plain[0].paper.paper_id != attention


def test_only_an_answer_that_cited_one_paper_names_it() -> None:
    assert the_one_cited(_history(("a", "b"))) == "a"
    two = [Message("user", "q"), AnswerMessage("assistant", "x", cited=("a", "b"))]
    assert the_one_cited(two) is None
    assert the_one_cited([Message("user", "q"), Message("assistant", "x")]) is None
    assert the_one_cited([Message("user", "q")]) is None
    # A refusal or a "none of them" in between names nothing: "it" is still the one before.
    none = [AnswerMessage("assistant", "None of ...", cited=()), Message("user", "q")]
    assert the_one_cited([*_history(("a", "b")), Message("user", "q"), *none]) == "a"
    assert the_one_cited([*two, Message("user", "q"), *none]) is None
