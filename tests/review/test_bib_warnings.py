"""references.bib that bibtex (plainnat) reads without a warning where litreview is the cause.

Findings of a user trial (session 18) and of the real exports of shared/real: an
``@inproceedings`` whose booktitle "Not Known" was left out stayed an ``@inproceedings``
("Warning--empty booktitle in a3"); an entry with no author ("Warning--to sort, need author or
key in noauthor_pacemaker_2017", Zotero's export of a web page) was cited as "(noa, 2017)",
the first letters of its key.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import assign_keys, write_bibtex
from litreview.review.bibtypes import short_title
from tests.support.latex import bibtex_warnings

REAL = Path("/work/shared/real/bibtex")
LATEX = pytest.mark.skipif(not shutil.which("bibtex"), reason="no bibtex installed")
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")

# The trial's entry (/tmp/s18t_cjk/t.bib), as a Zotero export writes an unknown venue.
TRIAL_A3 = """@inproceedings{a3,
  title = {Image classification with vision transformers},
  author = {Ivanov, Ivan},
  year = {2022},
  booktitle = {Not Known},
  publisher = {Unknown},
  abstract = {We study vision transformers for image classification.}
}
"""


def _paper(title: str, **kwargs: object) -> Paper:
    return Paper(paper_id_for(title), title, "An abstract.", **kwargs)  # type: ignore[arg-type]


def _types(papers: list[Paper]) -> dict[str, str]:
    import bibtexparser

    library = bibtexparser.parse_string(write_bibtex(papers, assign_keys(papers)))  # type: ignore[attr-defined]
    return {e.key: e.entry_type for e in library.entries}


def test_a_type_whose_venue_was_a_placeholder_follows_the_fields_left(tmp_path: Path) -> None:
    (tmp_path / "trial.bib").write_text(TRIAL_A3, encoding="utf-8")
    papers = read_file(tmp_path / "trial.bib").papers
    papers += [
        _paper("In a journal", extra={"entry_type": "inproceedings", "booktitle": "Not Known",
                                      "journal": "Remote Sensing"}),
        _paper("In a book", extra={"entry_type": "incollection", "booktitle": "n/a"}),
        _paper("In proceedings", extra={"entry_type": "article", "journal": "-",
                                        "booktitle": "CVPR"}),
    ]  # fmt: skip
    assert list(_types(papers).values()) == ["misc", "article", "misc", "inproceedings"]


@needs_real
def test_the_users_own_entry_without_a_venue_keeps_its_type() -> None:
    """BibDesk's ``Loulergue2013`` is an inproceedings with no booktitle in the user's own
    file, which warns the same: it is theirs to change, not a placeholder litreview left out."""
    papers = [
        p
        for p in read_file(REAL / "pathologicalhandwaving_bibdesk.bib").papers
        if p.extra.get("bibtex_key") == "Loulergue2013"
    ]
    assert _types(papers) == {"Loulergue2013": "inproceedings"}


@LATEX
def test_bibtex_does_not_warn_of_an_empty_booktitle(tmp_path: Path) -> None:  # pragma: no cover
    (tmp_path / "trial.bib").write_text(TRIAL_A3, encoding="utf-8")
    warnings, _ = bibtex_warnings(tmp_path, read_file(tmp_path / "trial.bib").papers)
    assert warnings == []


def test_short_title_is_the_title_up_to_its_subtitle() -> None:
    assert short_title("Pacemaker implantation - How it's performed") == "Pacemaker implantation"
    assert short_title("ReAct: Synergizing Reasoning and Acting") == "ReAct"
    assert short_title("A very long title with many more words") == "A very long title"
    assert (
        short_title("拉曼光谱结合深度学习算法的塑料分类的研究")
        == "拉曼光谱结合深度学习算法的塑料分类的研究"
    )


@LATEX
@needs_real
def test_an_entry_without_author_sorts_and_is_cited_by_its_title(
    tmp_path: Path,
) -> None:  # pragma: no cover
    """Zotero's export of an NHS web page (``noauthor_pacemaker_2017``): no author."""
    papers = read_file(REAL / "extrav_zotero_native_medical.bib").papers
    (web_page,) = [p for p in papers if p.extra.get("bibtex_key") == "noauthor_pacemaker_2017"]
    assert not web_page.authors
    warnings, bbl = bibtex_warnings(tmp_path, papers)
    assert not [w for w in warnings if "to sort" in w], warnings
    # natbib cites it "(Pacemaker implantation)", not "(noa, 2017)": plainnat gives a label
    # taken from the key no year
    assert "\\bibitem[Pacemaker implantation()]{noauthor_pacemaker_2017}" in bbl


@LATEX
@needs_real
def test_the_real_exports_give_no_warning_of_litreviews_making(
    tmp_path: Path,
) -> None:  # pragma: no cover
    """Every real export through references.bib: the warnings left are the user's own file's
    (an entry type plainnat lacks, author and editor both, a venue missing in their file)."""
    left = []
    for path in sorted(REAL.glob("*.bib")):
        folder = tmp_path / path.stem
        folder.mkdir()
        left += bibtex_warnings(folder, read_file(path).papers)[0]
    assert sorted(left) == [
        "Warning--can't use both author and editor fields in FeynmanComputation1996",
        "Warning--empty booktitle in Loulergue2013",
        "Warning--empty publisher in Park2013",
        'Warning--entry type for "Struck2015" isn\'t style-file defined',
    ]
