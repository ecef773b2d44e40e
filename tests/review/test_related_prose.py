"""Extractive related-work paragraphs read as prose: a theme sentence, papers as subjects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litreview.evidence.keyphrases import adjectival, candidate_phrases, shared_phrase
from litreview.evidence.scoring import EvidenceScorer
from litreview.evidence.sentences import split_sentences
from litreview.evidence.source import Source
from litreview.llm.extractive.related import (
    OTHER_THEME,
    _as_subject,
    cited_name,
    contribution,
    in_running_text,
    paragraph,
    theme_name,
)
from litreview.reading import read_file
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
    # "BaDExpert [1] presents BaDExpert, a defense ..." before: a system named after itself
    assert "BaDExpert [1] is a defense" in text and "UMD [2] is an unsupervised" in text
    assert "Finally, Single Image Backdoor Inversion [3] shows" in text  # cut before "via"
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
    assert text.startswith("Two works relate to the topic")  # the only theme: none before it
    after = [Source(n + 4, s.paper_id, s.title, s.text) for n, s in enumerate(unrelated)]
    assert paragraph(EvidenceScorer.shared(), OTHER_THEME, "kernels", after).startswith(
        "Two further works relate to the topic"  # after the themes that hold [1]-[4]
    )
    assert "Neural Circuit Diagrams [2] introduces circuit diagrams" in text  # "I" is the author
    assert theme_name(SOURCES[:1]) == "Extracting Backdoor Functionality"  # one paper: its phrase


def test_repeated_theme_names_are_made_unique() -> None:
    assert unique_name("Backdoors", []) == "Backdoors"
    assert unique_name("Other", ["Other"]) == "Other (2)"
    assert unique_name("Other", ["Other", "Other (2)"]) == "Other (3)"


def test_a_later_theme_is_not_named_after_an_earlier_one() -> None:
    from litreview.evidence.themes import taken_shares

    share = taken_shares(lambda phrases: dict.fromkeys(phrases, 0.1), ["Backdoor Attacks"])
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


def test_papers_are_named_as_papers_name_them() -> None:
    """A system's name; else its authors (the Zotero and PDF spellings); else a title cut
    before its qualifiers. The verb agrees with a plural name."""

    def named(title: str, *authors: str) -> tuple[str, bool]:
        return cited_name(Source(1, "p", title, "", authors=authors))

    assert named("BaDExpert: Extracting Backdoor Functionality", "Xie, X") == ("BaDExpert", False)
    assert named("Query2CAD: Generating CAD models") == ("Query2CAD", False)
    mapreduce = "MapReduce simplified data processing on large clusters"
    assert named(mapreduce, "Dean, Jeffrey", "Ghemawat, Sanjay") == ("Dean and Ghemawat", True)
    assert named(
        "Bigtable: A Distributed Storage System", "Fay Chang", "Jeffrey Dean", "S. G."
    ) == (
        "Chang et al.",
        True,
    )
    # A book's head before the colon is a word, not a system: its author names it.
    assert named("Radiosity: A Programmer's Perspective", "Ashdown, Ian") == ("Ashdown", False)
    assert named(
        "Neural Compression and Filtering for Edge-assisted Real-time Object Detection in "
        "Challenged Networks"
    ) == ("Neural Compression and Filtering", False)
    assert _as_subject("They propose X", "Dean and Ghemawat [3]", plural=True) == (
        "Dean and Ghemawat [3] propose X."
    )


def test_no_link_on_a_modifier_or_a_thread_the_opening_named() -> None:
    """The real split-computing draft linked [5] to [1] "it deals with object" (a modifier
    in both titles) and "it deals with edge" after naming edge computing as the thread."""
    sources = (
        Source(
            1,
            "a",
            "Neural Compression and Filtering for Edge-assisted Real-time Object Detection",
            "We propose neural compression for edge computing. Edge computing offloads work.",
        ),
        Source(
            2,
            "b",
            "A Converting Autoencoder Toward Low-latency DNN Inference at the Edge",
            "We present CBNet for edge computing on edge devices.",
        ),
        Source(
            3,
            "c",
            "Split Computing for Complex Object Detectors",
            "We discuss split computing for object detectors in edge computing.",
        ),
    )
    text = paragraph(EvidenceScorer.shared(), "Split Computing", "split DNN inference", sources)
    assert "deals with object" not in text and "deals with edge" not in text


def test_a_contribution_is_not_a_blurb_nor_opened_by_a_connective() -> None:
    book = Source(
        1,
        "b",
        "Radiosity and Global Illumination",
        "This book presents the radiosity method for global illumination. Special highlights "
        "include 93 illustrations and 45 color plates.",
        authors=("Sillion, F.", "Puech, C."),
    )
    chosen = contribution(EvidenceScorer.shared(), "radiosity illustrations color plates", book)
    assert "illustrations" not in chosen
    moreover = Source(
        2,
        "m",
        "Radiosity: A Programmer's Perspective",
        "Radiosity renders diffuse light. More than this, it can create photorealistic images.",
        authors=("Ashdown, Ian",),
    )
    text = paragraph(EvidenceScorer.shared(), "Radiosity", "photorealistic images", [moreover])
    assert "More than this" not in text and "more than this" not in text


def test_the_theme_sentence_speaks_of_a_count_noun_in_the_plural() -> None:
    """The real ganeshbelgur draft opened "Four works study radiosity method"."""
    two = (
        Source(1, "a", "The hemi-cube", "We present a radiosity method for diffuse light."),
        Source(2, "b", "Progressive refinement", "We present a radiosity method that converges."),
    )
    text = paragraph(EvidenceScorer.shared(), "Radiosity Method", "radiosity", two)
    assert text.startswith("Two works study radiosity methods")
    assert paragraph(EvidenceScorer.shared(), "Split Computing", "split", two).startswith(
        "Two works study split computing"
    )
    # a new user's "Two works study soft wearable robot"; "-y" nouns take "-ies"
    # and a graphics draft's "Four works study matrix": irregular plurals
    for name, plural in (
        ("Soft Wearable Robot", "robots"),
        ("Pruning Strategy", "strategies"),
        ("Rotation Matrix", "matrices"),
        ("Polygon Mesh", "meshes"),
    ):
        opening = paragraph(EvidenceScorer.shared(), name, "x", two)
        assert opening.startswith(f"Two works study {name.lower().rsplit(' ', 1)[0]} {plural}")


def test_a_contribution_is_not_a_sentence_pointing_at_what_follows() -> None:
    """SqueezeNet's "... define the Fire module as follows." pointed at a list the draft
    does not quote."""
    fire = Source(
        1,
        "f",
        "SqueezeNet: AlexNet-level accuracy with 50x fewer parameters",
        "We propose the Fire module, defined as follows. SqueezeNet reaches AlexNet-level "
        "accuracy on ImageNet with 50x fewer parameters by squeezing channels in Fire modules.",
    )
    chosen = contribution(EvidenceScorer.shared(), "Fire module squeezing channels", fire)
    assert "as follows" not in chosen


def test_the_papers_own_thing_is_named_as_the_papers_not_attributed() -> None:
    """The split-computing draft read "According to Neural Compression and Filtering [1],
    the core idea they propose builds on ...": the sentence's subject is the paper's."""
    assert (
        _as_subject(
            "The core idea they propose builds on recent approaches splitting DNNs", "NCF [1]"
        )
        == "The core idea of NCF [1] builds on recent approaches splitting DNNs."
    )
    assert (
        _as_subject("Their model outperforms existing solutions", "Slimmable [3]", last=True)
        == "Finally, the model of Slimmable [3] outperforms existing solutions."
    )
    assert _as_subject("The proposed method cuts latency", "Chang et al. [2]", plural=True) == (
        "The method of Chang et al. [2] cuts latency."
    )
    # Their something that is not the paper's own contribution stays attributed.
    assert _as_subject("Their growth is a concern", "X [2]").startswith("According to X [2]")


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        # A new user's draft on the 12 real PDFs: "AutoDroid [2] introduces AutoDroid".
        (
            "They introduce AutoDroid, a mobile task automation system that can handle tasks",
            "AutoDroid [2]",
            "AutoDroid [2] is a mobile task automation system that can handle tasks.",
        ),
        # ... and "According to MapReduce \\cite{...}, MapReduce is ...".
        (
            "MapReduce is a programming model and an associated implementation",
            "MapReduce [3]",
            "MapReduce [3] is a programming model and an associated implementation.",
        ),
        (
            "They propose a new framework called BottleFit, which includes a training strategy",
            "BottleFit [2]",
            "BottleFit [2] is a new framework, which includes a training strategy.",
        ),
        (
            "They present AutoDroid which uses LLMs",  # no appositive: left as written
            "AutoDroid [2]",
            "AutoDroid [2] presents AutoDroid which uses LLMs.",
        ),
        (
            "MapReduced data is smaller",  # a longer word is not the name
            "MapReduce [3]",
            "According to MapReduce [3], MapReduced data is smaller.",
        ),
    ],
)
def test_a_paper_named_after_its_system_is_not_named_twice(
    sentence: str, name: str, expected: str
) -> None:
    assert _as_subject(sentence, name) == expected


