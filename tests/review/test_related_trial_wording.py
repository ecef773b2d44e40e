"""Extractive related-work drafts of real libraries (shared/real), as a trial read them.

Each test takes the records where the fault was seen: the graphics Zotero library
(ganeshbelgur), the Portuguese one (thiagohonorato), the video-generation BibTeX export
(elmoghany) and the real PDFs.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from litreview.evidence.absence import done_without
from litreview.evidence.keyphrases import adjectival
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import third_person
from litreview.evidence.source import Source
from litreview.evidence.themes import form_themes
from litreview.llm.extractive.related import (
    _as_subject,
    _cited,
    contribution,
    paragraph,
    theme_name,
)
from litreview.reading import read_file
from litreview.reading.paper import Paper

REAL = Path("/work/shared/real")
GFX = REAL / "zotero/ganeshbelgur+zotero-sync"
THIAGO = REAL / "zotero/thiagohonorato+referencias"
VIDEO = REAL / "bibtex/elmoghany_betterbibtex_video_diffusion.bib"
PDFS = REAL / "pdfs"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real not present")


@cache
def _papers(path: Path) -> tuple[Paper, ...]:
    return tuple(read_file(path).papers)


def _source(path: Path, title: str, n: int = 1) -> Source:
    (paper,) = [p for p in _papers(path) if p.title.startswith(title)]
    return Source(n, paper.paper_id, paper.title, paper.abstract, authors=tuple(paper.authors))


def _said(source: Source, work: str) -> str:
    """The paper's sentence in a draft: its contribution, with the paper as its subject."""
    name, plural, by_authors = _cited(source)
    chosen = contribution(EvidenceScorer.shared(), work, source)
    own_they = bool(re.search(r"\bthey\b", chosen, re.IGNORECASE))  # as paragraph() reads it
    return _as_subject(
        third_person(chosen).rstrip(" ."),
        f"{name} [{source.n}]",
        plural=plural,
        own_they=own_they,
        system=not by_authors,
    )


def test_verbs_coordinated_with_the_main_verb_agree_with_the_new_subject() -> None:
    """CJK test libraries' drafts: "张伟 and 李娜 [1] propose ... and evaluates it on
    ImageNet", "张三 and 李四 [1] study ... and proposes ..."."""
    assert _as_subject(
        "This paper studies image classification with deep convolutional neural networks and "
        "proposes a residual attention network that improves accuracy on ImageNet",
        "张三 and 李四 [1]",
        plural=True,
    ) == (
        "张三 and 李四 [1] study image classification with deep convolutional neural networks "
        "and propose a residual attention network that improves accuracy on ImageNet."
    )  # "improves" agrees with "network", not with the authors
    assert _as_subject(
        "The authors propose an attention-based method and evaluate it on ImageNet", "Wang [1]"
    ) == ("Wang [1] proposes an attention-based method and evaluates it on ImageNet.")
    # a noun after "and", a verb of an infinitive, a modal's verbs: unchanged
    assert _as_subject("The authors propose a method and models", "Wang [1]") == (
        "Wang [1] proposes a method and models."
    )
    assert _as_subject("The authors use X to detect Y and classify Z", "Wang [1]") == (
        "Wang [1] uses X to detect Y and classify Z."
    )
    assert _as_subject("They can detect Y and classify Z", "Wang [1]") == (
        "Wang [1] can detect Y and classify Z."
    )


@needs_real
def test_this_article_is_the_paper_and_its_verbs_agree() -> None:
    """The Portuguese library's draft: "According to Card and Jones [2], this article
    summarizes the basic concepts ..., explains ..., then describes ..."."""
    card = _source(THIAGO, "Status report: practical software measurement", 2)
    said = _said(card, "software quality measurement and reliability")
    assert said.startswith("Card and Jones [2] summarize the basic concepts"), said
    assert "explain their relationship to prior work, then describe the status" in said


