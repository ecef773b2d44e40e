"""Authors and year from a PDF: for a loose PDF, and for a Zotero item that lacks them.

On the real files of ``/work/shared/real`` (sources in its README): the 12 PDFs of ``pdfs/``
and the 13 in the Zotero libraries' ``storage/`` folders. A wrong author is worse than none
(a draft would write "Bolton Landing et al."), so every one of the 25 is pinned: the names
it gives, or none where page 1 is not unambiguous.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from litreview.reading import Paper, read_file

REAL = Path("/work/shared/real")
PDFS = REAL / "pdfs"
SAN7O = REAL / "zotero" / "San7o+research-papers-collection"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")

GFS_AUTHORS = ("Sanjay Ghemawat", "Howard Gobioff", "Shun-Tak Leung")

# Every real PDF read on its own: its authors, checked by hand against its page 1. Empty where
# the reader cannot be sure and so names no one. Paths under shared/real.
EXPECTED_AUTHORS: dict[str, tuple[str, ...]] = {
    "pdfs/1995_svm_cortes_vapnik.pdf": ("Corinna Cortes", "Vladimir Vapnik"),
    "pdfs/2016_squeezenet_iandola.pdf": (
        "Forrest N. Iandola",
        "Song Han",
        "Matthew W. Moskewicz",
        "Khalid Ashraf",
        "William J. Dally",
        "Kurt Keutzer",
    ),
    # "Łukasz Kaiser" was left out: a capital outside Latin-1 did not start a name.
    "pdfs/2017_attention_is_all_you_need_vaswani_v7.pdf": (
        "Ashish Vaswani",
        "Noam Shazeer",
        "Niki Parmar",
        "Jakob Uszkoreit",
        "Llion Jones",
        "Aidan N. Gomez",
        "Łukasz Kaiser",
        "Illia Polosukhin",
    ),
    "pdfs/2023_code_as_policies_liang.pdf": (
        "Jacky Liang",
        "Wenlong Huang",
        "Fei Xia",
        "Peng Xu",
        "Karol Hausman",
        "Brian Ichter",
        "Pete Florence",
        "Andy Zeng",
    ),
    # Five authors; the metadata names the first ("Rafał Tobiasz et. al.") and page 1 sets
    # "Grzegorz Wilczynski ´" apart from its accent, so no complete list is to be had there.
    "pdfs/2023_edge_inference_tobiasz.pdf": ("Rafał Tobiasz",),
    "pdfs/2023_poster_batteryfree_ml_mcu_huang.pdf": ("Yushan Huang", "Hamed Haddadi"),
    "pdfs/2023_raman_plastic_cnn_chinese_yuan.pdf": (),  # Chinese names: not read
    "pdfs/2023_react_yao.pdf": (
        "Shunyu Yao",
        "Jeffrey Zhao",
        "Dian Yu",
        "Nan Du",
        "Izhak Shafran",
        "Karthik Narasimhan",
        "Yuan Cao",
    ),
    "pdfs/2023_reflexion_shinn.pdf": (
        "Noah Shinn",
        "Federico Cassano",
        "Edward Berman",
        "Ashwin Gopinath",
        "Karthik Narasimhan",
        "Shunyu Yao",
    ),
    "pdfs/2023_sentiment_llm_zhang.pdf": (
        "Wenxuan Zhang",
        "Yue Deng",
        "Bing Liu",
        "Sinno Jialin Pan",
        "Lidong Bing",
    ),
    "pdfs/2024_autodroid_wen.pdf": (
        "Hao Wen",
        "Yuanchun Li",
        "Guohong Liu",
        "Shanhui Zhao",
        "Tao Yu",
        "Toby Jia-Jun Li",
        "Shiqi Jiang",
        "Yunhao Liu",
        "Yaqin Zhang",
        "Yunxin Liu",
    ),
    "pdfs/2024_query2cad_badagabettu.pdf": (
        "Akshay Badagabettu",
        "Sai Sravan Yarlagadda",
        "Amir Barati Farimani",
    ),
    # A magazine layout: no author line on page 1.
    "zotero/San7o+research-papers-collection/storage/DEPC7PWX/"
    "Nargund - 2009 - Declining birth rate in Developed Countries A rad.pdf": (),
    # The metadata names the first author only; page 1 names all three.
    "zotero/San7o+research-papers-collection/storage/EXBMCZDT/"
    "Sloan et al. - 2017 - The Resilience of Life to Astrophysical Events.pdf": (
        "David Sloan",
        "Rafael Alves Batista",
        "Abraham Loeb",
    ),
    # An affiliation under each name: "Yale University, New Haven, ..." gave "New Haven".
    "zotero/San7o+research-papers-collection/storage/ILY4REGN/"
    "Fischer et al. - 1985 - Impossibility of distributed consensus with one fa.pdf": (
        "Michael J. Fischer",
        "Nancy A. Lynch",
        "Michael S. Paterson",
    ),
    "zotero/San7o+research-papers-collection/storage/L5VFETMG/"
    "Dean and Ghemawat - 2008 - MapReduce simplified data processing on large clu.pdf": (
        "Jeffrey Dean",
        "Sanjay Ghemawat",
    ),
    # No abstract heading: the ACM reference and address lines below gave "W. C",
    # "Trans. Comput. Syst", "Amphitheatre Parkway", "Penn Plaza", "New York" ...
    "zotero/San7o+research-papers-collection/storage/P3IFQHTA/"
    "Chang et al. - 2008 - Bigtable A Distributed Storage System for Structu.pdf": (
        "Fay Chang",
        "Jeffrey Dean",
        "Sanjay Ghemawat",
        "Wilson C. Hsieh",
        "Deborah A. Wallach",
        "Mike Burrows",
        "Tushar Chandra",
        "Andrew Fikes",
        "Robert E. Gruber",
    ),
    # Every font at size 1, scaled by the text matrix: the whole page was the title, and the
    # venue line "SOSP'03, October 19-22, 2003, Bolton Landing, New York" the authors.
    "zotero/San7o+research-papers-collection/storage/QIYJPXTB/945445.pdf": GFS_AUTHORS,
    "zotero/San7o+research-papers-collection/storage/RBIZZVKX/"
    "Smolka et al. - 2023 - Fuzz on the Beach Fuzzing Solana Smart Contracts.pdf": (
        "Sven Smolka",
        "Jens-Rene Giesen",
        "Pascal Winkler",
        "Oussama Draissi",
        "Lucas Davi",
        "Ghassan Karame",
        "Klaus Pohl",
    ),
    "zotero/San7o+research-papers-collection/storage/T9WGLSV3/"
    "Rasouli et al. - 2022 - Potential Applications of Social Robots in Robot-A.pdf": (
        "Samira Rasouli",
        "Garima Gupta",
        "Elizabeth Nilsen",
        "Kerstin Dautenhahn",
    ),
    # "DFINITY Foundation" under each name, in smaller type.
    "zotero/San7o+research-papers-collection/storage/WH6NMLB5/"
    "Camenisch et al. - 2022 - Internet Computer Consensus.pdf": (
        "Jan Camenisch",
        "Manu Drijvers",
        "Timo Hanke",
        "Yvonne-Anne Pignolet",
        "Victor Shoup",
        "Dominic Williams",
    ),
    "zotero/San7o+research-papers-collection/storage/Y82DIS32/paxos-simple.pdf": (
        "Leslie Lamport",
    ),
    # Three names on one line with no separator PDFium keeps: not split by guesswork.
    "zotero/StraightOuttaCrompton+Zotero-git-backup/storage/D8U5D9DE/"
    "Fekom et al. - 2020 - Optimal Multiple Stopping Rule for Warm-Starting S.pdf": (),
    "zotero/StraightOuttaCrompton+Zotero-git-backup/storage/NZQQEMC5/"
    "Bontrager and Togelius - 2020 - Fully Differentiable Procedural Content Generation.pdf": (
        "Philip Bontrager",
        "Julian Togelius",
    ),
    "zotero/StraightOuttaCrompton+Zotero-git-backup/storage/VBAXIRIQ/"
    "De Bock - 2020 - Archimedean Choice Functions an Axiomatic Foundat.pdf": ("Jasper De Bock",),
}


def test_every_real_pdf_is_pinned() -> None:
    """A PDF added to shared/real is added here too, so its authors are looked at."""
    found = {
        str(p.relative_to(REAL))
        for p in [*PDFS.glob("*.pdf"), *(REAL / "zotero").glob("*/storage/*/*.pdf")]
    }
    assert found == set(EXPECTED_AUTHORS)


@pytest.mark.parametrize("name", sorted(EXPECTED_AUTHORS))
def test_a_real_pdf_read_alone_names_its_authors_or_no_one(name: str) -> None:
    (paper,) = read_file(REAL / name).papers
    assert paper.authors == EXPECTED_AUTHORS[name]


def test_gfs_pdf_alone_has_its_title_authors_and_year() -> None:
    """Its fonts are all "size 1" under a scaling matrix: the title was all of page 1."""
    (paper,) = read_file(SAN7O / "storage" / "QIYJPXTB" / "945445.pdf").papers
    assert paper.title == "The Google File System"
    assert paper.authors == GFS_AUTHORS
    assert paper.year == 2003  # "SOSP'03, October 19-22, 2003, Bolton Landing, New York, USA."


def test_zotero_item_without_creators_or_date_takes_them_from_its_pdf() -> None:
    """San7o's "The Google File System" is a web-page item with GFS.pdf under it and no
    creators or date: drafts cited it by title alone, references.bib had no author or year."""
    result = read_file(SAN7O)
    (gfs,) = [p for p in result.papers if p.title == "The Google File System"]
    assert gfs.extra["item_type"] == "webpage" and gfs.extra["pdf"].endswith("945445.pdf")
    assert gfs.authors == GFS_AUTHORS
    assert gfs.year == 2003


def test_zotero_items_with_creators_keep_theirs() -> None:
    """Every other item with a PDF has creators and a date in Zotero: those stand, in
    Zotero's form ("Dean, Jeffrey"), though its PDF names the same people differently."""
    result = read_file(SAN7O)
    by_title = {p.title: p for p in result.papers}
    mapreduce = by_title["MapReduce: simplified data processing on large clusters"]
    assert mapreduce.authors == ("Dean, Jeffrey", "Ghemawat, Sanjay")
    nargund = next(p for t, p in by_title.items() if t.startswith("Declining birth rate"))
    assert nargund.authors == ("Nargund, G.",) and nargund.year == 2009


