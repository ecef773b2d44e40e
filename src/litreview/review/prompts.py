"""Prompt files (``prompts/``) to messages.

Templates use ``string.Template`` (``$name``): abstracts are full of braces
and percent signs, which ``str.format`` or %-formatting would trip over.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from litreview.errors import LitreviewError
from litreview.llm.types import Message, Source


class PromptError(LitreviewError):
    """A prompt file is missing or names a placeholder the task does not fill."""


@lru_cache(maxsize=64)
def load(name: str) -> string.Template:
    try:
        text = (resources.files("litreview") / "prompts" / f"{name}.md").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt file prompts/{name}.md") from exc
    return string.Template(text.strip())


def render(name: str, **variables: str) -> str:
    template = load(name)
    wanted = set(template.get_identifiers())
    given = set(variables)
    if wanted != given:
        raise PromptError(f"prompts/{name}.md wants {sorted(wanted)}, was given {sorted(given)}")
    return template.substitute(variables)


def fence(text: str) -> str:
    """Keep a source's text from closing its own fence."""
    return text.replace("</source", "</ source").replace("<source", "< source")


def render_sources(sources: Sequence[Source]) -> str:
    return "\n".join(
        render("source", n=str(s.n), title=fence(s.title), text=fence(s.text)) for s in sources
    )


def messages(task: str, **variables: str) -> tuple[Message, ...]:
    """``<task>.system.md`` and ``<task>.user.md`` as a two-message conversation."""
    return (
        Message("system", render(f"{task}.system")),
        Message("user", render(f"{task}.user", **variables)),
    )
