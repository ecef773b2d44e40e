"""One chat message: the question, or an answer that streams in and links its citations."""

from __future__ import annotations

import re

from textual.widgets import Markdown

_MARKER = re.compile(r"\[(\d+)\]")


def linkify(text: str) -> str:
    """``[3]`` -> a Markdown link ``cite:3`` so a click (or Enter) opens source 3."""
    return _MARKER.sub(lambda m: f"[\\[{m.group(1)}\\]](cite:{m.group(1)})", text)


class Question(Markdown):
    DEFAULT_CLASSES = "question"


class Answer(Markdown):
    DEFAULT_CLASSES = "answer"
