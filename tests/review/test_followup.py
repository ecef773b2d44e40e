"""Follow-ups: a question is searched with the turns before it only when it leans on them."""

from __future__ import annotations

import pytest

from litreview.index.library import Library
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.types import Message
from litreview.review.ask import ask
from litreview.review.followup import depends_on_history, points_to_one, retrieval_query
from litreview.settings import Settings

BACKDOORS = "What defenses exist against backdoor attacks?"
GPU = "How can huge models be trained with little GPU memory?"


def turns(*questions: str) -> list[Message]:
    history: list[Message] = []
    for question in questions:
        history += [Message("user", question), Message("assistant", "An answer [1].")]
    return history


@pytest.mark.parametrize(
    "question",
    [
        "Which of them needs no clean data?",
        "Does it work on commodity servers?",
        "How can they be made faster to solve?",
        "Which of these use hypernetworks?",
        "Can such models still be made to generate unsafe images?",
        "What is the memory overhead of that approach?",
        "Is there one that needs only a single image?",
        "And for diffusion models?",
        "What about complex object detectors?",
        "Which is fastest?",
        "Any code?",
        "Why?",
        "Tell me more about the first one",
        "Which datasets did they use?",
        # a subject or object pronoun of the first clause, whatever comes before it
        "How much training time does it save?",
        "Is reinforcement learning used for it?",
    ],
)
def test_questions_that_lean_on_the_previous_turn(question: str) -> None:
    assert depends_on_history(question)


@pytest.mark.parametrize(
    "question",
    [
        GPU,
        "What is grokking?",
        "Explain transformers",
        "Can one network solve many tasks?",
        "Why do calibrated language models hallucinate?",
        # a pronoun whose antecedent is in the question itself
        "How do diffusion models generalize, and why do they not just memorize their data?",
        "Which papers discuss transformers and compare them to RNNs?",
        "Can a neural network learn to modify its own weights?",
        "Which methods prune channels that never fire?",
        "How does federated learning work and what does it cost?",
        "How can large models be compressed to make them faster?",
        "If a network is quantised, does it lose accuracy?",
        "How much GPU memory does it take to train a large language model?",
        # the TUI's "papers like this": the quoted title is not read for pronouns
        "Which papers in my library are most like “Beating Backdoor Attack at Its Own Game”, "
        "and how do they differ?",
        "",
    ],
)
def test_questions_that_stand_alone(question: str) -> None:
    assert not depends_on_history(question)


def test_a_topic_change_is_searched_as_a_fresh_question() -> None:
    assert retrieval_query(GPU, turns(BACKDOORS)) == GPU


def test_a_follow_up_is_searched_with_the_chain_it_leans_on() -> None:
    history = turns("What is grokking?", BACKDOORS, "Which of them needs no clean data?")
    query = retrieval_query("Is it fast?", history)
    assert query == f"{BACKDOORS} Which of them needs no clean data? Is it fast?"
    assert retrieval_query("Is it fast?", []) == "Is it fast?"


def test_topic_change_in_a_session_finds_the_paper_a_fresh_question_finds(
    sample_settings: Settings,
) -> None:
    """Issue 14: after a question on backdoors, the GPU-memory question answered that the
    library did not cover it, because the backdoor question was searched with it."""
    with Library(sample_settings) as library:
        backend = ExtractiveBackend()
        result = ask(library, backend, GPU, k=5, history=turns(BACKDOORS))
        assert result.sources[0].paper.title.startswith("Harmony")
        assert any(c.title.startswith("Harmony") for c in result.citations)
        follow = ask(
            library,
            backend,
            "Which of them is designed for text classification?",
            k=5,
            history=turns(BACKDOORS),
        )
        assert any(h.paper.title.startswith("T-Miner") for h in follow.sources)


