"""The offline engine: cited, grouped, honest about gaps, streamed like a model."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from litreview.evidence.scoring import Evidence, EvidenceScorer
from litreview.evidence.sentences import fragment, short_name, split_sentences, third_person
from litreview.evidence.source import Source
from litreview.index.library import Library
from litreview.llm.backend import Delta, Done
from litreview.llm.errors import LLMError
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.extractive.answer import background, choose, compose_answer, title_naming
from litreview.llm.types import Request
from litreview.reading.paper import PageText
from litreview.review.ask import answer_request, ask
from litreview.settings import Settings
from tests.support.papers import sample_sources


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


@pytest.mark.parametrize(
    ("question", "starts", "answer", "background"),
    [
        (
            "Block-wise training without global backprop where each block's helper is a "
            "slowly-updated running copy of the next block's weights",
            ("Momentum Auxiliary Network", "Convolutional Deep Kernel", "Retrieval-Augmented"),
            "To address this issue and establish information transfer across blocks",
            "However, these methods cannot replace end-to-end training",
        ),
        (
            "Kernel method that keeps representation learning from infinite-width Bayesian "
            "limits, extended to convolutions with inducing points",
            ("Convolutional Deep Kernel", "Momentum Auxiliary Network", "Retrieval-Augmented"),
            "Here, we introduce convolutional deep kernel machines.",
            "Recent work (A theory of representation learning",
        ),
        (
            "Classifying text with few labels by combining episodic learning with passages "
            "fetched from an external store",
            ("Retrieval-Augmented", "Convolutional Deep Kernel", "Momentum Auxiliary Network"),
            "To deal with this issue, we propose a meta-learning based method",
            "Meta learning have achieved promising performance",
        ),
    ],
)
def test_the_quoted_sentence_is_the_papers_answer_not_its_background(
    question: str, starts: tuple[str, ...], answer: str, background: str
) -> None:
    """Each of these used to lead with the abstract's opening context (issue 14)."""
    chosen = choose(EvidenceScorer.shared(), question, sample_sources(*starts))
    assert chosen is not None
    assert chosen[0].source.n == 1 and chosen[0].text.startswith(answer)
    assert not any(e.text.startswith(background) for e in chosen)


def test_others_work_and_opening_context_count_as_background() -> None:
    sources = sample_sources("Momentum Auxiliary Network")
    evidence = EvidenceScorer.shared().sentences("local learning", sources)
    marked = background(evidence)
    first_own = next(e.index for e in evidence if e.text.startswith("To address this issue"))
    assert set(range(first_own)) <= marked, "the opening before the paper's own claim"
    assert first_own not in marked
    assert not any(e.index in marked for e in evidence if "we propose" in e.text)


def test_a_claim_about_others_work_is_background_but_a_finding_is_not() -> None:
    evidence = [
        Evidence(Source(1, "p", "t", ""), i, text, 0.5, 0.5)
        for i, text in enumerate(
            [
                "We propose a new attack on text classifiers with hidden triggers.",
                "Our attack can effectively evade existing state-of-the-art defenses.",
                "Our method outperforms existing defenses on five benchmarks.",
            ]
        )
    ]
    assert background(evidence) == {1}


def test_a_defense_question_leads_with_a_defense(sample_settings: Settings) -> None:
    """Issue 14: 'What defenses exist?' led with an attack paper's 'evades existing defenses'."""
    with Library(sample_settings) as library:
        result = ask(library, ExtractiveBackend(), "What defenses exist?")
    first = result.answer.split("\n\n")[1]
    assert "defense framework" in first and "evade" not in first


def test_absence_is_read_in_questions_and_sentences() -> None:
    from litreview.llm.extractive.answer import absences

    assert {"clean", "data"} <= absences("Which of them needs no clean data?")
    assert "clean" in absences("It requires no access to the training dataset or clean inputs.")
    assert absences("It achieves the lowest performance drop on clean data.") == set()
    assert "data" in absences("A data-free distillation method.")
    assert absences("trains without labels, but then uses clean data") == {"label"}


