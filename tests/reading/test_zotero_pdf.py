"""Zotero libraries and paper PDFs from ``/work/shared/real`` (sources in its README).

Zotero counts are the README's (items not in the trash, without attachments/notes/
annotations; with abstract). PDFs are the 12 of shared/real/pdfs.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from litreview.index.catalog import Catalog
from litreview.reading import LibraryFileError, read_file
from litreview.reading.readers import ReadOptions, expand_paths
from litreview.reading.readers.pdf import clean_pages

REAL = Path("/work/shared/real")
ZOTERO = REAL / "zotero"
PDFS = REAL / "pdfs"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")

# folder: (items, standalone PDF attachments, with abstract, with full text); items and
# abstracts from the README, standalone PDFs (no parent item) counted with sqlite3. San7o's
# full text: its 10 PDFs and 2 HTML snapshots (Chubby, situational-awareness.ai; Emerald's page
# is a paywall landing page with no text beyond the abstract, GFS has a PDF as well, and the
# MapReduce web page item is in the trash).
ZOTERO_COUNTS = {
    "StraightOuttaCrompton+Zotero-git-backup": (3, 0, 3, 3),
    "San7o+research-papers-collection": (15, 1, 11, 12),
    "ganeshbelgur+zotero-sync": (102, 0, 44, 0),
    "kishkash555+NLP-for-TA": (840, 0, 8, 0),
    "thiagohonorato+referencias": (62, 10, 46, 0),
}


@pytest.mark.parametrize("folder", sorted(ZOTERO_COUNTS))
def test_every_real_zotero_library_accounts_for_every_item(folder: str) -> None:
    """All five data dirs of shared/real/zotero, Zotero 4 (thiagohonorato) to 7."""
    items, standalone, with_abstract, with_text = ZOTERO_COUNTS[folder]
    result = read_file(ZOTERO / folder)
    assert result.records == items + standalone
    papers = result.papers
    real_abstracts = [p for p in papers if "abstract_from" not in p.extra]
    # the README counts "Not Available" (thiagohonorato's book review) as an abstract
    placeholders = result.skip_reasons.get("placeholder abstract", 0)
    assert len(real_abstracts) + result.merged + placeholders == with_abstract
    assert sum(1 for p in papers if p.full_text) == with_text
    assert len(papers) + result.merged + result.skipped == items + standalone


def test_zotero_item_fields_and_missing_attachment() -> None:
    """San7o/research-papers-collection: one PDF absent (a real missing attachment)."""
    result = read_file(ZOTERO / "San7o+research-papers-collection" / "zotero.sqlite")
    by_title = {p.title: p for p in result.papers}
    mapreduce = by_title["MapReduce: simplified data processing on large clusters"]
    assert mapreduce.authors == ("Dean, Jeffrey", "Ghemawat, Sanjay") and mapreduce.year == 2008
    assert mapreduce.doi == "10.1145/1327452.1327492"
    assert mapreduce.extra["collections"] == "Distributed Systems"
    assert mapreduce.extra["item_type"] == "journalArticle" and mapreduce.extra["zotero_key"]
    assert mapreduce.full_text and mapreduce.full_text[0].page == 1
    # the reading list (a linked URL, no abstract); Chubby is read from its HTML snapshot
    assert result.warnings[0] == (
        "skipped 1 record(s) without an abstract (items QYKJ596D “A Distributed Systems Reading"
        " List”)"
    )
    missing = [m.message for m in result.files_missing]  # kept: the ingest says how
    assert len(missing) == 1 and "Waidelich" in missing[0]
    assert missing[0].startswith("item 8BVV9WNM (")  # named by item, not by zotero.sqlite
    assert any(t.startswith("Climate damage projections") for t in by_title)  # still goes in
    paxos = by_title["Paxos Made Simple"]  # a PDF filed without a parent item is a paper
    assert paxos.full_text and paxos.extra["item_type"] == "attachment"
    assert all(
        p.sources == ("San7o+research-papers-collection/zotero.sqlite",) for p in papers_of(result)
    )


def papers_of(result: object) -> list[object]:
    return list(result.papers)


def test_zotero_4_schema_creators_and_collection_filter() -> None:
    """thiagohonorato/referencias: legacy Zotero 4 (creatorData, sourceItemID, mimeType)."""
    everything = read_file(ZOTERO / "thiagohonorato+referencias")
    assert all(p.authors for p in everything.papers[:10])
    only = read_file(ZOTERO / "thiagohonorato+referencias", ReadOptions(collection="cms"))
    assert 0 < len(only.papers) < len(everything.papers)
    assert all("CMS" in p.extra.get("collections", "") for p in only.papers)
    with pytest.raises(LibraryFileError, match="no collection named 'Nope'"):
        read_file(ZOTERO / "thiagohonorato+referencias", ReadOptions(collection="Nope"))


def test_zotero_read_only_without_lock_and_trash_change_picked_up(tmp_path: Path) -> None:
    """A read-only copy of StraightOuttaCrompton/Zotero-git-backup while Zotero 'holds' a lock."""
    folder = tmp_path / "Zotero"
    shutil.copytree(ZOTERO / "StraightOuttaCrompton+Zotero-git-backup", folder)
    database = folder / "zotero.sqlite"
    first = read_file(folder)
    assert len(first.papers) == 3
    with sqlite3.connect(database) as db:  # the user trashes one item
        item = db.execute("SELECT itemID FROM items WHERE key = 'KPR8EHS9'").fetchone()[0]
        db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item,))
    locker = sqlite3.connect(database, isolation_level=None)  # Zotero running: file locked
    locker.execute("BEGIN EXCLUSIVE")
    database.chmod(0o444)
    folder.chmod(0o555)
    try:
        again = read_file(folder)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
        folder.chmod(0o755)
    assert len(again.papers) == 2
    assert "KPR8EHS9" not in {p.extra["zotero_key"] for p in again.papers}


PDF_TITLES = {
    "2023_reflexion_shinn.pdf": "Reflexion: Language Agents with Verbal Reinforcement Learning",
    # Set in capitals on page 1, shown in title case (litreview.reading.casing); the name
    # before the colon as the paper's own text writes it ("ReAct" 150 times).
    "2023_react_yao.pdf": "ReAct: Synergizing Reasoning and Acting in Language Models",
    "2017_attention_is_all_you_need_vaswani_v7.pdf": "Attention Is All You Need",
    "2023_code_as_policies_liang.pdf": "Code as Policies: Language Model Programs for Embodied "
    "Control",
    "1995_svm_cortes_vapnik.pdf": "Support-vector networks",
    "2024_query2cad_badagabettu.pdf": "Query2CAD: Generating CAD Models Using Natural Language "
    "Queries",  # small caps: the second line is smaller type, still the title
    "2016_squeezenet_iandola.pdf": "SqueezeNet: AlexNet-Level Accuracy with 50X Fewer Parameters "
    "and <0.5MB Model Size",  # under a venue line ("Under review as a conference paper")
}

PDF_AUTHORS = {
    "2023_sentiment_llm_zhang.pdf": (
        "Wenxuan Zhang",
        "Yue Deng",
        "Bing Liu",
        "Sinno Jialin Pan",
        "Lidong Bing",
    ),  # one line, footnote digits between names
    "2024_query2cad_badagabettu.pdf": (
        "Akshay Badagabettu",
        "Sai Sravan Yarlagadda",
        "Amir Barati Farimani",
    ),  # affiliations in between
    "1995_svm_cortes_vapnik.pdf": ("Corinna Cortes", "Vladimir Vapnik"),  # typed in capitals
}


@pytest.mark.parametrize("name", sorted(PDF_AUTHORS))
def test_pdf_authors_from_the_first_page_without_affiliations(name: str) -> None:
    (paper,) = read_file(PDFS / name).papers
    assert paper.authors == PDF_AUTHORS[name]


@pytest.mark.parametrize("name", sorted(PDF_TITLES))
def test_pdf_title_never_a_venue_line_or_stamp(name: str) -> None:
    """shared/real/pdfs (Reading-Snail/Zotero, Yi1699/Zotero): title from metadata or page 1."""
    (paper,) = read_file(PDFS / name).papers
    assert paper.title == PDF_TITLES[name]
    assert paper.abstract and paper.extra["abstract_from"] == "abstract section of the PDF"


def test_every_real_pdf_reads_with_pages_and_no_ligatures() -> None:
    for path in sorted(PDFS.glob("*.pdf")):
        (paper,) = read_file(path).papers
        assert paper.full_text, path
        numbers = [p.page for p in paper.full_text]
        assert numbers == sorted(numbers) and numbers[0] == 1
        text = "\n".join(p.text for p in paper.full_text)
        assert not any(ch in text for ch in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufffe"), path


def test_react_pdf_repairs_and_drops_references() -> None:
    """2023_react_yao.pdf: "REAC T" small caps, hyphenation, running header, reference list."""
    (paper,) = read_file(PDFS / "2023_react_yao.pdf").papers
    assert paper.arxiv_id == "2210.03629" and paper.year == 2022
    text = "\n".join(p.text for p in paper.full_text)
    assert "REAC T" not in text
    assert "Published as a conference paper at ICLR 2023" not in text  # running header
    assert "Shunyu Yao" in paper.authors
    # The reference list (page ~10-14) is gone, the appendix after it is kept.
    assert "Michael Ahn, Anthony Brohan" not in text
    assert any("APPENDIX" in p.text.upper() for p in paper.full_text[9:])


@pytest.mark.parametrize("name", sorted(p.name for p in PDFS.glob("*.pdf")))
def test_reference_lists_stay_out_of_the_text(name: str) -> None:
    """Every PDF of shared/real/pdfs: no reference entries left (a line of a reference such
    as "A scalable and extensible approach ..." must not pass for an appendix heading)."""
    (paper,) = read_file(PDFS / name).papers
    body = "\n".join(p.text for p in paper.full_text)
    assert not re.search(r"arXiv preprint|In Proceedings|Proceedings of the", body)


def test_hyphen_repair_keeps_compounds() -> None:
    pages = clean_pages(
        ["computation and English-to-German\r\ncompu\ufffetation of English\ufffeto\r\n"]
    )
    assert pages[0].text == "computation and English-to-German\ncomputation of English-to"


def test_pdf_without_text_and_encrypted_pdf_are_reported(tmp_path: Path) -> None:
    import pypdf

    blank = tmp_path / "scan.pdf"
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(blank)
    with pytest.raises(LibraryFileError, match="has no text layer"):
        read_file(blank)
    source = pypdf.PdfReader(PDFS / "2023_poster_batteryfree_ml_mcu_huang.pdf")
    for password, ok in (("", True), ("secret", False)):
        locked = tmp_path / f"locked-{password or 'empty'}.pdf"
        writer = pypdf.PdfWriter(clone_from=source)
        writer.encrypt(user_password=password, owner_password="owner")
        writer.write(locked)
        if ok:
            assert read_file(locked).papers[0].title.startswith("Poster: Towards Battery-Free")
        else:
            with pytest.raises(LibraryFileError, match="encrypted and needs a password"):
                read_file(locked)


def test_folder_walk_skips_hidden_and_reports_unknown(tmp_path: Path) -> None:
    (tmp_path / "a" / ".git").mkdir(parents=True)
    (tmp_path / "a" / ".git" / "x.bib").write_text("@misc{x}")
    (tmp_path / "a" / "refs.bib").write_text("@misc{x}")
    (tmp_path / "a" / "notes.docx").write_text("x")
    (tmp_path / ".hidden.bib").write_text("@misc{x}")
    shutil.copy(PDFS / "2023_poster_batteryfree_ml_mcu_huang.pdf", tmp_path / "p.pdf")
    shutil.copytree(ZOTERO / "StraightOuttaCrompton+Zotero-git-backup", tmp_path / "Zotero")
    files, skipped = expand_paths([tmp_path])
    assert files == [
        tmp_path / "Zotero" / "zotero.sqlite",
        tmp_path / "a" / "refs.bib",
        tmp_path / "p.pdf",
    ] or sorted(files) == sorted(
        [tmp_path / "Zotero" / "zotero.sqlite", tmp_path / "a" / "refs.bib", tmp_path / "p.pdf"]
    )
    assert skipped == [(tmp_path / "a" / "notes.docx", "not a library format (.docx)")]


def test_pdf_of_a_known_paper_adds_full_text_instead_of_a_second_paper(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{shinn2023,\n title = {Reflexion: language agents with verbal reinforcement "
        "learning},\n eprint = {2303.11366}, archiveprefix = {arXiv},\n abstract = {Large "
        "language models are used as goal-driven agents; Reflexion reinforces them through "
        "linguistic feedback instead of weight updates.}\n}\n",
        encoding="utf-8",
    )
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    (from_bib,) = read_file(bib).papers
    assert catalog.upsert([from_bib]).added == [from_bib.paper_id]
    (from_pdf,) = read_file(PDFS / "2023_reflexion_shinn.pdf").papers
    outcome = catalog.upsert([from_pdf])
    assert outcome.updated == [from_bib.paper_id] and not outcome.added and not outcome.conflicts
    assert catalog.count() == 1
    kept = catalog.get([from_bib.paper_id])[from_bib.paper_id]
    assert kept.abstract == from_bib.abstract  # the BibTeX abstract, not the PDF's stand-in
    pages = catalog.pages(from_bib.paper_id)
    assert len(pages) == len(from_pdf.full_text) and pages[0].page == 1
    again = catalog.upsert([from_pdf])  # the same PDF again changes nothing
    assert again.unchanged == [from_bib.paper_id]


# The papers table as catalogs written before DOIs counted (no identity columns) had it.
OLD_PAPERS_TABLE = (
    "CREATE TABLE papers (paper_id TEXT PRIMARY KEY, title TEXT NOT NULL, abstract TEXT "
    "NOT NULL, authors TEXT NOT NULL DEFAULT '[]', year INTEGER, url TEXT, links TEXT NOT "
    "NULL DEFAULT '[]', sources TEXT NOT NULL DEFAULT '[]', extra TEXT NOT NULL DEFAULT "
    "'{}', content_hash TEXT NOT NULL, indexed INTEGER NOT NULL DEFAULT 0, added_at REAL "
    "NOT NULL, updated_at REAL NOT NULL);"
)


def test_old_catalog_opens_and_gains_identity_columns(tmp_path: Path) -> None:
    """A catalog written before DOIs counted: it opens, keeps its ids, DOIs come from extra."""
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_PAPERS_TABLE)
        db.execute(
            "INSERT INTO papers (paper_id, title, abstract, extra, content_hash, added_at, "
            "updated_at) VALUES ('abc', 'Old', 'text', ?, 'h', 0, 0)",
            (json.dumps({"doi": "https://doi.org/10.1000/OLD"}),),
        )
    catalog = Catalog(path)
    paper = catalog.get(["abc"])["abc"]
    assert paper.doi == "10.1000/old" and paper.title == "Old"


def test_a_pdf_without_a_findable_title_is_named_by_its_file() -> None:
    from litreview.reading.readers.pdf import _title_from_name

    zotero_name = Path("Dean and Ghemawat - 2008 - MapReduce simplified data processing.pdf")
    assert _title_from_name(zotero_name) == "MapReduce simplified data processing"
    assert _title_from_name(Path("_.pdf")) is None  # Zotero's "_.pdf": not a title


def test_a_sqlite_file_that_is_not_zotero_is_reported(tmp_path: Path) -> None:
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(LibraryFileError, match="not a readable Zotero database"):
        read_file(other)


def test_old_catalog_in_a_read_only_folder_still_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog from before DOIs, opened read-only (immutable): listed as it is, no migration."""
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            OLD_PAPERS_TABLE + "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO papers (paper_id, title, abstract, content_hash, added_at, updated_at) "
            "VALUES ('abc', 'Old', 'text', 'h', 0, 0);"
        )
    import litreview.index.sqlite_store as store

    monkeypatch.setattr(store.os, "access", lambda *_: False)
    catalog = Catalog(path)
    assert not catalog.writable
    assert [p.title for p in catalog.all()] == ["Old"] and catalog.get(["abc"])["abc"].doi is None
    assert catalog.pages("abc") == () and catalog.fulltext_count() == 0


