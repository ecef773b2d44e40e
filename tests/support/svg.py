"""Reading a Textual SVG screenshot as the rows of text a user sees."""

from __future__ import annotations

import html
import re

_TEXT = re.compile(r"<text[^>]*\by=\"([\d.]+)\"[^>]*>([^<]*)</text>")


def screen_lines(svg: str) -> list[str]:
    """The terminal's rows as text, from a Textual SVG screenshot (one ``<text>`` per run of
    one style; rows are their ``y``)."""
    rows: dict[float, list[str]] = {}
    for y, text in _TEXT.findall(svg):
        rows.setdefault(float(y), []).append(html.unescape(text).replace("\xa0", " "))
    return ["".join(parts).rstrip() for _, parts in sorted(rows.items())]
