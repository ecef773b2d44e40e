"""Which sentence leads an extractive answer: the cases of a user's trial on the 12 real PDFs
of shared/real (issue 14: a definition, a table's rows and another kind of rate led).

Each source is built as the answer builds it from a retrieved page (its whole sentences under
their headings), so the page text is the one the trial's answers read.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from litreview.evidence.compounds import compounds
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import defines, whole_sections, without_table_lead
from litreview.evidence.source import Section, Source
from litreview.llm.extractive.answer import DEFINITIONS, POLICY, SIGNPOSTS, asks_result, quoted
from litreview.reading import read_file
from litreview.reading.paper import PageText

PDFS = Path("/work/shared/real/pdfs")
pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason="shared/real material not present")


@cache
def _paper(name: str) -> tuple[str, str, dict[int, str]]:
    (paper,) = read_file(PDFS / name).papers
    return paper.title, paper.abstract, {p.page: p.text for p in paper.full_text}


Window = tuple[int, str, int]  # a passage the index holds: its page, first words, length


def _source(n: int, name: str, windows: tuple[Window, ...]) -> Source:
    """A paper's abstract and the passages that the trial's search retrieved."""
    title, abstract, texts = _paper(name)
    passages, sections = [], []
    for page, start, chars in windows:
        text = texts[page][texts[page].index(start) :][:chars]
        blocks = whole_sections(text)
        passages.append(PageText(page, " ".join(b.text for b in blocks)))
        sections += [Section(page, b.heading, b.text, b.opens) for b in blocks]
    return Source(n, name, title, abstract, tuple(passages), sections=tuple(sections))


def _lead(question: str, sources: list[Source], policy: object = POLICY) -> list[str]:
    shown = quoted(EvidenceScorer.shared(), question, sources, policy)  # type: ignore[arg-type]
    return [e.text for e in shown or []]


TRANSFORMER = "2017_attention_is_all_you_need_vaswani_v7.pdf"
EDGE = "2023_edge_inference_tobiasz.pdf"
SQUEEZENET = "2016_squeezenet_iandola.pdf"


def test_table_rows_run_into_a_sentence_are_cut_off() -> None:
    """Page 8 of the Transformer paper: the last rows of Table 2 and the run-in heading
    "Residual Dropout" were read as the start of its dropout sentence."""
    _, _, pages = _paper(TRANSFORMER)
    text = " ".join(b.text for b in whole_sections(pages[8]))
    assert "1019 Residual Dropout" not in text
    assert "normalized. In addition, we apply dropout" in text
    assert " We apply dropout [33] to the output of each sub-layer" in text


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2017, 2018, 2019 and 2020 we trained the model on a larger set of data each year.",
        "The model reaches 94.1%, 93.2%, 88.7% and 90.5% on the four benchmarks of the suite.",
        "We train on 8 GPUs for 100,000 steps or 12 hours with the settings described above.",
    ],
)
def test_a_sentence_with_its_own_numbers_is_kept_whole(sentence: str) -> None:
    assert without_table_lead(sentence) == sentence


# The passage of page 8 the trial's answers quoted (chunk 27 of the paper in its index).
ROWS = "ConvS2S Ensemble [9] 26.36"


def _dropout_passage() -> Source:
    return _source(1, TRANSFORMER, ((8, ROWS, 864),))


def test_the_dropout_rate_leads_not_the_table_before_it() -> None:
    question = "What dropout rate did the Transformer base model use?"
    shown = _lead(question, [_dropout_passage()])
    assert shown[0] == "For the base model, we use a rate of Pdrop = 0.1.", shown


@pytest.mark.parametrize(
    ("sentence", "definition"),
    [
        ("An Edge AI accelerator is hardware specialized in processing AI workloads.", True),
        ("MobileNet is a family of lightweight convolutional networks for mobile vision.", True),
        ("Perplexity refers to how well a model predicts a sample of held-out text.", True),
        ("We show that Google platforms offer the fastest average inference time.", False),
        ("An accelerator is 3x faster than the CPU on every model we measured.", False),
        ("The master pings every worker periodically to detect failures.", False),
    ],
)
def test_definitions_are_told_from_findings(sentence: str, definition: bool) -> None:
    assert defines(sentence) is definition


def test_questions_asking_for_a_result() -> None:
    assert asks_result("Which hardware accelerator gave the fastest inference?")
    assert asks_result("What success rate did Code as Policies achieve on the robot tasks?")
    assert not asks_result("What is an Edge AI accelerator?")
    assert not asks_result("How does MapReduce handle worker failures?")


def test_a_definition_does_not_lead_a_question_about_a_result() -> None:
    """The trial's answer led with page 2's "An Edge AI accelerator is hardware specialized
    in processing AI workloads at the edge." and gave the finding second."""
    question = (
        "Which hardware accelerator gave the fastest inference in the edge device comparison?"
    )
    sources = [_source(1, EDGE, ((2, "Nano, Google Coral USB", 1207), (1, "ABSTRACT", 1000)))]
    before = _lead(question, sources, SIGNPOSTS)
    assert before[0].startswith("An Edge AI accelerator is hardware"), before
    shown = _lead(question, sources)
    assert shown[0].startswith("We show that Google platforms offer the fastest"), shown
    # asked what it is, the definition still answers
    assert _lead("What is an Edge AI accelerator?", sources)[0].startswith("An Edge AI acc")