def test_better_bibtex_citation_key_from_extra(tmp_path: Path) -> None:
    """ganeshbelgur/zotero-sync: 43 items carry "Citation Key: ..." in extra (none has an
    abstract there, so one is given one in a copy)."""
    folder = tmp_path / "Zotero"
    shutil.copytree(REAL / "zotero" / "ganeshbelgur+zotero-sync", folder)
    with sqlite3.connect(folder / "zotero.sqlite") as db:
        db.execute("INSERT INTO itemDataValues (value) VALUES ('An abstract for the test.')")
        value = db.execute("SELECT max(valueID) FROM itemDataValues").fetchone()[0]
        field = db.execute("SELECT fieldID FROM fields WHERE fieldName='abstractNote'").fetchone()
        db.execute("INSERT INTO itemData VALUES (1, ?, ?)", (field[0], value))
    result = read_file(folder)
    keyed = [p for p in result.papers if p.extra.get("citation_key")]
    assert [p.extra["citation_key"] for p in keyed] == ["goldsmith1987automatic"]


def test_missing_attachment_warning_says_what_became_of_the_item(tmp_path: Path) -> None:
    """thiagohonorato/referencias: a database without its storage/ folder printed ~45 lines,
    one an item; one line says it for all. With storage/ there (and the files not), each item
    is said, and an item with no abstract either is skipped, its warning not saying added."""
    result = read_file(ZOTERO / "thiagohonorato+referencias")
    assert not [w for w in result.warnings if w.startswith("item ")] and not result.files_missing
    (line,) = [w for w in result.warnings if w.startswith("no storage/ folder")]
    # of the 16 items without an abstract, 8 have a (missing) PDF (sqlite3); and the book
    # review whose abstract is "Not Available"
    assert "the attachments of 40 items are not here (31 added with their metadata only, 9 " in line
    (standalone,) = [w for w in result.warnings if "(PDF missing)" in w]
    assert standalone.startswith(
        "skipped 10 record(s) (PDF missing) (items JDMNPMNJ “01201263.pdf”, PI2XBH25 “Luiz "
    )

    folder = tmp_path / "Zotero"
    (folder / "storage").mkdir(parents=True)
    shutil.copy(ZOTERO / "thiagohonorato+referencias" / "zotero.sqlite", folder)
    result = read_file(folder)
    warned = {w.split(" ", 2)[1]: w for w in result.warnings if w.startswith("item ")}
    kept_keys = {p.extra["zotero_key"] for p in result.papers}
    assert warned["4E2C55RX"].endswith("is missing; skipped (no abstract either)")
    assert "4E2C55RX" not in kept_keys
    # a kept item's warning is finished by the ingest, as the catalog takes it
    kept_without = {m.ref: m.message for m in result.files_missing}
    assert "M7KXIT5N" not in warned and kept_without["M7KXIT5N"].endswith("is missing")
    assert "M7KXIT5N" in kept_keys
    assert sum(w.endswith("skipped (no abstract either)") for w in warned.values()) == 9
    assert sum(w.startswith("standalone PDF ") for w in result.warnings) == 10


