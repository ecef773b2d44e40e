"""The citation grammar and the streaming filter: every marker resolved or removed, reported."""

from __future__ import annotations

import itertools
import random

import pytest

from litreview.evidence.source import Source
from litreview.review.citations import CitationStream, check, could_be_marker

SOURCES = [Source(n, f"p{n}", f"Paper {n}", "abstract") for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("text", "expected", "cited", "dropped"),
    [
        ("A [1].", "A [1].", [1], []),
        ("A [1, 2].", "A [1][2].", [1, 2], []),
        ("A [1][2].", "A [1][2].", [1, 2], []),
        ("A [1-3].", "A [1][2][3].", [1, 2, 3], []),
        ("A [1–3].", "A [1][2][3].", [1, 2, 3], []),
        ("A [1 to 2].", "A [1][2].", [1, 2], []),
        ("A [Source 2].", "A [2].", [2], []),
        ("A [Sources 1, 3].", "A [1][3].", [1, 3], []),
        ("A [Source 1; Source 3].", "A [1][3].", [1, 3], []),
        ("A [sources: 2].", "A [2].", [2], []),
        ("A [Ref. 2].", "A [2].", [2], []),
        ("A [#2].", "A [2].", [2], []),
        ("A [^2].", "A [2].", [2], []),
        ("A [see 2].", "A [2].", [2], []),
        ("A [1, 2, and 3].", "A [1][2][3].", [1, 2, 3], []),
        ("A [1 & 2].", "A [1][2].", [1, 2], []),
        ("A [2, 2].", "A [2].", [2], []),
        # shapes that used to bypass the checker (issue 15)
        ("A [-1].", "A.", [], [-1]),
        ("A [ 99 ].", "A.", [], [99]),
        ("A [Paper 42].", "A.", [], [42]),
        ("A [1, 2 and 99].", "A [1][2].", [1, 2], [99]),
        ("A [0].", "A.", [], [0]),
        ("A [1-300].", "A [1].", [1], [300]),
        ("A [3-1].", "A [3][1].", [1, 3], []),
        ("A [9], B [9] and C [2].", "A, B and C [2].", [2], [9]),
        ("A [2020].", "A.", [], [2020]),
        ("A [DOCUMENT 1].", "A [1].", [1], []),
    ],
)
def test_marker_shapes(text: str, expected: str, cited: list[int], dropped: list[int]) -> None:
    result = check(text, SOURCES)
    assert result.text == expected
    assert [c.n for c in result.citations] == cited
    assert result.dropped == dropped
    assert all(c.paper_id == f"p{c.n}" for c in result.citations)


@pytest.mark.parametrize(
    "text",
    [
        "As [see Table 2] shows.",
        "In [Fig. 3] and [Eq. 4].",
        "A quote [sic] here.",
        "Mixed [1, Table 2] stays prose.",
        "A [link](https://example.org).",
        "An interval [a, b] of reals.",
        "Empty [] and [ ] brackets.",
        "Unclosed [1 bracket.",
        "Across lines [1,\n2] is not a marker.",
        "Too long [" + ", ".join(["1"] * 30) + "] is prose.",
    ],
)
def test_brackets_that_are_not_citations_are_left_as_written(text: str) -> None:
    result = check(text, SOURCES)
    assert result.text == text and result.citations == [] and result.dropped == []


def test_a_long_bracket_that_never_closes_is_checked_in_linear_time() -> None:
    """A pattern with ambiguous spaces took exponential time here (a hung answer)."""
    for body in ("1, " * 300, "Source 1 , " * 300, "1 - 2 and " * 300, "- 1 ; " * 300):
        result = check(f"A [{body}end.", SOURCES)
        assert result.text.startswith("A [") and not result.citations and not result.dropped


def stream(chunks: list[str]) -> tuple[list[str], CitationStream]:
    filt = CitationStream(SOURCES)
    shown = [filt.feed(chunk) for chunk in chunks]
    shown.append(filt.finish())
    return shown, filt


def test_an_invalid_marker_is_never_shown() -> None:
    chunks = ["Harmony ", "swaps ", "memory ", "[", "9", "]", ". Done ", "[2, ", "7]."]
    shown, _ = stream(chunks)
    assert "".join(shown) == "Harmony swaps memory. Done [2]."
    assert not any("9" in part or "7" in part for part in shown)
    assert shown[3:6] == ["", "", ""]  # held while the bracket is open


def test_prose_in_brackets_is_released_before_it_closes() -> None:
    filt = CitationStream(SOURCES)
    assert filt.feed("See [") == "See"
    assert filt.feed("Table") == " [Table"  # 'Table' is no marker word: no need to wait
    assert filt.feed(" 2] now.") == " 2] now."
    assert filt.finish() == ""


