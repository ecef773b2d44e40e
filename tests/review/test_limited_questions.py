"""Questions that limit their papers by year, author or kind (issue of trial 16, session 19).

On the graphics Zotero library (ganeshbelgur's, shared/real) "Which of those from before 1995
use ray tracing?" cited Wald et al. 2001 and a 2006 paper; "Show me only the ones before 1990",
"Which of those are journal articles?", "Which of those are by Goldstein or Arvo?", a first
turn's "Which of those are from before 1990?", "Which papers are by Kajiya?" and "What did
Kajiya propose in 1986?" were each declined ("does not seem to cover"). On the Portuguese one
(thiagohonorato's) "Quais deles são anteriores a 2015?" and "Ordene por ano" were searched as
content and dropped a paper.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from litreview.index.library import Library
from litreview.llm.extractive import ExtractiveBackend
from litreview.llm.types import Message
from litreview.reading import read_file
from litreview.reading.paper import Paper
from litreview.review.ask import AskResult, ask
from litreview.review.limits import kind_name, read
from litreview.review.session import AnswerMessage
from litreview.settings import load_settings
from tests.support.cli import CHEAP_PIPELINE, run_cli
from tests.support.papers_by_id import PapersById

ZOTERO = Path("/work/shared/real/zotero")
GRAPHICS = ZOTERO / "ganeshbelgur+zotero-sync"
PORTUGUESE = ZOTERO / "thiagohonorato+referencias"

needs_real = pytest.mark.skipif(not GRAPHICS.is_dir(), reason="shared/real not present")


@pytest.fixture(scope="module")
def graphics_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("graphics") / "home"
    run_cli(home, "ingest", str(GRAPHICS), check=True, env=CHEAP_PIPELINE)
    yield home


@pytest.fixture
def graphics(graphics_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    for key, value in CHEAP_PIPELINE.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LITREVIEW_HOME", str(graphics_home))
    with Library(load_settings()) as library:
        yield library


def _papers(library: Library, titles: Sequence[str]) -> list[Paper]:
    by_title = {p.title: p for p in library.papers()}
    return [by_title[t] for t in titles]


def _after(cited: Sequence[Paper]) -> list[Message]:
    return [
        Message("user", "Which papers discuss ray tracing?"),
        AnswerMessage("assistant", "Ray tracing ... [1] ...", tuple(p.paper_id for p in cited)),
    ]


def _cited(result: AskResult) -> list[str]:
    return [result.sources[c.n - 1].paper.title for c in result.citations]


# What the trial's library answered "Which papers discuss ray tracing?" with, in its order.
RAY_TRACING = (
    "A Testbed for Realistic Image Synthesis",  # Hall and Greenberg, 1983
    "Interactive Distributed Ray Tracing of Highly Complex Models",  # Wald et al., 2001
    "Distributed ray tracing",  # Cook et al., 1984
    "Design for Parallel Interactive Ray Tracing Systems",  # Bigler et al., 2006
)
# ... and in a second run, by the search the trial's session made.
RAY_TRACING_3 = (
    "Design for Parallel Interactive Ray Tracing Systems",  # 2006, a conference paper
    "Particle transport and image synthesis",  # Arvo and Kirk, 1990, a conference paper
    "3-D Visual simulation",  # Goldstein and Nagel, 1971, a journal article
)


@needs_real
def test_a_year_limit_with_a_content_question_bounds_its_papers(graphics: Library) -> None:
    history = _after(_papers(graphics, RAY_TRACING))
    question = "Which of those from before 1995 use ray tracing?"
    result = ask(graphics, ExtractiveBackend(), question, history=history)
    assert result.answer.startswith(
        "Limited to the papers cited before that are from before 1995 (2 of the 4 papers)."
    )
    cited = _cited(result)
    assert cited and set(cited) <= {RAY_TRACING[0], RAY_TRACING[2]}
    assert all((h.paper.year or 0) < 1995 for h in result.sources)


@needs_real
def test_a_limit_no_earlier_paper_meets_is_said_without_an_answer(graphics: Library) -> None:
    history = _after(_papers(graphics, RAY_TRACING))
    result = ask(
        graphics, ExtractiveBackend(), "Which of those by Kajiya use BSP trees?", history=history
    )
    assert result.citations == [] and result.answer.startswith(
        "None of the 4 papers cited before are by Kajiya; their authors are"
    )


@needs_real
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Show me only the ones before 1990", [2]),
        ("Which of those are journal articles?", [2]),
        ("Which of those are conference papers?", [0, 1]),
        ("Which of those are by Goldstein or Arvo?", [1, 2]),
    ],
)
def test_follow_ups_the_trial_found_declined(
    graphics: Library, question: str, expected: list[int]
) -> None:
    history = _after(_papers(graphics, RAY_TRACING_3))
    result = ask(graphics, ExtractiveBackend(), question, history=history)
    assert sorted(_cited(result)) == sorted(RAY_TRACING_3[i] for i in expected)
    assert "does not seem to cover" not in result.answer


@needs_real
def test_a_first_turn_follow_up_says_there_is_nothing_before_and_lists_the_library(
    graphics: Library,
) -> None:
    result = ask(graphics, ExtractiveBackend(), "Which of those are from before 1990?")
    assert result.answer.startswith(
        "There is no earlier answer in this chat to narrow, so this is for the whole library."
    )
    listed = [result.sources[c.n - 1].paper for c in result.citations]
    assert listed and all((p.year or 9999) < 1990 for p in listed)
    assert listed[0].title == "Some techniques for shading machine renderings of solids"  # 1968
    sort = ask(graphics, ExtractiveBackend(), "Sort them by year")
    assert sort.citations == [] and sort.answer.startswith("There is no earlier answer")


@needs_real
@pytest.mark.parametrize(
    "question",
    [
        "Which papers are by Kajiya?",
        "Which papers are by james t. kajiya?",
        "Quais artigos são de Kajiya?",
    ],
)
def test_papers_by_an_author_are_listed_from_the_library(graphics: Library, question: str) -> None:
    result = ask(graphics, ExtractiveBackend(), question)
    assert _cited(result) == ["Ray tracing volume densities", "The rendering equation"]
    assert "of the" in result.answer and "in the library are by" in result.answer


@needs_real
def test_what_an_author_proposed_in_a_year_is_answered_from_those_papers(
    graphics: Library,
) -> None:
    result = ask(graphics, ExtractiveBackend(), "What did Kajiya propose in 1986?")
    assert result.answer.startswith("Limited to the library's papers from 1986 and by Kajiya")
    assert _cited(result) == ["The rendering equation"]
    assert "integral equation" in result.answer


@needs_real
def test_a_year_in_a_content_question_is_still_content(graphics: Library) -> None:
    result = ask(graphics, ExtractiveBackend(), "What changed in rendering after 1990?")
    assert not result.answer.startswith(("Limited", "None of", "There is no"))


@pytest.mark.parametrize(
    ("question", "years", "authors", "any_authors", "kinds", "sort"),
    [
        ("Show me only the ones before 1990", [(None, 1989)], [], [], [], None),
        ("Which of those are journal articles?", [], [], [], ["journal articles"], None),
        ("Which of those are by Goldstein or Arvo?", [], [], ["Goldstein", "Arvo"], [], None),
        ("Quais deles são anteriores a 2015?", [(None, 2014)], [], [], [], None),
        ("Quais deles foram publicados depois de 2010?", [(2011, None)], [], [], [], None),
        ("Quais deles são dos anos 90?", [(1990, 1999)], [], [], [], None),
        ("Quais deles são livros?", [], [], [], ["books"], None),
        ("Ordene por ano", [], [], [], [], False),
        ("Ordene-os do mais recente ao mais antigo", [], [], [], [], True),
    ],
)
def test_metadata_phrasings_in_english_and_portuguese(
    question: str,
    years: list[tuple[int | None, int | None]],
    authors: list[str],
    any_authors: list[str],
    kinds: list[str],
    sort: bool | None,
) -> None:
    reading = read(question)
    assert reading is not None and not reading.content
    limits = reading.limits
    assert [(y.low, y.high) for y in limits.years] == years
    assert list(limits.authors) == authors and list(limits.any_authors) == any_authors
    assert list(limits.kinds) == kinds and limits.sort == sort


@pytest.mark.parametrize(
    "question",
    [
        "Which of those use Monte Carlo?",
        "What is Phong shading?",
        "How do they compare?",
        "What does the paper report about sampling?",
    ],
)
def test_content_questions_have_no_limits(question: str) -> None:
    assert read(question) is None


def test_a_year_of_the_topic_does_not_bound_the_library() -> None:
    reading = read("What changed in rendering after 1990?")
    assert reading is not None and reading.content and not reading.applies_to_library
    tied = read("Which papers from before 1995 use ray tracing?")
    assert tied is not None and tied.content and tied.applies_to_library


@pytest.mark.skipif(not PORTUGUESE.is_dir(), reason="shared/real not present")
def test_portuguese_follow_ups_list_the_earlier_papers() -> None:
    """The trial's "Ordene por ano" was searched as content and dropped the 2003 thesis."""
    by_title = {p.title: p for p in read_file(PORTUGUESE).papers}
    titles = [
        "Desenvolvimento e validação de um método computadorizado para avaliação do consumo "
        "alimentar, preenchido por indivíduos adultos utilizando a Web",  # 2007
        "Sistemas de informação baseados na tecnologia web: um estudo sobre seu desenvolvimento.",
        "Um método de trabalho para auxiliar a definição de requisitos",  # 1999
    ]
    papers = [by_title[t] for t in titles]
    library = PapersById(papers)
    history = _after(papers)
    backend = ExtractiveBackend()
    result = ask(library, backend, "Ordene por ano", history=history)  # type: ignore[arg-type]
    assert _cited(result) == [titles[2], titles[1], titles[0]]
    result = ask(library, backend, "Quais deles são anteriores a 2005?", history=history)  # type: ignore[arg-type]
    assert _cited(result) == [titles[1], titles[2]]
    assert result.answer.startswith("Two of the 3 papers cited before are from before 2005:")


