"""Prompt files (``prompts/``) to messages.

Templates use ``string.Template`` (``$name``): abstracts are full of braces
and percent signs, which ``str.format`` or %-formatting would trip over.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from litreview.errors import LitreviewError
from litreview.evidence.source import Source
from litreview.llm.types import Message
from litreview.reading.paper import NO_PAGE


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


_TAG = re.compile(r"<(\s*/?\s*)(source|passage|other)", re.IGNORECASE)


def fence(text: str) -> str:
    """Keep a source's text from opening or closing a fence, in any case or spacing.

    A paper's text is data, not instructions: ``</SOURCE>`` or ``< / source`` in an
    abstract would otherwise end the fence and let what follows speak as the prompt.
    """
    return _TAG.sub(lambda m: "‹" + m.group(1) + m.group(2), text)


def attribute(text: str) -> str:
    """A value safe inside ``title="..."``: a quote would end it and add attributes."""
    flat = " ".join(fence(text).split())
    return (
        flat.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def render_sources(sources: Sequence[Source]) -> str:
    """Each source fenced, its full-text passages (if any) after its abstract, with pages."""
    return "\n".join(
        render(
            "source",
            n=str(s.n),
            title=attribute(s.title),
            text=fence(s.text),
            passages="".join(
                "\n" + render("passage", page=_page(p.page), text=fence(p.text)) for p in s.passages
            ),
        )
        for s in sources
    )


def _page(page: int) -> str:
    """A passage's page as the prompt gives it: "none" for a web page's text, which has no
    page to cite (its source is cited alone; a page cited for it is dropped)."""
    return "none" if page == NO_PAGE else str(page)


def pages_rule(sources: Sequence[Source]) -> str:
    """How to cite a page, said only when some source has passages (an abstract-only prompt
    stays word for word what it was)."""
    return " " + render("passages_rule") if any(s.passages for s in sources) else ""


def messages(task: str, **variables: str) -> tuple[Message, ...]:
    """``<task>.system.md`` and ``<task>.user.md`` as a two-message conversation."""
    return (
        Message("system", render(f"{task}.system")),
        Message("user", render(f"{task}.user", **variables)),
    )
