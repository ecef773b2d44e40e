"""SQLite plumbing shared by the catalog and the per-model stores.

Why one place: the token store and the MPNet table are derived data keyed to
the model that made them, so both open the same way (WAL, autocommit, shared
across threads) and start over when another model's vectors are found; and
they and the catalog read rows by id in slices that stay under SQLite's
limit on bound parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

SLICE = 500  # ids per "IN (...)": well under SQLite's bound-parameter limit


def open_model_store(
    path: Path, schema: str, model_id: str, tables: Sequence[str]
) -> sqlite3.Connection:
    """Open (creating) a store; if its vectors are another model's, empty ``tables`` first.

    Vectors of another model cannot be compared with this one's; the library
    then finds every paper missing from the store and re-embeds it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(schema)
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
    if row is None or row[0] != model_id:
        clear = "".join(f"DELETE FROM {table};" for table in tables)
        db.executescript(f"BEGIN IMMEDIATE; {clear} COMMIT;")
        db.execute(
            "INSERT INTO meta VALUES ('model', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (model_id,),
        )
    return db


def rows_for_ids(db: sqlite3.Connection, query: str, ids: Sequence[str]) -> Iterator[Any]:
    """Rows of ``query`` (whose ``{marks}`` is an ``IN`` list) for every id, slice by slice."""
    for start in range(0, len(ids), SLICE):
        part = list(ids[start : start + SLICE])
        yield from db.execute(query.format(marks=",".join("?" * len(part))), part)