def test_a_follow_up_asking_for_no_clean_data_quotes_t_miner(sample_settings: Settings) -> None:
    from litreview.index.library import Library
    from litreview.llm.extractive.engine import ExtractiveBackend
    from litreview.llm.types import Message
    from litreview.review.ask import ask

    first = "What defenses exist against backdoor attacks?"
    with Library(sample_settings) as library:
        backend = ExtractiveBackend()
        before = ask(library, backend, first)
        history = [Message("user", first), Message("assistant", before.answer)]
        result = ask(library, backend, "Which of them needs no clean data?", history=history)
    cited = [c.title for c in result.citations]
    assert any(title.startswith("T-Miner") for title in cited), cited
    assert "requires no access to the training dataset or clean inputs" in result.answer


def test_a_quoted_sentence_loses_the_papers_own_reference_numbers() -> None:
    """Paxos Made Simple, p. 13: "... in the presence of faults [2]." quoted as is cited the
    answer's source 2 (Bigtable) in a real library."""
    quoted = third_person(
        "It can be shown that phase 2 has the minimum possible cost of any algorithm for "
        "reaching agreement in the presence of faults [2]."
    )
    assert quoted.endswith("in the presence of faults.")
    assert third_person("Prior work [5, 12-14] scales inputs to [0, 1].") == (
        "Prior work scales inputs to [0, 1]."
    )


def test_a_reference_the_sentence_speaks_of_stays_as_a_reference_not_a_citation() -> None:
    """Dropped where it is the sentence's noun, "[10]" left "as described in constitute" in a
    quoted sentence; the 50,000 real abstracts write "in [1] and [2]", "(e.g., [4], [5])"."""
    assert third_person("The rules as described in [10] constitute a baseline.") == (
        "The rules as described in ref. 10 constitute a baseline."
    )
    assert third_person("We extend the approach in [10], [11] to this problem.") == (
        "The authors extend the approach in refs. 10, 11 to this problem."
    )
    assert third_person("Results of [8] and [15] show it.") == "Results of refs. 8 and 15 show it."
    assert third_person("[3] showed that it holds.") == "Ref. 3 showed that it holds."
    assert third_person("Others (e.g., [4, 5]) did so.") == "Others (e.g., refs. 4, 5) did so."
    assert third_person("Methods [3] and [4] fail.") == "Methods fail."
    assert third_person("Lee et al. [9, 11] proposed it.") == "Lee et al. proposed it."


def test_an_author_year_reference_in_brackets_is_no_citation() -> None:
    """ganeshbelgur's graphics library: "Alexa [2002] proposed ..." was quoted as is, and the
    answer's check removed "[2002]" as a citation of a source it was not given."""
    assert third_person("Alexa [2002] proposed a linear combination.") == (
        "Alexa (2002) proposed a linear combination."
    )
    assert third_person("As shown before [1998; 2007a], it holds.") == (
        "As shown before (1998; 2007a), it holds."
    )
    assert (
        third_person("Values in [0, 1] and [10] differ.") == "Values in [0, 1] and ref. 10 differ."
    )


def test_a_sentence_in_both_the_abstract_and_a_page_is_quoted_once(
    engine: ExtractiveBackend,
) -> None:
    """A PDF's stand-in abstract is its page 1's abstract section: Reflexion's "We propose
    Reflexion, ..." was quoted twice in a row, as [1] and as [1, p. 1]."""
    from litreview.reading.paper import PageText

    claim = (
        "We propose Reflexion, a novel framework to reinforce language agents not by "
        "updating weights, but instead through linguistic feedback."
    )
    abstract = (
        "Large language models (LLMs) have been increasingly used to interact with external "
        f"environments as goal-driven agents. {claim} Reflexion agents verbally reflect on "
        "task feedback signals, then maintain their own reflective text in an episodic memory."
    )
    page = PageText(1, f"Abstract\n{abstract}\n1 Introduction\nRecent works such as ReAct.")
    source = Source(1, "p1", "Reflexion: Language Agents with Verbal Reinforcement", abstract)
    source = Source(1, "p1", source.title, abstract, passages=(page,))
    question = "How does Reflexion improve language agents without updating weights?"
    text = engine.run(answer_request(question, (source,)))
    assert text.count("novel framework to reinforce language agents") == 1, text