def test_acronyms_keep_their_capitals_inside_a_sentence() -> None:
    """A real draft read "with soft wearable robot and sma spring as common threads"."""
    assert in_running_text("SMA Spring") == "SMA spring"
    assert in_running_text("Soft Wearable Robot") == "soft wearable robot"
    assert in_running_text("ImageNet Classification") == "ImageNet classification"
    # Users' drafts: "Seven works study Retrieval-Augmented generation" (a title's capitals on
    # both sides of a hyphen) and "with monte carlo as a common thread" (a name).
    assert in_running_text("Retrieval-Augmented Generation") == "retrieval-augmented generation"
    assert in_running_text("GPT-4 Agents") == "GPT-4 agents"
    abstracts = ["We trace paths by Monte Carlo integration.", "Monte Carlo methods converge."]
    assert in_running_text("Monte Carlo", abstracts) == "Monte Carlo"
    assert in_running_text("Path Tracing", abstracts) == "path tracing"


def test_a_one_paper_theme_is_not_named_with_its_titles_full_stop() -> None:
    source = Source(1, "p1", "Why Does Research Grow Faster.", "Some abstract text here.")
    assert not theme_name([source]).endswith(".")


def test_this_paper_is_the_paper_named_not_attributed() -> None:
    """A real Zotero library's graphics abstracts ("This paper presents a simple improved
    method ...") read "According to Ramamoorthi and Barr, this paper presents ..."."""
    assert (
        _as_subject(
            "This paper presents a simple improved method which uses cubic basis functions",
            "Ramamoorthi and Barr [2]",
            plural=True,
        )
        == "Ramamoorthi and Barr [2] present a simple improved method which uses cubic basis "
        "functions."
    )
    assert _as_subject("This work also studies the effect", "Shoemake [1]") == (
        "Shoemake [1] also studies the effect."
    )
    # a textbook's jacket (Real-Time Rendering's record in the same library)
    assert _as_subject(
        "Thoroughly revised, this third edition focuses on modern techniques",
        "Akenine-Möller et al. [4]",
        plural=True,
    ) == ("Akenine-Möller et al. [4] focus on modern techniques.")
    assert _as_subject("This paper is organised as follows", "X [1]").startswith(
        "According to X [1], this paper is"
    )


