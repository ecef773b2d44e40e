"""Which reader handles which file, and the common entry point.

A text reader is a function ``(path, text) -> Collected`` registered for file
suffixes; binary sources (PDFs, a Zotero database) get the path and read it
themselves. Adding a format means adding one module and one registry line.
A folder is walked (:func:`expand_paths`); a Zotero data directory inside it
is read as one library, not as a folder of PDFs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from litreview.reading.build import Collected, FileMissing
from litreview.reading.dedupe import merge_counted
from litreview.reading.errors import LibraryFileError
from litreview.reading.paper import Paper
from litreview.reading.readers.bibtex import read_bibtex
from litreview.reading.readers.delimited import read_csv, read_tsv
from litreview.reading.readers.json_records import read_json, read_jsonl, read_jsonl_lines
from litreview.reading.readers.stream import inner_suffix, read_gz_text, text_lines
from litreview.reading.readers.text import decode, decode_bytes
from litreview.reading.readers.trending import read_trending

Reader = Callable[[Path, str], Collected]

READERS: dict[str, Reader] = {
    ".txt": read_trending,
    ".bib": read_bibtex,
    ".bibtex": read_bibtex,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_tsv,
}
# Read from the path, not as UTF-8 text.
BINARY_SUFFIXES = (".pdf", ".sqlite")
# Read a line at a time (a 50,000-paper file never sits in memory as one string).
STREAMED = (".jsonl", ".ndjson")
ZOTERO_DB = "zotero.sqlite"


def known_suffixes() -> list[str]:
    return sorted([*READERS, *BINARY_SUFFIXES])


@dataclass
class ReadResult:
    """The papers of one file (already de-duplicated within it) and the account of every record.

    ``records`` = papers + ``merged`` (duplicates folded within the file) +
    skipped records (``skipped``, counted by reason in ``skip_reasons``).
    """

    path: Path
    papers: list[Paper]
    warnings: list[str] = field(default_factory=list)
    records: int = 0
    merged: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    # Papers kept without their attached file: warnings the ingest finishes (FileMissing).
    files_missing: list[FileMissing] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(self.skip_reasons.values())


@dataclass(frozen=True)
class ReadOptions:
    """Choices a user makes about a source, beyond its path (a Zotero collection)."""

    collection: str | None = None


def zotero_database(path: Path) -> Path | None:
    """The ``zotero.sqlite`` a path means: the file itself or a data directory holding it."""
    if path.is_dir() and (path / ZOTERO_DB).is_file():
        return path / ZOTERO_DB
    if path.is_file() and path.suffix.lower() == ".sqlite":
        return path
    return None


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Folders walked into the files litreview can read, and the files left out with why.

    Hidden files and folders (``.git``, Zotero's ``.zotero-ft-cache``) are not
    looked at. A Zotero data directory is one source: its ``storage/`` PDFs
    are read as the attachments of their items, never as loose papers.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.is_dir() or zotero_database(path):
            files.append(path)
            continue
        for root, dirs, names in os.walk(path):
            here = Path(root)
            if (here / ZOTERO_DB).is_file():
                files.append(here / ZOTERO_DB)
                dirs[:] = []
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                file = here / name
                suffix = file.suffix.lower()
                if inner_suffix(file) in READERS or suffix == ".pdf":
                    files.append(file)
                elif suffix == ".sqlite":
                    skipped.append((file, "an SQLite file that is not a zotero.sqlite"))
                else:
                    skipped.append((file, f"not a library format ({suffix or 'no suffix'})"))
    return files, skipped


def read_file(path: Path, options: ReadOptions | None = None) -> ReadResult:
    """Read one library source completely, or raise :class:`LibraryFileError`.

    The whole file is validated before anything is returned, so a broken file
    never half-enters the library; a broken *record* is skipped and counted.
    """
    path = Path(path)
    options = options or ReadOptions()
    if str(path) == "-":
        raise LibraryFileError(path, "reading from standard input is not supported; save to a file")
    if not path.exists():  # before the type: a mistyped folder is missing, not of an odd type
        raise LibraryFileError(path, "no such file or folder")
    database = zotero_database(path) if path.suffix.lower() == ".sqlite" or path.is_dir() else None
    if path.is_dir() and database is None:
        raise LibraryFileError(path, "is a directory; pass the files inside it")
    suffix = inner_suffix(path)
    if database is None and suffix not in READERS and suffix not in BINARY_SUFFIXES:
        known = ", ".join(known_suffixes()) + " (text formats also gzip-compressed, .jsonl.gz)"
        raise LibraryFileError(
            path, f"unknown file type {path.suffix or '(none)'!r}; known: {known}"
        )
    if database is not None:
        from litreview.reading.readers.zotero import read_zotero

        collected = read_zotero(database, options.collection)
    elif suffix == ".pdf":
        from litreview.reading.readers.pdf import read_pdf

        collected = read_pdf(path)
    elif suffix in STREAMED:
        collected = read_jsonl_lines(path, text_lines(path))
    elif path.suffix.lower() == ".gz":
        collected = READERS[suffix](path, decode_bytes(path, read_gz_text(path)))
    else:
        collected = READERS[suffix](path, decode(path))
    return _result(path, collected)


_PHRASES = {
    "no abstract": "without an abstract",
    "no title": "without a title",
    "placeholder abstract": "whose abstract is a placeholder such as 'Not Available'",
}


def _result(path: Path, collected: Collected) -> ReadResult:
    skipped = collected.skipped
    if not collected.papers:
        reasons_seen = collected.skip_reasons()
        if skipped and set(reasons_seen) == {"no abstract"}:
            lines = ", ".join(str(s.line) for s in skipped[:10])
            more = " ..." if len(skipped) > 10 else ""
            raise LibraryFileError(
                path, f"no record has an abstract ({len(skipped)} without one: lines {lines}{more})"
            )
        if skipped:
            lines = ", ".join(str(s.line) for s in skipped[:10] if s.line is not None)
            reasons = ", ".join(f"{n} {r}" for r, n in collected.skip_reasons().items())
            raise LibraryFileError(
                path,
                f"no record can be a paper ({reasons}"
                + (f"; lines {lines}{' ...' if len(skipped) > 10 else ''}" if lines else "")
                + ")",
            )
        raise LibraryFileError(path, "no papers found")
    merged, warnings, folded = merge_counted(collected.papers, collected.lines)
    warnings = collected.warnings + warnings
    by_reason: dict[str, list[str]] = {}
    for record in skipped:
        place = str(record.line) if record.line is not None else (record.ref or "")
        by_reason.setdefault(record.reason, []).append(place)
    notes = []
    for reason, places in by_reason.items():
        where = [w for w in places if w]
        shown = ", ".join(where[:10]) + (" ..." if len(where) > 10 else "")
        kind = "lines" if skipped[0].line is not None else "items"
        phrase = _PHRASES.get(reason, f"({reason})")
        notes.append(
            f"skipped {len(places)} record(s) {phrase}" + (f" ({kind} {shown})" if where else "")
        )
    return ReadResult(
        path=path,
        papers=merged,
        warnings=notes + warnings,
        records=collected.records,
        merged=folded,
        skip_reasons=collected.skip_reasons(),
        files_missing=list(collected.files_missing),
    )


def sample_paths() -> list[Path]:
    """The bundled demo corpus: four trending-papers page dumps."""
    folder = resources.files("litreview.reading") / "sample"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


__all__ = [
    "READERS",
    "ReadOptions",
    "ReadResult",
    "expand_paths",
    "read_file",
    "sample_paths",
    "zotero_database",
]
