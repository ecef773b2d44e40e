"""Which reader handles which file, and the common entry point.

A reader is a function ``(path, text) -> list[Paper]`` registered for file
suffixes; adding a format means adding one module and one registry line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from litreview.reading.build import Collected
from litreview.reading.dedupe import merge_papers
from litreview.reading.errors import LibraryFileError
from litreview.reading.paper import Paper
from litreview.reading.readers.bibtex import read_bibtex
from litreview.reading.readers.tabular import read_csv, read_jsonl, read_tsv
from litreview.reading.readers.text import decode
from litreview.reading.readers.trending import read_trending

Reader = Callable[[Path, str], Collected]

READERS: dict[str, Reader] = {
    ".txt": read_trending,
    ".bib": read_bibtex,
    ".bibtex": read_bibtex,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_tsv,
}


@dataclass
class ReadResult:
    """The papers of one file (already de-duplicated within it) and anything worth a warning."""

    path: Path
    papers: list[Paper]
    warnings: list[str] = field(default_factory=list)


def read_file(path: Path) -> ReadResult:
    """Read one library file completely, or raise :class:`LibraryFileError`.

    The whole file is validated before anything is returned, so a broken file
    never half-enters the library.
    """
    path = Path(path)
    if str(path) == "-":
        raise LibraryFileError(path, "reading from standard input is not supported; save to a file")
    if path.is_dir():
        raise LibraryFileError(path, "is a directory; pass the files inside it")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise LibraryFileError(
            path, f"unknown file type {path.suffix or '(none)'!r}; known: {known}"
        )
    if not path.exists():
        raise LibraryFileError(path, "no such file")
    collected = reader(path, decode(path))
    skipped = collected.skipped
    lines = ", ".join(str(s.line) for s in skipped[:10]) + (" ..." if len(skipped) > 10 else "")
    if not collected.papers:
        if skipped:
            raise LibraryFileError(
                path, f"no record has an abstract ({len(skipped)} without one: lines {lines})"
            )
        raise LibraryFileError(path, "no papers found")
    merged, warnings = merge_papers(collected.papers)
    if skipped:
        warnings.insert(0, f"skipped {len(skipped)} record(s) without an abstract (lines {lines})")
    return ReadResult(path=path, papers=merged, warnings=warnings)


def sample_paths() -> list[Path]:
    """The bundled demo corpus: four trending-papers page dumps."""
    folder = resources.files("litreview.reading") / "sample"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


__all__ = ["READERS", "ReadResult", "read_file", "sample_paths"]
