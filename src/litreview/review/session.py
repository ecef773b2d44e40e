"""Conversations that persist: a named session keeps its turns for follow-up questions.

Stored as JSON under ``<home>/sessions/<name>.json`` (written atomically), so
the CLI (``ask --session``) and, later, the TUI share one format.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from litreview.llm.types import Message

MAX_HISTORY_TURNS = 6  # earlier turns are kept on disk but not sent to the model


@dataclass
class Turn:
    question: str
    answer: str
    model: str
    citations: list[dict[str, object]] = field(default_factory=list)
    at: float = field(default_factory=time.time)


@dataclass
class Session:
    name: str
    turns: list[Turn] = field(default_factory=list)

    def history(self) -> list[Message]:
        """The last turns as chat messages, for the model and for retrieval in context."""
        messages: list[Message] = []
        for turn in self.turns[-MAX_HISTORY_TURNS:]:
            messages += [Message("user", turn.question), Message("assistant", turn.answer)]
        return messages

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "turns": [vars(t) for t in self.turns]}


class SessionStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        if not re.fullmatch(r"[\w.-]{1,80}", name) or name.startswith("."):
            raise ValueError(f"session name {name!r}: use letters, digits, '-', '_' or '.'")
        return self.folder / f"{name}.json"

    def load(self, name: str) -> Session:
        path = self.path(name)
        if not path.exists():
            return Session(name)
        data = json.loads(path.read_text(encoding="utf-8"))
        return Session(name, [Turn(**t) for t in data.get("turns", [])])

    def save(self, session: Session) -> None:
        path = self.path(session.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(
            json.dumps(session.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(tmp, path)

    def names(self) -> list[str]:
        if not self.folder.exists():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json"))
