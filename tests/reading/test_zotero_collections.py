"""Standalone PDFs in Zotero collections, and skipped items named by title (real libraries in
``/work/shared/real/zotero``).

San7o/research-papers-collection: Paxos Made Simple is a PDF with no parent item (attachment
Y82DIS32) filed in "Distributed Systems", a sub-collection of "Computer Science". Its paper had
no collections, so ``library --collection "distributed systems"`` listed 6 papers of Zotero's 7
with abstracts, and ``ingest --collection "Computer Science"`` left it out without a word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.reading import read_file
from litreview.reading.readers import ReadOptions

REAL = Path("/work/shared/real")
SAN7O = REAL / "zotero" / "San7o+research-papers-collection"
THIAGO = REAL / "zotero" / "thiagohonorato+referencias"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared/real material not present")


def _by_key(papers: object) -> dict[str, object]:
    return {p.extra["zotero_key"]: p for p in papers}  # type: ignore[attr-defined]


def test_a_standalone_pdf_keeps_the_collections_its_attachment_is_filed_in() -> None:
    result = read_file(SAN7O)
    by_key = _by_key(result.papers)
    paxos = by_key["Y82DIS32"]
    assert paxos.title == "Paxos Made Simple" and paxos.extra["item_type"] == "attachment"
    # the same format as a regular item's: MapReduce is filed in "Distributed Systems" too
    (mapreduce,) = [p for p in result.papers if p.title.startswith("MapReduce")]
    assert paxos.extra["collections"] == mapreduce.extra["collections"] == "Distributed Systems"
    assert paxos.extra["collections_within"] == mapreduce.extra["collections_within"]
    assert paxos.extra["collections_within"] == "Computer Science"
    # 7 papers with an abstract (or a stand-in) are filed under Distributed Systems, Paxos too
    distributed = [
        p for p in result.papers if "Distributed Systems" in p.extra.get("collections", "")
    ]
    assert len(distributed) == 7 and paxos in distributed


@pytest.mark.parametrize("name", ["Computer Science", "distributed systems"])
def test_a_collection_limited_read_includes_the_standalone_pdf_filed_in_it(name: str) -> None:
    result = read_file(SAN7O, ReadOptions(collection=name))
    titles = {p.title for p in result.papers}
    assert "Paxos Made Simple" in titles
    assert "MapReduce: simplified data processing on large clusters" in titles


def test_a_collection_limited_read_leaves_out_a_standalone_pdf_filed_elsewhere() -> None:
    titles = {p.title for p in read_file(SAN7O, ReadOptions(collection="Space")).papers}
    assert titles and "Paxos Made Simple" not in titles


def test_a_collection_limited_read_of_a_library_without_storage_names_its_standalone_pdfs() -> None:
    """thiagohonorato/referencias (Zotero 4, no storage/): three of its ten standalone PDFs are
    filed in "CMS" (sqlite3); the collection read skips them as missing, as the whole read does."""
    result = read_file(THIAGO, ReadOptions(collection="cms"))
    (line,) = [w for w in result.warnings if "(PDF missing)" in w]
    assert line.startswith("skipped 3 record(s) (PDF missing) (items I2D27N7W “OCORRÊNCIA DO")
    assert "KTANKTK4 “CMS.pdf”" in line


def test_skipped_items_are_named_by_their_cut_title_and_the_line_stays_short() -> None:
    """thiagohonorato/referencias: 16 items without an abstract were listed as keys only."""
    result = read_file(THIAGO)
    (line,) = [w for w in result.warnings if "without an abstract" in w]
    assert line.startswith("skipped 16 record(s) without an abstract (items ABCD2345 “Guia de ")
    assert "RSK58Z42 “Introdução à Engenharia de Software e à Qualidade…”" in line
    assert line.endswith(" ...)") and line.count("“") == 10  # ten named, as ten keys were
    assert len(line) < 10 * 65 + 60