@pytest.mark.parametrize(
    "question",
    [  # labelled retrieval questions (bench/data/retrieval_questions_hard.jsonl)
        "Combining teacher-student training with low-bit weights, and learning where the "
        "discrete levels sit by gradient descent",
        "tiny neural pitch tracker aided by DSP features",
        "Generating images token by token with an extra autoregression over code depth, "
        "yielding pictures containing readable text",
        "Defenses that repair or neutralize a backdoored (trojaned) network itself, e.g. by "
        "pruning, by counter-poisoning during training, or while merging models, rather than "
        "only detecting it",
    ],
)
def test_by_a_method_is_not_an_author(question: str) -> None:
    """d4e3f78 read every "by X" as an author: 38 of the 425 labelled retrieval questions were
    answered "None of the 264 papers in the library are by gradient descent" (bench.answer_quality:
    the relevant paper cited 0.984 -> 0.853 on the hard set)."""
    reading = read(question, (), lambda name: False)
    assert reading is None or not (reading.limits.authors or reading.limits.any_authors)


def test_an_unknown_name_still_narrows_a_listing() -> None:
    """Nothing else asked: "none of them are by Smith" is the answer, not a search."""
    reading = read("Which of those are by Smith?", (), lambda name: False)
    assert reading is not None and reading.limits.authors == ("Smith",) and not reading.content


