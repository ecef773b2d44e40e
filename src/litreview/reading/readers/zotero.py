"""A Zotero library read straight from its ``zotero.sqlite`` (Zotero 4 to 7).

The database is opened with SQLite's ``immutable=1`` URI: no lock, no
journal, no write, so it works while Zotero runs and holds its lock, and on
a read-only copy. Papers are the regular items not in the trash; notes,
attachments and annotations are not papers, and feed items are not in the
library. Imported (``storage:``) and linked PDF attachments are read for full
text; a missing one is reported and its item still goes in. A PDF filed on its
own (an attachment without a parent item) is read as a paper, like a loose
PDF, so dropping a PDF into Zotero without metadata loses nothing.

An item with no PDF that gives text is read from its HTML snapshot, the page Zotero saved
with it (:mod:`.web_page`): a paper published as a web page (Burrows' Chubby paper in San7o's
library) has no other full text, and, having no abstract field, was skipped. The page's text
is its full text, and an abstract the page holds stands in for a missing one. A PDF always
comes first: a snapshot beside one is usually the paper's landing page (an arXiv abstract
page), not the paper. A missing snapshot is not reported: it is a copy of the page the
item's URL names, and libraries that sync files on demand would list every web item.

An item with no creators (or no year) takes them from its PDF where the PDF is sure of
them (its metadata, or page-1 lines holding nothing but names: :mod:`.pdf`): a web page
saved from a paper's site has neither, and a draft would cite it by title alone. An item
read from its snapshot takes them from the page the same way (its ``citation_author`` /
``DC.creator`` and date meta tags, else the byline under its title: :func:`.web_page.byline`;
Chubby's "Mike Burrows, Google Inc." and "6 September 2006"). What the item itself says is
never replaced.

Schema differences handled: Zotero 4 keeps names in ``creatorData`` and an
attachment's parent in ``sourceItemID`` / type in ``mimeType``; Zotero 5+ has
``creators(firstName, lastName)``, ``parentItemID`` and ``contentType``;
Zotero 7 has a ``citationKey`` field, Better BibTeX writes ``Citation Key:``
into ``extra``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.reading.build import Collected, parse_year
from litreview.reading.errors import LibraryFileError
from litreview.reading.normalize import cut_title, find_arxiv, find_doi
from litreview.reading.paper import PageText

if TYPE_CHECKING:  # the PDF reader (pypdfium2) loads only when a library has PDFs
    from litreview.reading.readers.pdf import PdfText

NOT_PAPERS = ("note", "attachment", "annotation")
# Zotero item types as BibTeX entry types (as Zotero's own BibTeX export names them), and the
# fields a draft's references.bib writes back (plain text, in ``Paper.extra`` by BibTeX name):
# a cited item keeps its journal, volume, pages... as a BibTeX import does.
ENTRY_TYPES = {
    "journalArticle": "article",
    "magazineArticle": "article",
    "newspaperArticle": "article",
    "conferencePaper": "inproceedings",
    "bookSection": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
    "manuscript": "unpublished",
}
BIBTEX_FIELDS = {
    "proceedingsTitle": "booktitle",
    "bookTitle": "booktitle",
    "volume": "volume",
    "issue": "number",
    "pages": "pages",
    "publisher": "publisher",
    "place": "address",
    "series": "series",
    "edition": "edition",
    "university": "school",
    "institution": "institution",
    "ISBN": "isbn",
    "ISSN": "issn",
}
_CITATION_KEY = re.compile(r"^\s*citation key:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
LINK_IMPORTED_FILE, LINK_IMPORTED_URL, LINK_LINKED_FILE, LINK_LINKED_URL = 0, 1, 2, 3


def default_data_dir() -> Path:
    """Where Zotero keeps its data unless told otherwise (``~/Zotero`` on every platform)."""
    return Path.home() / "Zotero"


def _open(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        db.execute("SELECT COUNT(*) FROM items").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LibraryFileError(path, f"not a readable Zotero database ({exc})") from exc
    return db


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in db.execute(f"PRAGMA table_info({table})")}


class _Schema:
    """The names this database's version uses for the same things."""

    def __init__(self, db: sqlite3.Connection) -> None:
        tables = _tables(db)
        self.item_types = "itemTypesCombined" if "itemTypesCombined" in tables else "itemTypes"
        self.fields = "fieldsCombined" if "fieldsCombined" in tables else "fields"
        attachment_columns = _columns(db, "itemAttachments")
        self.parent = "parentItemID" if "parentItemID" in attachment_columns else "sourceItemID"
        self.mime = "contentType" if "contentType" in attachment_columns else "mimeType"
        self.creator_data = "creatorData" in tables
        self.feeds = "feedItems" in tables
        self.deleted = "deletedItems" in tables


