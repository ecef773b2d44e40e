"""Extractive related-work paragraphs read as prose: a theme sentence, papers as subjects."""

from __future__ import annotations

import re

from litreview.evidence.keyphrases import adjectival, candidate_phrases, shared_phrase
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.source import Source
from litreview.llm.extractive.related import OTHER_THEME, _as_subject, paragraph, theme_name
from litreview.review.related import unique_name

SOURCES = (
    Source(
        1,
        "p1",
        "BaDExpert: Extracting Backdoor Functionality for Accurate Backdoor Input Detection",
        "Backdoor attacks implant hidden triggers in deep neural networks. We present BaDExpert, "
        "a defense that extracts the backdoor functionality of a model to detect poisoned inputs "
        "at inference time. Trigger inversion is not needed.",
    ),
    Source(
        2,
        "p2",
        "UMD: Unsupervised Model Detection for X2X Backdoor Attacks",
        "Backdoor attacks on deep neural networks are hard to spot. In this paper, we propose UMD, "
        "an unsupervised model detection method that finds backdoor attacks through trigger "
        "inversion for every class pair.",
    ),
    Source(
        3,
        "p3",
        "Single Image Backdoor Inversion via Robust Smoothed Classifiers",
        "To address this limitation, we show that backdoor triggers can be recovered by trigger "
        "inversion from a single image using robust smoothed classifiers.",
    ),
)
WORK = "detecting backdoor attacks in deep neural networks"


def test_paragraph_opens_with_the_theme_and_makes_each_paper_a_subject() -> None:
    text = paragraph(EvidenceScorer.shared(), "Backdoor Attacks", WORK, SOURCES)
    assert text.startswith("Three works study backdoor attacks")
    assert "BaDExpert [1] presents" in text and "UMD [2] proposes" in text
    assert "Finally, Single Image Backdoor Inversion via Robust Smoothed Classifiers [3] shows" in (
        text
    )
    assert "Several works address" not in text and "]: " not in text  # no reading list
    assert "To address this limitation" not in text  # a lead-in needing context the draft lacks
    assert "the authors" not in text.lower() and " we " not in text
    assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} == {1, 2, 3}
    assert re.search(r"Like (BaDExpert|UMD) \[[12]\], it deals with ", text)  # related to others


def test_sentences_not_in_the_authors_voice_are_attributed() -> None:
    assert (
        _as_subject("Deep networks are vulnerable to backdoors", "T-Miner [5]")
        == "According to T-Miner [5], deep networks are vulnerable to backdoors."
    )
    assert _as_subject("They also identify the target class", "UMD [2]") == (
        "UMD [2] identifies the target class."
    )
    last = _as_subject("The authors have shown X", "A [1]", last=True)
    assert last == "Finally, A [1] has shown X."


def test_theme_names_are_not_lone_adjectives() -> None:
    assert adjectival("dynamical") and adjectival("hand-crafted")
    assert not adjectival("backdoor attacks") and not adjectival("signal")
    texts = [
        "Dynamical systems. Neural ODEs model dynamical systems as continuous-depth networks.",
        "Neural ODEs. Latent neural ODEs fit dynamical systems sampled irregularly.",
    ]
    name = shared_phrase(texts)
    assert name is not None and not adjectival(name)
    assert shared_phrase(["Hand-crafted features. A hand-crafted pipeline."] * 2) != "hand-crafted"


def test_a_theme_is_named_by_what_several_papers_share_or_not_named_after_one() -> None:
    unrelated = (
        Source(1, "a", "Scalable Neural Network Kernels", "We introduce scalable kernels."),
        Source(2, "b", "Neural Circuit Diagrams", "I introduce circuit diagrams for networks."),
    )
    assert theme_name(unrelated) == OTHER_THEME
    text = paragraph(EvidenceScorer.shared(), OTHER_THEME, "kernels", unrelated)
    assert text.startswith("Two further works relate to the topic")
    assert "Neural Circuit Diagrams [2] introduces circuit diagrams" in text  # "I" is the author
    assert theme_name(SOURCES[:1]) == "Extracting Backdoor Functionality"  # one paper: its phrase


def test_repeated_theme_names_are_made_unique() -> None:
    assert unique_name("Backdoors", []) == "Backdoors"
    assert unique_name("Other", ["Other"]) == "Other (2)"
    assert unique_name("Other", ["Other", "Other (2)"]) == "Other (3)"


def test_a_later_theme_is_not_named_after_an_earlier_one() -> None:
    from litreview.review.related import _discount_used

    share = _discount_used(lambda phrases: dict.fromkeys(phrases, 0.1), ["Backdoor Attacks"])
    assert share(["backdoor attack", "backdoor", "trigger inversion"]) == {
        "backdoor attack": 1.0,
        "backdoor": 1.0,
        "trigger inversion": 0.1,
    }
    texts = [
        "Backdoor attacks. Trigger inversion finds backdoor attacks.",
        "Backdoor attacks again. Trigger inversion for backdoor attacks.",
    ]
    assert shared_phrase(texts, library_share=share(candidate_phrases(texts))) is not None
    assert (
        "backdoor"
        not in str(shared_phrase(texts, library_share=share(candidate_phrases(texts)))).lower()
    )
