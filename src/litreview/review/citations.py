"""Citations are checked, not trusted.

A marker ``[n]`` that points outside the provided sources is removed from
the text and reported; every kept marker resolves to a paper. Models write
markers in many shapes (``[1]``, ``[1, 2]``, ``[1][2]``, ``[1-3]``,
``[Source 2]``); all are normalised to ``[n]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from litreview.llm.types import Source

_MARKER = re.compile(r"\[(?:sources?\s*|refs?\.?\s*)?(\d+(?:\s*[-–,;]\s*\d+)*)\]", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    n: int
    paper_id: str
    title: str

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "paper_id": self.paper_id, "title": self.title}


@dataclass(frozen=True)
class CheckedText:
    text: str
    citations: list[Citation]
    dropped: list[int]


def _numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        if re.fullmatch(r"\d+\s*[-–]\s*\d+", part):
            lo, hi = (int(x) for x in re.split(r"\s*[-–]\s*", part))
            if 0 < hi - lo < 20:
                numbers.extend(range(lo, hi + 1))
                continue
        numbers.extend(int(x) for x in re.findall(r"\d+", part))
    return numbers


def check(text: str, sources: Sequence[Source]) -> CheckedText:
    """Normalise markers, drop those that resolve to no source, list the rest in order."""
    by_n = {s.n: s for s in sources}
    cited: dict[int, Citation] = {}
    dropped: list[int] = []

    def replace(match: re.Match[str]) -> str:
        kept = []
        for n in _numbers(match.group(1)):
            if n in by_n:
                kept.append(n)
                source = by_n[n]
                cited.setdefault(n, Citation(n, source.paper_id, source.title))
            elif n not in dropped:
                dropped.append(n)
        return "".join(f"[{n}]" for n in dict.fromkeys(kept))

    cleaned = _MARKER.sub(replace, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    return CheckedText(cleaned.strip(), sorted(cited.values(), key=lambda c: c.n), dropped)
