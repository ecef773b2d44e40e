"""The one error a bad library file raises."""

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


class MissingAbstract(LibraryFileError):
    """One record has no abstract: skipped with a warning, not fatal to the file.

    Real exports (Zotero, spreadsheets) always have some entries without an
    abstract; refusing the whole file for them would make it unusable.
    """