def test_a_follow_up_fuses_the_question_alone_with_it_in_context(
    sample_settings: Settings,
) -> None:
    """The earlier question says what "them" is; the new one's words still rank within it."""
    from litreview.index.retriever import SearchRequest
    from litreview.review.followup import retrieve

    question = "Which of them works without supervision?"
    with Library(sample_settings) as library:
        hits = retrieve(library, question, turns(BACKDOORS), k=5)
        assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
        titles = [h.paper.title for h in hits]
        assert any(t.startswith("UMD") for t in titles)  # the unsupervised backdoor detector
        alone = library.search(SearchRequest(question, k=5))
        assert not any(h.paper.title.startswith("UMD") for h in alone)
        fresh = retrieve(library, GPU, turns(BACKDOORS), k=5)
        same = library.search(SearchRequest(GPU, k=5))
        assert [h.paper.paper_id for h in fresh] == [h.paper.paper_id for h in same]


@pytest.mark.parametrize(
    ("question", "one"),
    [
        ("Which benchmarks was it evaluated on?", True),
        ("What are its limitations?", True),
        ("What are this method's limitations?", True),
        ("How does that approach scale?", True),
        ("Which of them needs no clean data?", False),
        ("Which one combines it with quantization?", False),  # within a set
        ("Does any of it adapt the bit precision dynamically?", False),
        ("Is it possible to train without labels?", False),  # "it" that refers to nothing
        ("Does it matter which optimizer is used?", False),
        # "they" are its authors when the question names one thing (a user's trial)
        ("Which benchmarks did they evaluate it on?", True),
        ("Do they scale to large models?", False),
        ("Which of them did they evaluate it on?", False),
    ],
)
def test_a_question_about_the_one_thing_named_before(question: str, one: bool) -> None:
    assert points_to_one(question) is one


def test_a_follow_up_about_it_keeps_the_paper_the_conversation_is_about(
    sample_settings: Settings,
) -> None:
    """A user's "What is ReAct?" then "Which benchmarks was it evaluated on?" answered from
    benchmark papers, ReAct not among the sources: the question alone ("Does it need clean
    data?") ranks any paper on clean data, and fusing that in pushed the one paper out."""
    from litreview.review.followup import retrieve

    with Library(sample_settings) as library:
        hits = retrieve(library, "Does it need clean data?", turns("What is UMD?"), k=5)
        assert hits[0].paper.title.startswith("UMD")
        hits = retrieve(
            library, "What accuracy does it reach?", turns("What does BottleFit do?"), k=5
        )
        assert hits[0].paper.title.startswith("BottleFit")


def test_an_answer_about_it_quotes_the_paper_it_names() -> None:
    """ "Which benchmarks did they evaluate it on?" after a question on Reflexion (a user's
    trial on the real PDFs): its search ranked Reflexion first, but the extractive answer
    scored sentences against the question alone and quoted AutoDroid's and a sentiment
    paper's benchmarks, Reflexion's nowhere. The answer is the named paper's when it speaks
    to the question, and everyone's when it does not."""
    from litreview.evidence.scoring import EvidenceScorer
    from litreview.evidence.source import Source
    from litreview.llm.extractive.answer import compose_answer

    reflexion = Source(
        1,
        "r",
        "Reflexion: Language Agents with Verbal Reinforcement Learning",
        "Reflexion reinforces language agents through linguistic feedback. Reflexion achieves "
        "a 91% pass@1 accuracy on the HumanEval coding benchmark.",
    )
    droid = Source(
        2,
        "d",
        "AutoDroid: LLM-powered Task Automation in Android",
        "We introduce DroidTask, a benchmark suite designed to evaluate mobile task automation "
        "systems on which we evaluate our approach.",
    )
    scorer = EvidenceScorer.shared()
    question = "Which benchmarks did they evaluate it on?"
    answer = compose_answer(scorer, question, [reflexion, droid], about=(1,))
    assert "HumanEval" in answer and "[2]" not in answer
    unrelated = compose_answer(scorer, "How do they run on Android phones?", [reflexion, droid])
    focused = compose_answer(
        scorer, "How do they run on Android phones?", [reflexion, droid], about=(1,)
    )
    assert focused == unrelated  # Reflexion says nothing of it: every source is read


