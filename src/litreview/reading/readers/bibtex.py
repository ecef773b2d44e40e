"""BibTeX, as Zotero, Mendeley and JabRef export it (``abstract`` fields included)."""

from __future__ import annotations

from pathlib import Path

from litreview.reading.build import Collected
from litreview.reading.errors import LibraryFileError

# Fields of an imported entry that a draft's references.bib writes back as they came, so a
# cited paper keeps its volume, pages, publisher... (stored raw, LaTeX markup and all, in
# ``Paper.extra``; title, authors and abstract are decoded for search instead).
KEPT_FIELDS = (
    "doi",
    "journal",
    "booktitle",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "volume",
    "number",
    "pages",
    "month",
    "publisher",
    "address",
    "editor",
    "edition",
    "series",
    "chapter",
    "organization",
    "institution",
    "school",
    "howpublished",
    "isbn",
    "issn",
)


def _field(entry: object, name: str) -> str | None:
    fields = {key.lower(): f for key, f in getattr(entry, "fields_dict", {}).items()}
    value = fields.get(name)
    return None if value is None else str(value.value)


def _decode_latex(value: str | None) -> str | None:
    """``M{\\"u}ller`` -> ``Müller``: names and titles are searched as people type them."""
    if value is None or ("\\" not in value and "{" not in value):
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    return str(LatexNodes2Text().latex_to_text(value))


def _authors(value: str | None) -> list[str]:
    names = [_decode_latex(n.strip()) or "" for n in (value or "").split(" and ")]
    return [n for n in names if n and n.casefold() not in ("others", "et al.", "et al")]


def read_bibtex(path: Path, text: str) -> Collected:
    import logging

    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # we report errors ourselves

    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            continue
        line = getattr(block, "start_line", None)
        detail = str(getattr(block, "error", "") or "").strip()
        raise LibraryFileError(
            path,
            f"cannot parse this BibTeX entry{f' ({detail})' if detail else ''}",
            None if line is None else line + 1,
        )
    collected = Collected()
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        title = _field(entry, "title")
        if not title:
            raise LibraryFileError(path, f"entry {entry.key!r} has no title", line)
        abstract = _field(entry, "abstract")
        url = _field(entry, "url")
        doi = _field(entry, "doi")
        if not url and doi:
            url = f"https://doi.org/{doi}"
        extra = {"bibtex_key": entry.key, "entry_type": entry.entry_type}
        for name in KEPT_FIELDS:
            value = _field(entry, name)
            if value:
                extra[name] = value
        collected.keep(
            path,
            line,
            title=_decode_latex(title),
            abstract=abstract,
            authors=_authors(_field(entry, "author")),
            year=_field(entry, "year") or _field(entry, "date"),
            url=url,
            extra=extra,
        )
    if not library.entries:
        raise LibraryFileError(path, "no BibTeX entries found", 1)
    return collected