def _filed_in(ids: list[int] | None) -> tuple[str, list[object]]:
    """The condition that keeps an item (``i``) filed in one of the collections ``ids``, or
    none when every item is wanted. A standalone PDF is an item of its own in
    ``collectionItems``, so the same condition picks regular items and standalone PDFs."""
    if ids is None:
        return "", []
    marks = ",".join("?" * len(ids))
    return (
        f" AND i.itemID IN (SELECT itemID FROM collectionItems WHERE collectionID IN ({marks}))",
        list(ids),
    )


def _item_rows(
    db: sqlite3.Connection, schema: _Schema, ids: list[int] | None
) -> list[tuple[int, str, str]]:
    not_papers = ",".join(f"'{t}'" for t in NOT_PAPERS)
    sql = (
        f"SELECT i.itemID, i.key, t.typeName FROM items i JOIN {schema.item_types} t "
        f"ON t.itemTypeID = i.itemTypeID WHERE t.typeName NOT IN ({not_papers})"
    )
    if schema.deleted:
        sql += " AND i.itemID NOT IN (SELECT itemID FROM deletedItems)"
    if schema.feeds:
        sql += " AND i.itemID NOT IN (SELECT itemID FROM feedItems)"
    where, params = _filed_in(ids)
    return [
        (int(r[0]), str(r[1]), str(r[2]))
        for r in db.execute(sql + where + " ORDER BY i.itemID", params)
    ]


def _enclosing_collections(db: sqlite3.Connection) -> dict[int, list[str]]:
    """Per item, the collections enclosing the ones it is filed in (parents, grandparents...).

    Kept beside the item's own collections so that searching one collection
    takes in its sub-collections, as ``ingest --collection`` does.
    """
    rows = db.execute("SELECT collectionID, collectionName, parentCollectionID FROM collections")
    parent = {int(cid): (str(name), pid) for cid, name, pid in rows}
    out: dict[int, list[str]] = {}
    for item_id, cid in db.execute("SELECT itemID, collectionID FROM collectionItems"):
        seen: set[int] = {int(cid)}
        up = parent.get(int(cid), ("", None))[1]
        while up is not None and up in parent and up not in seen:  # a cycle is not followed
            seen.add(up)
            out.setdefault(int(item_id), []).append(parent[up][0])
            up = parent[up][1]
    return out


def _collection_ids(db: sqlite3.Connection, name: str) -> list[int]:
    """A collection named ``name`` (case-insensitive) and all its sub-collections."""
    rows = db.execute(
        "SELECT collectionID, collectionName, parentCollectionID FROM collections"
    ).fetchall()
    wanted = [r[0] for r in rows if str(r[1]).casefold() == name.casefold()]
    if not wanted:
        names = ", ".join(sorted({str(r[1]) for r in rows})) or "none"
        raise LibraryFileError(
            Path(db.execute("PRAGMA database_list").fetchone()[2]),
            f"no collection named {name!r} (collections: {names})",
        )
    found = set(wanted)
    grew = True
    while grew:
        grew = False
        for cid, _, parent in rows:
            if parent in found and cid not in found:
                found.add(cid)
                grew = True
    return sorted(found)


def _fields(db: sqlite3.Connection, schema: _Schema) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    rows = db.execute(
        f"SELECT d.itemID, f.fieldName, v.value FROM itemData d "
        f"JOIN {schema.fields} f ON f.fieldID = d.fieldID "
        "JOIN itemDataValues v ON v.valueID = d.valueID"
    )
    for item_id, name, value in rows:
        out.setdefault(int(item_id), {})[str(name)] = "" if value is None else str(value)
    return out