def test_a_one_sentence_abstract_is_the_abstract() -> None:
    """San7o/research-papers-collection: Paxos Made Simple's abstract is one sentence on page 2;
    the stand-in was "Paxos Made Simple Leslie Lamport 01 Nov 2001 Abstract The Paxos ..."."""
    result = read_file(ZOTERO / "San7o+research-papers-collection")
    (paxos,) = [p for p in result.papers if p.title == "Paxos Made Simple"]
    assert paxos.abstract == (
        "The Paxos algorithm, when presented in plain English, is very simple."
    )
    assert paxos.extra["abstract_from"] == "abstract section of the PDF"


def test_a_manuscript_dated_under_its_title_has_that_year() -> None:
    """Paxos Made Simple's Zotero item has no date and its page 1 is its title, its author and
    "01 Nov 2001": a line that is a date alone dates the paper (it had no year, so
    ``--year-from`` dropped it and references.bib printed none)."""
    from litreview.reading.readers.pdf import _year_from_page

    result = read_file(ZOTERO / "San7o+research-papers-collection")
    (paxos,) = [p for p in result.papers if p.title == "Paxos Made Simple"]
    assert paxos.year == 2001
    for line, year in [("November 1, 2001", "2001"), ("May 2004", "2004"), ("2001-11-01", "2001")]:
        assert _year_from_page(f"A Title\nAn Author\n{line}") == year
    # a sentence that starts with a month is not a date line
    assert _year_from_page("May 2004 be the year we learn") is None


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("1995_svm_cortes_vapnik.pdf", 1995),  # "Machine Leaming, 20, 273-297 (1995)"
        ("2023_poster_batteryfree_ml_mcu_huang.pdf", 2023),  # "© 2023 Copyright held by ..."
        ("2023_raman_plastic_cnn_chinese_yuan.pdf", 2023),  # "1005-5630(2023)05-0035-09"
        ("2023_react_yao.pdf", 2022),  # the arXiv id's year first (ICLR 2023 on the page)
    ],
)
def test_a_pdf_without_an_arxiv_stamp_is_dated_by_its_first_page(name: str, year: int) -> None:
    """Without an arXiv id these PDFs had no year, so ``--year-from`` dropped them."""
    (paper,) = read_file(PDFS / name).papers
    assert paper.year == year