@needs_real
@pytest.mark.parametrize(
    ("path", "title", "work", "pointer"),
    [
        # "According to Arvo and Kirk [17], many of the powerful techniques which have been
        # developed in these fields can be applied ..."
        (
            GFX,
            "Particle transport and image synthesis",
            "Monte Carlo methods for realistic image synthesis",
            "these fields",
        ),
        # "According to Atzmon et al. [4], understanding this dual role enabled them ..."
        (
            VIDEO,
            "Motion by Queries",
            "multi-shot long video generation with consistent characters",
            "this dual role",
        ),
        # "... monte Carlo integration with importance sampling is used to carry out this
        # calculation"
        (GFX, "Monte Carlo techniques for direct lighting", "Monte Carlo methods", "this calc"),
    ],
)
def test_a_contribution_does_not_point_back_at_a_sentence_the_draft_leaves_out(
    path: Path, title: str, work: str, pointer: str
) -> None:
    said = _said(_source(path, title), work)
    assert pointer not in said, said


@needs_real
def test_without_a_stated_contribution_the_authors_voice_wins_over_the_fields() -> None:
    """Once Atzmon et al.'s "understanding this dual role enabled us ..." was set aside, the
    video library's drafts quoted their background: "According to Atzmon et al. [4],
    Text-to-video diffusion models have shown remarkable progress ..."."""
    said = _said(
        _source(VIDEO, "Motion by Queries", 4),
        "multi-shot long video generation with consistent characters",
    )
    assert "remarkable progress" not in said and "this dual role" not in said, said


@needs_real
def test_structured_abstract_labels_and_portuguese_articles_in_running_text() -> None:
    """ "According to Galante [12], Metodologia: Foi desenvolvido ..." and "According to
    Junior and Antonio [11], O objetivo desta pesquisa ..." (the Portuguese library)."""
    galante = _source(THIAGO, "Desenvolvimento e validação de um método computadorizado")
    work = "avaliação do consumo alimentar utilizando a web: metodologia"
    assert "Metodologia:" in galante.text
    text = paragraph(EvidenceScorer.shared(), "Consumo Alimentar", work, [galante])
    assert not re.search(r"\b(?:Metodologia|Objetivo|Resultados):", text), text
    assert _as_subject("O objetivo desta pesquisa foi levantar", "Junior and Antonio [11]") == (
        "According to Junior and Antonio [11], o objetivo desta pesquisa foi levantar."
    )


@needs_real
def test_a_portuguese_gerund_names_no_theme() -> None:
    """A one-paper theme of the Portuguese library was headed "Utilizando a Web" (Galante's
    title ends "... preenchido por indivíduos adultos utilizando a Web")."""
    galante = _source(THIAGO, "Desenvolvimento e validação de um método computadorizado")
    assert adjectival("Utilizando a Web") and not adjectival("Fernando Pessoa")
    # Nor a word the stemmer splits at its accent ("indivíduos": two terms) as a phrase
    assert theme_name([galante]) == "Consumo Alimentar"


@needs_real
def test_sentences_glued_at_a_full_stop_are_read_apart() -> None:
    """Nishita and Nakamae's abstract (graphics library): "... with the shaded images.The
    proposed method ... the following advanced points:1) The indirect illuminance ..."."""
    nishita = _source(GFX, "Continuous tone representation of three-dimensional objects")
    assert "images.The" in nishita.text
    said = _said(nishita, "shadows and interreflection for indirect illumination")
    assert not re.search(r"[a-z]\.[A-Z]|:\d\)", said), said


@needs_real
def test_a_name_is_spelled_as_the_theme_spells_it_and_links_say_something() -> None:
    """A Monte Carlo draft of the graphics library: "Three works study monte carlo solution",
    Kajiya's "a monte carlo solution", Shirley's "monte Carlo integration" after "according
    to", and "Like Shirley et al. [2], they deal with calculations"."""
    arvo = _source(GFX, "Particle transport and image synthesis", 1)
    kajiya = _source(GFX, "The rendering equation", 2)
    shirley = _source(GFX, "Monte Carlo techniques for direct lighting", 3)
    text = paragraph(
        EvidenceScorer.shared(),
        "Monte Carlo Solution",
        "Monte Carlo methods for realistic image synthesis",
        [arvo, kajiya, shirley],
    )
    assert text.startswith("Three works study Monte Carlo solution"), text
    assert not re.search(r"monte carlo|monte Carlo", text), text
    assert "deal with calculations" not in text


