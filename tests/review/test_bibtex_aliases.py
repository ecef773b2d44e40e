"""references.bib keeps a merged duplicate's key as an alias, and types no article without a
journal.

Two findings of user trials: a Better BibTeX export's ``...2024a`` duplicates, merged into one
paper, were written under the first key only (a manuscript citing the ``a`` key found
nothing); a Zotero journal article with no publication (``bloom2003errors``, ganeshbelgur's
library) was written as an ``@article`` without ``journal`` ("Warning--empty journal").
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper
from litreview.review.bibtex import assign_keys, write_bibtex

MERGED_BIB = r"""@article{poet2024,
  title = {VideoPoet: A Large Language Model},
  author = {Kondratyuk, Dan},
  year = {2024},
  journal = {J},
  doi = {10.48550/arXiv.2312.14125},
  abstract = {One.},
}

@misc{poet2024a,
  title = {VideoPoet: A Large Language Model},
  author = {Kondratyuk, Dan},
  year = {2024},
  doi = {10.48550/arXiv.2312.14125},
  abstract = {One.},
}

@article{mine2003,
  title = {An Article Without a Journal},
  author = {Roe, Richard},
  year = {2003},
  abstract = {Two.},
}
"""


def _library(papers: list[Paper]) -> dict[str, tuple[str, dict[str, str]]]:
    import bibtexparser

    library = bibtexparser.parse_string(write_bibtex(papers, assign_keys(papers)))  # type: ignore[attr-defined]
    assert not library.failed_blocks, library.failed_blocks
    return {e.key: (e.entry_type, {f.key: str(f.value) for f in e.fields}) for e in library.entries}


def _imported(tmp_path: Path) -> list[Paper]:
    path = tmp_path / "mine.bib"
    path.write_text(MERGED_BIB, encoding="utf-8")
    return read_file(path).papers


def test_a_merged_duplicates_key_is_written_in_ids(tmp_path: Path) -> None:
    entries = _library(_imported(tmp_path))
    assert set(entries) == {"poet2024", "mine2003"}
    kind, fields = entries["poet2024"]
    assert kind == "article" and fields["ids"] == "poet2024a"
    assert "ids" not in entries["mine2003"][1]


def test_an_alias_that_is_another_entrys_key_is_not_written() -> None:
    """biblatex refuses a key that is both an entry's and another's alias."""
    a = Paper(paper_id_for("A"), "A", "x", extra={"bibtex_key": "a1", "ids": "b1, a2, a 3"})
    b = Paper(paper_id_for("B"), "B", "x", extra={"bibtex_key": "b1"})
    entries = _library([a, b])
    assert entries["a1"][1]["ids"] == "a2"  # "a 3" is no key BibTeX can read


def test_an_article_without_a_journal_is_misc_unless_the_user_typed_it() -> None:
    zotero = {"zotero_key": "SMNKS2MB", "entry_type": "article", "pages": "5"}
    no_journal = Paper(
        paper_id_for("Errors and Omissions"),
        "Errors and Omissions",
        "x",
        ("Bloom, Charles",),
        2003,
        extra=zotero,
    )
    with_journal = Paper(
        paper_id_for("Fine"), "Fine", "x", ("Doe, J",), 2003, extra={**zotero, "journal": "JGT"}
    )
    users = Paper(
        paper_id_for("Mine"),
        "Mine",
        "x",
        ("Roe, R",),
        2003,
        extra={"bibtex_key": "mine2003", "entry_type": "article"},
    )
    keys = assign_keys([no_journal, with_journal, users])
    entries = _library([no_journal, with_journal, users])
    assert entries[keys[no_journal.paper_id]][0] == "misc"
    assert entries[keys[with_journal.paper_id]][0] == "article"
    assert entries["mine2003"][0] == "article"  # the user's own type, kept


REAL_ZOTERO = Path("/work/shared/real/zotero/ganeshbelgur+zotero-sync")


@pytest.mark.skipif(not REAL_ZOTERO.is_dir(), reason="shared/real material not present")
def test_bloom2003errors_is_written_as_misc() -> None:
    papers = [p for p in read_file(REAL_ZOTERO).papers if p.title.startswith("Errors and Omis")]
    (entry,) = _library(papers).values()
    assert entry[0] == "misc" and "journal" not in entry[1]


@pytest.mark.skipif(
    not (shutil.which("pdflatex") and shutil.which("bibtex")),
    reason="no LaTeX toolchain (pdflatex, bibtex) installed",
)
def test_ids_and_misc_compile_with_bibtex_without_warnings(
    tmp_path: Path,
) -> None:  # pragma: no cover
    """Plain BibTeX ignores ``ids``; the article without a journal no longer warns."""
    zotero = {"entry_type": "article", "pages": "5"}
    papers = [
        *_imported(tmp_path),
        Paper(paper_id_for("Errors"), "Errors", "x", ("Bloom, Charles",), 2003, extra=zotero),
    ]
    papers = [p for p in papers if p.extra.get("bibtex_key") != "mine2003"]  # warns, and is theirs
    keys = assign_keys(papers)
    (tmp_path / "references.bib").write_text(write_bibtex(papers, keys), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{url}\\begin{document}"
        f"\\cite{{{','.join(keys.values())}}}\\bibliographystyle{{plain}}"
        "\\bibliography{references}\\end{document}\n"
    )
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 120}
    latex = ["pdflatex", "-interaction=nonstopmode", "doc"]
    for command in (latex, ["bibtex", "doc"], latex):
        proc = subprocess.run(command, **run)  # type: ignore[call-overload]
        assert proc.returncode == 0, proc.stdout[-2000:]
    blg = (tmp_path / "doc.blg").read_text()
    assert "Warning--" not in blg and "error" not in blg.casefold(), blg
    assert (tmp_path / "doc.bbl").read_text().count("\\bibitem") == 2
