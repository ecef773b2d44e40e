"""The collections a shared library keeps on a Chroma server besides its chunks.

``<name>-papers``: one :class:`~litreview.index.server_record.PaperRecord`
per paper, written after the paper's chunks (so a record's presence means
the paper is wholly there). ``<name>-log``: the change marker, one entry per
commit naming the papers it wrote; it only grows, so a member compares its
count with the entries it has seen (one round trip when nothing changed)
and fetches only the papers named in entries it has not. ``<name>-params``:
what every member must agree on before writing (the token codec's rotation,
the re-ranking model's precision). ``<name>-ids``: which work holds each paper
id (:mod:`litreview.index.server_ids`). ``<name>-sources``: one entry per
(paper, file) pair, so a file name merged into a paper by one member is never
lost to another member's concurrent rewrite of the paper's record.

Removing papers (a Zotero item trashed there) is shared too: a log entry of
kind ``removal`` names them (and the write of each record it removes), then
their chunks, records and file names are deleted. Chunk ids name the write
that made them (:mod:`~litreview.index.chunk_writes`) and records name their
chunks' write, so every delete of chunks names the ids of the write(s) it
removes: one a member is adding again meanwhile is never among them. A paper
is in the library while its record is there; a member that
finds a paper of its cache gone from the server drops it if a removal names
it, and sends it again otherwise (a server restored from an older backup).
Claims stay (:meth:`ServerCollections.log_removal` says why).

Chroma has no compare-and-set, but ``add`` keeps the first record written
under an id and silently ignores later ones, in the server's log order, and a
read after it sees the winner (checked against ``chroma run``, with two
writers racing on 200 ids: every reader agreed, before and after a restart).
Ids and parameters are claimed that way: add, then read back who holds it.

Every call goes through :func:`~litreview.index.server_link.reaching`, so a
server that goes away mid-call is a one-line error, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from litreview.index.chunk_writes import ChunkSets, chunk_sets, delete_ids
from litreview.index.server_link import reaching
from litreview.index.server_record import (
    CHUNKS,
    COMPLETE,
    PLACEHOLDER,
    PaperRecord,
    chunk_write,
    expected_chunks,
)
from litreview.settings import ChromaSettings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

REQUEST_BYTES = 4_000_000  # records per upsert are cut to about this much text
FETCH = 100  # records per get: each can be tens of kilobytes
PAGE = 5000  # ids per page when listing


def _slices(records: list[PaperRecord], most: int = REQUEST_BYTES) -> Iterator[list[PaperRecord]]:
    part: list[PaperRecord] = []
    size = 0
    for record in records:
        grown = record.size()
        if part and size + grown > most:
            yield part
            part, size = [], 0
        part.append(record)
        size += grown
    if part:
        yield part


def _one_of(key: str, values: list[str]) -> Any:
    """A ``where`` filter: metadata ``key`` is one of ``values`` (typed loosely for chromadb)."""
    return {key: {"$in": values}}


def _source_id(paper_id: str, source: str) -> str:
    return hashlib.sha1(f"{paper_id}\n{source}".encode()).hexdigest()[:20]


def _entry_id() -> str:
    """Log entries sort by when they were written (then at random: two at one instant)."""
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}"


REMOVAL = "removal"  # the ``kind`` of a log entry naming removed papers
WRITTEN = "written"  # a record's write (its log entry); a removal entry's: the writes it removed


def _placeholders(n: int) -> np.ndarray:
    """Chroma wants an embedding per record; these records are only ever found by id."""
    return np.tile(np.asarray(PLACEHOLDER, dtype=np.float32), (n, 1))


class ServerCollections:
    """A shared library's paper records, change log and parameters on one server."""

    def __init__(
        self, client: ClientAPI, chroma: ChromaSettings, chunks: Collection | None = None
    ) -> None:
        self.chroma = chroma
        self.chunks = chunks  # the chunk collection (VectorStore's): :meth:`settle` counts in it
        with reaching(chroma, "opening the shared library"):
            self.papers = self._open(client, f"{chroma.collection}-papers")
            self.log = self._open(client, f"{chroma.collection}-log")
            self.params = self._open(client, f"{chroma.collection}-params")
            self.claims = self._open(client, f"{chroma.collection}-ids")
            self.sources = self._open(client, f"{chroma.collection}-sources")

    @staticmethod
    def _open(client: ClientAPI, name: str) -> Collection:
        return client.get_or_create_collection(name=name, embedding_function=None)

    def _reaching(self, doing: str) -> Any:
        return reaching(self.chroma, doing)

    # -- writing -----------------------------------------------------------
    def publish(self, records: list[PaperRecord], replacing: Iterable[str] = ()) -> str | None:
        """Write ``records``, then a log entry naming them; returns the entry's id.

        The log entry comes last: a member that sees it finds every record it
        names. A crash between the two leaves records no entry names yet;
        their writer re-sends them (its catalog still has them pending), and
        members compare counts on open, so they are not missed either.

        ``replacing``: papers whose chunks this call's writer has just written
        (a new write, :mod:`~litreview.index.chunk_writes`) where another
        version's chunks were. Once their records land, the chunks of the
        version they replace go, by id: the write the paper's record named
        before, and any written before writes were named. Other writes' chunks
        stay (another member may be writing one now).
        A record's ``written`` is its chunks' write (kept when it is sent again
        with the re-ranking model's vectors or a file name merged in); a record
        of unnamed chunks takes the log entry's id, as before.
        """
        if not records:
            return None
        entry = _entry_id()
        new = set(replacing)
        with self._reaching("sharing papers"):
            replaced, before = self._replaced([r for r in records if r.paper_id in new])
            self._add_sources({r.paper_id: r.row.get("sources") or [] for r in records})
            for part in _slices(records):
                self.papers.upsert(
                    ids=[r.paper_id for r in part],
                    embeddings=_placeholders(len(part)),
                    metadatas=[{**r.metadata(), WRITTEN: r.write or entry} for r in part],
                )
            self.log.add(
                ids=[entry],
                embeddings=_placeholders(1),
                metadatas=[{"papers": json.dumps([r.paper_id for r in records])}],
            )
            if replaced and self.chunks is not None:
                delete_ids(self.chunks, replaced)
                # A member sending the replaced version's record again (its read of "still
                # that version" just before this write) may have landed since: put ours back.
                back = self.still_written(before)
                for part in _slices([r for r in records if r.paper_id in back]):
                    self.papers.upsert(
                        ids=[r.paper_id for r in part],
                        embeddings=_placeholders(len(part)),
                        metadatas=[{**r.metadata(), WRITTEN: r.write or entry} for r in part],
                    )
        return entry

    def _replaced(self, records: list[PaperRecord]) -> tuple[list[str], dict[str, str]]:
        """The chunk ids these new writes make stale once their records land, and the
        write each paper's record names now (the version replaced)."""
        if self.chunks is None:
            return [], {}
        writing = {r.paper_id: r.write for r in records if r.write is not None}
        out: list[str] = []
        others: dict[str, dict[str, list[str]]] = {}
        for pid, sets in self._chunk_sets(list(writing)).items():
            for write, ids in sets.items():
                if write is None:
                    out.extend(ids)  # unnamed: no member writes those any more
                elif write != writing[pid]:
                    others.setdefault(pid, {})[write] = ids
        before = self._naming(others)
        for pid, write in before.items():
            out.extend(others[pid][write])
        return out, before

    def _naming(self, candidates: dict[str, dict[str, list[str]]]) -> dict[str, str]:
        """Which of its candidate writes each paper's record names now (read ids only)."""
        out: dict[str, str] = {}
        ids = sorted(candidates)
        with self._reaching("reading papers"):
            for start in range(0, len(ids), PAGE):
                part = ids[start : start + PAGE]
                values = sorted({w for pid in part for w in candidates[pid]})
                got = self.papers.get(ids=part, where=_one_of(CHUNKS, values), include=[])
                for pid in got["ids"]:
                    writes = sorted(candidates[pid])
                    if len(writes) == 1:
                        out[pid] = writes[0]
                        continue
                    for write in writes:  # two writes of one paper on the server at once: rare
                        if self.still_written({pid: write}):
                            out[pid] = write
                            break
        return out

    def still_written(self, writes: dict[str, str]) -> set[str]:
        """Which papers' records still name the write given for them.

        Read without fetching the records: a ``where`` on their ``chunks``.
        A write names its paper (its hash includes the paper's id), so one
        filter over the writes of many papers matches each paper's own.
        """
        ids = sorted(writes)
        out: set[str] = set()
        with self._reaching("reading papers"):
            for start in range(0, len(ids), PAGE):
                part = ids[start : start + PAGE]
                values = sorted({writes[pid] for pid in part})
                got = self.papers.get(ids=part, where=_one_of(CHUNKS, values), include=[])
                out.update(got["ids"])
        return out

    def log_removal(self, paper_ids: list[str]) -> tuple[str, dict[str, str]]:
        """Say in the log that these papers leave the library; returns the entry and the
        write (``written``) of each paper's record it removes.

        Removing goes: this entry, then the papers' chunks (the vector store),
        then :meth:`delete` (records and file names), then :meth:`settle`. The
        entry names the write each record came from, so a removal stopped
        midway (a kill) is told apart from a paper added again afterwards: a
        record still there from the write the entry names is a removal not
        finished, which the next member to open the library finishes
        (:meth:`settle`); a record from a later write is a paper that came back.

        Claims stay: a claim says which work an id stands for, not that the
        work is present. Kept, a removed work that comes back gets its old id,
        and a different work of the same title never takes an id that members
        which have not pulled the removal yet still hold for the old one.
        """
        entry = _entry_id()
        with self._reaching("removing papers"):
            gens = self.written(paper_ids)
            self.log.add(
                ids=[entry],
                embeddings=_placeholders(1),
                metadatas=[
                    {
                        "papers": "[]",
                        "removed": json.dumps(sorted(paper_ids)),
                        "kind": REMOVAL,
                        WRITTEN: json.dumps(gens, sort_keys=True),
                    }
                ],
            )
        return entry, gens

    def delete(self, paper_ids: list[str], gens: dict[str, str] | None = None) -> None:
        """Delete these papers' records and file names (after :meth:`log_removal`).

        With ``gens`` (what :meth:`log_removal` returned) a record goes only if
        it is still from that write: one another member wrote since (the paper
        added again meanwhile) stays, with its file names.
        """
        ids = sorted(set(paper_ids))
        with self._reaching("removing papers"):
            for start in range(0, len(ids), FETCH):
                part = ids[start : start + FETCH]
                if gens is not None:
                    now = self.written(part)
                    part = [pid for pid in part if pid in now and now[pid] == gens.get(pid)]
                if part:
                    self.papers.delete(ids=part)
                    self.sources.delete(where=_one_of("paper", part))

    def settle(
        self,
        paper_ids: Iterable[str],
        removals: dict[str, tuple[list[str], dict[str, str]]] | None = None,
    ) -> set[str]:
        """Finish what a removal left half done to these papers; returns those now absent.

        A paper is in the library when its record is there and its chunks are
        whole. A record still from the write a removal entry names is a
        removal stopped before its record went (a kill): it is finished. A
        record whose chunks are not all there (its chunks deleted under it:
        a record sent again while a removal ran, or one of chunks written
        before writes were named) goes too, so the paper is absent, never a
        record without its vectors. Then chunks no record stands on go: the
        broken records' writes, writes a removal named, unnamed ones. Every
        delete names the ids of those writes: a member adding the paper again
        now writes a new write's ids (:mod:`~litreview.index.chunk_writes`),
        which none of this takes. Every member that removes, re-adds or pulls
        a paper some removal names calls this, so whichever comes last leaves
        the paper either whole or absent. ``removals``: :meth:`removals`, if
        the caller has just read it.
        """
        wanted = sorted(set(paper_ids))
        if not wanted:
            return set()
        removed_writes: dict[str, set[str]] = {}
        for _names, gens in (self.removals() if removals is None else removals).values():
            for pid, gen in gens.items():
                removed_writes.setdefault(pid, set()).add(gen)
        # Records first, then chunks: a record read here had its chunks written before it, so
        # they are listed below (the other order would take a record landing between for broken).
        present = self._records(wanted)
        sets = self._chunk_sets(wanted) if self.chunks is not None else {}
        broken: dict[str, str] = {}
        for pid, meta in present.items():
            gen = str(meta.get(WRITTEN, ""))
            own = sets.get(pid, {}).get(chunk_write(meta), [])
            if gen in removed_writes.get(pid, set()):
                broken[pid] = gen  # a removal stopped midway
            elif self.chunks is not None and len(own) < expected_chunks(meta):
                broken[pid] = gen  # chunks deleted under its record
        with self._reaching("finishing a removal"):
            if broken:
                for pid in broken:  # the broken records' chunks stand on nothing once they go
                    if (write := chunk_write(present[pid])) is not None:
                        removed_writes.setdefault(pid, set()).add(write)
                self.delete(list(broken), broken)
                after = self._records(list(broken))
                present = {pid: m for pid, m in present.items() if pid not in broken} | after
            if self.chunks is not None:
                delete_ids(self.chunks, self._unstood(sets, present, removed_writes))
        return set(wanted) - self.existing(wanted)

    @staticmethod
    def _unstood(
        sets: ChunkSets, present: dict[str, dict[str, Any]], removed: dict[str, set[str]]
    ) -> list[str]:
        """Chunk ids of settled papers that no record stands on and no write can come back to.

        ``removed``: per paper, writes a removal named and those of records
        just found broken. Kept: the chunks of the paper's record, and of other
        named writes (a member may be writing one right now).
        """
        out: list[str] = []
        for pid, by_write in sets.items():
            meta = present.get(pid)
            current = chunk_write(meta) if meta is not None else None
            for write, ids in by_write.items():
                if meta is not None and write == current:
                    continue  # what the record stands on (whole: it was not broken)
                if write is None or write in removed.get(pid, set()):
                    out.extend(ids)
        return out

    def _records(self, paper_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The metadata of these papers' records (absent ones left out)."""
        out: dict[str, dict[str, Any]] = {}
        with self._reaching("reading papers"):
            for start in range(0, len(paper_ids), FETCH):
                got = self.papers.get(ids=paper_ids[start : start + FETCH], include=["metadatas"])
                out.update(zip(got["ids"], map(dict, got["metadatas"] or []), strict=True))
        return out

    def written(self, paper_ids: Iterable[str]) -> dict[str, str]:
        """The write each present record came from (``""``: written before writes were named)."""
        records = self._records(sorted(set(paper_ids)))
        return {pid: str(meta.get(WRITTEN, "")) for pid, meta in records.items()}

    def _chunk_sets(self, paper_ids: list[str]) -> ChunkSets:
        """These papers' chunk ids in the chunk collection, by the write that made them."""
        assert self.chunks is not None
        with self._reaching("listing chunks"):
            return chunk_sets(self.chunks, paper_ids)

    def drop_source(self, paper_ids: list[str], source: str) -> None:
        """Forget that ``source`` gave these papers (their records are re-sent after)."""
        if paper_ids:
            with self._reaching("updating paper sources"):
                self.sources.delete(ids=[_source_id(pid, source) for pid in paper_ids])

    def record_sources(self, by_paper: dict[str, list[str]]) -> None:
        """Record these file names of papers whose records are not sent now."""
        with self._reaching("updating paper sources"):
            self._add_sources(by_paper)

    def _add_sources(self, by_paper: dict[str, list[str]]) -> None:
        """Record each (paper, file) pair once: a grow-only set no rewrite can shrink."""
        pairs = {
            _source_id(pid, str(name)): (pid, str(name))
            for pid, names in by_paper.items()
            for name in names
        }
        ids = list(pairs)
        for start in range(0, len(ids), PAGE):
            part = ids[start : start + PAGE]
            self.sources.add(
                ids=part,
                embeddings=_placeholders(len(part)),
                metadatas=[{"paper": pairs[i][0], "source": pairs[i][1]} for i in part],
            )

    def add_claims(self, identities: dict[str, dict[str, str | int]]) -> None:
        """Claim ids for works (the first claim of an id stays; see the module docstring)."""
        ids = list(identities)
        with self._reaching("claiming paper ids"):
            for start in range(0, len(ids), PAGE):
                part = ids[start : start + PAGE]
                self.claims.add(
                    ids=part,
                    embeddings=_placeholders(len(part)),
                    metadatas=[identities[i] for i in part],
                )

    def put_param(self, name: str, value: bytes) -> bytes:
        """Store ``value`` under ``name`` unless a member did first; returns the value kept."""
        import base64

        with self._reaching("agreeing on the library's parameters"):
            kept = self.param(name)
            if kept is not None:
                return kept
            self.params.add(
                ids=[name],
                embeddings=_placeholders(1),
                metadatas=[{"value": base64.b64encode(value).decode("ascii")}],
            )
        return self.param(name) or value

    # -- reading -----------------------------------------------------------
    def param(self, name: str) -> bytes | None:
        import base64

        with self._reaching("reading the library's parameters"):
            got = self.params.get(ids=[name], include=["metadatas"])
        metas = got["metadatas"] or []
        return base64.b64decode(str(metas[0]["value"])) if metas else None

    def rerank_format(self) -> str | None:
        """The re-ranking vectors' format of one complete record (``None``: no record has any)."""
        with self._reaching("reading the library's parameters"):
            got = self.papers.get(where={"stage": COMPLETE}, limit=1, include=["metadatas"])
        metas = got["metadatas"] or []
        return str(metas[0]["rerank_format"]) if metas and "rerank_format" in metas[0] else None

    def log_count(self) -> int:
        with self._reaching("checking for changes"):
            return int(self.log.count())

    def paper_count(self) -> int:
        with self._reaching("counting papers"):
            return int(self.papers.count())

    def _ids(self, collection: Collection, doing: str) -> list[str]:
        out: list[str] = []
        with self._reaching(doing):
            while True:
                got = collection.get(include=[], limit=PAGE, offset=len(out))
                out.extend(got["ids"])
                if len(got["ids"]) < PAGE:
                    return out

    def log_ids(self) -> list[str]:
        return self._ids(self.log, "reading the change log")

    def paper_ids(self) -> list[str]:
        return self._ids(self.papers, "listing papers")

    def entry_papers(self, entries: list[str]) -> dict[str, tuple[list[str], list[str]]]:
        """The papers each log entry wrote and the papers it removed."""
        out: dict[str, tuple[list[str], list[str]]] = {}
        with self._reaching("reading the change log"):
            for start in range(0, len(entries), PAGE):
                got = self.log.get(ids=entries[start : start + PAGE], include=["metadatas"])
                for entry, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                    written = list(json.loads(str(meta["papers"])))
                    out[entry] = (written, list(json.loads(str(meta.get("removed", "[]")))))
        return out

    def removals(self) -> dict[str, tuple[list[str], dict[str, str]]]:
        """Every removal entry: the papers it names and the write of each record it removed.

        Read a page at a time (``PAGE`` entries): the list grows with every
        removal over the library's life, and one unpaged read of it would be
        a single response of unbounded size.
        """
        out: dict[str, tuple[list[str], dict[str, str]]] = {}
        offset = 0
        with self._reaching("reading the change log"):
            while True:
                got = self.log.get(
                    where={"kind": REMOVAL}, include=["metadatas"], limit=PAGE, offset=offset
                )
                for entry, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                    gens = json.loads(str(meta.get(WRITTEN, "{}")))
                    out[entry] = (list(json.loads(str(meta["removed"]))), dict(gens))
                offset += len(got["ids"])
                if len(got["ids"]) < PAGE:
                    return out

    def removed_ids(self) -> set[str]:
        """Every paper a removal entry names (some may have come back since)."""
        return {pid for names, _gens in self.removals().values() for pid in names}

    def claims_of(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The identity each claimed id was claimed for (unclaimed ids absent)."""
        wanted = sorted(set(ids))
        out: dict[str, dict[str, Any]] = {}
        with self._reaching("reading paper ids"):
            for start in range(0, len(wanted), PAGE):
                got = self.claims.get(ids=wanted[start : start + PAGE], include=["metadatas"])
                out.update(zip(got["ids"], map(dict, got["metadatas"] or []), strict=True))
        return out

    def claims_where(self, key: str, values: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Claims whose ``key`` (``doi`` or ``arxiv``) is one of ``values``."""
        wanted = sorted(set(values))
        out: dict[str, dict[str, Any]] = {}
        with self._reaching("reading paper ids"):
            for start in range(0, len(wanted), PAGE):
                got = self.claims.get(
                    where=_one_of(key, wanted[start : start + PAGE]), include=["metadatas"]
                )
                out.update(zip(got["ids"], map(dict, got["metadatas"] or []), strict=True))
        return out

    def existing(self, paper_ids: Iterable[str]) -> set[str]:
        """Which of ``paper_ids`` have a record (without fetching them)."""
        wanted = sorted(set(paper_ids))
        out: set[str] = set()
        with self._reaching("listing papers"):
            for start in range(0, len(wanted), PAGE):
                out.update(self.papers.get(ids=wanted[start : start + PAGE], include=[])["ids"])
        return out

    def sources_of(self, paper_ids: Iterable[str]) -> dict[str, list[str]]:
        """Every file name any member recorded for each paper, sorted."""
        wanted = sorted(set(paper_ids))
        out: dict[str, list[str]] = {}
        with self._reaching("reading paper sources"):
            for start in range(0, len(wanted), FETCH):
                got = self.sources.get(
                    where=_one_of("paper", wanted[start : start + FETCH]), include=["metadatas"]
                )
                for meta in got["metadatas"] or []:
                    out.setdefault(str(meta["paper"]), []).append(str(meta["source"]))
        return {pid: sorted(names) for pid, names in out.items()}

    def fetch(self, paper_ids: Iterable[str]) -> Iterator[list[PaperRecord]]:
        """The records of ``paper_ids`` (absent ones skipped), a slice at a time.

        Each record's sources are its own followed by those other members
        recorded for the paper (:meth:`sources_of`): a record rewritten by a
        member that had not seen another's file name still carries it.
        """
        ids = sorted(paper_ids)
        for start in range(0, len(ids), FETCH):
            with self._reaching("fetching papers"):
                got = self.papers.get(ids=ids[start : start + FETCH], include=["metadatas"])
            records = [
                PaperRecord.from_metadata(pid, dict(meta))
                for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
            ]
            known = self.sources_of(r.paper_id for r in records)
            for record in records:
                own = list(record.row.get("sources") or [])
                more = [s for s in known.get(record.paper_id, []) if s not in own]
                record.row["sources"] = own + more
            yield records
