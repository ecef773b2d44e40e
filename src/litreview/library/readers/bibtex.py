"""BibTeX, as Zotero, Mendeley and JabRef export it (``abstract`` fields included)."""

from __future__ import annotations

from pathlib import Path

from litreview.library.build import make_paper
from litreview.library.errors import LibraryFileError
from litreview.library.paper import Paper


def _field(entry: object, name: str) -> str | None:
    fields = getattr(entry, "fields_dict", {})
    value = fields.get(name)
    return None if value is None else str(value.value)


def read_bibtex(path: Path, text: str) -> list[Paper]:
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock

    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            continue
        line = getattr(block, "start_line", None)
        detail = getattr(block, "error", None)
        raise LibraryFileError(
            path,
            f"cannot parse this BibTeX entry{f' ({detail})' if detail else ''}",
            None if line is None else line + 1,
        )
    papers: list[Paper] = []
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        title = _field(entry, "title")
        if not title:
            raise LibraryFileError(path, f"entry {entry.key!r} has no title", line)
        abstract = _field(entry, "abstract")
        if not abstract:
            raise LibraryFileError(
                path, f"entry {entry.key!r} has no abstract field (export with abstracts)", line
            )
        url = _field(entry, "url")
        doi = _field(entry, "doi")
        if not url and doi:
            url = f"https://doi.org/{doi}"
        extra = {"bibtex_key": entry.key, "entry_type": entry.entry_type}
        for name in ("doi", "journal", "booktitle", "eprint"):
            value = _field(entry, name)
            if value:
                extra[name] = value
        papers.append(
            make_paper(
                path,
                line,
                title=title.replace("{", "").replace("}", ""),
                abstract=abstract,
                authors=_field(entry, "author"),
                year=_field(entry, "year") or _field(entry, "date"),
                url=url,
                extra=extra,
            )
        )
    if not papers and not library.entries:
        raise LibraryFileError(path, "no BibTeX entries found", 1)
    return papers
