"""A question naming what the library lacks is answered with that said first (real PDFs)."""

from __future__ import annotations

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