TEXTS = [
    "Harmony swaps memory [1][9]. Done [2, 7].",
    "A [-1] b [ 99 ] c [Paper 42] d [1, 2 and 99] e [1-300] f [0].",
    "  Leading space [1] , then [see Table 2] and [Sources 1-3] ; end [9]",
    "Lists:\n- one [1]\n- two [42]\n\nAnd [2] last [^3].",
    "No markers at all, just text with (parentheses) and [brackets].",
    "Unclosed at the end [1, 2",
    "Double  spaces [9]  here [3] .",
    "Across lines [1,\n2] and [3\n] and [9]\n",
    "Long [" + ", ".join(["2"] * 30) + "] then [" + ", ".join(["1"] * 20) + "] end [42].",
]


@pytest.mark.parametrize("text", TEXTS)
def test_streamed_text_is_exactly_the_checked_text_for_any_chunking(text: str) -> None:
    expected = check(text, SOURCES).text
    rng = random.Random(text)
    for _ in range(60):
        cuts = sorted(rng.sample(range(1, len(text)), k=rng.randint(0, min(12, len(text) - 1))))
        chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        shown, filt = stream(chunks)
        assert "".join(shown) == expected == filt.shown
    one_by_one, _ = stream(list(text))
    assert "".join(one_by_one) == expected


@pytest.mark.parametrize(
    ("prefix", "possible"),
    [
        ("[", True),
        ("[1", True),
        ("[1, 2 an", True),
        ("[Sour", True),
        ("[Paper 4", True),
        ("[ -", True),
        ("[see", True),
        ("[Table", False),
        ("[sic", False),
        ("[1\n", False),
        ("[" + "1, " * 40, False),
        ("[a](", False),
    ],
)
def test_could_be_marker(prefix: str, possible: bool) -> None:
    assert could_be_marker(prefix) is possible


def test_streamed_text_matches_on_random_texts() -> None:
    """Random mixtures of words, markers of every shape, prose brackets, spaces, punctuation and
    line breaks, cut at random: what the stream shows is always exactly the checked text."""
    pieces = [
        "word", "Harmony", " ", "  ", "\t", ".", ",", ";", ":", "\n", "\n\n", "[1]", "[9]",
        "[ 2 ]", "[-1]", "[Paper 42]", "[1, 2 and 99]", "[1-3]", "[1-300]", "[Source 3]",
        "[see Table 2]", "[sic]", "]", "[", "[2", "[Sources", "(x)", "[^2]", "[0]",
    ]  # fmt: skip
    rng = random.Random(14)
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        cuts = sorted(set(rng.randint(1, max(1, len(text) - 1)) for _ in range(rng.randint(0, 15))))
        bounds = [0, *[c for c in cuts if 0 < c < len(text)], len(text)]
        chunks = [text[a:b] for a, b in itertools.pairwise(bounds)]
        shown, _ = stream(chunks)
        assert "".join(shown) == check(text, SOURCES).text, repr(text)


def test_renumbered_markers_follow_reading_order() -> None:
    """A user read an answer whose paragraphs cited [3], [1], [4], [2]: the first source cited
    is [1] now, the next new one [2], and ``order`` says which given source each number is,
    the uncited after the cited in their given order."""
    sources = [Source(n, f"p{n}", f"Paper {n}", "abstract") for n in (1, 2, 3, 4)]
    checked = check("First [3]. Then [1, 3] and [9]. Last [3][4].", sources, renumber=True)
    assert checked.text == "First [1]. Then [2][1] and. Last [1][3]."
    assert checked.order == [3, 1, 4, 2]
    assert [(c.n, c.paper_id) for c in checked.citations] == [(1, "p3"), (2, "p1"), (3, "p4")]
    assert checked.dropped == [9]  # as the model wrote it: no source has it
    plain = check("First [3]. Then [1].", sources)
    assert plain.text == "First [3]. Then [1]." and plain.order == []


def test_a_renumbered_stream_shows_exactly_the_renumbered_text() -> None:
    sources = [Source(n, f"p{n}", f"Paper {n}", "abstract") for n in (1, 2, 3, 4)]
    pieces = ["word", " ", ".", "\n", "[1]", "[2]", "[3]", "[4]", "[9]", "[1, 3]", "[4-2]", "["]
    rng = random.Random(30)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        cuts = sorted(set(rng.randint(1, max(1, len(text) - 1)) for _ in range(rng.randint(0, 12))))
        bounds = [0, *[c for c in cuts if 0 < c < len(text)], len(text)]
        filt = CitationStream(sources, renumber=True)
        shown = [filt.feed(text[a:b]) for a, b in itertools.pairwise(bounds)] + [filt.finish()]
        assert "".join(shown) == check(text, sources, renumber=True).text, repr(text)
