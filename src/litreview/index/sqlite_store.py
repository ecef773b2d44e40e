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


def connect(path: Path, page_size: int | None = None) -> tuple[sqlite3.Connection, bool]:
    """Open a store file; returns the connection and whether it can be written.

    In a folder that cannot be written (a read-only mount, a backup, a
    colleague's library) the file is opened immutable, so listing and searching
    still work: WAL mode would otherwise need to create its -shm file and fail.
    ``page_size`` applies to a file created now (an existing one keeps its own):
    a store of blobs a few pages long wastes half a page per blob on average.
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
    new = not path.exists()
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    if new and page_size:  # only before the first write (WAL mode fixes it)
        db.execute(f"PRAGMA page_size={int(page_size)}")
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
    path: Path, schema: str, model_id: str, tables: Sequence[str], page_size: int | None = None
) -> sqlite3.Connection:
    """Open (creating) a store; if its vectors are another model's, empty ``tables`` first.

    Vectors of another model cannot be compared with this one's; the library
    then finds every paper missing from the store and re-embeds it.
    """
    db, writable = connect(path, page_size)
    if not writable:
        return db
    db.executescript(schema)
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    row = db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
    if row is None or row[0] != model_id:
        # The rows' layout (see ModelStore.layout) goes with them: an emptied store takes today's.
        clear = "".join(f"DELETE FROM {table};" for table in tables)
        clear += "DELETE FROM meta WHERE key != 'model';"
        db.executescript(f"BEGIN IMMEDIATE; {clear} COMMIT;")
        db.execute(
            "INSERT INTO meta VALUES ('model', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (model_id,),
        )
    return db


def free_share(db: sqlite3.Connection) -> float:
    """The share of a database file that is free pages (rows deleted, file not shrunk)."""
    pages = int(db.execute("PRAGMA page_count").fetchone()[0])
    free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
    return free / pages if pages else 0.0


# A file is rewritten (VACUUM) after an ingest when at least this share of it is free pages:
# below that, the next writes reuse them anyway and rewriting costs more than it gives back.
SPARSE = 0.2


def vacuum_if_sparse(db: sqlite3.Connection, share: float = SPARSE) -> bool:
    """Give free pages back to the disk when they are ``share`` of the file or more.

    Why after an ingest: a re-ingest replaces rows, and Chroma's own queue of
    new vectors is emptied into its index every thousand chunks, leaving the
    pages it used free; at 1,000 papers that was about 2 KB of every paper's
    disk. ``db`` must be outside any transaction; returns whether it ran.
    """
    if free_share(db) < share:
        return False
    db.execute("VACUUM")
    return True


def rows_for_ids(db: sqlite3.Connection, query: str, ids: Sequence[str]) -> Iterator[Any]:
    """Rows of ``query`` (whose ``{marks}`` is an ``IN`` list) for every id, slice by slice."""
    for start in range(0, len(ids), SLICE):
        part = list(ids[start : start + SLICE])
        yield from db.execute(query.format(marks=",".join("?" * len(part))), part)


class ModelStore:
    """One model's per-paper rows in their own SQLite file (``TABLE`` keyed by paper_id)."""

    TABLE = ""
    PAGE_SIZE: int | None = None  # for a file created now; None keeps SQLite's default

    def __init__(self, path: Path, schema: str, model_id: str, tables: Sequence[str]) -> None:
        self.path = path
        self.identity = model_id  # whose vectors these are: a shared server's records name it
        self._lock = threading.Lock()
        self._db = open_model_store(path, schema, model_id, tables, self.PAGE_SIZE)

    def close(self) -> None:
        self._db.close()

    def layout(self, key: str, new: str, old: str) -> str:
        """How this store's rows are laid out, under ``key`` in its meta table.

        A store that says nothing and already has rows was written before the
        layout was recorded: it is ``old`` and stays readable as it is. An
        empty store (new, or emptied for another model) takes ``new``. A
        read-only store is read as it says.
        """
        with self._lock:
            try:
                row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            except sqlite3.OperationalError:  # a read-only store made before meta existed
                return old
            if row is not None:
                return str(row[0])
            empty = self._db.execute(f"SELECT 1 FROM {self.TABLE} LIMIT 1").fetchone() is None
            chosen = new if empty else old
            try:  # another process opening the same new store may have recorded it first
                self._db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, chosen))
                row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            except sqlite3.OperationalError:  # read-only (immutable) file: nothing recorded
                return chosen
            return str(row[0])

    def compact(self) -> bool:
        """Give the file's free pages back to the disk if many (:func:`vacuum_if_sparse`)."""
        with self._lock:
            try:
                return vacuum_if_sparse(self._db)
            except sqlite3.OperationalError:  # read-only, or busy in another process
                return False

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