def test_no_link_on_a_lone_word_and_authors_deal_in_the_plural() -> None:
    """Users' drafts: "Like MovieBench [3], it deals with long." (a word two abstracts share)
    and "Patashnik et al. [5] introduce ... Like Liang et al. [2], it deals with ..."."""
    from litreview.llm.extractive.related import _link

    movie = Source(1, "a", "MovieBench: A Movie Dataset for Long Video Generation", "x")
    tuning = Source(
        2,
        "b",
        "Long Context Tuning for Video Generation",
        "y",
        authors=("Guo, Y", "Yang, C", "Dai, B"),
    )
    phrases = {
        1: {frozenset({"long"}): "long", frozenset({"movie", "dataset"}): "movie dataset"},
        2: {frozenset({"long"}): "long", frozenset({"context", "tuning"}): "context tuning"},
    }
    link = _link(tuning, [movie], phrases, "Video Synthesis", frozenset(), plural=True)
    assert "with long" not in link
    assert link == "Like MovieBench [1], they deal with generation"
    phrases[1][frozenset({"context", "tuning"})] = "context tuning"
    assert _link(tuning, [movie], phrases, "Video Synthesis") == (
        "Like MovieBench [1], it deals with context tuning"
    )


def test_a_contribution_is_not_mid_argument_nor_labelled() -> None:
    """Users' drafts: "According to Singh and Kannojia [1], but processes are also important
    ...", "... as described in ref. 10" beside the draft's own [10], "from the Publisher:"."""
    from litreview.evidence.sentences import third_person

    quality = Source(
        1,
        "q",
        "Software quality models",
        "Software quality models describe the quality of products. But processes are also "
        "important because they influence the quality of products. The authors propose a "
        "process quality model for software products.",
    )
    chosen = contribution(EvidenceScorer.shared(), "processes quality of products", quality)
    assert not chosen.startswith("But")
    sampling = Source(
        2,
        "s",
        "Unbiased sampling techniques for image synthesis",
        "We show that neither ray trees nor paths as described in [10] constitute an optimal "
        "sampling plan. We present a sampling technique for image synthesis by ray tracing.",
    )
    chosen = contribution(EvidenceScorer.shared(), "ray trees paths sampling plan", sampling)
    assert "ref." not in third_person(chosen)
    assert third_person("From the Publisher: Introduced by Pixar, RenderMan renders.") == (
        "Introduced by Pixar, RenderMan renders."
    )
    assert third_person("Conclusões: O sistema funciona.") == "O sistema funciona."


