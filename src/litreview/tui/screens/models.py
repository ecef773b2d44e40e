"""Pick the model: every backend litreview can reach, the current one marked, or a litellm
model string typed in. One that cannot answer is not taken: a notification says why."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
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
        self.rows: dict[str, ModelStatus] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="model-dialog"):
            yield Label(
                Text(f"Model (now: {self.current}) — checking what answers…"), id="model-title"
            )
            yield OptionList(id="model-list")
            yield Input(
                placeholder="or type a litellm model string (provider/model), Enter to use it",
                id="model-typed",
            )
            # Only "extractive" is listed until a model is configured: say how to add one.
            yield Static(
                Text(config_hint(default_config_path(), taken=self.settings.models)),
                id="model-hint",
            )

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
            self.rows[row.name] = row
            state = "ready" if row.available else "unavailable"
            mark = "● " if row.name == self.current else "  "
            label = Text(f"{mark}{row.name}  ({state}) {row.detail}")
            options.add_option(Option(label, id=row.name))
        self.query_one("#model-title", Label).update(Text(f"Model (now: {self.current})"))
        names = [row.name for row in rows]
        options.highlighted = names.index(self.current) if self.current in names else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        row = self.rows.get(name or "")
        if row is None:
            return
        if not row.available:  # listed as unavailable: the current model stays
            why = cannot_answer(row.name, self.settings)
            self._refuse(why or f"{row.name} cannot answer now ({row.detail})")
            return
        self.dismiss(row.name)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.check_typed(name)

    @work(thread=True, exclusive=True, group="model-check")
    def check_typed(self, name: str) -> None:
        """A typed model is checked as ``--model`` is (name known, key set, server up)."""
        why = cannot_answer(name, self.settings, connect=True)
        if why is None:
            self.app.call_from_thread(self.dismiss, name)
        else:
            self.app.call_from_thread(self._refuse, why)

    def _refuse(self, why: str) -> None:
        self.app.notify(
            f"{why}. Answers still come from {self.current}.",
            title="Model not changed",
            severity="warning",
            timeout=15,
        )


def cannot_answer(name: str, settings: Settings, connect: bool = False) -> str | None:
    """Why ``name`` cannot answer in this sitting, or ``None``.

    The checks are the CLI's (:func:`litreview.llm.registry.resolve`, with ``connect``; else
    only the key). A missing key says to restart: keys come from the environment litreview was
    started in (and the config file, read at start), which a running litreview cannot see
    change.
    """
    from litreview.llm.errors import ModelNotConfigured
    from litreview.llm.registry import missing_key, resolve, spec_for
    from litreview.tui.errors import shown

    try:
        spec, display = spec_for(name, settings)
    except ModelNotConfigured:
        spec, display = None, name  # "extractive", or unknown: resolve says which
    variable = missing_key(spec) if spec is not None else None
    if variable is not None:
        alias = display if display in settings.models else "<alias>"
        return (
            f"{display} needs {variable}: set it (or api_key under [models.{alias}] in the "
            "config file), then restart litreview: a running one cannot see a key set later"
        )
    if not connect:
        return None
    try:
        resolve(name, settings)
    except Exception as exc:
        message = shown(exc)
        if message is None:
            raise
        return message.rstrip(".")
    return None
