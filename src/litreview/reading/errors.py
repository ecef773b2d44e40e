"""The one error a bad library file raises, and the note a skipped record leaves."""

from __future__ import annotations

from pathlib import Path

from litreview.errors import LitreviewError


class LibraryFileError(LitreviewError):
    """A file that cannot be read as a library, with where and why.

    Carries the path and (where one applies) the 1-based line so the CLI and
    the TUI can print ``file:line: message`` the way compilers do, which is
    what a researcher's editor can jump to.
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        super().__init__(message, path=path, line=line)
        self.path: Path = Path(path)


class SkippedRecord(LibraryFileError):
    """One record cannot become a paper: skipped with a warning, never fatal to the file.

    ``reason`` is a short, countable phrase ("no abstract", "no title") so the
    ingest summary can say how many records were skipped for what.
    """

    reason = "unreadable record"

    def __init__(
        self, path: Path | str, message: str, line: int | None = None, reason: str | None = None
    ) -> None:
        super().__init__(path, message, line)
        if reason:
            self.reason = reason
        self.ref: str | None = None  # where, for sources without lines (a Zotero item key)


class MissingAbstract(SkippedRecord):
    """One record has no abstract (and no full text to stand in for one).

    Real exports (Zotero, spreadsheets) always have some entries without an
    abstract; refusing the whole file for them would make it unusable.
    """

    reason = "no abstract"


class MissingTitle(SkippedRecord):
    """A record without a title (Scopus imports into Zotero have dozens)."""

    reason = "no title"