def test_a_papers_best_sentence_leads_its_paragraph_and_the_answer() -> None:
    """Issue 14: "How does MapReduce handle worker failures?" led with the abstract's
    "Programmers find the system easy to use" because a paper's sentences were shown in
    text order (the abstract before page 3), not best first."""
    from litreview.llm.extractive.answer import PREVIOUS, arrange

    paper = Source(1, "mr", "MapReduce", "")
    page = Source(1, "mr", "MapReduce", "", page=3)
    best = Evidence(page, 4, "Completed map tasks are reexecuted on a failure.", 0.8, 0.5)
    weaker = Evidence(paper, 6, "Programmers find the system easy to use.", 0.6, 0.2)
    other = Evidence(Source(2, "gfs", "GFS", ""), 0, "Chunks are replicated.", 0.5, 0.1)
    assert arrange([best, other, weaker]) == [[best, weaker], [other]]
    assert arrange([best, other, weaker], PREVIOUS) == [[weaker, best], [other]]


def test_a_pages_opening_sentences_are_not_background() -> None:
    """``page_openers=False`` (shipped: bench.answer_sentences): a page starts wherever the
    page break fell, so its sentences before a "we" are the method, not an abstract's
    context."""
    from dataclasses import replace

    from litreview.llm.extractive.answer import POLICY, PREVIOUS, _backgrounds

    assert not POLICY.page_openers

    page = Source(1, "mr", "MapReduce", "", page=3)
    evidence = [
        Evidence(page, i, text, 0.5, 0.5)
        for i, text in enumerate(
            [
                "The master pings every worker periodically.",
                "Completed map tasks are reexecuted on a failure.",
                "Existing systems have been widely used for batch jobs.",
                "We rely on atomic commits of map and reduce task outputs.",
            ]
        )
    ]
    assert _backgrounds(evidence, PREVIOUS) == {(1, 3, 0), (1, 3, 1), (1, 3, 2)}
    assert _backgrounds(evidence, replace(PREVIOUS, page_openers=False)) == {(1, 3, 2)}


MAPREDUCE = "MapReduce: simplified data processing on large clusters"
# MapReduce's page 3 (shared/real), as its retrieved passages read, cut at its headings.
FAULTS = (
    "Since the MapReduce library is designed to help process very large amounts of data "
    "using hundreds or thousands of machines, the library must tolerate machine failures "
    "gracefully."
)
WORKERS = (
    "The master pings every worker periodically. If no response is received from a worker "
    "in a certain amount of time, the master marks the worker as failed. MapReduce is "
    "resilient to large-scale worker failures."
)
STRUCTURES = (
    "The master keeps several data structures. For each map task and reduce task, it "
    "stores the state (idle, in-progress, or completed) and the identity of the worker "
    "machine (for nonidle tasks)."
)


def _mapreduce_page() -> Source:
    from litreview.evidence.source import Section

    sections = (
        Section(3, "3.2 Master Data Structures", STRUCTURES, True),
        Section(3, "3.3 Fault Tolerance", FAULTS, True),
        Section(3, "Handling Worker Failures", WORKERS, True),
    )
    text = " ".join(s.text for s in sections)
    return Source(1, "mr", MAPREDUCE, text, page=3, sections=sections)


def test_a_heading_that_matches_the_question_raises_the_sentences_under_it() -> None:
    """Issue 14: "How does MapReduce handle worker failures?" is what the section "Handling
    Worker Failures" answers; its sentences gain the policy's heading bonus, its first ones
    more (the section opens with how: "The master pings every worker periodically")."""
    from litreview.llm.extractive.answer import BEST_FIRST, POLICY, headings, key

    page = _mapreduce_page()
    evidence = [
        Evidence(page, i, text, 0.5, 0.5) for i, text in enumerate(split_sentences(page.text))
    ]
    question = "How does MapReduce handle worker failures?"
    bonus = {e.text: headings(evidence, question).get(key(e), 0.0) for e in evidence}
    pings = "The master pings every worker periodically."
    assert bonus[pings] == pytest.approx(POLICY.heading_bonus + POLICY.heading_opening)
    resilient = "MapReduce is resilient to large-scale worker failures."
    assert bonus[resilient] == pytest.approx(POLICY.heading_bonus + POLICY.heading_opening / 3)
    assert bonus[FAULTS] == 0.0  # "Fault Tolerance" shares no word with the question
    assert not any(bonus[s] for s in split_sentences(STRUCTURES))
    assert headings(evidence, question, BEST_FIRST) == {}  # the policy before: no headings


