"""Work is bounded: a huge record costs a capped amount, commits come by time as well as count."""

from __future__ import annotations

import json
from pathlib import Path

from litreview.index.chunking import Chunker
from litreview.index.ingest import BatchSizer
from litreview.reading.paper import Paper
from tests.support.cli import run_cli


def words(n: int) -> str:
    return " ".join(f"word{i % 977}" for i in range(n))


def paper(text: str) -> Paper:
    return Paper(
        paper_id="p",
        title="A title",
        abstract=text,
        authors=(),
        year=None,
        url=None,
        links=(),
        sources=("f",),
        extra={},
    )


def test_a_huge_text_is_cut_at_max_chunks_and_named() -> None:
    chunker = Chunker(lambda t: len(t.split()), 64, 8, max_chunks=5)
    chunks = chunker.chunks(paper(words(100_000)))
    assert len(chunks) == 5
    assert chunker.truncated["p"] > 5
    small = chunker.chunks(paper(words(30)))
    assert len(small) == 1 and "p" in chunker.truncated  # the earlier cut stays reported


def test_batches_shrink_to_the_time_budget_and_grow_back() -> None:
    sizer = BatchSizer(most=32, seconds=10.0)
    assert sizer.size == 32
    sizer.took(32, 96.0)  # 3 s a paper on a loaded machine
    assert sizer.size == 3
    sizer.took(3, 0.3)  # the load went away
    assert sizer.size == 32
    sizer.took(1, 1000.0)
    assert sizer.size == 1  # never zero: every commit makes progress


def test_a_megabyte_abstract_is_ingested_capped_with_a_warning(tmp_path: Path) -> None:
    records = tmp_path / "papers.jsonl"
    records.write_text(
        json.dumps({"title": "A normal paper", "abstract": "We study small things. " * 5})
        + "\n"
        + json.dumps({"title": "A pasted book", "abstract": words(180_000)})
        + "\n"
    )
    proc = run_cli(
        tmp_path / "home",
        "ingest",
        str(records),
        "--json",
        env={"LITREVIEW_INGEST__MAX_CHUNKS": "4", "LITREVIEW_RETRIEVAL__RERANK_MODEL": "none"},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["added"] == 2 and summary["embedded"] == 2
    assert summary["chunks"] == 5  # 1 + the capped 4
    assert any("A pasted book" in note for note in summary["notes"])
    assert "max_chunks" in proc.stderr


def test_checking_a_runaway_answer_is_capped() -> None:
    import time

    from litreview.evidence.scoring import EvidenceScorer
    from litreview.evidence.source import Source
    from litreview.review.support import MAX_CHECKED_CHARS, check_support

    source = Source(1, "p1", "Backdoors", "Backdoor attacks implant triggers in neural networks.")
    sentence = "Backdoor attacks implant triggers in networks [1]. "
    answer = sentence * (2_000_000 // len(sentence))  # a 2 MB reply
    started = time.monotonic()
    checks = check_support(EvidenceScorer(), answer, [source])
    assert time.monotonic() - started < 120  # was: did not finish in 900 s
    assert 0 < len(checks) <= MAX_CHECKED_CHARS // len(sentence) + 1


def test_sentence_splitting_is_linear_in_the_texts_length() -> None:
    import time

    from litreview.evidence.sentences import blocks, split_sentences

    sentence = "Deep networks can be attacked by backdoors, as prior work shows [1]. "
    short = sentence * 20
    assert blocks(short) == [short]  # an abstract is split exactly as before
    text = sentence * (1_000_000 // len(sentence))  # 1 MB
    started = time.monotonic()
    sentences = split_sentences(text)
    assert time.monotonic() - started < 60  # quadratic pysbd: tens of minutes
    assert len(sentences) == text.count("shows [1].")
    assert "".join(blocks(text)) == text


def test_a_long_answer_says_how_much_of_it_was_not_checked(sample_settings: object) -> None:
    import threading
    from collections.abc import Iterator

    from litreview.index.library import Library
    from litreview.llm.backend import Delta, Done, StreamEvent
    from litreview.llm.types import Completion, Request, Usage
    from litreview.review.ask import ask
    from litreview.review.support import MAX_CHECKED_CHARS

    sentence = "Harmony trains huge models with little GPU memory [1]. "
    text = sentence * (30_000 // len(sentence))

    class Verbose:
        name = "verbose"
        context_window = None
        max_output_tokens = None
        quotes_sources = False

        def stream(
            self, request: Request, stop: threading.Event | None = None
        ) -> Iterator[StreamEvent]:
            yield Delta(text)
            yield Done(Completion(text, Usage(), "verbose"))

    with Library(sample_settings) as library:  # type: ignore[arg-type]
        result = ask(library, Verbose(), "How can huge models be trained with little GPU memory?")
    assert result.unchecked_chars == len(result.answer) - MAX_CHECKED_CHARS > 0
    assert result.to_dict()["support_unchecked_chars"] == result.unchecked_chars
