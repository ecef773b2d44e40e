"""What the TUI shows for an error: the shared message, with the CLI's flags said as keys.

Messages are written once for every face (:func:`litreview.errors.describe`); some tell the
user to pass a CLI flag ("pick another model with --model"), which does nothing in the TUI.
Every error the TUI shows passes through :func:`shown` (or :func:`for_tui`), which says the
TUI's own way instead, so no screen maps messages by hand.
"""

from __future__ import annotations

import re

# A CLI flag in a shared message, and what does the same in the TUI.
_FLAGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"--model\b"), "Ctrl+O in the chat"),
)


def for_tui(message: str) -> str:
    """``message`` with every CLI flag the TUI has a key for replaced by that key."""
    for flag, key in _FLAGS:
        message = flag.sub(key, message)
    return message


def shown(exc: BaseException) -> str | None:
    """The line the TUI shows for ``exc`` (keys masked), or ``None`` for a bug."""
    from litreview.errors import describe

    message = describe(exc)
    return None if message is None else for_tui(message)