@needs_real
def test_an_adjective_alone_is_no_common_thread() -> None:
    """The video library's draft: "Three works study video retrieval-augmented generation,
    with long as a common thread."."""
    titles = (
        "Long Context Tuning for Video Generation",
        "Video-RAG: Visually",
        "VideoRAG: Retrieval-Augmented Generation with",
    )
    sources = [_source(VIDEO, title, n) for n, title in enumerate(titles, start=11)]
    text = paragraph(
        EvidenceScorer.shared(),
        "Video Retrieval-Augmented Generation",
        "multi-shot long video generation with consistent characters",
        sources,
    )
    # a hyphenated word's parts count as words when phrases are weighed ("Long Context Tuning",
    # one paper's method, headed these three once words were counted by spaces)
    assert theme_name(sources) == "Video Retrieval-Augmented Generation"
    opening = text.split(". ")[0]
    assert opening.startswith("Three works study video retrieval-augmented generation"), text
    assert not re.search(r"\blong\b", opening), opening


@needs_real
def test_a_paper_is_not_themed_under_what_it_does_without() -> None:
    """ "Attention Is All You Need" ("dispensing with recurrence and convolutions entirely")
    was drafted under "Convolutional Neural Networks" beside SqueezeNet and a Raman CNN paper
    (the real PDFs, with the clusters the trial's draft had)."""
    files = [
        "2023_raman_plastic_cnn_chinese_yuan.pdf",
        "2023_edge_inference_tobiasz.pdf",
        "2016_squeezenet_iandola.pdf",
        "2023_sentiment_llm_zhang.pdf",
        "2017_attention_is_all_you_need_vaswani_v7.pdf",
        "1995_svm_cortes_vapnik.pdf",
        "2023_poster_batteryfree_ml_mcu_huang.pdf",
    ]
    papers = [_papers(PDFS / name)[0] for name in files]
    assert {"convolut", "recurr"} <= done_without(papers[4].abstract)
    assert not done_without(papers[2].abstract) & {"convolut", "cnn"}
    texts = [f"{p.title}. {p.abstract}" for p in papers]
    groups = form_themes(
        texts,
        [p.abstract for p in papers],
        [1, 2, 2, 0, 0, 1, 2],
        lambda phrases: dict.fromkeys(phrases, 0.0),
        4,
    )
    cnn = [g for g in groups if (g.phrase and "conv" in g.phrase.lower()) or g.phrase == "CNN"]
    assert cnn and all(4 not in g.members for g in cnn), groups
    theme = [Source(n, f"p{n}", p.title, p.abstract) for n, p in enumerate(papers, start=1)]
    assert "convolution" not in theme_name([theme[4], theme[3], theme[5]]).lower()


@needs_real
def test_a_jacket_addressed_to_the_reader_is_not_the_contribution() -> None:
    """The graphics library's "Radiosity: A Programmer's Perspective" (its record holds the
    publisher's text): "According to Ashdown [9], once the exclusive domain of a handful of
    academic researchers ..., now you can use radiosity to create extremely realistic ..."."""
    source = _source(GFX, "Radiosity: A Programmer")
    said = _said(source, "global illumination and ray tracing for realistic image synthesis")
    assert not re.search(r"\byou(?:r)?\b", said, re.IGNORECASE), said
    assert "radiosity" in said.lower(), said


@needs_real
@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("MoMA", "MoMA [1] is an open-vocabulary, training-free personalized image model"),
        ("VideoStudio", "VideoStudio [1] is a novel framework for consistent-content"),
    ],
)
def test_a_system_is_not_named_twice(title: str, said: str) -> None:
    """Trial (the video BibTeX library): "MoMA [4] presents MoMA: an open-vocabulary ...",
    "VideoStudio ... a novel framework, namely VideoStudio, for ..."."""
    topic = "personalized and multi-shot video generation with consistent characters"
    assert _said(_source(VIDEO, title), topic).startswith(said)


