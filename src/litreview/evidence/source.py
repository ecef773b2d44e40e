"""What ``[n]`` in an answer refers to: one numbered piece of evidence from one paper.

Defined with the evidence stage, below the backends and the review tasks that
both pass it around, so the evidence code needs nothing from above it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One numbered piece of evidence: what ``[n]`` in an answer refers to."""

    n: int
    paper_id: str
    title: str
    text: str
