"""The typed handle every screen reaches the app through.

Textual types ``Screen.app`` as any app; the screens need this one's session,
library and actions. One cast here instead of an ``ignore`` at each use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from litreview.tui.app import LitReviewApp

R = TypeVar("R")


class AppScreen(Screen[R]):
    @property
    def litreview(self) -> LitReviewApp:
        return cast("LitReviewApp", self.app)


class AppModal(ModalScreen[R]):
    @property
    def litreview(self) -> LitReviewApp:
        return cast("LitReviewApp", self.app)
