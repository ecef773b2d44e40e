"""A chat export: markers renumbered against one reference list, one entry per paper."""

from __future__ import annotations

from litreview.reading.paper import Paper
from litreview.review.export import render_conversation
from litreview.review.session import Turn


def _c(n: int, pid: str, title: str) -> dict[str, object]:
    return {"n": n, "paper_id": pid, "title": title}


def test_markers_resolve_to_one_global_reference_list() -> None:
    turns = [
        Turn("q1", "A does x [1]. B does y [2][1].", "m", [_c(1, "a", "Paper A"), _c(2, "b", "B")]),
        # In the second turn [1] is B and [2] is a new paper C; [1, 2] is a group.
        Turn("q2", "B again [1]; C too [2]. Both [1, 2].", "m", [_c(1, "b", "B"), _c(2, "c", "C")]),
    ]
    papers = {
        "a": Paper("a", "Paper A", "...", authors=("Ann Lee",), year=2021, arxiv_id="2101.00001")
    }
    text = render_conversation("chat", turns, papers)
    body, refs = text.split("## References")
    assert "A does x [1]. B does y [2][1]." in body
    assert "B again [2]; C too [3]. Both [2][3]." in body
    lines = [line.strip() for line in refs.splitlines() if line.strip()]
    assert lines == [
        # where to find it, as a draft's references say (a user's export had no arXiv id)
        "[1] Lee (2021). Paper A. arXiv:2101.00001 (`a`)",
        "[2] B (`b`)",
        "[3] C (`c`)",
    ]


def test_marker_without_a_citation_is_dropped_not_misnumbered() -> None:
    turns = [Turn("q", "Claim [1] and [7].", "m", [_c(1, "a", "A")])]
    text = render_conversation("chat", turns)
    assert "Claim [1] and ." in text and "[7]" not in text


def test_no_citations_no_reference_list() -> None:
    text = render_conversation("chat", [Turn("q", "Nothing cited.", "m")])
    assert "References" not in text and text.startswith("# chat\n")
