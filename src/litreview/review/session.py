"""Conversations that persist: a named session keeps its turns for follow-up questions.

Stored as JSON under ``<home>/sessions/<name>.json`` (written atomically), so
the CLI (``ask --session``) and the TUI share one format. A turn is recorded
under a lock on the session (load, append, save): two ``ask``s on one session
at once each keep their turn instead of the later save erasing the other's.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from litreview.errors import LitreviewError
from litreview.llm.types import Message

if TYPE_CHECKING:
    from litreview.review.ask import AskResult

MAX_HISTORY_TURNS = 6  # earlier turns are kept on disk but not sent to the model
MAX_NAME_CHARS = 80
_MAX_NAME_BYTES = 200  # file systems count bytes (255 at most); "ü" is two, "語" three


class SessionError(LitreviewError, ValueError):
    """A session name that cannot be a file name, or a session file that cannot be read."""


@dataclass(frozen=True)
class AnswerMessage(Message):
    """An earlier answer as a chat message, with the ids of the papers it cited in its ``[n]``
    order: a follow-up on them ("Which of those are from before 1990?") is answered from their
    metadata (:mod:`litreview.review.metadata_followup`), and the answer's text alone does not
    say which papers its numbers were."""

    cited: tuple[str, ...] = ()


def earlier_citations(history: Sequence[Message]) -> tuple[str, ...]:
    """The papers the latest answer that cited any cited, in its ``[n]`` order: what "those"
    and "it" refer to. An answer that cited none (a refusal, a listing where none matched) is
    passed over, so "Which of those are by Cohen?" after it still asks about the papers
    before."""
    for message in reversed(history):
        if isinstance(message, AnswerMessage) and message.cited:
            return message.cited
    return ()


@dataclass
class Turn:
    question: str
    answer: str
    model: str
    citations: list[dict[str, object]] = field(default_factory=list)
    at: float = field(default_factory=time.time)

    @classmethod
    def of(cls, result: AskResult) -> Turn:
        """The turn an answer makes, as every face records it."""
        return cls(
            result.question, result.answer, result.model, [c.to_dict() for c in result.citations]
        )


@dataclass
class Session:
    name: str
    turns: list[Turn] = field(default_factory=list)

    def history(self) -> list[Message]:
        """The last turns as chat messages, for the model and for retrieval in context; each
        answer with the papers it cited (:class:`AnswerMessage`)."""
        messages: list[Message] = []
        for turn in self.turns[-MAX_HISTORY_TURNS:]:
            ordered = sorted(turn.citations, key=lambda c: int(str(c.get("n", 0))))
            cited = tuple(dict.fromkeys(str(c["paper_id"]) for c in ordered if "paper_id" in c))
            messages += [
                Message("user", turn.question),
                AnswerMessage("assistant", turn.answer, cited),
            ]
        return messages

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "turns": [vars(t) for t in self.turns]}


class SessionStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        if (
            not re.fullmatch(r"[\w.-]+", name)
            or name.startswith(".")
            or len(name) > MAX_NAME_CHARS
            or len(name.encode("utf-8")) > _MAX_NAME_BYTES
        ):
            raise SessionError(
                f"session name {name[:100]!r}: use letters, digits, '-', '_' or '.', "
                f"at most {MAX_NAME_CHARS} characters, not starting with '.'"
            )
        return self.folder / f"{name}.json"

    def load(self, name: str) -> Session:
        path = self.path(name)
        if not path.exists():
            return Session(name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            turns = [Turn(**t) for t in data.get("turns", [])]
        except (ValueError, TypeError, AttributeError) as exc:
            # A file cut by a full disk or edited by hand: say which, and how to go on.
            raise SessionError(
                f"not a readable session ({type(exc).__name__}: {str(exc)[:120]}); rename or "
                "delete it to start the session afresh",
                path=path,
            ) from exc
        return Session(name, turns)

    @contextmanager
    def locked(self, name: str) -> Iterator[None]:
        """Hold the session's lock (a ``.lock`` file beside it) for a read-modify-write."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.with_suffix(".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def append(self, name: str, turn: Turn) -> Session:
        """Record one turn: the session as it is on disk now, plus ``turn``."""
        with self.locked(name):
            session = self.load(name)
            session.turns.append(turn)
            self.save(session)
        return session

    def save(self, session: Session) -> None:
        path = self.path(session.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".json.{os.getpid()}.tmp")
        tmp.write_text(
            json.dumps(session.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(tmp, path)

    def names(self) -> list[str]:
        if not self.folder.exists():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json"))