@pytest.mark.parametrize(
    ("heading", "question", "title", "expected"),
    [
        ("Handling Worker Failures", "How does MapReduce handle worker failures?", "", 1.0),
        ("5.1 Tablet Location", "How does a client find a tablet's location?", "", 1.0),
        ("2.3 Learning a Chosen Value", "How does a learner find the chosen value?", "", 2 / 3),
        (
            "3 OUR APPROACH: AUTODROID",
            "How does AutoDroid keep names out of prompts?",
            "AutoDroid: LLM-powered Task Automation in Android",
            0.0,  # the paper's own name says nothing about which section answers
        ),
        ("3.3 Fault Tolerance", "How does MapReduce handle worker failures?", "", 0.0),
    ],
)
def test_heading_match_counts_the_headings_words_the_question_has(
    heading: str, question: str, title: str, expected: float
) -> None:
    from litreview.evidence.scoring import terms
    from litreview.llm.extractive.answer import heading_match

    assert heading_match(heading, terms(question), title) == pytest.approx(expected)


def test_sentences_under_a_matching_heading_are_quoted_before_others_of_the_page() -> None:
    """With the scorer: the answer quotes the "Handling Worker Failures" section's
    sentences, how ("The master pings every worker periodically") among them, where
    without headings it quoted the general fault-tolerance remark instead."""
    from litreview.llm.extractive.answer import BEST_FIRST, quoted

    page = _mapreduce_page()
    source = replace(page, text="", page=None, passages=(PageText(3, page.text),))
    question = "How does MapReduce handle worker failures?"
    shown = [e.text for e in quoted(EvidenceScorer.shared(), question, [source]) or []]
    assert shown and all(text in WORKERS for text in shown), shown
    assert "The master pings every worker periodically." in shown
    before = [e.text for e in quoted(EvidenceScorer.shared(), question, [source], BEST_FIRST) or []]
    assert FAULTS in before


def test_a_sentence_announcing_the_next_one_does_not_lead_the_answer() -> None:
    """SqueezeNet's section "3.2 The Fire Module" (the real PDF's page 4) opens with "We
    define the Fire module as follows."; under the matching heading it led the answer to
    "What is a Fire module made of?" and said nothing. The sentence after it answers."""
    from litreview.evidence.source import Section
    from litreview.llm.extractive.answer import HEADINGS, quoted

    fire = (
        "We define the Fire module as follows. A Fire module is comprised of: a squeeze "
        "convolution layer (which has only 1x1 filters), feeding into an expand layer that "
        "has a mix of 1x1 and 3x3 convolution filters; we illustrate this in Figure 1. The "
        "liberal use of 1x1 filters in Fire modules is an application of Strategy 1 from "
        "Section 3.1."
    )
    page = Source(
        1,
        "sq",
        "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters",
        fire,
        page=4,
        sections=(Section(4, "3.2 The Fire Module", fire, True),),
    )
    source = replace(page, text="", page=None, passages=(PageText(4, fire),))
    question = "What is a Fire module made of?"
    shown = [e.text for e in quoted(EvidenceScorer.shared(), question, [source]) or []]
    assert shown and shown[0].startswith("A Fire module is comprised of"), shown
    before = [e.text for e in quoted(EvidenceScorer.shared(), question, [source], HEADINGS) or []]
    assert before[0] == "We define the Fire module as follows."


@pytest.mark.parametrize(
    ("sentence", "piece"),
    [
        # Quoted by answers on the 12 real PDFs (a new user's trial, 2026-11-30).
        (") • SqueezeNet with complex bypass connections between some Fire modules", True),
        (
            "Success True positive Correct reasoning trace and facts 94% 86% False positive "
            "Hallucinated reasoning trace or facts 6% 14%",
            True,
        ),
        ("and thus reduces the number of parameters.", True),
        # Code as Policies' page 2: a list item whose next item the splitter cut off (issue 14)
        (
            "(iii) a new benchmark to evaluate future language models on robotics code-gen "
            "problems, and",
            True,
        ),
        ("We train on 8 GPUs for 100,000 steps or 12 hours.", False),
        ("The model reaches 94.1%, 93.2%, 88.7% and 90.5% on the four benchmarks.", False),
        ("As a result, SqueezeNet has 50x fewer parameters than AlexNet.", False),
        # A list item is a sentence (SqueezeNet's answer on dropout is one).
        ("• Dropout with a ratio of 50% is applied after the fire9 module.", False),
        ("对每个样本采集 10 条光谱，共 采集 400 条光谱，分为 4 类，如表 1 所示。", False),
    ],
)
def test_pieces_of_sentences_and_table_rows_are_told_apart(sentence: str, piece: bool) -> None:
    assert fragment(sentence) is piece


