"""The typed handle every screen reaches the app through, and where typing goes.

Textual types ``Screen.app`` as any app; the screens need this one's session,
library and actions. One cast here instead of an ``ignore`` at each use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual import events
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from litreview.tui.app import LitReviewApp

R = TypeVar("R")


class AppScreen(Screen[R]):
    @property
    def litreview(self) -> LitReviewApp:
        return cast("LitReviewApp", self.app)

    def typing_target(self, event: events.Key) -> Widget | None:
        """The text box ``event`` goes to instead of the focused widget, or None to leave it
        there. The app asks this before it hands the key on (see ``LitReviewApp.on_event``);
        a screen whose typing belongs in one box (the chat's question, the library's search)
        returns it for :meth:`typed_into_nothing` keys."""
        return None

    def typed_into_nothing(self, event: events.Key) -> bool:
        """Whether ``event`` is a character typed where the focus takes no text (a list, a
        table, the messages) and no binding there or above claims the key."""
        if not (event.is_printable and event.character):
            return False
        if isinstance(self.focused, (Input, TextArea)):
            return False
        return event.key not in self.active_bindings


class AppModal(ModalScreen[R]):
    @property
    def litreview(self) -> LitReviewApp:
        return cast("LitReviewApp", self.app)