def test_a_kind_ruled_out_or_in_content_does_not_bound_the_library() -> None:
    """A labelled question of a library without item types: "None of the 264 papers in the
    library are conference papers and theses"."""
    reading = read("Which items are doctoral or master's theses rather than conference papers?")
    assert reading is not None and reading.limits.kinds == ("theses",)
    assert reading.content and not reading.applies_to_library
    listing = read("Which of those are journal articles or conference papers?")
    assert listing is not None and "journal articles or conference papers" in (
        listing.limits.describe()
    )


def test_from_a_verb_is_not_a_venue() -> None:
    """Trial: "Which of those from before 1995 use Monte Carlo?" answered "None of the 3 papers
    cited before are from before 1995 and from use Monte Carlo"."""
    reading = read("Which of those from before 1995 use Monte Carlo?")
    assert reading is not None and not reading.limits.authors_or_venues
    assert reading.content and "Monte Carlo" in reading.rest
    venue = read("Which of those are from SIGGRAPH?")
    assert venue is not None and venue.limits.authors_or_venues == ("SIGGRAPH",)


def test_item_types_are_said_in_words() -> None:
    """Trial: "their item types are conferencePaper" (Zotero's own name)."""
    paper = Paper(paper_id="p", title="T", abstract="A", extra={"item_type": "conferencePaper"})
    assert kind_name(paper) == "conference paper"
    assert kind_name(
        Paper(paper_id="p", title="T", abstract="A", extra={"item_type": "manuscript"})
    ) == ("manuscript")


