"""Theme names say what the theme's papers are about (issue 14), not where they come from.

The GFS, Bigtable and MapReduce papers of a real Zotero library
(``shared/real/zotero/San7o+research-papers-collection``) were drafted under
"Google": the one key phrase two of them shared was their authors' company.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.evidence.keyphrases import proper_name, shared_phrase, topical
from litreview.evidence.source import Source
from litreview.llm.extractive.related import theme_name
from litreview.reading import read_file

SAN7O = Path("/work/shared/real/zotero/San7o+research-papers-collection/zotero.sqlite")


@pytest.mark.skipif(not SAN7O.exists(), reason="shared/real material not present")
def test_real_storage_and_mapreduce_papers_are_not_named_after_google() -> None:
    papers = read_file(SAN7O).papers
    storage = [p for p in papers if p.title.split(":")[0] in {"Bigtable", "MapReduce"}]
    storage += [p for p in papers if p.title == "The Google File System"]
    consensus = [p for p in papers if "onsensus" in p.title]
    assert len(storage) == 3 and len(consensus) == 2
    number = iter(range(1, 10))
    theme = [Source(next(number), p.paper_id, p.title, p.abstract) for p in storage]
    others = [Source(next(number), p.paper_id, p.title, p.abstract) for p in consensus]
    name = theme_name(theme, others)
    assert "google" not in name.lower()
    # Said by GFS and MapReduce; Bigtable says neither "data processing" nor anything the
    # others say, so no name joins it in ("... and Distributed Storage" named one paper).
    assert name == "Data Processing"
    assert theme_name(others, theme) == "Consensus"


ABSTRACTS = [
    "Many projects at Google store data in Bigtable. We describe its distributed storage.",
    "The file system is widely deployed within Google as the distributed storage platform.",
]


def test_a_word_the_abstracts_always_capitalise_is_a_name_not_a_topic() -> None:
    assert proper_name("Google", ABSTRACTS)
    assert not proper_name("distributed storage", ABSTRACTS)
    assert not proper_name("BERT", ["We fine-tune BERT."]) and not proper_name("MapReduce", [])
    assert not topical("Google", ABSTRACTS) and topical("distributed storage", ABSTRACTS)
    texts = [f"Storage systems. {a}" for a in ABSTRACTS]
    name = str(shared_phrase(texts, abstracts=ABSTRACTS)).lower()
    assert "storage" in name and "google" not in name


@pytest.mark.parametrize(
    "phrase",
    [
        "In this paper",
        "we propose",
        "Learning Tasks Require",
        "Introduce NNetscape Navigator",
        "Intelligent Systems Involves",
        "Generate Unsafe",
        "Improving CDCL SAT",
        "Stanford University",
        "Proceedings of the conference",
        "Categories and Subject Descriptors",
        "large",
        "Real-world Scenarios",  # where any method is said to work (named a sample theme)
        "practical settings",
    ],
)
def test_boilerplate_venues_affiliations_and_cut_verbs_name_no_theme(phrase: str) -> None:
    assert not topical(phrase)


def test_a_theme_name_keeps_its_languages_small_words_small() -> None:
    """A new user's Portuguese library drew "Sistemas De Informação" (the README says titles
    keep Portuguese small words small; theme names had a list of their own, English only)."""
    from litreview.evidence.keyphrases import title_case

    assert title_case("sistemas de informação") == "Sistemas de Informação"
    assert title_case("learning from data by the GPU") == "Learning from Data by the GPU"
    assert title_case("a survey of quantization") == "A Survey of Quantization"


@pytest.mark.parametrize(
    "name",
    ["Tecnologia Web Foi", "Web Foi Criada", "Indivíduos Adultos Utilizando", "Models Smaller"],
)
def test_a_name_is_not_cut_at_a_verb_a_comparative_or_a_portuguese_word(name: str) -> None:
    """Theme names of a new user's drafts (a Portuguese Zotero library, and the sample library's
    "Two works study models smaller")."""
    from litreview.evidence.keyphrases import adjectival

    assert adjectival(name)


@pytest.mark.parametrize("name", ["Deep Learning Era", "Sistemas de Informação", "Radiosity"])
def test_names_that_stay_names(name: str) -> None:
    from litreview.evidence.keyphrases import adjectival

    assert not adjectival(name)
