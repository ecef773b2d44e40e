"""The one error vocabulary: every failure a user can meet is a :class:`LitreviewError`.

Its message is written for the person at the terminal (what went wrong,
where, what to do) and is shown as it is: the CLI prints it on one line with
an exit status, the TUI as a notification, batch as a question's ``error``.
Each face maps this base once instead of listing error types by hand, so a
new error can never fall through to a traceback.
"""

from __future__ import annotations

from pathlib import Path


class LitreviewError(Exception):
    """Base of every user-facing error; ``str()`` is the message to show."""

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"


class StoreDamaged(LitreviewError):
    """A derived store (BM25, token vectors, ...) is unreadable; it is rebuilt from the catalog."""


class Stopped(LitreviewError):
    """The user stopped a task (Esc, Ctrl-C); what was done so far is kept."""

    exit_code = 130

    def __init__(self, message: str = "stopped") -> None:
        super().__init__(message)


def describe(exc: BaseException) -> str | None:
    """The one line a face shows for ``exc`` (keys masked), or ``None`` for a bug.

    A :class:`LitreviewError` carries its own message; an OS error (disk
    full, a read-only or unwritable home) and SQLite's errors (the same
    failures in another dress) are described here once for every face.
    """
    import sqlite3

    from litreview.secrets import redact

    if isinstance(exc, LitreviewError):
        return redact(str(exc))
    if isinstance(exc, OSError):
        return redact(_describe_os_error(exc))
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            return (
                f"{_home()}: the library folder is read-only; use --home (or LITREVIEW_HOME) "
                "to pick a writable one"
            )
        if "disk is full" in text or "disk I/O" in text:
            return f"{_home()}: {text}; free some space and run the command again"
        return redact(f"{_home()}: {text}")
    if isinstance(exc, sqlite3.DatabaseError):
        return (
            f"{_home()}: a library file is damaged ({exc}); restore the folder from a backup "
            "or ingest into a new --home"
        )
    return None


def _describe_os_error(exc: OSError) -> str:
    """An operating-system failure as one line naming the file and what to do."""
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    advice = {
        errno.ENOSPC: "the disk is full; free some space and run the command again",
        errno.EDQUOT: "the disk quota is exhausted; free some space and run the command again",
        errno.EROFS: "the file system is read-only; use --home (or LITREVIEW_HOME) to pick a "
        "writable library folder",
        errno.EACCES: "permission denied; use --home (or LITREVIEW_HOME) to pick a folder you "
        "can write to",
        errno.ENAMETOOLONG: "the name is too long for the file system; use a shorter one",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{where}{advice}"


def _home() -> str:
    from litreview.settings import default_home

    return str(default_home())
