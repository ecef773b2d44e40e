"""A text box that focus never empties: the cursor goes after what was typed.

Textual's ``Input`` selects its whole text when it takes the focus, so the next key replaced
what was there: a question half written before F2, a search refined after Ctrl+F.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input


class TextBox(Input):
    """An ``Input`` that, focused, keeps its text unselected with the cursor at its end."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(select_on_focus=False, **kwargs)

    def on_focus(self, event: events.Focus) -> None:
        # Not when the terminal itself regains focus: the cursor stays where it was.
        if not event.from_app_focus:
            self.cursor_position = len(self.value)
