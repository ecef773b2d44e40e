"""A related-work export: the Markdown reference list a researcher expects, and files written
without ever replacing one of the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.llm.types import Usage
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.export import (
    OutputExists,
    existing_outputs,
    reference,
    render,
    short_authors,
    unused_path,
)
from litreview.review.related import RelatedWorkDraft, Theme


def _paper(title: str, **kwargs: object) -> Paper:
    return Paper(paper_id_for(title), title, "An abstract.", **kwargs)  # type: ignore[arg-type]


GREENBERG = _paper(
    "A framework for realistic image synthesis",
    authors=("Greenberg, Donald P.", "Foo, Sing-Choong", "Torrance, Kenneth E.", "Shirley, Peter"),
    year=1997,
    doi="10.1145/258734.258914",
    extra={
        "bibtex_key": "greenberg1997framework",
        "booktitle": "Proceedings of the 24th annual conference on Computer graphics -- "
        "{SIGGRAPH} '97",
    },
)
REACT = _paper(
    "ReAct: Synergizing Reasoning and Acting in Language Models",
    authors=("Shunyu Yao", "Jeffrey Zhao", "Dian Yu"),
    year=2022,
    arxiv_id="2210.03629",
)
GAMUS = _paper(
    "Analysis of dynamic bipedal robot walking with stick-slip transitions",
    authors=("Benny Gamus", "Yizhar Or", "Benny Gamus", "Yizhar Or"),
    year=2013,
    url="https://ieeexplore.ieee.org/document/6631044/",
)
KERNEL = _paper(
    "Towards an Open Rendering Kernel for Image Synthesis",
    authors=("Philipp Slusallek",),
    extra={"journal": "Rendering Techniques & More", "entry_type": "article"},
)
UNKNOWN = _paper("Neural Compression and Filtering")


def _draft(*papers: Paper) -> RelatedWorkDraft:
    numbers = list(range(1, len(papers) + 1))
    paragraph = " ".join(f"Work [{n}]." for n in numbers)
    theme = Theme("Theme", list(papers), numbers, paragraph)
    return RelatedWorkDraft("work", [], [theme], Usage(), "extractive")


def test_short_author_lists() -> None:
    assert short_authors(()) == ""
    assert short_authors(("Dean, Jeffrey",)) == "Dean"
    assert short_authors(("Jeffrey Dean", "Sanjay Ghemawat")) == "Dean and Ghemawat"
    assert short_authors(("A. Alpha", "B. Beta", "C. Gamma")) == "Alpha, Beta and Gamma"
    assert short_authors(("A. Alpha", "B. Beta", "C. Gamma", "D. Delta")) == "Alpha et al."
    assert short_authors(("Martin Luther King Jr.", "Ludwig van Beethoven")) == (
        "King and van Beethoven"
    )
    assert short_authors(GAMUS.authors) == "Gamus and Or"  # each author once


def test_a_reference_has_authors_year_title_and_where_to_find_it() -> None:
    assert reference(GREENBERG) == (
        "Greenberg et al. (1997). A framework for realistic image synthesis. "
        "*Proceedings of the 24th annual conference on Computer graphics – SIGGRAPH '97*. "
        "doi:10.1145/258734.258914"
    )
    assert reference(REACT) == (
        "Yao, Zhao and Yu (2022). ReAct: Synergizing Reasoning and Acting in Language Models. "
        "arXiv:2210.03629"
    )
    assert reference(GAMUS) == (
        "Gamus and Or (2013). Analysis of dynamic bipedal robot walking with stick-slip "
        "transitions. <https://ieeexplore.ieee.org/document/6631044/>"
    )
    assert reference(KERNEL) == (
        "Slusallek. Towards an Open Rendering Kernel for Image Synthesis. "
        "*Rendering Techniques & More*"
    )
    assert reference(UNKNOWN) == "Neural Compression and Filtering"
    book = _paper(
        "Radiosity: A Programmer's Perspective?",
        authors=("Ian Ashdown",),
        year=1994,
        extra={"entry_type": "book", "publisher": "John Wiley & Sons, Inc."},
    )
    assert reference(book) == (
        "Ashdown (1994). Radiosity: A Programmer's Perspective? *John Wiley & Sons, Inc.*"
    )


def test_the_markdown_reference_list_gives_each_entry_in_full() -> None:
    exported = render(_draft(GREENBERG, REACT, GAMUS, UNKNOWN), "md")
    references = exported.text.split("### References\n\n", 1)[1].strip().splitlines()
    assert references == [
        f"- [1] {reference(GREENBERG)} (`greenberg1997framework`)",
        f"- [2] {reference(REACT)} (`yao2022react`)",
        f"- [3] {reference(GAMUS)} (`gamus2013analysis`)",
        "- [4] Neural Compression and Filtering (`neuralcompression`)",
    ]


# -- never replace the user's files ---------------------------------------------------------


def test_write_refuses_to_replace_the_users_references(tmp_path: Path) -> None:
    """The trial's ``--out mypaper`` replaced the user's own references.bib."""
    mine = tmp_path / "references.bib"
    mine.write_text("@article{mine2020, title={Mine}}\n", encoding="utf-8")
    exported = render(_draft(REACT, GAMUS), "latex")
    assert existing_outputs(tmp_path, "latex") == [mine]
    assert existing_outputs(tmp_path, "md") == [mine]
    with pytest.raises(OutputExists) as caught:
        exported.write(tmp_path)
    assert caught.value.exit_code == 2
    assert str(mine) in str(caught.value) and "--force" in str(caught.value)
    assert mine.read_text() == "@article{mine2020, title={Mine}}\n"
    assert not (tmp_path / "related-work.tex").exists()  # nothing half-written either
    # The draft itself is not lost: it is saved elsewhere and the error says where.
    saved = Path(str(caught.value).split("saved in ", 1)[1].split(" and ", 1)[0])
    assert saved.name == "related-work.tex" and "\\cite{" in saved.read_text()
    assert saved.parent != tmp_path and (saved.parent / "references.bib").is_file()


def test_write_refuses_to_replace_a_draft_and_replaces_only_when_told(tmp_path: Path) -> None:
    (tmp_path / "related-work.md").write_text("my own notes\n", encoding="utf-8")
    exported = render(_draft(REACT), "md")
    with pytest.raises(OutputExists, match=r"related-work\.md"):
        exported.write(tmp_path)
    assert (tmp_path / "related-work.md").read_text() == "my own notes\n"
    assert not (tmp_path / "references.bib").exists()
    assert exported.write(tmp_path, replace=True) == tmp_path / "related-work.md"
    assert (tmp_path / "related-work.md").read_text() == exported.text
    assert (tmp_path / "references.bib").read_text() == exported.bibtex


def test_an_unused_folder_is_never_one_that_exists(tmp_path: Path) -> None:
    """The TUI exports each draft into a new timestamped folder; two exports in one second
    (Markdown, then LaTeX) get two folders rather than one error."""
    first = unused_path(tmp_path, "related-20260101-120000")
    render(_draft(REACT), "md").write(first)
    second = unused_path(tmp_path, "related-20260101-120000")
    assert second.name == "related-20260101-120000-2"
    render(_draft(REACT), "latex").write(second)
    assert (first / "references.bib").is_file() and (second / "references.bib").is_file()


# -- placeholders are not venues (issue 14) --------------------------------------------------

REAL_ZOTERO = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync/zotero.sqlite")


@pytest.mark.skipif(not REAL_ZOTERO.is_file(), reason="shared/real Zotero library not present")
def test_a_placeholder_publisher_is_not_printed_in_the_reference_list() -> None:
    """ganeshbelgur's Zotero library gives six items the place "Not Known"; a book's or a
    report's publisher written so (or "Unknown") printed "*Not Known*" as the venue, where
    references.bib leaves it out (``bibtex.placeholder``)."""
    from dataclasses import replace

    from litreview.reading import read_file

    papers = read_file(REAL_ZOTERO).papers
    kajiya = next(p for p in papers if p.title == "The rendering equation")
    not_known = kajiya.extra["address"]
    assert not_known == "Not Known"
    drop = {"venue", "booktitle", "publisher", "address"}
    bare = {k: v for k, v in kajiya.extra.items() if k not in drop}
    as_book = replace(kajiya, extra={**bare, "entry_type": "book", "publisher": not_known})
    assert reference(as_book) == ("Kajiya (1986). The rendering equation. doi:10.1145/15922.15902")
    # A placeholder journal gives way to the next field that names where the paper appeared.
    report = replace(
        kajiya,
        paper_id="report",
        extra={**bare, "journal": "Unknown", "institution": "Caltech"},
    )
    assert "*Caltech*" in reference(report) and "Unknown" not in reference(report)
    # Nor is a placeholder author, DOI or URL printed.
    anonymous = _paper("A Study", authors=("Unknown",), doi="N/A", url="Not Known", year=2001)
    assert reference(anonymous) == "(2001). A Study"
    text = render(_draft(as_book, report, anonymous), "md").text
    assert "Not Known" not in text and "Unknown" not in text and "N/A" not in text
