"""A library's catalog as another process sees it (for tests that kill an ingest midway)."""

from __future__ import annotations

import sqlite3
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