def test_a_table_row_does_not_lead_an_answer_over_a_sentence() -> None:
    from litreview.llm.extractive.answer import POINTER, POLICY, weight

    source = Source(1, "p1", "ReAct", "abstract")
    row = Evidence(
        source,
        0,
        "Success True positive Correct reasoning trace and facts 94% 86% False positive 6% 14%",
        0.62,
        0.62,
    )
    sentence = Evidence(source, 1, "ReAct is evaluated on HotpotQA and Fever.", 0.55, 0.55)
    assert weight(row, 3, POINTER) > weight(sentence, 3, POINTER)  # the policy before
    assert weight(row, 3, POLICY) < weight(sentence, 3, POLICY)


@pytest.mark.parametrize(
    ("sentence", "about_the_text"),
    [
        (
            "For brevity, we have omitted number of details and design choices about "
            "SqueezeNet from Table 1 and Figure 2.",
            True,
        ),
        ("In Section 2 we review the related work.", True),
        ("This section describes the training regime for our models.", True),
        ("The rest of this paper is organized as follows.", True),
        ("A full treatment is beyond the scope of this paper.", True),
        ("SqueezeNet replaces 3x3 filters with 1x1 filters to cut parameters.", False),
        ("In Section 2, the model is trained with SGD.", False),
        ("Table 2: Overall accuracy and test generation performance for HumanEval.", True),
        # a long caption is a table's text and the finding below it, run into its "sentence"
        (
            "Table 3: SqueezeNet accuracy and model size using different macroarchitecture "
            "configurations Architecture Top-1 Accuracy Top-5 Accuracy Model Size Vanilla "
            "SqueezeNet 57.5% 80.3% 4.8MB SqueezeNet + Simple Bypass 60.4% 82.5% 4.8MB, which "
            "yielded an increase of 2.9 percentage-points in top-1 accuracy.",
            False,
        ),
    ],
)
def test_sentences_about_the_papers_own_text(sentence: str, about_the_text: bool) -> None:
    from litreview.evidence.sentences import signposts

    assert signposts(sentence) is about_the_text


def test_a_sentence_about_the_papers_text_does_not_lead_an_answer() -> None:
    """A user's "How does SqueezeNet reduce the number of parameters?" led with "For brevity,
    they have omitted number of details and design choices about SqueezeNet from Table 1"."""
    from litreview.llm.extractive.answer import NAMED, POLICY, weight

    source = Source(1, "p1", "SqueezeNet", "abstract")
    omitted = Evidence(
        source,
        0,
        "For brevity, we have omitted number of details and design choices about SqueezeNet "
        "from Table 1 and Figure 2.",
        0.571,
        0.571,
    )
    answer = Evidence(
        source, 1, "We decrease the number of input channels to 3x3 filters.", 0.418, 0.418
    )
    assert weight(omitted, 3, NAMED) > weight(answer, 3, NAMED)  # the policy before
    assert weight(omitted, 3, POLICY) < weight(answer, 3, POLICY)


def test_a_paper_named_by_its_title_alone_is_quoted_not_declined() -> None:
    """A new user's "What is Reyes?" on a graphics library: the top source was "The Reyes
    image rendering architecture", yet the answer said the library did not cover it (its
    abstract never says "Reyes"). Its abstract's opening is quoted now; an off-topic question
    is still declined."""
    from litreview.llm.extractive.answer import compose_answer

    reyes = Source(
        1,
        "r",
        "The Reyes image rendering architecture",
        "An architecture is presented for fast high-quality rendering of complex images. All "
        "objects are reduced to common world-space geometric entities called micropolygons. "
        "The architecture was designed to be fast.",
    )
    other = Source(
        2, "s", "Fast construction of accurate quaternion splines", "Quaternions interpolate."
    )
    scorer = EvidenceScorer.shared()
    answer = compose_answer(scorer, "What is Reyes?", [reyes, other])
    assert answer.startswith("1 paper in your library speaks to this")
    assert "**The Reyes image rendering architecture** [1]: An architecture is presented" in answer
    assert "designed to be fast" not in answer and "[2]" not in answer  # its opening only
    declined = compose_answer(scorer, "How do I repot an orchid?", [reyes, other])
    assert declined.startswith("Your library does not seem to cover this question")