def _creators(db: sqlite3.Connection, schema: _Schema) -> dict[int, list[str]]:
    names = (
        "JOIN creatorData n ON n.creatorDataID = c.creatorDataID"
        if schema.creator_data
        else "JOIN creators n ON n.creatorID = c.creatorID"
    )
    rows = db.execute(
        "SELECT ic.itemID, n.firstName, n.lastName, t.creatorType FROM itemCreators ic "
        f"JOIN creators c ON c.creatorID = ic.creatorID {names} "
        "LEFT JOIN creatorTypes t ON t.creatorTypeID = ic.creatorTypeID "
        "ORDER BY ic.itemID, ic.orderIndex"
    )
    authors: dict[int, list[str]] = {}
    others: dict[int, list[str]] = {}
    for item_id, first, last, kind in rows:
        name = ", ".join(p for p in (str(last or "").strip(), str(first or "").strip()) if p)
        target = authors if kind in (None, "author") else others
        target.setdefault(int(item_id), []).append(name)
    for item_id, names_ in others.items():
        authors.setdefault(item_id, names_)  # an edited book: its editors stand in
    return authors


def _grouped(db: sqlite3.Connection, sql: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for item_id, value in db.execute(sql):
        out.setdefault(int(item_id), []).append(str(value))
    return out


def _attachments(
    db: sqlite3.Connection, schema: _Schema
) -> dict[int, list[tuple[str, int, str, bool]]]:
    """PDF attachments and HTML snapshots by parent item, PDFs first: (attachment key, link
    mode, stored path, whether a snapshot). A link to a URL has no file and is not one."""
    mime, path = f"coalesce(a.{schema.mime}, '')", "lower(coalesce(a.path, ''))"
    pdf = f"({mime} = 'application/pdf' OR {path} LIKE '%.pdf')"  # never NULL: NOT works
    html = (
        f"({mime} IN ('text/html', 'application/xhtml+xml') "
        f"OR {path} LIKE '%.html' OR {path} LIKE '%.htm')"
    )
    rows = db.execute(
        f"SELECT a.{schema.parent}, i.key, a.linkMode, a.path, NOT {pdf} FROM itemAttachments a "
        f"JOIN items i ON i.itemID = a.itemID WHERE a.{schema.parent} IS NOT NULL "
        f"AND ({pdf} OR ({html} AND coalesce(a.linkMode, 0) != {LINK_LINKED_URL})) "
        + ("AND a.itemID NOT IN (SELECT itemID FROM deletedItems) " if schema.deleted else "")
        + f"ORDER BY NOT {pdf}, a.itemID"
    )
    out: dict[int, list[tuple[str, int, str, bool]]] = {}
    for parent, key, mode, path, snapshot in rows:
        attachment = (str(key), int(mode or 0), str(path or ""), bool(snapshot))
        out.setdefault(int(parent), []).append(attachment)
    return out


def _standalone_pdfs(
    db: sqlite3.Connection, schema: _Schema, ids: list[int] | None
) -> list[tuple[int, str, int, str]]:
    """Top-level PDF attachments (a PDF dropped into Zotero without a parent item), those filed
    in the collections ``ids`` only when given (San7o's Paxos Made Simple, Y82DIS32, is one
    filed in "Distributed Systems")."""
    where, params = _filed_in(ids)
    rows = db.execute(
        f"SELECT a.itemID, i.key, a.linkMode, a.path FROM itemAttachments a "
        f"JOIN items i ON i.itemID = a.itemID WHERE a.{schema.parent} IS NULL "
        f"AND (a.{schema.mime} = 'application/pdf' OR lower(a.path) LIKE '%.pdf') "
        + ("AND a.itemID NOT IN (SELECT itemID FROM deletedItems) " if schema.deleted else "")
        + where
        + " ORDER BY a.itemID",
        params,
    )
    return [(int(r[0]), str(r[1]), int(r[2] or 0), str(r[3] or "")) for r in rows]


def _attachment_file(data_dir: Path, key: str, mode: int, stored: str) -> Path | None:
    if stored.startswith("storage:"):
        return _stored_file(data_dir / "storage" / key, stored.removeprefix("storage:"))
    if stored.startswith("attachments:"):  # relative to a base folder set in Zotero's prefs
        return None
    if mode == LINK_LINKED_FILE and stored:
        return Path(stored)
    return None


def _stored_file(folder: Path, name: str) -> Path:
    """The file an imported attachment names, or the one on disk its name was mangled from.

    A real library (thiagohonorato's) stores "Definindo requisitos nÃ£o funcionais.pdf":
    UTF-8 read as Windows-1252 by whatever wrote the path, while the file on disk says
    "não"; and a data directory copied from a Mac holds names in decomposed Unicode.
    ``storage/<key>/`` is the folder of one attachment, so a name that matches after
    undoing either is that attachment's file."""
    import unicodedata

    path = folder / name
    if path.is_file() or not folder.is_dir():
        return path
    wanted = {unicodedata.normalize("NFC", n) for n in (name, _unmangled(name))}
    for candidate in folder.iterdir():
        if unicodedata.normalize("NFC", candidate.name) in wanted and candidate.is_file():
            return candidate
    return path


def _shown(key: str, stored: str) -> str:
    """An attachment's path as a warning shows it: where it is looked for, readable."""
    return _unmangled(stored).replace("storage:", f"storage/{key}/")


def _unmangled(name: str) -> str:
    """``name`` with UTF-8 that was read as Windows-1252 (or Latin-1) read again as UTF-8."""
    for codec in ("cp1252", "latin-1"):
        try:
            return name.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return name


def read_zotero(database: Path, collection: str | None = None) -> Collected:
    """Every paper of a Zotero library (or of one collection), with its PDFs' full text."""
    from litreview.reading.readers.pdf import extract

    collected = Collected()
    db = _open(database)
    data_dir = database.parent
    source = Path(f"{data_dir.name}/{database.name}")
    try:
        schema = _Schema(db)
        ids = None if collection is None else _collection_ids(db, collection)
        items = _item_rows(db, schema, ids)
        fields = _fields(db, schema)
        creators = _creators(db, schema)
        filing = _Filing(db)
        attachments = _attachments(db, schema)
        standalone = _standalone_pdfs(db, schema, ids)
    except sqlite3.DatabaseError as exc:
        raise LibraryFileError(database, f"unexpected Zotero database layout ({exc})") from exc
    finally:
        db.close()
    absent: list[tuple[str, str, bool]] = []  # items whose attachment is missing
    for item_id, key, item_type in items:
        values = fields.get(item_id, {})
        extra_field = values.get("extra", "")
        extra = {"zotero_key": key, "item_type": item_type}
        citation = values.get("citationKey") or _match(_CITATION_KEY, extra_field)
        if citation:
            extra["citation_key"] = citation
        extra.update(filing.of(item_id))
        for name in ("publicationTitle", "proceedingsTitle", "bookTitle"):
            if values.get(name):
                extra["venue"] = values[name]
                break
        extra.update(_bibtex_fields(item_type, values))
        full_text: tuple[PageText, ...] = ()
        pdf: PdfText | None = None
        page: tuple[str, str] | None = None  # a snapshot's stand-in abstract
        byline: tuple[list[str], str | None] = ([], None)  # a snapshot's authors and year
        title = values.get("title", "")
        missing: list[str] = []
        empty = ""
        for att_key, mode, stored, snapshot in attachments.get(item_id, []):
            file = _attachment_file(data_dir, att_key, mode, stored)
            shown = _shown(att_key, stored)
            if file is None or not file.is_file():
                if not snapshot:  # a snapshot is a copy of the page the item's URL names
                    missing.append(shown)
                continue
            try:
                if snapshot:
                    full_text, page, byline, empty = _snapshot(file, title)
                else:
                    read = extract(file)
                    full_text, pdf = read.pages, (read if read.pages else None)
                    empty = "has no text layer"
            except LibraryFileError as exc:
                collected.warn(None, None, f"item {key}: attachment {shown}: {exc.message}")
                continue
            if full_text:
                extra["snapshot" if snapshot else "pdf"] = str(file)
                break
            collected.warn(None, None, f"item {key}: attachment {shown} {empty}")
        doi = values.get("DOI") or find_doi(extra_field)
        arxiv = find_arxiv(
            " ".join((values.get("url", ""), extra_field, values.get("archiveID", "")))
        )
        before = len(collected.papers)
        collected.keep(
            source,
            None,
            title=title,
            abstract=values.get("abstractNote"),
            authors=creators.get(item_id) or (pdf.authors if pdf else byline[0]),
            year=_year(values.get("date"), pdf, byline[1]),
            url=values.get("url") or (f"https://doi.org/{doi}" if doi else None),
            extra=extra,
            doi=doi,
            arxiv_id=arxiv,
            full_text=full_text,
            stand_in=page,
        )
        kept = len(collected.papers) > before
        for shown in missing if not full_text else ():
            # Said after the item is judged: one with no abstract either did not go in, and what
            # became of one that did is the catalog's to say (added, updated or already there).
            message = f"item {key} ({cut_title(title)!r}): attachment {shown} is missing"
            absent.append((key, message, kept))
        if not kept:
            last = collected.skipped[-1]
            last.message = f"item {key}: {last.message}"
            last.ref = _named(key, title)
    # A database copied alone has no storage/: its missing attachments are said in one line.
    has_storage = (data_dir / "storage").is_dir()
    _say_absent(collected, absent, has_storage)
    for item_id, key, mode, stored in standalone:
        values = fields.get(item_id, {})
        filed = filing.of(item_id)
        _standalone(collected, source, data_dir, key, mode, stored, values, filed, has_storage)
    collected.papers = [replace(p, sources=(str(source),)) for p in collected.papers]
    return collected


def _snapshot(
    file: Path, title: str
) -> tuple[tuple[PageText, ...], tuple[str, str] | None, tuple[list[str], str | None], str]:
    """An HTML snapshot's text as the item's full text, what stands in for an abstract, the
    authors and year the page is sure of, and what to say when it gives no full text.

    Read only when no PDF of the item gave text (PDFs come first): a PDF is the paper, while
    a snapshot may be its landing page (the arXiv abstract pages of StraightOuttaCrompton's
    items, beside their PDFs), whose text must not replace the paper's. A landing page read
    (Emerald's paywall page of the birth-rate paper, KR2L3ZDH) gives no full text, only what
    stands in for a missing abstract, and its authors and year (:attr:`.web_page.WebPage.pages`).
    """
    from litreview.reading.readers.web_page import byline, read_page, stand_in

    page = read_page(file)
    if not page.paragraphs:
        return (), None, ([], None), "has no text"
    said = "is a landing page: no text beyond the abstract"
    return page.pages, stand_in(page, title), byline(page, title), said


class _Filing:
    """Where items are filed: their collections, the collections enclosing those, and their
    tags. A standalone PDF is an item itself (``collectionItems`` and ``itemTags`` hold its
    attachment item), so it is filed the same way as a regular item."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.collections = _grouped(
            db,
            "SELECT ci.itemID, c.collectionName FROM collectionItems ci "
            "JOIN collections c ON c.collectionID = ci.collectionID",
        )
        self.within = _enclosing_collections(db)
        self.tags = _grouped(
            db, "SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID"
        )

    def of(self, item_id: int) -> dict[str, str]:
        """The item's ``extra`` entries for them (none when it is filed nowhere, untagged)."""
        out: dict[str, str] = {}
        for name, values in (
            ("collections", self.collections),
            ("collections_within", self.within),
            ("tags", self.tags),
        ):
            if values.get(item_id):
                out[name] = "; ".join(sorted(set(values[item_id])))
        return out


def _named(key: str, title: str) -> str:
    """An item as a skipped-records line names it: its key, and its title cut short when it
    has one (the keys alone, "items M9SRCJ8U, PP7XX6FV, ...", did not say which papers)."""
    return f"{key} “{cut_title(title, 50)}”" if title.strip() else key


def _say_absent(
    collected: Collected, absent: list[tuple[str, str, bool]], has_storage: bool
) -> None:
    """Each item whose attachment is missing, or, when the data directory has no ``storage/``
    at all (a database copied alone: thiagohonorato's 50 attachments), one line for them all
    instead of one an item (standalone PDFs are then named by the skipped-records line)."""
    if not absent:
        return
    if has_storage:
        for key, message, kept in absent:
            if kept:
                collected.file_missing(key, message)
            else:
                collected.warn(None, None, f"{message}; skipped (no abstract either)")
        return
    added = sum(1 for _, _, kept in absent if kept)
    collected.warn(
        None,
        None,
        f"no storage/ folder beside zotero.sqlite: the attachments of {len(absent)} items are not "
        f"here ({added} added with their metadata only, {len(absent) - added} skipped, having no "
        "abstract either); copy the whole Zotero data directory to read their PDFs",
    )


def _standalone(
    collected: Collected,
    source: Path,
    data_dir: Path,
    key: str,
    mode: int,
    stored: str,
    values: dict[str, str],
    filed: dict[str, str],
    has_storage: bool,
) -> None:
    """A PDF filed without a parent item is still a paper: it is read like a loose PDF, and
    keeps the collections and tags its attachment item is ``filed`` with."""
    from litreview.reading.readers.pdf import extract, paper_year

    file = _attachment_file(data_dir, key, mode, stored)
    shown = _shown(key, stored)
    if file is None or not file.is_file():
        collected.skip(source, None, f"standalone PDF {shown} is missing", "PDF missing")
        collected.skipped[-1].ref = _named(key, values.get("title", ""))  # the line names it
        if has_storage:  # else the no-storage line says it for all
            collected.warn(None, None, f"standalone PDF {shown} is missing; skipped")
        return
    try:
        text = extract(file)
    except LibraryFileError as exc:
        collected.skip(source, None, f"standalone PDF {shown}: {exc.message}", "PDF unreadable")
        collected.warn(None, None, f"standalone PDF {shown}: {exc.message}")
        return
    if not text.pages:
        collected.skip(source, None, f"standalone PDF {shown} has no text layer", "no text layer")
        collected.warn(None, None, f"standalone PDF {shown} has no text layer; skipped")
        return
    collected.keep(
        source,
        None,
        title=text.title or values.get("title", "").removesuffix(".pdf"),
        abstract=None,
        authors=text.authors,
        year=paper_year(text),
        url=values.get("url"),
        extra={"zotero_key": key, "item_type": "attachment", "pdf": str(file), **filed},
        doi=text.doi,
        arxiv_id=text.arxiv_id,
        full_text=text.pages,
    )


def _year(date: str | None, pdf: PdfText | None, page_year: str | None = None) -> str | None:
    """The item's own date when it has a year in it; else the year its PDF (or the snapshot
    it was read from, ``page_year``) dates it by.

    A web-page item saved from a paper's page ("The Google File System") often has no date
    while the PDF filed under it says "SOSP '03 ... 2003" on page 1. What the user entered
    always wins: only a date with no year in it ("", "n.d.") is filled.
    """
    from litreview.reading.readers.pdf import paper_year

    if parse_year(date) is not None:
        return date
    if pdf is None:
        return page_year or date
    return paper_year(pdf) or date


def _match(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def _bibtex_fields(item_type: str, values: dict[str, str]) -> dict[str, str]:
    """An item's publication details under their BibTeX names (plain text, not LaTeX)."""
    entry_type = ENTRY_TYPES.get(item_type, "misc")
    out = {"entry_type": entry_type}
    for name, field in BIBTEX_FIELDS.items():
        if values.get(name) and field not in out:
            out[field] = values[name]
    venue = values.get("publicationTitle")
    if venue:  # a journal's name, or (bookSection, an old conferencePaper) the book's
        out.setdefault(
            "booktitle" if entry_type in ("inproceedings", "incollection") else "journal", venue
        )
    if "pages" in out:
        out["pages"] = re.sub(r"(?<=\d)\s*[-\u2013]\s*(?=\d)", "--", out["pages"])
    return out
