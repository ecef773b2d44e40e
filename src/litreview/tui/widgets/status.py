"""The status line: model, session tokens and cost, and what is running."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from litreview.llm.types import Usage


class StatusBar(Static):
    model: reactive[str] = reactive("")
    activity: reactive[str] = reactive("ready")
    usage: reactive[Usage] = reactive(Usage)

    def on_mount(self) -> None:
        # Every screen has its own bar; each starts from the app's state, so the library and
        # related-work screens show the session's tokens, not zero.
        self.model = getattr(self.app, "model_name", "")
        self.usage = getattr(self.app, "session_usage", Usage())

    def render(self) -> Text:
        u = self.usage
        # A Text, not a str: a model alias or a query with "[...]" must not be read as markup.
        return Text(
            f" model: {self.model}  │  {u.prompt_tokens} + {u.completion_tokens} tokens  │  "
            f"cost {u.cost_label}  │  {self.activity}"
        )