def test_the_request_names_the_first_source_for_a_question_about_it() -> None:
    from litreview.evidence.source import Source
    from litreview.llm.types import Message
    from litreview.review.ask import answer_request

    sources = (Source(1, "r", "Reflexion", "Text."), Source(2, "d", "AutoDroid", "Text."))
    earlier = (Message("user", "How does Reflexion use verbal feedback to improve agents?"),)
    question = "Which benchmarks did they evaluate it on?"
    assert answer_request(question, sources, earlier).about == (1,)
    assert answer_request(question, sources).about == ()  # a first question names nothing
    assert answer_request("Which of them needs no clean data?", sources, earlier).about == ()


REACT_ABSTRACT = (
    "While large language models (LLMs) have demonstrated impressive capabilities across "
    "tasks in language understanding and interactive decision making, their abilities for "
    "reasoning and acting have primarily been studied as separate topics. In this paper, we "
    "explore the use of LLMs to generate both reasoning traces and task-specific actions in an "
    "interleaved manner. On two interactive decision making benchmarks (ALFWorld and WebShop), "
    "ReAct outperforms imitation and reinforcement learning methods by an absolute success "
    "rate of 34% and 10% respectively."
)


def test_an_answer_about_it_reads_it_as_the_paper_named() -> None:
    """A user's "Which benchmarks was it evaluated on?" after a ReAct question: "it" means
    nothing to the sentence scorer, so ReAct's benchmark sentence fell under the bar an answer
    needs and the answer quoted other papers' benchmarks. Scored as "Which benchmarks was
    REACT evaluated on?", ReAct's own sentence answers."""
    from litreview.evidence.scoring import EvidenceScorer
    from litreview.evidence.source import Source
    from litreview.llm.extractive.answer import compose_answer, naming

    react = Source(
        1, "r", "REACT: Synergizing Reasoning and Acting in Language Models", REACT_ABSTRACT
    )
    droid = Source(
        2,
        "d",
        "AutoDroid: LLM-powered Task Automation in Android",
        "We introduce DroidTask, an Android Task Automation benchmark suite designed to "
        "evaluate the performance of end-to-end mobile task automation systems.",
    )
    assert naming("Which benchmarks was it evaluated on?", react) == (
        "Which benchmarks was REACT evaluated on?"
    )
    assert naming("What are its limitations?", react) == "What are REACT's limitations?"
    assert naming("Does this method need clean data?", react) == "Does REACT need clean data?"
    answer = compose_answer(
        EvidenceScorer.shared(), "Which benchmarks was it evaluated on?", [react, droid], about=(1,)
    )
    assert "ALFWorld and WebShop" in answer and "[2]" not in answer


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What datasets were they evaluated on?", False),
        ("Which of those were published after 2020?", False),
        ("Which of them needs no clean data?", True),
        ("Which of them works on text?", True),
        ("How can huge models be trained with little GPU memory?", True),
    ],
)
def test_a_question_names_a_topic_of_its_own(question: str, topic: bool) -> None:
    from litreview.review.followup import names_a_topic

    assert names_a_topic(question) is topic


def test_a_follow_up_on_a_set_in_words_of_no_topic_searches_the_set(
    sample_settings: Settings,
) -> None:
    """A user's "What datasets were they evaluated on?" after "How can backdoors in neural
    networks be detected?" was fused with its own search, which ranked an ImageNet study and
    a verifier benchmark first: it is searched by the question it leans on."""
    from litreview.index.retriever import SearchRequest
    from litreview.review.followup import retrieve

    first = "How can backdoors in neural networks be detected?"
    with Library(sample_settings) as library:
        hits = retrieve(library, "What datasets were they evaluated on?", turns(first), k=5)
        same = library.search(SearchRequest(first, k=5))
    assert [h.paper.paper_id for h in hits] == [h.paper.paper_id for h in same]
    assert all("ImageNet" not in h.paper.title for h in hits)