REAL_ZOTERO = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync")


@pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real not present")
def test_a_conference_paper_and_its_journal_version_are_cited_together() -> None:
    """ganeshbelgur's Zotero library (shared/real) holds Cook and Torrance's reflectance model
    twice, SIGGRAPH 1981 and TOG 1982 (two DOIs: two papers); a draft cited them as [1] and
    [2] with the same sentence twice and "Like Cook and Torrance [1], they deal with
    reflectance model." Two papers by others with one title stay apart."""
    papers = [
        p for p in read_file(REAL_ZOTERO).papers if "reflectance model for" in p.title.lower()
    ]
    assert len(papers) == 2 and len({p.doi for p in papers}) == 2
    sources = [
        Source(n, p.paper_id, p.title, p.abstract, authors=tuple(p.authors))
        for n, p in enumerate(papers, start=1)
    ]
    shading = Source(3, "s", "Shading models", "We present a shading model.", authors=("Ward, G",))
    text = paragraph(
        EvidenceScorer.shared(), "Reflectance", "reflectance models", [*sources, shading]
    )
    assert text.startswith("Two works study reflectance")
    assert text.count("Cook and Torrance") == 1 and "Cook and Torrance [1][2]" in text
    assert "[1]" in text and "[2]" in text and "[3]" in text  # every paper still cited
    others = [Source(4, "o", sources[0].title, sources[0].text, authors=("Smith, J",)), shading]
    text = paragraph(EvidenceScorer.shared(), "Reflectance", "reflectance", [sources[0], *others])
    assert "Cook and Torrance [1]" in text and "Smith [4]" in text


@pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real not present")
def test_a_contribution_does_not_point_back_at_what_the_draft_leaves_out() -> None:
    """The real graphics library's drafts: "According to Ward [10], this includes specular,
    diffuse ...", "According to Whitted [9], consideration of all of these factors ..."."""
    from litreview.evidence.sentences import third_person

    wanted = ("The RADIANCE lighting", "An improved illumination model")
    papers = [p for p in read_file(REAL_ZOTERO).papers if p.title.startswith(wanted)]
    assert len(papers) == 2
    for n, paper in enumerate(papers, start=1):
        source = Source(n, paper.paper_id, paper.title, paper.abstract)
        chosen = third_person(
            contribution(EvidenceScorer.shared(), "local reflectance and shading models", source)
        )
        # "This paper describes ..." is the paper naming itself (it becomes "Ward [2] describes")
        assert not re.match(r"(?i)this\b(?! paper)|it\b", chosen), chosen
        assert "these factors" not in chosen, chosen


def test_a_theme_sentence_does_not_open_with_a_numeral() -> None:
    """A user's draft opened "11 works study realistic image synthesis, ..."."""
    many = [
        Source(n, f"p{n}", f"Realistic image synthesis method {n}", "We render images.")
        for n in range(1, 12)
    ]
    text = paragraph(EvidenceScorer.shared(), "Realistic Image Synthesis", "rendering", many)
    assert text.startswith("Eleven works study realistic image synthesis"), text[:80]


@pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real not present")
def test_a_they_of_the_abstracts_own_is_not_made_the_authors() -> None:
    """A real graphics draft: "Kay and Greenberg [10] usually do not look realistic" (their
    abstract: "... images created with these algorithms ..., they usually do not look
    realistic"); the authors' own "we" still makes them the subject."""
    (kay,) = [
        p
        for p in read_file(REAL_ZOTERO).papers
        if p.title.startswith("Transparency for computer synthesized")
    ]
    sentence = next(s for s in split_sentences(kay.abstract) if "do not look realistic" in s)
    source = Source(10, kay.paper_id, kay.title, sentence, authors=tuple(kay.authors))
    other = Source(11, "o", "Ray tracing", "We trace rays.", authors=("Whitted, T",))
    text = paragraph(EvidenceScorer.shared(), "Transparency", "transparency", [source, other])
    assert "Kay and Greenberg [10] usually" not in text
    assert "According to Kay and Greenberg [10], although" in text
    assert "Whitted [11] traces rays" in text
