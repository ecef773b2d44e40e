"""references.bib: valid for BibTeX and LaTeX whatever the titles hold, imported fields kept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import assign_keys, latex_escape, latex_safe, write_bibtex

IMPORTED_BIB = r"""
@article{smith2023robust,
	title = {Robust Training \& Evaluation at 5\% Noise},
	volume = {12},
	number = {3},
	pages = {101--117},
	publisher = {Acme Press},
	month = jan,
	doi = {10.1000/xyz123},
	abstract = {We propose robust training, improving accuracy by 5\%.},
	journal = {Journal of Things},
	author = {Smith, Jane and Doe, John},
	year = {2023},
}
"""


def _paper(title: str, abstract: str = "An abstract.", **extra: str) -> Paper:
    return Paper(paper_id_for(title), title, abstract, ("Doe, Jane",), 2024, extra=extra)


def _parse(text: str) -> dict[str, dict[str, str]]:
    import bibtexparser

    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    assert not library.failed_blocks, library.failed_blocks
    return {e.key: {f.key: str(f.value) for f in e.fields} for e in library.entries}


def _written(papers: list[Paper]) -> str:
    return write_bibtex(papers, assign_keys(papers))


def test_special_characters_are_escaped_and_round_trip() -> None:
    title = "Search & Rescue: 99% Recall for $5 with C# {Braces} a_b ~x^2 \\n"
    papers = [_paper(title, "Costs fall by 40% & more {"), _paper("R&D at 50%", url="")]
    papers.append(
        Paper(
            paper_id_for("Links"),
            "Links",
            "x",
            url="https://example.org/a%20b#frag",
        )
    )
    text = _written(papers)
    entries = _parse(text)
    first = entries[assign_keys(papers)[papers[0].paper_id]]
    assert "\\&" in first["title"] and "\\%" in first["title"] and "\\$" in first["title"]
    assert "\\#" in first["title"] and "\\_" in first["title"]
    assert "\\textbraceleft{}" in first["title"] and "\\textbackslash{}" in first["title"]
    assert "40\\% \\& more \\textbraceleft{}" in first["abstract"]
    for line in text.splitlines():  # no bare & % # in any text field
        if line.lstrip().startswith("url = "):
            continue  # verbatim: \url{} prints an escape as written (test_bibtex_fields)
        assert not any(ch in line and line[line.index(ch) - 1] != "\\" for ch in "&%#"), line
    assert "url = {https://example.org/a%20b#frag}" in text


def test_imported_fields_survive_import_and_export(tmp_path: Path) -> None:
    path = tmp_path / "mine.bib"
    path.write_text(IMPORTED_BIB, encoding="utf-8")
    (paper,) = read_file(path).papers
    for name, value in {
        "volume": "12",
        "number": "3",
        "pages": "101--117",
        "publisher": "Acme Press",
        "month": "jan",
    }.items():
        assert paper.extra[name] == value
    entries = _parse(_written([paper]))
    entry = entries["smith2023robust"]
    assert entry["volume"] == "12" and entry["number"] == "3" and entry["pages"] == "101--117"
    assert entry["publisher"] == "Acme Press" and entry["journal"] == "Journal of Things"
    assert entry["month"] == "January"  # the macro ``jan`` braced would print "jan"
    assert entry["doi"] == "10.1000/xyz123"
    assert entry["title"] == "{Robust Training \\& Evaluation at 5\\% Noise}"


def test_field_names_are_read_whatever_their_case(tmp_path: Path) -> None:
    path = tmp_path / "upper.bib"
    path.write_text(IMPORTED_BIB.replace("volume", "Volume").replace("pages", "PAGES"))
    (paper,) = read_file(path).papers
    assert paper.extra["volume"] == "12" and paper.extra["pages"] == "101--117"


def test_raw_values_keep_markup_but_lose_what_stops_latex() -> None:
    assert latex_safe(r"M{\"u}ller \& Sons") == r"M{\"u}ller \& Sons"
    assert latex_safe("Science & Technology 100%") == r"Science \& Technology 100\%"
    assert latex_safe("broken { brace") == r"broken \textbraceleft{} brace"
    assert latex_escape("a_b") == r"a\_b"


def test_old_catalog_records_without_extra_fields_still_export() -> None:
    old = Paper.from_dict({"paper_id": "p1", "title": "Old & New", "abstract": "x"})
    (entry,) = _parse(_written([old])).values()
    assert entry["title"] == "{Old \\& New}"


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
def test_references_compile_with_latex(tmp_path: Path) -> None:  # pragma: no cover
    path = tmp_path / "mine.bib"
    path.write_text(IMPORTED_BIB, encoding="utf-8")
    papers = [*read_file(path).papers, _paper("Search & Rescue at 99% for $5 #1 a_b {x")]
    plain = {"journal": "Science & Tech_1 100%", "pages": "1--2", "entry_type": "article"}
    papers.append(
        Paper(paper_id_for("Plain"), "Plain", "x", ("Roe, R",), 2020, doi="10.1/a_b", extra=plain)
    )
    keys = assign_keys(papers)
    (tmp_path / "references.bib").write_text(write_bibtex(papers, keys), encoding="utf-8")
    cites = ",".join(keys.values())
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{url}\\begin{document}"
        f"\\cite{{{cites}}}\\bibliographystyle{{plain}}\\bibliography{{references}}"
        "\\end{document}\n"
    )
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 120}
    for command in (["pdflatex", "-interaction=nonstopmode", "doc"], ["bibtex", "doc"]):
        proc = subprocess.run(command, **run)  # type: ignore[call-overload]
        assert proc.returncode == 0, proc.stdout[-2000:]
    for _ in range(2):
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "doc"], **run)  # type: ignore[call-overload]
        assert proc.returncode == 0, proc.stdout[-2000:]
    assert "Warning--I didn't find" not in (tmp_path / "doc.blg").read_text()


def test_doi_and_arxiv_id_are_written_whatever_the_source() -> None:
    """A paper from a PDF, JSON or Zotero has its DOI/arXiv id on the paper, not in extra."""
    pdf = Paper(
        paper_id_for("Attention Is All You Need"),
        "Attention Is All You Need",
        "x",
        ("Ashish Vaswani",),
        2017,
        arxiv_id="1706.03762",
    )
    json_paper = Paper(paper_id_for("T"), "T", "x", doi="10.1000/a_b", extra={"journal": "J & K"})
    entries = _parse(_written([pdf, json_paper]))
    keys = assign_keys([pdf, json_paper])
    assert entries[keys[pdf.paper_id]]["eprint"] == "1706.03762"
    assert entries[keys[pdf.paper_id]]["archiveprefix"] == "arXiv"
    plain = entries[keys[json_paper.paper_id]]
    assert plain["doi"] == "10.1000/a_b" and plain["journal"] == "J \\& K"


REAL_ZOTERO = Path("/work/shared/real/zotero/San7o+research-papers-collection")


@pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real material not present")
def test_a_zotero_items_publication_details_reach_references_bib() -> None:
    """San7o/research-papers-collection: a journal article cited from a Zotero library keeps
    its journal, volume, issue, pages and DOI, as one imported from BibTeX does."""
    papers = [p for p in read_file(REAL_ZOTERO).papers if p.title.startswith("MapReduce")]
    (entry,) = _parse(_written(papers)).values()
    assert entry["journal"] == "Communications of the ACM"
    assert (entry["volume"], entry["number"], entry["pages"]) == ("51", "1", "107--113")
    assert entry["doi"] == "10.1145/1327452.1327492"
    import bibtexparser

    (parsed,) = bibtexparser.parse_string(_written(papers)).entries  # type: ignore[attr-defined]
    assert parsed.entry_type == "article" and parsed.key == "dean2008mapreduce"


def test_a_zotero_citation_key_is_the_draft_key() -> None:
    """Zotero 7 (``citationKey``) and Better BibTeX (``Citation Key:`` in extra)."""
    paper = _paper("Some Title", citation_key="smithSomeTitle2024")
    assert assign_keys([paper]) == {paper.paper_id: "smithSomeTitle2024"}
