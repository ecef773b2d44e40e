"""references.bib as a paper's bibliography prints it: identifiers verbatim, a way to find every
paper, the user's own note, no litreview bookkeeping in print, each author once.

From a new-user trial of ``related-work`` (outputs compiled with natbib's plainnat): a DOI
printed as ``...-5\\_6``, "litreview id 99278094cd31." closing every reference, arXiv-only
papers with nothing but authors, title and year, and "Benny Gamus and Yizhar Or and Benny
Gamus and Yizhar Or" from a corpus row.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import ID_FIELD, assign_keys, unique_authors, write_bibtex
from tests.support.latex import compile_plainnat

REAL_BIBTEX = Path("/work/shared/real/bibtex")


def _entries(papers: list[Paper]) -> dict[str, dict[str, str]]:
    import bibtexparser

    library = bibtexparser.parse_string(write_bibtex(papers, assign_keys(papers)))  # type: ignore[attr-defined]
    assert not library.failed_blocks, library.failed_blocks
    keys = assign_keys(papers)
    by_key = {e.key: {f.key: str(f.value) for f in e.fields} for e in library.entries}
    return {p.paper_id: by_key[keys[p.paper_id]] for p in papers}


def _paper(title: str, **kwargs: object) -> Paper:
    return Paper(paper_id_for(title), title, "An abstract.", **kwargs)  # type: ignore[arg-type]


# -- 2. identifiers are verbatim ------------------------------------------------------------


def test_doi_url_and_eprint_are_not_latex_escaped() -> None:
    """A Zotero item's DOI (plain text) and a URL with a query and a fragment print as they
    are: ``\\doi{}`` and ``\\url{}`` read their argument verbatim, so ``\\_`` would print."""
    zotero = _paper(
        "Towards an Open Rendering Kernel for Image Synthesis",
        doi="10.1007/978-3-7091-7484-5_6",
        url="http://link.springer.com/10.1007/978-3-7091-7484-5_6?a=1&b=50%25#sec_2",
        extra={"entry_type": "incollection", "booktitle": "Rendering Techniques & More"},
    )
    arxiv = _paper("Some Preprint", arxiv_id="hep_th/9901001")
    entries = _entries([zotero, arxiv])
    entry = entries[zotero.paper_id]
    assert entry["doi"] == "10.1007/978-3-7091-7484-5_6"
    assert entry["url"] == "http://link.springer.com/10.1007/978-3-7091-7484-5_6?a=1&b=50%25#sec_2"
    assert entry["booktitle"] == "Rendering Techniques \\& More"  # text fields still escaped
    assert entries[arxiv.paper_id]["eprint"] == "hep_th/9901001"


def test_an_imported_escaped_doi_or_wrapped_url_is_written_bare() -> None:
    """BibDesk writes ``Doi = {10.1007/978-3-642-32928-9\\_21}`` and some files
    ``url = {\\url{http://...}}``: escaped for a text field, broken in a verbatim one."""
    bibdesk = _paper(
        "Castagnos",
        url="\\url{http://dx.doi.org/10.1093/comjnl/27.2.97}",
        extra={"bibtex_key": "Castagnos2012", "doi": "10.1007/978-3-642-32928-9\\_21"},
    )
    entry = _entries([bibdesk])[bibdesk.paper_id]
    assert entry["doi"] == "10.1007/978-3-642-32928-9_21"
    assert entry["url"] == "http://dx.doi.org/10.1093/comjnl/27.2.97"


def test_howpublished_is_verbatim_only_when_it_is_a_url() -> None:
    linked = _paper(
        "Code", extra={"bibtex_key": "code", "howpublished": "\\url{https://x.org/a_b%20c}"}
    )
    text = _paper(
        "Report",
        extra={"bibtex_key": "report", "howpublished": "Cryptology ePrint Archive & Report"},
    )
    entries = _entries([linked, text])
    assert entries[linked.paper_id]["howpublished"] == "\\url{https://x.org/a_b%20c}"
    assert entries[text.paper_id]["howpublished"] == "Cryptology ePrint Archive \\& Report"


REAL_BIBDESK = REAL_BIBTEX / "pathologicalhandwaving_bibdesk.bib"


@pytest.mark.skipif(not REAL_BIBDESK.is_file(), reason="shared/real material not present")
def test_a_real_bibdesk_doi_is_written_as_a_doi() -> None:
    (paper,) = [
        p for p in read_file(REAL_BIBDESK).papers if p.extra.get("bibtex_key") == "Castagnos2012"
    ]
    assert _entries([paper])[paper.paper_id]["doi"] == "10.1007/978-3-642-32928-9_21"


# -- 3. litreview's id is no note -----------------------------------------------------------


def test_the_litreview_id_is_a_field_styles_ignore_and_the_users_note_is_kept() -> None:
    imported = _paper(
        "Magic-Me",
        extra={
            "bibtex_key": "maMagicMeIdentitySpecificVideo2024",
            "note": "Comment: Project page: https://gwang-kim.github.io/persona\\_craft",
        },
    )
    plain = _paper("Plain", extra={"note": "50% of runs & more"})
    bare = _paper("Bare")
    entries = _entries([imported, plain, bare])
    assert entries[imported.paper_id]["note"] == (
        "Comment: Project page: https://gwang-kim.github.io/persona\\_craft"
    )
    assert entries[plain.paper_id]["note"] == "50\\% of runs \\& more"
    assert "note" not in entries[bare.paper_id]
    for paper in (imported, plain, bare):
        assert entries[paper.paper_id][ID_FIELD] == paper.paper_id
        assert not any("litreview id" in v for v in entries[paper.paper_id].values())


REAL_BBT = REAL_BIBTEX / "elmoghany_betterbibtex_video_diffusion.bib"


def _magic_me() -> tuple[Paper, dict[str, str]]:
    """The real Better BibTeX export's Magic-Me paper and its references.bib entry."""
    (paper,) = [
        p
        for p in read_file(REAL_BBT).papers
        if p.extra.get("bibtex_key") == "maMagicMeIdentitySpecificVideo2024"
    ]
    return paper, _entries([paper])[paper.paper_id]


@pytest.mark.skipif(not REAL_BBT.is_file(), reason="shared/real material not present")
def test_a_real_better_bibtex_entry_keeps_its_fields_and_gets_no_litreview_note() -> None:
    paper, entry = _magic_me()
    assert entry[ID_FIELD] == paper.paper_id
    assert "litreview id" not in entry.get("note", "")
    assert entry["eprint"] == "2402.09368" and entry["doi"] == "10.48550/arXiv.2402.09368"
    assert entry["month"] == "March" and entry["primaryclass"] == "cs"


@pytest.mark.skipif(not REAL_BBT.is_file(), reason="shared/real material not present")
def test_a_real_better_bibtex_note_reaches_references_bib() -> None:
    _, entry = _magic_me()
    assert entry["note"] == "Comment: Project Page at https://magic-me-webpage.github.io"


# -- 4. every paper can be found ------------------------------------------------------------


def test_a_paper_without_a_url_gets_one_from_its_arxiv_id_or_doi() -> None:
    """plainnat prints a @misc's url but not its eprint or doi."""
    arxiv = _paper("ReAct", arxiv_id="2210.03629", extra={"entry_type": "misc"})
    doi = _paper("Dois", doi="10.1145/258734.258914")
    both = _paper("AutoDroid", doi="10.1145/3636534.3649379", arxiv_id="2308.15272")
    own = _paper("Own", doi="10.1/x", url="http://portal.acm.org/citation.cfm?doid=1")
    nothing = _paper("Nothing")
    entries = _entries([arxiv, doi, both, own, nothing])
    assert entries[arxiv.paper_id]["url"] == "https://arxiv.org/abs/2210.03629"
    assert entries[doi.paper_id]["url"] == "https://doi.org/10.1145/258734.258914"
    assert entries[both.paper_id]["url"] == "https://doi.org/10.1145/3636534.3649379"
    assert entries[own.paper_id]["url"] == "http://portal.acm.org/citation.cfm?doid=1"
    assert "url" not in entries[nothing.paper_id]


# -- 5. each author once --------------------------------------------------------------------


def test_a_repeated_author_list_is_written_once() -> None:
    row = _paper(
        "Analysis of dynamic bipedal robot walking with stick-slip transitions",
        authors=("Benny Gamus", "Yizhar Or", "Benny Gamus", "Yizhar Or"),
        year=2013,
    )
    assert _entries([row])[row.paper_id]["author"] == "Benny Gamus and Yizhar Or"
    assert unique_authors(("Gamus, Benny", "Yizhar  Or", "Benny Gamus", "yizhar or")) == (
        "Gamus, Benny",
        "Yizhar  Or",
    )
    # One name met twice may be two people: the reader's rule, which the writer shares.
    assert unique_authors(("Li, Wei", "Wei Li", "Li, Wen")) == ("Li, Wei", "Wei Li", "Li, Wen")
    two = _paper("A paper by two Wei Wangs", authors=("Wei Wang", "Ann Lee", "Wei Wang"), year=2020)
    assert _entries([two])[two.paper_id]["author"] == "Wei Wang and Ann Lee and Wei Wang"


# -- the whole chain, as the trial compiled it ----------------------------------------------


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
def test_plainnat_prints_identifiers(tmp_path: Path) -> None:  # pragma: no cover
    """The trial's document (natbib, plainnat, url, hyperref): the bibliography compiles, the
    DOI and URLs come out as written (a long one with %, # and & too), no "litreview id"."""
    long_url = "https://example.org/" + "very-long-path-segment/" * 5 + "q?a=1&b=50%25#frag_2"
    papers = [
        _paper(
            "Open Rendering Kernel",
            authors=("Slusallek, Philipp",),
            year=1996,
            doi="10.1007/978-3-7091-7484-5_6",
            extra={"entry_type": "article", "journal": "J", "note": "Preprint, 50% done"},
        ),
        _paper("ReAct", authors=("Shunyu Yao",), year=2022, arxiv_id="2210.03629"),
        _paper(
            "Gait",
            authors=("Benny Gamus", "Yizhar Or", "Benny Gamus", "Yizhar Or"),
            year=2013,
            url=long_url,
        ),
    ]
    bbl = compile_plainnat(tmp_path, papers)
    assert "\\doi{10.1007/978-3-7091-7484-5_6}" in bbl
    assert "\\url{https://arxiv.org/abs/2210.03629}" in bbl
    assert "litreview" not in bbl and "Preprint, 50\\% done" in bbl
    assert bbl.count("Benny Gamus") == 1
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.MULTILINE)
