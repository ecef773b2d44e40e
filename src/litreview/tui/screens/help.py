"""F1: what litreview's keys do, on every screen; F1 or Esc closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

HELP = """\
## litreview

Ask questions of your library; answers cite the papers they rest on as `[n]`.

### Everywhere

| key | does |
|---|---|
| F1 | this help (F1 or Esc closes it) |
| Ctrl+P | every command, searchable |
| Ctrl+L | the library: browse, search, ingest |
| Ctrl+R | related work: draft a section from a topic or abstract |
| Ctrl+Q | quit |

### Chat

| key | does |
|---|---|
| Enter | ask the question typed |
| Esc | stop the answer being written (in the question box) |
| click a `[n]` | show source n **of that answer** with its support check |
| F2 | move to the sources list (arrows: read each abstract) |
| Esc or F2 | from the sources list, back to the question box |
| type | from the sources list (or anywhere in the chat), the text goes to the question box |
| Ctrl+O | switch the model (models live in the config file; `litreview models` shows where) |
| Ctrl+T | export the conversation to Markdown (current directory), one numbered reference list |
| Ctrl+N | new conversation |
| Ctrl+S | reopen a saved conversation |

### Library

| key | does |
|---|---|
| type, Enter | search (empty: everything) |
| Down / Tab | into the table; Enter opens a paper, `l` asks for papers like it |
| Ctrl+F | back to the search box, its text kept (typing in the table goes there too) |
| Ctrl+O | ingest a file, or the sample library |
| Esc | back to the chat |

### Related work

| key | does |
|---|---|
| Ctrl+G | draft from the text on the left |
| Ctrl+S / Ctrl+T | export Markdown / LaTeX with references.bib (current directory) |
| Esc | stop drafting, or back to the chat |
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("f1", "dismiss(None)", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Label("F1 or Esc: close · arrows / PgDn: scroll", id="help-close")
            yield Markdown(HELP, id="help-text")
