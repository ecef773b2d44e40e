"""Names a question uses and whether the papers found write them (``evidence.names``)."""

from __future__ import annotations

import pytest

from litreview.evidence.names import asked_names, mentions, note, spelled_out, uncommon, unmentioned
from litreview.evidence.source import Source


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("How does GFS handle master failure?", ["GFS"]),
        ("What did Kajiya propose in 1986?", ["Kajiya"]),
        ("How does Monte Carlo path tracing reduce noise?", ["Monte Carlo"]),
        (
            "What keeps the Google File System usable when its master goes down?",
            ["Google File System"],
        ),
        ("Which papers use GPT-3 or word2vec?", ["GPT", "word2vec"]),
        ("Is LoRA better than full fine-tuning for LLMs?", ["LoRA", "LLM"]),
        ("Como o BERT lida com frases longas?", ["BERT"]),
        # A hyphenated compound the question coins names only its name-like parts.
        ("trained on GPT-4-generated rule-breaking samples", ["GPT"]),
        ("makes Conv-TasNet-style speech separation models fail", ["Conv TasNet"]),
        ("GFS, MapReduce and Bigtable", ["GFS", "MapReduce", "Bigtable"]),
        # A possessive ends a name: the note once read "No paper ... mentions “Tolstoy War”".
        ("What is the plot of Tolstoy's War and Peace?", ["Tolstoy", "War", "Peace"]),
        ("How does Google’s MapReduce recover?", ["Google", "MapReduce"]),
        # Nothing named: no capitals past the first word, no letters with digits.
        ("What defenses exist against backdoor attacks?", []),
        ("Which depth-3 networks learn it with 5B-pair pools?", []),
        ("Which of them needs no clean data?", []),
    ],
)
def test_asked_names(question: str, names: list[str]) -> None:
    assert asked_names(question) == names


def test_a_name_is_mentioned_as_a_word_or_its_plural_and_spelled_out_acronyms_count() -> None:
    text = "We train convolutional neural networks (CNNs) with reinforcement learning."
    assert mentions("CNN", [text]) and mentions("cnn", [text])
    assert not mentions("GAN", ["organ transplants"])  # a word, not a piece of one
    assert spelled_out("RL", [text])
    # Stop words break a row: "granted for studies" does not spell GFS (AutoDroid's text).
    assert not spelled_out("GFS", ["access was granted for studies of the apps"])


def test_unmentioned_reads_titles_abstracts_authors_and_passages() -> None:
    source = Source(
        1,
        "p1",
        "AutoDroid: LLM-powered Task Automation in Android",
        "We analyze why and how AutoDroid fails on some steps.",
        authors=("Wen, Hao",),
    )
    assert unmentioned("How does GFS handle master failure?", [source]) == ["GFS"]
    assert unmentioned("Why does AutoDroid fail?", [source]) == []
    assert unmentioned("What did Wen propose?", [source]) == []  # an author


def test_capitalised_common_words_are_no_names_and_the_note_lists_what_is_missing() -> None:
    assert uncommon(["Chinese", "South Korean", "Kajiya", "GFS"]) == ["Kajiya", "GFS"]
    asked = "Do Chinese and South Korean users trust Kajiya's GFS?"
    assert uncommon(["Chinese", "South Korean", "Kajiya", "GFS"], asked) == ["Kajiya", "GFS"]
    assert note(["GFS"]).startswith("No paper in your library mentions “GFS”:")
    assert "“Spanner” or “TrueTime”" in note(["Spanner", "TrueTime"])


def test_a_common_word_capitalised_mid_question_names_a_system() -> None:
    """Raft, Chord and Photon mapping are named by ordinary words: capitalised where English
    would not, they are names; a people or a language is capitalised anyway, and a
    title-cased question says nothing by its capitals."""
    for question, name in (
        ("How does the Raft consensus algorithm elect a leader?", "Raft"),
        ("What does Chord use to locate keys in a peer-to-peer system?", "Chord"),
        ("How does Photon mapping compute caustics?", "Photon"),
    ):
        assert asked_names(question) == [name]
        assert uncommon([name], question) == [name], question
        assert uncommon([name]) == [], "without the question: the word list decides"
    asked = "Do Italian and Western users shop on Monday?"
    assert uncommon(["Italian", "Western", "Monday"], asked) == []
    heading = "Which Papers Discuss Ray Tracing?"
    assert uncommon(asked_names(heading), heading) == []