def _san7o_copy(tmp_path: Path) -> Path:
    """The San7o database and GFS's storage folder, in a folder a test may change."""
    folder = tmp_path / "zotero"
    (folder / "storage").mkdir(parents=True)
    shutil.copy(SAN7O / "zotero.sqlite", folder / "zotero.sqlite")
    shutil.copytree(SAN7O / "storage" / "QIYJPXTB", folder / "storage" / "QIYJPXTB")
    return folder


def _gfs(folder: Path) -> Paper:
    (gfs,) = [p for p in read_file(folder).papers if p.title == "The Google File System"]
    return gfs


def _date_gfs(db: sqlite3.Connection, date: str) -> int:
    """Give San7o's GFS item (no date of its own) ``date``, as a user would in Zotero."""
    (item_id,) = db.execute("SELECT itemID FROM items WHERE key = 'YETXCY5K'").fetchone()
    (date_field,) = db.execute("SELECT fieldID FROM fields WHERE fieldName = 'date'").fetchone()
    db.execute("INSERT INTO itemDataValues (valueID, value) VALUES (999999, ?)", (date,))
    db.execute(
        "INSERT INTO itemData (itemID, fieldID, valueID) VALUES (?, ?, 999999)",
        (item_id, date_field),
    )
    return int(item_id)