@needs_real
@pytest.mark.parametrize(
    ("path", "title", "work", "said"),
    [
        # "According to Singh and Singh [12], this paper is a study about software quality"
        (
            THIAGO,
            "Assuring Software Quality using data mining",
            "software quality measurement",
            "Singh and Singh [1] present a study about software quality",
        ),
        # "According to Lennon [6], in this paper an overview ... is presented and a prototype
        # web developer specific pedagogy is proposed"
        (
            THIAGO,
            "Educating tomorrows web systems developers",
            "web applications",
            "Lennon [1] presents an overview of the experiences of an educator of enterprise "
            "web systems and proposes a prototype web developer specific pedagogy",
        ),
        # "According to Hou et al. [4], the cost optimal release policy, ..., is discussed"
        (
            THIAGO,
            "Optimal release times for software systems",
            "software testing",
            "Hou et al. [1] discuss the cost optimal release policy, which minimizes the total "
            "expected software cost.",
        ),
        # "According to Hochberger and Meusel [7], in this contribution they present"
        (
            THIAGO,
            "Infrastructure for web-based administration",
            "web applications",
            "Hochberger and Meusel [1] present a framework",
        ),
        # "According to Heckbert [12], new technology is presented for imaging ..."
        (
            GFX,
            "Ray tracing Jell-O",
            "ray tracing",
            "Heckbert [1] presents new technology for imaging a restricted class of dessert foods",
        ),
        # "Sung et al. [6] will describe the philosophy, ..."
        (
            GFX,
            "Design and Implementation of the Maya Renderer",
            "physically based rendering in film production",
            "Sung et al. [1] describe the philosophy",
        ),
        # "BMRT [7] presents a summary of important lessons they learned ..."
        (
            GFX,
            "BMRT",
            "global illumination",
            "The authors of BMRT [1] present a summary of important lessons they learned",
        ),
    ],
)
def test_what_a_paper_does_has_the_paper_as_its_subject(
    path: Path, title: str, work: str, said: str
) -> None:
    """Sentences that say what the paper does without "we" (the paper as subject, the
    passive, a modal) name the paper as their subject; a system's name is not the "they" of
    its authors (drafts of the real software-quality and graphics libraries)."""
    text = _said(_source(path, title), work)
    assert text.startswith(said), text
    assert "According to" not in text and " will " not in text.split("[1]", 1)[1][:8]


@needs_real
def test_a_question_in_an_abstract_is_not_the_contribution() -> None:
    """ "According to Wesselius and Ververs [8], what are directions for research regarding
    quality control in software development?." (the real software-quality library)."""
    source = _source(THIAGO, "Some elementary questions on software quality control")
    text = _said(source, "software quality")
    assert "?" not in text, text


def test_a_passive_with_a_verb_of_its_own_stays_attributed() -> None:
    assert _as_subject("ZeRO is a method that is proposed here", "A [1]") == (
        "According to A [1], ZeRO is a method that is proposed here."
    )
    assert _as_subject("It is shown that trees are presented", "A [1]").startswith(
        "According to A [1], it is shown"
    )
    assert _as_subject("This paper is organised as follows", "A [1]").startswith("According to")
    # the Keller et al. abstract of the real graphics library: a lead clause is no subject
    # "According to Greenberg et al. [1], their goal is to develop ..." (the graphics library)
    assert _as_subject("Their goal is to develop lighting models", "G et al. [1]", plural=True) == (
        "G et al. [1] aim to develop lighting models."
    )
    # a system that introduces itself stays the subject (the real video export's DreamRunner)
    itself = "They propose DreamRunner, a novel method: First, they structure the script"
    assert _as_subject(itself, "DreamRunner [4]", system=True) == (
        "DreamRunner [4] is a novel method: First, they structure the script."
    )
    lead = "With examples from recent movies, the architectures are introduced to a wide audience"
    assert _as_subject(lead, "Keller et al. [1]", plural=True).startswith("According to")


@needs_real
def test_a_title_quoted_in_an_abstract_does_not_make_its_words_names() -> None:
    """The real video export's MovieBench abstract quotes its title ("... Dataset for Long
    Video Generation"): a theme sentence read "Four works study Long video generation"."""
    from litreview.llm.extractive.related import in_running_text

    texts = [_source(VIDEO, t).text for t in ("MovieBench", "StoryAgent", "DreamRelation")]
    assert any("Long Video Generation" in t for t in texts)
    assert in_running_text("Long video generation", texts) == "long video generation"
    assert in_running_text("Monte Carlo methods", ["using Monte Carlo sampling"]) == (
        "Monte Carlo methods"
    )


def test_a_theme_of_agents_and_things_is_spoken_of_in_the_plural() -> None:
    """ "Four works study web developer." (the real software-quality library), "Three works
    study ray tracer" (the graphics one)."""
    from litreview.llm.extractive.related import _plural_head

    assert _plural_head("web developer") == "web developers"
    assert _plural_head("ray tracer") == "ray tracers"
    assert _plural_head("web applications") == "web applications"
    assert _plural_head("heat transfer") == "heat transfer"  # not every noun in -er counts
