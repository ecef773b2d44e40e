"""The record every stage passes around."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Paper:
    """One paper of the library.

    ``paper_id`` is derived from the normalised title so the same paper read
    from a page dump, a BibTeX export and a CSV is one paper, and so that ids
    are stable across re-ingests.
    """

    paper_id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    url: str | None = None
    links: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Changes exactly when what gets indexed changes (title or abstract)."""
        return hashlib.sha1(f"{self.title}\n{self.abstract}".encode()).hexdigest()

    def with_sources(self, sources: tuple[str, ...]) -> Paper:
        return replace(self, sources=sources)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("authors", "links", "sources"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            paper_id=data["paper_id"],
            title=data["title"],
            abstract=data["abstract"],
            authors=tuple(data.get("authors") or ()),
            year=data.get("year"),
            url=data.get("url"),
            links=tuple(data.get("links") or ()),
            sources=tuple(data.get("sources") or ()),
            extra=dict(data.get("extra") or {}),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
