"""A member's local files as a cache of a shared server: pulled when behind, pushed on commit.

In server mode the server holds every record that defines the library
(:mod:`litreview.index.server_collections`); a member's catalog, token store
and re-ranking table are copies brought up to date from it, and BM25 is
rebuilt from the catalog as in embedded mode. So a member with an empty home
searches the same papers with the same ranking as the one that ingested
them, and a laptop that dies loses nothing.

Pulling (:meth:`MemberCache.pull`) reads the change log's count first: when
it equals the entries this member has seen and the server's paper count
equals the catalog's indexed count, the cache is current (two round trips).
Otherwise only the papers named by unseen entries are fetched; a first open,
or counts that still disagree, compare the id lists and fetch what is
missing. Papers this member has pending (it is about to write its own
version) are not overwritten, and the entries naming them stay unseen, so
the next pull fetches them once this member's own version is written (and
with it any file name another member merged in meanwhile). Pushing
(:meth:`MemberCache.publish`) sends a batch's records after its chunks,
before the catalog marks it indexed.

A paper removed by one member (:meth:`~litreview.index.stores.Stores.remove_papers`)
is dropped from the others' caches on their next pull: named by a log entry
they have not seen and no longer on the server, or, whatever entries they
saw, gone from the server and named by any removal entry (a paper gone
without one is sent again instead: a server restored from an older backup).

Each member remembers the write of each paper's chunks it holds (written
or fetched: :mod:`~litreview.index.chunk_writes`), so a record it sends
again never puts back a version another member has replaced since.

Each member remembers a hash of every row as it last agreed with the
server (sent or fetched). Re-reading a file whose papers are all there
compares those hashes locally and sends only rows that changed, so an
unchanged re-ingest of a big file costs no fetch of its papers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from litreview.encoders.minilm import DIMENSION
from litreview.errors import LitreviewError
from litreview.index.late import KEPT_CODECS, Codec
from litreview.index.server_record import PaperRecord
from litreview.index.sqlite_store import connect, rows_for_ids, transaction

if TYPE_CHECKING:
    from litreview.index.catalog import Catalog
    from litreview.index.chunk_writes import ChunkSets
    from litreview.index.late import TokenStore
    from litreview.index.reranker import VectorTable
    from litreview.index.server_collections import ServerCollections
    from litreview.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (entry TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS synced (paper_id TEXT PRIMARY KEY, row TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS writes (
    paper_id TEXT PRIMARY KEY, write TEXT NOT NULL, state INTEGER NOT NULL
);
"""


def row_hash(row: dict[str, object]) -> str:
    """A catalog row as a short fingerprint (rows are compared, never stored twice)."""
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode()).hexdigest()


class UnknownTokenFormat(LitreviewError):
    """The shared library stores token vectors in a format this version cannot read."""


def agreed_codec(server: ServerCollections, mine: Codec) -> Codec:
    """The shared library's token format: the first member to write chose it, the rest follow.

    Members storing different formats could not use each other's records (each
    would re-embed the other's papers, in turn), so a member whose own store
    has another format starts it over in the library's (and pulls again).
    """
    name = server.put_param("token-codec", mine.format.encode()).decode()
    for codec in KEPT_CODECS:
        if codec.format == name:
            return codec
    raise UnknownTokenFormat(
        f"the shared library on {server.chroma.address} stores token vectors as {name!r}, "
        "which this version of litreview does not read; upgrade litreview"
    )


class UnknownPrecision(LitreviewError):
    """The shared library's re-ranking vectors have a precision this version does not know."""


def agreed_precision(server: ServerCollections, mine: str) -> str:
    """The re-ranking model's precision the shared library uses: the first member's.

    Members at different precisions (``retrieval.rerank_model_precision``)
    could not use each other's re-ranking vectors, so each would redo the
    other's phase 2 in turn, and their query vectors would not match the
    stored ones. The first member to use the model on the library sets it (a
    library shared before this was agreed keeps the precision its stored
    vectors have); the others follow it, and :class:`Stores` tells them so.
    """
    from litreview.encoders.mpnet import PRECISIONS, store_id

    kept = server.param(PRECISION)
    if kept is None:
        stored = server.rerank_format()
        found = [p for p in PRECISIONS if store_id(p) == stored]
        kept = server.put_param(PRECISION, (found[0] if found else mine).encode())
    name = kept.decode()
    if name not in PRECISIONS:
        raise UnknownPrecision(
            f"the shared library on {server.chroma.address} stores re-ranking vectors at "
            f"precision {name!r}, which this version of litreview does not know; upgrade "
            "litreview"
        )
    return name


PRECISION = "rerank-precision"

