"""The offline engine: cited, grouped, honest about gaps, streamed like a model."""

from __future__ import annotations

import re

import pytest

from litreview.llm.backend import Delta, Done
from litreview.llm.errors import LLMError
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.extractive.sentences import short_name, split_sentences, third_person
from litreview.llm.types import Request
from litreview.review.ask import answer_request
from tests.llm.test_recorded import sample_sources


@pytest.fixture(scope="module")
def engine() -> ExtractiveBackend:
    return ExtractiveBackend()


def test_answer_cites_only_given_sources_and_groups_by_paper(engine: ExtractiveBackend) -> None:
    sources = sample_sources("Harmony", "DyCL", "T-Miner")
    request = answer_request("How can huge models be trained with little GPU memory?", sources)
    events = list(engine.stream(request))
    deltas = [e.text for e in events if isinstance(e, Delta)]
    done = events[-1]
    assert isinstance(done, Done) and done.completion.model == "extractive"
    assert len(deltas) > 5 and "".join(deltas) == done.completion.text
    text = done.completion.text
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert cited and cited <= {1, 2, 3}
    assert 1 in cited, "the paper that answers the question is cited"
    assert "**Harmony** [1]" in text
    assert done.completion.usage.cost_usd == 0.0 and done.completion.usage.prompt_tokens > 0
    assert " we " not in f" {text.lower()} ", "first person is rewritten"


def test_off_topic_question_is_declined(engine: ExtractiveBackend) -> None:
    sources = sample_sources("Harmony", "DyCL")
    request = answer_request("What is a good recipe for sourdough bread with rye flour?", sources)
    text = engine.run(request)
    assert text.startswith("Your library does not seem to cover this question")


def test_no_sources(engine: ExtractiveBackend) -> None:
    assert "no papers" in engine.run(answer_request("anything", ()))


def test_unknown_task_is_a_clear_error(engine: ExtractiveBackend) -> None:
    with pytest.raises(LLMError, match="cannot do task 'poem'"):
        engine.run(Request(task="poem", messages=()))


def test_sentence_helpers() -> None:
    assert split_sentences(
        "We use e.g. ResNet-50 with 3.5% gain. It works well on ImageNet data."
    ) == (
        "We use e.g. ResNet-50 with 3.5% gain.",
        "It works well on ImageNet data.",
    )
    assert third_person("However, we propose our method.") == "The authors propose their method."
    assert short_name("Harmony: Overcoming the Hurdles of GPU Memory") == "Harmony"
    assert (
        short_name("A very long title that has no colon at all here")
        == "A very long title that has…"
    )