def test_what_the_user_entered_in_zotero_is_never_replaced_by_the_pdf(tmp_path: Path) -> None:
    folder = _san7o_copy(tmp_path)
    with sqlite3.connect(folder / "zotero.sqlite") as db:
        item_id = _date_gfs(db, "2002-10-01")
        db.execute(
            "INSERT INTO creators (creatorID, firstName, lastName) VALUES (999999, 'A.', 'User')"
        )
        (author_type,) = db.execute(
            "SELECT creatorTypeID FROM creatorTypes WHERE creatorType = 'author'"
        ).fetchone()
        db.execute(
            "INSERT INTO itemCreators (itemID, creatorID, creatorTypeID, orderIndex) "
            "VALUES (?, 999999, ?, 0)",
            (item_id, author_type),
        )
    gfs = _gfs(folder)
    assert gfs.authors == ("User, A.",)
    assert gfs.year == 2002


def test_a_date_without_a_year_is_filled(tmp_path: Path) -> None:
    folder = _san7o_copy(tmp_path)
    with sqlite3.connect(folder / "zotero.sqlite") as db:
        _date_gfs(db, "n.d.")
    assert _gfs(folder).year == 2003


@pytest.mark.parametrize(
    "line",
    [
        "Yale University, New Haven, Connecticut",  # Fischer et al.: gave "New Haven"
        "SOSP'03, October 19-22, 2003, Bolton Landing, New York, USA.",  # GFS's venue line
        "Authors' address: Google Inc., 1600 Amphitheatre Parkway, Mountain View, CA 94043",
        "Chang, F., Dean, J., Ghemawat, S., Hsieh, W. C., Wallach, D. A., Burrows, M.,",
        "DFINITY Foundation",
        "General Terms",
        "Zurich, Switzerland",
    ],
)
def test_a_line_that_is_not_all_names_gives_no_author(line: str) -> None:
    from litreview.reading.readers.pdf import _name_line

    assert _name_line(line) is None


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Sanjay Ghemawat, Howard Gobioff, and Shun-Tak Leung", list(GFS_AUTHORS)),
        ("by Jeffrey Dean and Sanjay Ghemawat", ["Jeffrey Dean", "Sanjay Ghemawat"]),
        (
            "Samira Rasouli1 · Garima Gupta2 · Elizabeth Nilsen2",
            ["Samira Rasouli", "Garima Gupta", "Elizabeth Nilsen"],
        ),
        (
            "David Sloan 1, Rafael Alves Batista 1 & Abraham Loeb2",
            ["David Sloan", "Rafael Alves Batista", "Abraham Loeb"],
        ),
        ("Łukasz Kaiser∗", ["Łukasz Kaiser"]),
    ],
)
def test_a_line_of_names_gives_them(line: str, names: list[str]) -> None:
    from litreview.reading.readers.pdf import _name_line

    assert _name_line(line) == names


def test_an_author_block_with_more_mailboxes_than_names_gives_none() -> None:
    """Tobiasz et al.: five e-mail lines, and a name the reader cannot take."""
    from litreview.reading.readers.pdf import _authors_from_page

    lines = [
        (17.0, "EDGE DEVICES INFERENCE PERFORMANCE COMPARISON"),
        (10.0, "A PREPRINT"),
        (10.0, "Rafał Tobiasz∗"),
        (10.0, "rafal.tobiasz@bulletprove.com"),
        (10.0, "Grzegorz Wilczynski ´"),
        (10.0, "grzegorz.wilczynski@bulletprove.com"),
        (10.0, "Piotr Graszka"),
        (10.0, "piotr.graszka@bulletprove.com"),
        (12.0, "ABSTRACT"),
    ]
    assert _authors_from_page(lines, 0) == []
    assert _authors_from_page([lines[0], *lines[6:]], 0) == ["Piotr Graszka"]