# The state of a paper's write held here: its chunks written (record not sent yet), the same
# with another version's chunks on the server to delete once the record is sent, or sent
# (or fetched).
WRITTEN, REPLACING, SENT = 0, 2, 1


def _sources(row: dict[str, object]) -> list[str]:
    names = row.get("sources")
    return [str(name) for name in names] if isinstance(names, list | tuple) else []


@dataclass
class PullReport:
    """What a pull changed: papers fetched, and local papers the server lacked (re-queued)."""

    fetched: int = 0
    requeued: int = 0
    removed: int = 0


class MemberCache:
    """One member's view of a shared server: which changes it holds, and how to get the rest."""

    def __init__(
        self,
        settings: Settings,
        server: ServerCollections,
        catalog: Catalog,
        tokens: TokenStore,
        rerank_table: VectorTable | None,
    ) -> None:
        self.server = server
        self.catalog = catalog
        self.tokens = tokens
        self.rerank_table = rerank_table  # None: the re-ranking model is off or not installed
        self._db, _ = connect(settings.server_sync_path)
        self._db.executescript(SCHEMA)
        chroma = settings.chroma
        identity = f"{chroma.host}:{chroma.port}#{chroma.collection}"
        row = self._db.execute("SELECT value FROM meta WHERE key = 'server'").fetchone()
        if row is None or row[0] != identity:  # another server: nothing of it is seen yet
            with transaction(self._db) as db:
                db.execute("DELETE FROM seen")
                db.execute("DELETE FROM writes")  # writes name chunks on that server only
                db.execute("INSERT OR REPLACE INTO meta VALUES ('server', ?)", (identity,))
        self._agreed = False

    def close(self) -> None:
        self._db.close()

    # -- which log entries this member holds ------------------------------------
    def _seen_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    def _seen(self) -> set[str]:
        return {str(r[0]) for r in self._db.execute("SELECT entry FROM seen")}

    def _mark_seen(self, entries: Iterable[str]) -> None:
        with transaction(self._db) as db:
            db.executemany("INSERT OR IGNORE INTO seen VALUES (?)", [(e,) for e in entries])

    # -- agreeing before writing -----------------------------------------------
    def agree(self) -> None:
        """Use the library's token rotation (the first member to write chose it)."""
        if self._agreed:
            return
        name = f"token-rotation-{DIMENSION}"
        kept = self.server.param(name)
        if kept is None:
            mine = self.tokens.rotation_bytes(DIMENSION)
            kept = None if mine is None else self.server.put_param(name, mine)
        if kept is not None:
            self.tokens.adopt_rotation(DIMENSION, kept)
        self._agreed = True

    # -- pulling -----------------------------------------------------------
    def pull(self) -> PullReport:
        """Bring the catalog, token store and re-ranking table up to the server's state."""
        report = PullReport()
        self.agree()
        first = self._seen_count() == 0
        if (
            not first
            and self.server.log_count() == self._seen_count()
            and self.server.paper_count() == self.catalog.indexed_count()
        ):
            return report
        entries = self.server.log_ids()  # listed before fetching: later entries come next time
        pending = set(self.catalog.pending_ids())
        seen = set() if first else self._seen()
        removals = self.server.removals()
        wanted: set[str] = set()
        gone: set[str] = set()  # papers unseen entries removed (some may have come back)
        held_back: set[str] = set()  # entries naming papers pending here: fetched once written
        # Papers a removal names that a removal not seen here, or a write not seen here, left
        # to settle: a removal stopped midway, or one that raced a re-add (see ``settle``).
        unsettled = {p for e, (names, _) in removals.items() if e not in seen for p in names}
        if not first or pending:
            named = self.server.entry_papers([e for e in entries if e not in seen])
            for entry, (papers, removed) in named.items():
                if pending.intersection(papers):
                    held_back.add(entry)
                if not first:  # a first pull compares whole id lists below instead
                    wanted.update(papers)
                    gone.update(removed)
            rewritten = {p for papers, _ in named.values() for p in papers}
            unsettled |= rewritten & {p for names, _ in removals.values() for p in names}
            wanted -= pending
            gone -= pending  # this member is writing its own version: it comes back
        gone |= self.server.settle(unsettled - pending, removals)
        report.fetched += self._fetch(wanted)
        gone &= self.catalog.indexed_ids()
        if gone:
            report.removed += self.drop(gone - self.server.existing(gone))
        if first or self.server.paper_count() != self.catalog.indexed_count():
            on_server = set(self.server.paper_ids())
            local = set(self.catalog.ids_by_arrival())
            report.fetched += self._fetch(on_server - local)
            lost = self.catalog.indexed_ids() - on_server
            if lost:  # removed by a member, or a server restored from an older backup
                dropped = lost & {p for names, _ in removals.values() for p in names}
                report.removed += self.drop(dropped)
                lost -= dropped
            if lost:
                self.catalog.mark_pending(lost)
                report.requeued = len(lost)
        self._mark_seen(e for e in entries if e not in held_back)
        return report

    def _fetch(self, paper_ids: set[str]) -> int:
        fetched = 0
        table = self.rerank_table
        for records in self.server.fetch(paper_ids):
            tokens = {
                r.paper_id: r.tokens
                for r in records
                if r.tokens is not None and r.token_format == self.tokens.identity
            }
            self.tokens.put_raw(tokens)
            vectors: dict[str, np.ndarray] = {}
            if table is not None:
                vectors = {
                    r.paper_id: np.frombuffer(r.rerank, dtype=np.float16)
                    for r in records
                    if r.rerank is not None and r.rerank_format == table.identity
                }
                table.replace_papers(vectors)
            # Last: the catalog says "searchable", and "complete" for those with vectors here.
            self.catalog.put_replicas([r.row for r in records], set(vectors))
            self._mark_synced({r.paper_id: r.row for r in records})
            self._set_writes({r.paper_id: r.write for r in records}, SENT)
            fetched += len(records)
        return fetched

    def drop(self, paper_ids: set[str] | list[str]) -> int:
        """Take papers out of this member's cache (the server no longer has them)."""
        ids = sorted(paper_ids)
        if not ids:
            return 0
        self.tokens.remove_papers(ids)
        if self.rerank_table is not None:
            self.rerank_table.remove_papers(ids)
        removed = self.catalog.remove(ids)  # last, and BM25 follows its revision
        self.forget(ids)
        return removed

    def forget(self, paper_ids: list[str], entry: str | None = None) -> None:
        """No row hash for these papers any more; ``entry`` (their removal) is seen."""
        with transaction(self._db) as db:
            db.executemany("DELETE FROM synced WHERE paper_id = ?", [(p,) for p in paper_ids])
            db.executemany("DELETE FROM writes WHERE paper_id = ?", [(p,) for p in paper_ids])
        if entry is not None:
            self._mark_seen([entry])

    def _mark_synced(self, rows: dict[str, dict[str, object]]) -> None:
        with transaction(self._db) as db:
            db.executemany(
                "INSERT OR REPLACE INTO synced VALUES (?, ?)",
                [(pid, row_hash(row)) for pid, row in rows.items()],
            )

    def _synced(self, paper_ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        query = "SELECT paper_id, row FROM synced WHERE paper_id IN ({marks})"
        for pid, digest in rows_for_ids(self._db, query, paper_ids):
            out[str(pid)] = str(digest)
        return out

    # -- which write of each paper this member holds ---------------------------
    def new_writes(self, content_hashes: dict[str, str]) -> dict[str, str]:
        """The writes of papers whose chunks this member is about to write (see
        :mod:`~litreview.index.chunk_writes`); remembered until their records are sent.

        Each counts the removal entries naming its paper, read now: a paper
        added again after a removal this member sees gets ids that removal's
        deletes never name.
        """
        if not content_hashes:
            return {}
        from litreview.index.chunk_writes import write_for

        named: dict[str, int] = {}
        for names, _gens in self.server.removals().values():
            for pid in set(names).intersection(content_hashes):
                named[pid] = named.get(pid, 0) + 1
        writes = {
            pid: write_for(pid, digest, named.get(pid, 0)) for pid, digest in content_hashes.items()
        }
        self._set_writes(writes, WRITTEN)
        return writes

    def note_replaced(self, before: ChunkSets) -> None:
        """Papers just written whose chunks of another version were on the server before
        (``before``: what the chunk write found): their records' sending deletes those.

        Only then: a paper new to the library (most of a big ingest) costs no
        second look at the chunk collection when its record is sent.
        """
        held = self._writes(list(before))
        over = [
            pid
            for pid, sets in before.items()
            if pid in held and held[pid][1] == WRITTEN and any(w != held[pid][0] for w in sets)
        ]
        with transaction(self._db) as db:
            db.executemany(
                "UPDATE writes SET state = ? WHERE paper_id = ?", [(REPLACING, p) for p in over]
            )

    def _set_writes(self, writes: Mapping[str, str | None], state: int) -> None:
        """Remember each paper's write (``None``: unnamed chunks, forgotten)."""
        with transaction(self._db) as db:
            db.executemany(
                "INSERT OR REPLACE INTO writes VALUES (?, ?, ?)",
                [(pid, w, state) for pid, w in writes.items() if w is not None],
            )
            db.executemany(
                "DELETE FROM writes WHERE paper_id = ?",
                [(pid,) for pid, w in writes.items() if w is None],
            )

    def _writes(self, paper_ids: list[str]) -> dict[str, tuple[str, int]]:
        """The write of each paper's chunks held here, and its state (:data:`SENT`, ...)."""
        out: dict[str, tuple[str, int]] = {}
        query = "SELECT paper_id, write, state FROM writes WHERE paper_id IN ({marks})"
        for pid, write, state in rows_for_ids(self._db, query, paper_ids):
            out[str(pid)] = (str(write), int(state))
        return out

    def _behind(self, paper_ids: list[str]) -> set[str]:
        """Papers whose record on the server is not the version held here (not re-sent).

        A record sent again (the re-ranking model's vectors, a file name merged
        in) must not put back a version another member has replaced meanwhile:
        that member deleted the old version's chunks. A paper whose record this
        member wrote or fetched names a write: one query (no records fetched).
        One held since before writes were named (none remembered) is compared
        with the server's record, once.
        """
        held = self._writes(paper_ids)
        sent = {pid: write for pid, (write, state) in held.items() if state == SENT}
        behind = set(sent) - self.server.still_written(sent)
        unknown = [pid for pid in paper_ids if pid not in held]
        if unknown:
            named = {
                record.paper_id: record.write
                for records in self.server.fetch(unknown)
                for record in records
            }
            behind |= {pid for pid, write in named.items() if write is not None}
        return behind

    # -- pushing -----------------------------------------------------------
    def publish_changed(self, paper_ids: list[str]) -> None:
        """Re-send indexed papers whose catalog row differs from the server's record.

        A file that names papers already in the library merges its name into
        their sources without changing their text: nothing is re-embedded, but
        the other members must see the same row. Re-ingesting an unchanged file
        sends nothing and fetches nothing: rows are compared with the hashes of
        what was last sent or fetched; only rows with no hash yet (synced by an
        older version) are compared with the server's records.
        """
        indexed = self.catalog.indexed_ids()
        ids = [pid for pid in paper_ids if pid in indexed]
        rows = self.catalog.export(ids)
        synced = self._synced(ids)
        differ = [pid for pid, row in rows.items() if synced.get(pid) != row_hash(row)]
        unknown = [pid for pid in differ if pid not in synced]
        if unknown:
            same = {
                record.paper_id: record.row
                for records in self.server.fetch(unknown)
                for record in records
                if record.row == rows.get(record.paper_id)
            }
            self._mark_synced(same)
            differ = [pid for pid in differ if pid not in same]
        if differ:
            self.publish(differ)

    def publish(self, paper_ids: list[str]) -> None:
        """Send these papers' records (their chunks are on the server already).

        Papers this member has just written (:meth:`new_writes`) are sent as a
        new write, and the version each replaces loses its chunks once its
        record lands (:meth:`ServerCollections.publish`). Papers sent again
        skip those whose record another member has replaced since (:meth:`_behind`;
        their file names are still recorded, and the next pull fetches the
        newer version). Papers a removal ever named are settled after (a
        member may be removing one of them right now: :meth:`ServerCollections.settle`);
        one that ends absent leaves this member's cache too, rather than stay
        listed here alone.
        """
        self.agree()
        held = self._writes(paper_ids)
        fresh = {pid for pid, (_write, state) in held.items() if state != SENT}
        behind = self._behind([pid for pid in paper_ids if pid not in fresh])
        if behind:
            kept = self.catalog.export(sorted(behind & self.server.existing(behind)))
            self.server.record_sources({pid: _sources(row) for pid, row in kept.items()})
        paper_ids = [pid for pid in paper_ids if pid not in behind]
        rows = self.catalog.export(paper_ids)
        tokens = self.tokens.raw(paper_ids)
        table = self.rerank_table
        rerank = table.get(paper_ids) if table is not None else {}
        records = [
            PaperRecord(
                paper_id=pid,
                row=row,
                tokens=tokens.get(pid),
                token_format=self.tokens.identity,
                rerank=rerank[pid].astype(np.float16).tobytes() if pid in rerank else None,
                rerank_format=table.identity if table is not None and pid in rerank else None,
                write=held[pid][0] if pid in held else None,
            )
            for pid, row in rows.items()
        ]
        entry = self.server.publish(
            records, {pid for pid, (_w, state) in held.items() if state == REPLACING}
        )
        if entry is None:
            return
        self._mark_seen([entry])
        self._mark_synced(rows)
        self._set_writes({pid: held[pid][0] for pid in fresh if pid in rows}, SENT)
        removals = self.server.removals()
        removed = {p for names, _ in removals.values() for p in names}.intersection(rows)
        if removed:
            self.drop(self.server.settle(removed, removals))
