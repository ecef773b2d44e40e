"""How messages count: "1 question", "2 questions" (batch, ingest and drafts say it alike)."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (a regular plural: "-s")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
