"""Paths as the TUI shows them: short enough that a notification shows them whole."""

from __future__ import annotations

from pathlib import Path


def shown_path(path: Path) -> str:
    """``~/papers/chat-….md`` for a path under the home folder, else the path as it is.

    A notification is at most half the terminal wide, and a new user's "Exported to
    /home/…/chat-….md" was cut off before the path at 160 columns; the path is what the user
    needs from it.
    """
    try:
        home = Path.home()
    except RuntimeError:  # no home folder to abbreviate against
        return str(path)
    try:
        rest = path.relative_to(home)
    except ValueError:
        return str(path)
    return "~" if rest == Path() else f"~/{rest}"
