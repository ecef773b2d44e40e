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
