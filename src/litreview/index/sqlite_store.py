"""SQLite plumbing shared by the catalog and the per-model stores.

Why one place: the token store and the MPNet table are derived data keyed to
the model that made them, so both open the same way (WAL, autocommit, shared
across threads), start over when another model's vectors are found, and
answer the library's reconciliation (how many papers, which ones) the same
way; and they and the catalog write in the same all-or-nothing transactions
and read rows by id in slices that stay under SQLite's limit on bound
parameters.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litreview.errors import LitreviewError

SLICE = 500  # ids per "IN (...)": well under SQLite's bound-parameter limit


class ReadOnlyLibrary(LitreviewError):
    """The library folder cannot be written: reading works, changing it does not."""


def connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Open a store file; returns the connection and whether it can be written.

    In a folder that cannot be written (a read-only mount, a backup, a
    colleague's library) the file is opened immutable, so listing and searching
    still work: WAL mode would otherwise need to create its -shm file and fail.
    """
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK):
        if not path.exists():
            raise ReadOnlyLibrary(
                "the library folder is read-only and has no such store yet; use --home "
                "(or LITREVIEW_HOME) to pick a writable folder",
                path=path,
            )
        db = sqlite3.connect(
            f"{path.resolve().as_uri()}?immutable=1",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
        return db, False
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db, True


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing, on an autocommit connection; the write lock is taken at once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        # SQLite has already rolled back after some errors (disk full): then there is
        # nothing to undo, and the original error is the one worth reporting.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def open_model_store(
    path: Path, schema: str, model_id: str, tables: Sequence[str]
) -> sqlite3.Connection:
    """Open (creating) a store; if its vectors are another model's, empty ``tables`` first.

    Vectors of another model cannot be compared with this one's; the library
    then finds every paper missing from the store and re-embeds it.
    """
    db, writable = connect(path)
    if not writable:
        return db
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


class ModelStore:
    """One model's per-paper rows in their own SQLite file (``TABLE`` keyed by paper_id)."""

    TABLE = ""

    def __init__(self, path: Path, schema: str, model_id: str, tables: Sequence[str]) -> None:
        self.path = path
        self.identity = model_id  # whose vectors these are: a shared server's records name it
        self._lock = threading.Lock()
        self._db = open_model_store(path, schema, model_id, tables)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time, in one transaction."""
        with self._lock, transaction(self._db) as db:
            yield db

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute(f"SELECT COUNT(*) FROM {self.TABLE}").fetchone()[0])

    def paper_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._db.execute(f"SELECT paper_id FROM {self.TABLE}")}

    def remove_papers(self, paper_ids: Sequence[str]) -> None:
        """Forget these papers' rows (a paper removed from the library); one transaction."""
        ids = list(paper_ids)
        with self._writing() as db:
            for start in range(0, len(ids), SLICE):
                part = ids[start : start + SLICE]
                marks = ",".join("?" * len(part))
                db.execute(f"DELETE FROM {self.TABLE} WHERE paper_id IN ({marks})", part)
