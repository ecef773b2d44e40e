"""All-capitals titles and names from real libraries are shown in title / name case (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.casing import display_name, display_title
from litreview.reading.normalize import paper_id_for

REAL = Path("/work/shared/real")
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (
            "DEEP RESIDUAL LEARNING FOR IMAGE RECOGNITION",
            "Deep Residual Learning for Image Recognition",
        ),
        ("ATTENTION IS ALL YOU NEED", "Attention Is All You Need"),
        (
            "BERT: PRE-TRAINING OF DEEP BIDIRECTIONAL TRANSFORMERS FOR LANGUAGE UNDERSTANDING",
            "BERT: Pre-Training of Deep Bidirectional Transformers for Language Understanding",
        ),
        (
            "A GPU-BASED 3D RECONSTRUCTION OF LSTM STATES",
            "A GPU-Based 3D Reconstruction of LSTM States",
        ),
        ("SELF-ATTENTION IN TEXT-TO-IMAGE MODELS", "Self-Attention in Text-to-Image Models"),
        ("AI FOR THE PEOPLE", "AI for the People"),
        # Typed in mixed case: the author's casing, acronyms and capitals included, is kept.
        ("ReAct: Synergizing Reasoning", "ReAct: Synergizing Reasoning"),
        ("CHAPTER 2 - Venous Embryology and Anatomy", "CHAPTER 2 - Venous Embryology and Anatomy"),
    ],
)
def test_all_caps_title_in_title_case_with_acronyms_kept(typed: str, shown: str) -> None:
    assert display_title(typed) == shown
    assert paper_id_for(shown) == paper_id_for(typed)  # ids and duplicate detection unchanged


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("SMITH, JOHN", "Smith, John"),
        ("CORINNA CORTES", "Corinna Cortes"),
        ("Mozes, GEZA", "Mozes, Geza"),
        ("LI, WEI", "Li, Wei"),
        ("O'BRIEN, SEAN", "O'Brien, Sean"),
        ("JEAN-PIERRE DUPONT", "Jean-Pierre Dupont"),
        ("ABADI MJ", "Abadi MJ"),  # initials stay initials
        ("SMITH JA", "Smith JA"),
        ("HENRY FORD III", "Henry Ford III"),
        ("Yann LeCun", "Yann LeCun"),
        ("de Souza, JOÃO", "de Souza, João"),
    ],
)
def test_all_caps_names_in_name_case(typed: str, shown: str) -> None:
    assert display_name(typed) == shown


@needs_real
def test_real_bibtex_given_names_typed_in_capitals() -> None:
    """extrav_zotero_native_medical.bib: ``author = {Mozes, GEZA and Gloviczki, PETER}``."""
    papers = read_file(REAL / "bibtex" / "extrav_zotero_native_medical.bib").papers
    authors = {a for p in papers for a in p.authors}
    assert {"Mozes, Geza", "Gloviczki, Peter"} <= authors
    assert not {"Mozes, GEZA", "Gloviczki, PETER"} & authors


@needs_real
def test_real_pdf_title_and_authors_set_in_capitals() -> None:
    """2023_react_yao.pdf sets its title in capitals; the 1995 SVM scan its authors."""
    (react,) = read_file(REAL / "pdfs" / "2023_react_yao.pdf").papers
    assert react.title == "ReAct: Synergizing Reasoning and Acting in Language Models"
    (svm,) = read_file(REAL / "pdfs" / "1995_svm_cortes_vapnik.pdf").papers
    assert svm.authors == ("Corinna Cortes", "Vladimir Vapnik")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # The same Zotero library's other title in capitals (its item is skipped on reading:
        # no abstract, its PDF missing).
        (
            "CONSTRUÇÃO DE SITES PARA COMUNIDADES VIRTUAIS E INTRANET UTILIZANDO CMS",
            "Construção de Sites para Comunidades Virtuais e Intranet Utilizando CMS",
        ),
        ("APPRENTISSAGE PROFOND POUR LA VISION", "Apprentissage Profond pour la Vision"),
        ("KLASSIFIKATION VON TEXTEN MIT GPU", "Klassifikation von Texten mit GPU"),
        # English words and a Latin phrase: English still decides, "GAN" stays an acronym.
        ("DE NOVO DESIGN OF PROTEINS WITH GAN", "De NOVO Design of Proteins with GAN"),
    ],
)
def test_a_title_in_another_language_is_judged_by_its_words(typed: str, shown: str) -> None:
    assert display_title(typed) == shown


def test_a_title_of_common_english_words_loads_no_other_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from litreview.reading.readers import word_lists

    monkeypatch.setattr(word_lists, "_COMMON", {})
    assert display_title("DEEP RESIDUAL LEARNING FOR IMAGE RECOGNITION") == (
        "Deep Residual Learning for Image Recognition"
    )
    assert set(word_lists._COMMON) == {"en"}


@needs_real
def test_real_zotero_portuguese_titles_typed_in_capitals() -> None:
    """thiagohonorato's Zotero library holds "PLANO DE NEGÓCIO", whose five-letter "PLANO"
    was kept as an acronym ("PLANO de Negócio")."""
    papers = read_file(REAL / "zotero" / "thiagohonorato+referencias" / "zotero.sqlite").papers
    titles = {p.title for p in papers}
    assert "Plano de Negócio" in titles
    assert not any(t.isupper() for t in titles)


# -- a name's casing from the paper's own text (issue 14: "SQUEEZENET [3] proposes ...") ----


@needs_real
@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("2023_react_yao.pdf", "ReAct: Synergizing Reasoning and Acting in Language Models"),
        (
            "2016_squeezenet_iandola.pdf",
            "SqueezeNet: AlexNet-Level Accuracy with 50X Fewer Parameters and <0.5MB Model Size",
        ),
        (
            "2024_query2cad_badagabettu.pdf",
            "Query2CAD: Generating CAD Models Using Natural Language Queries",
        ),
    ],
)
def test_real_pdf_title_in_capitals_spells_names_as_the_paper_does(name: str, title: str) -> None:
    """Each of these PDFs sets its title in capitals ("SQUEEZENET: ALEXNET-LEVEL ACCURACY
    ..."); its abstract and pages write the names in their true case ("SqueezeNet",
    "AlexNet"), and every list, draft and reference shows the stored title."""
    (paper,) = read_file(REAL / "pdfs" / name).papers
    assert paper.title == title
    assert paper.paper_id == paper_id_for(title.upper())  # the id the old title had


@pytest.mark.parametrize(
    ("typed", "text", "shown"),
    [
        # Titles and abstracts of the shared conference corpus (conference-abstracts-50k).
        (
            "NEWSQA: A MACHINE COMPREHENSION DATASET",
            "We present NewsQA, a challenging machine comprehension dataset of over 100,000 "
            "human-generated question-answer pairs. ... Analysis confirms that NewsQA demands "
            "abilities beyond simple word matching",
            "NewsQA: A Machine Comprehension Dataset",
        ),
        (
            "WHAT ARE GANS USEFUL FOR?",
            "GANs are generative models whose random samples realistically reflect natural "
            "images. ... the samples of GANs",
            "What Are GANs Useful for?",
        ),
        # A word the text writes as a common word stays in title case; one the text writes
        # in two mixed spellings equally often keeps the title's guess.
        (
            "REACT: HOW MODELS REACT",
            "Agents react to feedback. ReAct prompts; we react.",
            "REACT: How Models React",
        ),
        ("SQUEEZENET: SMALL", "SqueezeNet and SqueezeNext", "SqueezeNet: Small"),
        ("FOONET: SMALL", "FooNet, or FOONet.", "FOONET: Small"),
        # Typed in mixed case: the text has no say.
        ("Squeezenet: Small", "SqueezeNet is small", "Squeezenet: Small"),
    ],
)
def test_a_title_in_capitals_takes_names_casing_from_the_text(
    typed: str, text: str, shown: str
) -> None:
    assert display_title(typed, text) == shown
