"""A question naming what the library lacks is answered with that said first (real PDFs)."""

from __future__ import annotations

import pytest

from litreview.index.library import Library
from litreview.llm.extractive.engine import ExtractiveBackend
from litreview.review.ask import ask
from litreview.settings import Settings

NOTE = "No paper in your library mentions"


def test_a_name_no_paper_writes_is_said_before_the_nearest_papers(pdf_settings: Settings) -> None:
    """The trial's question: GFS on a library of the Transformer, SqueezeNet and Query2CAD."""
    with Library(pdf_settings) as library:
        outside = ask(library, ExtractiveBackend(), "How does GFS handle master failure?")
        inside = ask(library, ExtractiveBackend(), "What is the Fire module?")
    assert outside.answer.startswith(f"{NOTE} “GFS”: what follows is from the nearest papers")
    # Said once: not "3 papers ... speak to this", nor the engine's own "does not seem to cover"
    after = outside.answer.split("\n\n")[1]
    assert after.startswith("The nearest ")
    assert outside.to_dict()["answer"] == outside.answer  # the JSON says it too
    assert NOTE not in inside.answer


def test_a_name_the_library_writes_anywhere_is_no_note(systems_pdf_settings: Settings) -> None:
    """On MapReduce, Bigtable and GFS: GFS is theirs; Kubernetes is no one's."""
    with Library(systems_pdf_settings) as library:
        assert library.unwritten(["GFS", "Bigtable", "Kubernetes", "Ghemawat"]) == ["Kubernetes"]
        theirs = ask(library, ExtractiveBackend(), "How does GFS handle master failure?")
        other = ask(library, ExtractiveBackend(), "How does Kubernetes schedule pods?")
    assert NOTE not in theirs.answer
    assert other.answer.startswith(f"{NOTE} “Kubernetes”")


def test_a_question_whose_first_paper_is_far_says_so(
    pdf_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No name to give it away: the trial's GFS question described in ordinary words, asked
    of the Transformer, SqueezeNet and Query2CAD. A model's answer opens with the caution and
    the model is told (``far``); the extractive engine, which finds no sentence close enough,
    declines in its own words with no second caution; a question they answer has none.

    This library is built without the re-ranking model, whose similarity the rule needs
    (``bench/near_topic.py`` measures the rule itself): its verdict is set here by question."""
    from litreview.evidence.coverage import FAR_NOTE
    from litreview.review import ask as asking
    from tests.support.scripted import Scripted

    monkeypatch.setattr(asking, "far_from", lambda question, hits: "file system" in question)

    far = "How does a distributed file system handle the failure of its master server?"
    model = Scripted("The master's state is replicated [1].")
    with Library(pdf_settings) as library:
        answered = ask(library, model, far)
        declined = ask(library, ExtractiveBackend(), far)
        inside = ask(library, model, "How does the Transformer use attention?")
    assert answered.answer.startswith(FAR_NOTE + "\n\nThe master's state")
    assert model.requests[0].far and not model.requests[1].far
    assert declined.answer.startswith("Your library does not seem to cover this question")
    assert FAR_NOTE not in declined.answer, "one caution, not two"
    assert FAR_NOTE not in inside.answer
    assert NOTE not in answered.answer


def test_a_question_naming_what_the_library_writes_is_never_far() -> None:
    from litreview.index.retriever import SearchHit
    from litreview.reading.paper import Paper
    from litreview.review.ask import far_from

    paper = Paper(paper_id="p", title="Attention Is All You Need", abstract="...")
    hits = [SearchHit(paper, 1, 0.1, dense_score=0.1, rerank_score=0.1)]
    assert far_from("How does a file system recover its master?", hits)
    assert not far_from("What warmup steps did the Transformer use?", hits)
    assert not far_from("How does a file system recover its master?", [])


def test_far_needs_both_models_to_find_the_first_paper_far() -> None:
    from litreview.evidence.coverage import far

    assert far(0.20, 0.15)
    assert not far(0.20, 0.45), "MPNet finds it close: the question is answered as it is"
    assert not far(0.40, 0.15)
    assert not far(0.05, None), "MiniLM alone was not measured: no caution"
    assert not far(None, None)
