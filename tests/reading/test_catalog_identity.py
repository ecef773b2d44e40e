"""Identity across files, in the catalog: DOI and arXiv id first, the title id kept otherwise."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from litreview.index.catalog import Catalog
from litreview.reading import read_file
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper

ABSTRACT = "We propose a method for robust training of deep networks that improves accuracy by 5%."
REAL = Path("/work/shared/real")


def paper(title: str, source: str, abstract: str = ABSTRACT, **kw: object) -> Paper:
    return Paper(paper_id_for(title), title, abstract, sources=(source,), **kw)  # type: ignore[arg-type]


def test_same_title_different_dois_across_files_stays_two_and_reingest_finds_each(
    tmp_path: Path,
) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    first = paper("Introduction", "a.bib", doi="10.1000/a")
    second = paper(
        "Introduction",
        "b.bib",
        abstract="Another paper entirely, on other things.",
        doi="10.1000/b",
    )
    assert catalog.upsert([first]).added == [first.paper_id]
    added = catalog.upsert([second]).added
    assert len(added) == 1 and added[0] != first.paper_id  # its own id, not a conflict
    assert catalog.count() == 2
    again = catalog.upsert([second])
    assert again.unchanged == added and not again.conflicts
    no_doi = paper("Introduction", "c.csv")  # nothing tells it apart: it is the first
    assert catalog.upsert([no_doi]).unchanged == [first.paper_id]


def test_doi_finds_a_paper_whatever_its_title_spelling(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    catalog.upsert([paper("Robust Training of Deep Networks", "a.bib", doi="10.1000/x")])
    outcome = catalog.upsert(
        [paper("Robust training of deep nets (extended)", "b.bib", doi="10.1000/X")]
    )
    assert outcome.unchanged and catalog.count() == 1


@pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")
def test_pdf_first_then_bibtex_real_abstract_replaces_the_stand_in(tmp_path: Path) -> None:
    """shared/real/pdfs/2023_reflexion_shinn.pdf (Reading-Snail/Zotero), then its BibTeX entry."""
    catalog = Catalog(tmp_path / "c.sqlite3")
    (pdf,) = read_file(REAL / "pdfs" / "2023_reflexion_shinn.pdf").papers
    catalog.upsert([pdf])
    bib = paper(
        "Reflexion: Language Agents with Verbal Reinforcement Learning",
        "refs.bib",
        arxiv_id="2303.11366",
    )
    outcome = catalog.upsert([bib])
    assert outcome.updated == [pdf.paper_id] and not outcome.conflicts
    kept = catalog.get([pdf.paper_id])[pdf.paper_id]
    assert kept.abstract == ABSTRACT and "abstract_from" not in kept.extra
    assert catalog.pending_ids() == [pdf.paper_id]  # its indexed text changed: re-embedded
    assert len(catalog.pages(pdf.paper_id)) == len(pdf.full_text)  # full text kept


@pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")
def test_zotero_linked_file_attachment_is_read(tmp_path: Path) -> None:
    """StraightOuttaCrompton/Zotero-git-backup with one attachment turned into a linked file."""
    folder = tmp_path / "Zotero"
    shutil.copytree(REAL / "zotero" / "StraightOuttaCrompton+Zotero-git-backup", folder)
    outside = tmp_path / "elsewhere" / "paper.pdf"
    outside.parent.mkdir()
    with sqlite3.connect(folder / "zotero.sqlite") as db:
        key, stored = db.execute(
            "SELECT i.key, a.path FROM itemAttachments a JOIN items i USING (itemID) "
            "WHERE a.contentType = 'application/pdf' LIMIT 1"
        ).fetchone()
        shutil.move(folder / "storage" / key / stored.removeprefix("storage:"), outside)
        db.execute(
            "UPDATE itemAttachments SET linkMode = 2, path = ? WHERE itemID = "
            "(SELECT itemID FROM items WHERE key = ?)",
            (str(outside), key),
        )
    result = read_file(folder)
    assert sum(1 for p in result.papers if p.full_text) == 3
    assert any(p.extra.get("pdf") == str(outside) for p in result.papers)
