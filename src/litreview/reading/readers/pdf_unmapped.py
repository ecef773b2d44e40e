"""Text a PDF cannot map to characters: figure text in fonts without a Unicode map.

Why: a figure drawn with an embedded font subset that has no ToUnicode table
extracts as its glyph codes, which read as shifted letters ("$FW7KLQN>" for
"Act1Think[" in ReAct's Figure 1, page 2; Reflexion's Figure 1 on page 3).
Those lines were indexed as words no question ever contains, and shown as
passages. PDFium knows which characters it had to guess
(``FPDFText_HasUnicodeMapError``), so the rule is its verdict, not a guess
from letter statistics: a line most of whose characters have no Unicode map
is dropped. A chart's axis labels in such a font sometimes decode right by
chance ("Trial Number"); they go too, being figure text, not prose. A lone
unmapped symbol in a line of prose (a math italic) leaves the line alone.
"""

from __future__ import annotations

from typing import Any

SAMPLE_EVERY = 8  # unmapped text comes in whole figures: one character in 8 finds it
MOSTLY = 0.5


def _unmapped(raw: Any, index: int) -> bool:
    import pypdfium2.raw as pdfium_c

    return bool(pdfium_c.FPDFText_HasUnicodeMapError(raw, index) == 1)


def without_unmapped_lines(textpage: Any) -> str | None:
    """The page's text without its mostly unmapped lines; ``None`` when it has none
    (the caller keeps PDFium's own text then, the common case, checked on a sample)."""
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    count = int(pdfium_c.FPDFText_CountChars(raw))
    if not any(_unmapped(raw, i) for i in range(0, count, SAMPLE_EVERY)):
        return None
    lines: list[str] = []
    units: list[str] = []
    unmapped = shown = 0
    dropped = False
    for index in range(count + 1):
        code = int(pdfium_c.FPDFText_GetUnicode(raw, index)) if index < count else 0x0A
        if code == 0x0A:  # PDFium ends a line with "\r\n"
            if shown and unmapped > MOSTLY * shown:
                dropped = True
            else:
                line = "".join(units).encode("utf-16-le", errors="surrogatepass")
                lines.append(line.decode("utf-16-le", errors="replace"))  # pairs joined
            units, unmapped, shown = [], 0, 0
            continue
        if code == 0x02:  # PDFium's hyphen at a line end, as its own text gives it
            code = 0xFFFE
        if code >= 0x20 or code == 0x09:  # PDFium's own text leaves control codes out
            units.append(chr(code))
            if not chr(code).isspace():
                shown += 1
                unmapped += _unmapped(raw, index)
    return "\n".join(lines) if dropped else None