def test_body_years_do_not_date_a_pdf() -> None:
    from litreview.reading.readers.pdf import _year_from_page

    assert _year_from_page("Abstract\nMore than 60 years ago R.A. Fisher (Fisher, 1936)") is None
    assert _year_from_page("Journal of Things 12 (2019)\n© 2020 Elsevier\n(2019) again") == "2019"


def test_attachment_names_stored_mangled_or_decomposed_find_their_files(tmp_path: Path) -> None:
    """thiagohonorato's zotero.sqlite stores attachment names as UTF-8 read as
    Windows-1252 ("Definindo requisitos nÃ£o funcionais.pdf"); its storage/ folder is not
    in the repository, so the files are put back here under the names a disk would hold:
    the real one ("não"), and one in decomposed Unicode as a Mac copy holds it."""
    import unicodedata

    folder = tmp_path / "Zotero"
    folder.mkdir()
    shutil.copy(ZOTERO / "thiagohonorato+referencias" / "zotero.sqlite", folder)
    pdf = PDFS / "2016_squeezenet_iandola.pdf"
    for key, name, form in [
        ("4BN8RW6U", "Cysneiros e Leite - 1997 - Definindo requisitos não funcionais.pdf", "NFC"),
        (
            "UCM79RV9",
            "de Vasconcelos et al. - 2006 - Introdução à Engenharia de Software e à Qualidade .pdf",
            "NFD",
        ),
    ]:
        (folder / "storage" / key).mkdir(parents=True)
        shutil.copy(pdf, folder / "storage" / key / unicodedata.normalize(form, name))
    collected = read_file(folder / "zotero.sqlite")
    by_title = {p.title: p for p in collected.papers}
    for title in ("Definindo requisitos não funcionais", "Introdução à Engenharia de Software"):
        (paper,) = [p for t, p in by_title.items() if t.startswith(title)]
        assert paper.full_text, title
    warnings = "\n".join(collected.warnings)
    # A missing attachment is named as a disk would name it ("BarrÃ©re" in the database).
    assert "Barrére - CONSTRUÇÃO" in warnings and "Ã©" not in warnings
    assert "Uma Ontologia de Requisitos de Software" in warnings
