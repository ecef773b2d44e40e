"""SQLite as seen from outside: a library's catalog as another process sees it (for tests
that kill an ingest midway), and the work a statement does (for tests of what a search reads)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path


def catalog_state(home: Path) -> tuple[int, int]:
    """(papers, pending) read straight from SQLite, as another process sees it."""
    path = home / "catalog.sqlite3"
    if not path.exists():
        return (0, 0)
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            total = db.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
            pending = db.execute("SELECT COUNT(*) FROM papers WHERE indexed = 0").fetchone()[0]
    except sqlite3.OperationalError:
        return (0, 0)
    return int(total), int(pending)


def sqlite_steps(db: sqlite3.Connection, call: Callable[[], object]) -> int:
    """How many SQLite virtual-machine instructions ``call`` runs on ``db``.

    A count of work done, not of time: the same whatever the machine's load, so a test can
    say "this does not grow with the library" without timing anything.
    """
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    db.set_progress_handler(tick, 1)
    try:
        call()
    finally:
        db.set_progress_handler(None, 1)
    return steps


def sqlite_statements(db: sqlite3.Connection, call: Callable[[], object]) -> list[str]:
    """The SQL statements ``call`` runs on ``db``, in order (work done, as above)."""
    seen: list[str] = []
    db.set_trace_callback(seen.append)
    try:
        call()
    finally:
        db.set_trace_callback(None)
    return seen