def test_a_result_named_by_its_authors_initials_is_quoted_not_declined() -> None:
    """San7o's library: "What is the FLP impossibility result?" was declined ("no abstract
    says anything close to it") though Fischer, Lynch and Paterson's paper ranked first: its
    title and abstract never say "FLP". Its authors, as the Zotero reader stores them."""
    from litreview.llm.extractive.answer import compose_answer

    flp = Source(
        1,
        "f",
        "Impossibility of distributed consensus with one faulty process",
        "The consensus problem involves an asynchronous system of processes, some of which may "
        "be unreliable. The problem is for the reliable processes to agree on a binary value. In "
        "this paper, it is shown that every protocol for this problem has the possibility of "
        "nontermination, even with only one faulty process.",
        authors=("Fischer, Michael J.", "Lynch, Nancy A.", "Paterson, Michael S."),
    )
    other = Source(2, "p", "Paxos Made Simple", "Paxos is simple.", authors=("Leslie Lamport",))
    scorer = EvidenceScorer.shared()
    answer = compose_answer(scorer, "What is the FLP impossibility result?", [flp, other])
    assert answer.startswith("1 paper in your library speaks to this") and "[2]" not in answer
    # what the paper is: its opening sentence and its result, not the problem's second sentence
    assert "The consensus problem involves" in answer and "is shown that every protocol" in answer
    assert "agree on a binary value" not in answer
    for elsewhere in ("What is the FPL impossibility result?", "What is the flp result?"):
        declined = compose_answer(scorer, elsewhere, [flp, other])
        assert declined.startswith("Your library does not seem to cover this question")


GRAPHICS = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync/zotero.sqlite")


def test_a_paper_whose_title_names_the_question_is_not_joined_by_papers_sharing_a_word() -> None:
    """ganeshbelgur's graphics library: "What is the hemi-cube method?" quoted a quaternion
    spline paper's "a simple improved method" as a 4th paper beside the hemi-cube's own
    (whose abstract never says "hemi-cube"); the title that names the question now weighs,
    and a paper that never says what it names is not quoted (searched without MPNet, the
    spline paper ranks 4th and its sentence passed on the title's weight alone)."""
    if not GRAPHICS.is_file():
        pytest.skip("the real Zotero libraries (shared/real/zotero) are not on this machine")
    from litreview.reading.readers.zotero import read_zotero

    papers = {p.title: p for p in read_zotero(GRAPHICS).papers}
    hemi, spline = (
        "The hemi-cube: a radiosity solution for complex environments",
        "Fast construction of accurate quaternion splines",
    )
    others = (
        "An improved illumination model for shaded display",
        "3-D Visual simulation",
        "Continuous tone representation of three-dimensional objects taking account of "
        "shadows and interreflection",
        "Some techniques for shading machine renderings of solids",
        "Real-Time Rendering",
        "Transparency for computer synthesized images",
    )
    question = "What is the hemi-cube method?"
    # The orders litreview's search gave them, with MPNet and without.
    for retrieved in (
        (hemi, *others[:5], spline, others[5]),
        (hemi, *others[1:3], spline, *others[3:]),
    ):
        sources = [
            Source(n, papers[t].paper_id, t, papers[t].abstract or "")
            for n, t in enumerate(retrieved, start=1)
        ]
        named = title_naming(question, sources)
        assert named[1] > 0.5 and named[retrieved.index(spline) + 1] == 0.0
        text = compose_answer(EvidenceScorer.shared(), question, sources)
        assert {int(n) for n in re.findall(r"\[(\d+)\]", text)} == {1}, retrieved


@pytest.mark.parametrize(
    ("sentence", "inside"),
    [
        # a cited author keeps the capital ("according to Bloom et al. [2], alexa (2002)
        # proposed" in a user's quaternion draft)
        ("Alexa (2002) proposed a linear combination.", "Alexa (2002) proposed"),
        ("Alexa [2002] proposed it.", "Alexa [2002] proposed"),
        ("Shoemake et al. [1985] introduced slerp.", "Shoemake et al. [1985]"),
        ("Barr and Currin (1992) show splines.", "Barr and Currin (1992)"),
        ("Recent work shows more.", "recent work shows"),
    ],
)
def test_a_sentence_continued_inside_another_keeps_a_cited_name(sentence: str, inside: str) -> None:
    from litreview.llm.extractive.related import _continue

    assert _continue(sentence).startswith(inside)
