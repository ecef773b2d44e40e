"""references.bib for papers outside the Latin alphabet (issue 14): a key for a paper whose
authors are written in Chinese, and URLs with non-ASCII characters that pdflatex must print."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import ascii_url, assign_keys, base_key, write_bibtex
from tests.support.latex import compile_plainnat

CHINESE_PDF = Path("/work/shared/real/pdfs/2023_raman_plastic_cnn_chinese_yuan.pdf")
needs_pdf = pytest.mark.skipif(not CHINESE_PDF.is_file(), reason="shared/real PDFs not present")
# The authors as page 1 of that PDF prints them ("苑宁之，陈少华，牟涛涛"), as a Chinese
# Zotero library or CNKI export holds them; the PDF reader itself finds none there.
CHINESE_AUTHORS = ("苑宁之", "陈少华", "牟涛涛")
# Its English title, printed under the abstract on the same page.
ENGLISH_TITLE = (
    "Research on classification of plastics by Raman spectroscopy combined with deep "
    "learning algorithm"
)


def _chinese_paper() -> Paper:
    (paper,) = read_file(CHINESE_PDF).papers
    assert paper.title == "拉曼光谱结合深度学习算法的塑料分类的研究" and paper.year == 2023
    return replace(paper, authors=CHINESE_AUTHORS)


def _paper(title: str, **kwargs: object) -> Paper:
    return Paper(paper_id_for(title), title, "An abstract.", **kwargs)  # type: ignore[arg-type]


# -- keys -----------------------------------------------------------------------------------


@needs_pdf
def test_a_paper_by_chinese_authors_gets_a_readable_key_not_the_bare_year() -> None:
    """The trial's references.bib had ``@misc{2023,``: the surname had no Latin letter
    left, and neither had the title."""
    chinese = _chinese_paper()
    assert base_key(chinese) == "anon2023"
    # With a Latin title (the paper's English one), the title's words name it.
    english = replace(chinese, paper_id="english", title=ENGLISH_TITLE)
    assert base_key(english) == "researchclassification2023"
    # A Latin first author still gives the usual key.
    assert base_key(replace(chinese, authors=("Ningzhi Yuan",))) == "yuan2023"


@needs_pdf
def test_keys_of_such_papers_stay_unique_and_the_same_on_every_run() -> None:
    chinese = _chinese_paper()
    other = replace(chinese, paper_id="other", title="基于深度学习的塑料识别")
    papers = [chinese, other]
    keys = assign_keys(papers)
    assert keys == {chinese.paper_id: "anon2023", "other": "anon2023b"}
    assert assign_keys(papers) == keys
    assert "@misc{anon2023," in write_bibtex(papers, keys)


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("https://de.wikipedia.org/wiki/Müller", "https://de.wikipedia.org/wiki/M%C3%BCller"),
        (
            "https://kns.cnki.net/kcms/detail?filename=塑料&q=a b",
            "https://kns.cnki.net/kcms/detail?filename=%E5%A1%91%E6%96%99&q=a%20b",
        ),
        # Already encoded, or ASCII: as written (no %25 for an existing %XX).
        ("https://x.org/M%C3%BCller?a=50%25#s_2", "https://x.org/M%C3%BCller?a=50%25#s_2"),
    ],
)
def test_a_url_is_written_with_non_ascii_characters_percent_encoded(url: str, written: str) -> None:
    assert ascii_url(url) == written
    bib = write_bibtex([_paper("A", url=url)], {paper_id_for("A"): "a"})
    assert f"url = {{{written}}}" in bib


def test_a_howpublished_url_is_percent_encoded_too() -> None:
    paper = _paper(
        "Code", extra={"bibtex_key": "code", "howpublished": "\\url{https://x.org/Müller}"}
    )
    bib = write_bibtex([paper], {paper.paper_id: "code"})
    assert "howpublished = {\\url{https://x.org/M%C3%BCller}}" in bib


@needs_pdf
@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
def test_references_with_non_ascii_urls_and_chinese_authors_compile(
    tmp_path: Path,
) -> None:  # pragma: no cover
    """The trial's document (natbib, plainnat, url, hyperref). Before, \\url's verbatim
    argument took the URL's UTF-8 bytes one by one: pdflatex (TeX Live 2022) printed
    "https://x.org/MÃ¼ller" and linked there. Encoded, the link and the print are the URL."""
    papers = [
        replace(_chinese_paper(), url="https://kns.cnki.net/kcms/detail?filename=塑料分类"),
        _paper("Müller's Method", authors=("Hans Müller",), year=1990, url="https://x.org/Müller"),
    ]
    bbl = compile_plainnat(tmp_path, papers)
    assert "\\url{https://x.org/M%C3%BCller}" in bbl
    assert "{anon2023}" in bbl
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert not re.search(r"^! ", log, re.MULTILINE)
    import pypdf

    page = pypdf.PdfReader(tmp_path / "doc.pdf").pages[0]
    links = {
        str(action["/URI"])
        for annotation in page.get("/Annots", [])
        if (action := annotation.get_object().get("/A", {})).get("/S") == "/URI"
    }
    assert links == {
        "https://kns.cnki.net/kcms/detail?filename=%E5%A1%91%E6%96%99%E5%88%86%E7%B1%BB",
        "https://x.org/M%C3%BCller",
    }
    assert "M%C3%BCller" in page.extract_text()


def test_a_title_opening_with_a_number_gives_a_key_of_a_word() -> None:
    """Trial: the real graphics library's "3-D Visual simulation" (Goldstein 1971) was keyed
    goldstein19713, read as the year 19713."""
    paper = Paper("p", "3-D Visual simulation", "", authors=("Goldstein, R.",), year=1971)
    assert base_key(paper) == "goldstein1971visual"