def test_a_learning_rate_question_is_not_answered_with_the_dropout_rate() -> None:
    question = "What is the learning rate schedule used to train the Transformer?"
    squeezenet = _source(2, SQUEEZENET, ((5, "• When training SqueezeNet, we begin", 853),))
    sources = [_dropout_passage(), squeezenet]  # the trial's first two sources
    pdrop = "For the base model, we use a rate of Pdrop = 0.1."
    assert pdrop in _lead(question, sources, DEFINITIONS)  # the policy before
    assert pdrop not in _lead(question, sources)


def test_a_compound_is_a_pair_the_sources_write_together() -> None:
    source = _source(1, TRANSFORMER, ((7, "5 Training", 3000), (8, ROWS, 3000)))
    question = "What is the learning rate schedule used to train the Transformer?"
    assert compounds(question, [source]) == {("learn", "rate")}
    # "Transformer (base model)" writes no "Transformer base": a name is no kind of measure
    assert compounds("What dropout rate did the Transformer base model use?", [source]) == {
        ("dropout", "rate")
    }


def test_a_sentence_using_what_the_question_asks_to_do_without_does_not_lead() -> None:
    """The sample library's "Which defenses against adversarial examples need no
    retraining?" led with MVP's "By combining MVP with adversarial training, ...": the
    opposite of what was asked."""
    from litreview.evidence.scoring import Evidence
    from litreview.llm.extractive.answer import COMPOUNDS, absent_phrases, weight

    question = "Which defenses against adversarial examples need no retraining?"
    absent = absent_phrases(question)
    assert absent == [frozenset({"retrain"})]
    source = Source(1, "mvp", "Model-tuning Via Prompts Makes NLP Models Adversarially Robust", "")
    trained = Evidence(
        source,
        0,
        "By combining MVP with adversarial training, we achieve further improvements in "
        "adversarial robustness while maintaining performance on unperturbed examples.",
        0.504,
        0.504,
    )
    other = Evidence(
        source,
        1,
        "In this work, we demonstrate surprising gains in adversarial robustness enjoyed by "
        "Model-tuning Via Prompts (MVP), an alternative method of adapting to downstream tasks.",
        0.45,
        0.45,
    )
    assert weight(trained, 3, COMPOUNDS) > weight(other, 3, COMPOUNDS)
    assert weight(trained, 3, POLICY, contrary=absent) < weight(other, 3, POLICY, contrary=absent)
    # said to be absent, it is the answer
    free = replace(trained, text="MVP improves robustness without any retraining of the model.")
    assert weight(free, 3, POLICY, contrary=absent) == weight(free, 3, COMPOUNDS)


def test_the_thing_asked_to_be_without_ends_where_the_question_goes_on() -> None:
    from litreview.llm.extractive.answer import absent_phrases

    question = (
        "Block-wise training without global backprop where each block's helper is a "
        "slowly-updated running copy of the next block's weights"
    )
    assert absent_phrases(question) == [frozenset({"global", "backprop"})]