@needs_real
def test_a_question_asking_for_papers_is_searched_by_its_topic(graphics: Library) -> None:
    """Trial: "Which papers discuss ray tracing?" cited 3 papers, led by Bigler et al. ("We discuss
    ..."), and "Distributed ray tracing" was not among the eight sources; searched as "ray
    tracing" it is first."""
    result = ask(graphics, ExtractiveBackend(), "Which papers discuss ray tracing?")
    assert result.sources[0].paper.title == "Distributed ray tracing"
    cited = _cited(result)
    assert "Distributed ray tracing" in cited
    # One sentence a paper, none lifted by its title: it cited two (Cook et al.'s title names
    # the question, and its lift put every other paper under the floor).
    assert len(cited) >= 4 and len(set(cited)) == len(cited), cited


@needs_real
def test_a_listing_names_every_paper_on_its_topic(graphics: Library) -> None:
    """Trial: a listing named at most six papers, and only those with a sentence over the
    answer's floor: Kajiya's "Ray tracing volume densities" (whose abstract's sentences
    match "ray tracing" less than its title) was left out of "Which papers discuss ray
    tracing?". Every source over the floor is listed now, and a paper whose title names
    the topic by how its abstract opens."""
    result = ask(graphics, ExtractiveBackend(), "Which papers discuss ray tracing?")
    cited = _cited(result)
    assert "Ray tracing volume densities" in cited
    assert len(cited) > 6 and len(set(cited)) == len(cited), cited
    assert result.answer.startswith(f"{len(cited)} papers in your library speak to this")


@needs_real
@pytest.mark.parametrize("question", ["the oldest one", "o mais antigo", "And the newest?"])
def test_an_end_alone_is_of_the_earlier_papers(question: str) -> None:
    """Trial: "the oldest one" after an answer was declined ("does not seem to cover"), and "o
    mais antigo" answered from a fuel-business plan."""
    by_title = {p.title: p for p in read_file(PORTUGUESE).papers}
    titles = [
        "Sistemas de informação baseados na tecnologia web: um estudo sobre seu desenvolvimento.",
        "Um método de trabalho para auxiliar a definição de requisitos",  # 1999
    ]
    papers = [by_title[t] for t in titles]
    result = ask(PapersById(papers), ExtractiveBackend(), question, history=_after(papers))  # type: ignore[arg-type]
    expected = max if "newest" in question else min
    assert _cited(result) == [expected(papers, key=lambda p: p.year or 0).title]
