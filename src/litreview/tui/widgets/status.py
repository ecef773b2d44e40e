"""The status line: model, session tokens and cost, and what is running."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from litreview.llm.types import Usage


class StatusBar(Static):
    model: reactive[str] = reactive("")
    activity: reactive[str] = reactive("ready")
    usage: reactive[Usage] = reactive(Usage)

    def render(self) -> str:
        u = self.usage
        return (
            f" model: {self.model}  │  {u.prompt_tokens} + {u.completion_tokens} tokens  │  "
            f"cost {u.cost_label}  │  {self.activity}"
        )
