"""Reopen a saved conversation."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from litreview.review.session import SessionStore


class SessionsScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, store: SessionStore) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        names = list(reversed(self.store.names()))
        with Vertical(id="sessions-dialog"):
            yield Label(
                "Saved conversations (newest first)" if names else "No saved conversations yet"
            )
            options = OptionList(id="sessions-list")
            for name in names:
                session = self.store.load(name)
                first = session.turns[0].question[:70] if session.turns else ""
                n = len(session.turns)
                label = Text(f"{name}  ({n} turn{'' if n == 1 else 's'})  {first}")
                options.add_option(Option(label, id=name))
            yield options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
