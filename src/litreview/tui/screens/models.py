"""Pick the model: every backend litreview can reach, the current one marked."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from litreview.llm.config_hint import config_hint
from litreview.llm.registry import ModelStatus
from litreview.settings import Settings, default_config_path


class ModelScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, settings: Settings, current: str) -> None:
        super().__init__()
        self.settings = settings
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="model-dialog"):
            yield Label(
                Text(f"Model (now: {self.current}) — checking what answers…"), id="model-title"
            )
            yield OptionList(id="model-list")
            # Only "extractive" is listed until a model is configured: say how to add one.
            yield Static(Text(config_hint(default_config_path())), id="model-hint")

    def on_mount(self) -> None:
        self.load_models()

    @work(thread=True)
    def load_models(self) -> None:
        from litreview.llm.registry import list_models

        rows = list_models(self.settings)
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[ModelStatus]) -> None:
        options = self.query_one(OptionList)
        for row in rows:
            state = "ready" if row.available else "unavailable"
            mark = "● " if row.name == self.current else "  "
            label = Text(f"{mark}{row.name}  ({state}) {row.detail}")
            options.add_option(Option(label, id=row.name))
        self.query_one("#model-title", Label).update(Text(f"Model (now: {self.current})"))
        names = [row.name for row in rows]
        options.highlighted = names.index(self.current) if self.current in names else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
