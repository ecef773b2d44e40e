"""The collections a shared library keeps on a Chroma server besides its chunks.

``<name>-papers``: one :class:`~litreview.index.server_record.PaperRecord`
per paper, written after the paper's chunks (so a record's presence means
the paper is wholly there). ``<name>-log``: the change marker, one entry per
commit naming the papers it wrote; it only grows, so a member compares its
count with the entries it has seen (one round trip when nothing changed)
and fetches only the papers named in entries it has not. ``<name>-params``:
what every member must agree on before writing (the token codec's rotation).

Every call goes through :func:`~litreview.index.server_link.reaching`, so a
server that goes away mid-call is a one-line error, never a traceback.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from litreview.index.server_link import reaching
from litreview.index.server_record import PLACEHOLDER, PaperRecord
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


def _placeholders(n: int) -> np.ndarray:
    """Chroma wants an embedding per record; these records are only ever found by id."""
    return np.tile(np.asarray(PLACEHOLDER, dtype=np.float32), (n, 1))


class ServerCollections:
    """A shared library's paper records, change log and parameters on one server."""

    def __init__(self, client: ClientAPI, chroma: ChromaSettings) -> None:
        self.chroma = chroma
        with reaching(chroma, "opening the shared library"):
            self.papers = self._open(client, f"{chroma.collection}-papers")
            self.log = self._open(client, f"{chroma.collection}-log")
            self.params = self._open(client, f"{chroma.collection}-params")

    @staticmethod
    def _open(client: ClientAPI, name: str) -> Collection:
        return client.get_or_create_collection(name=name, embedding_function=None)

    def _reaching(self, doing: str) -> Any:
        return reaching(self.chroma, doing)

    # -- writing -----------------------------------------------------------
    def publish(self, records: list[PaperRecord]) -> str | None:
        """Write ``records``, then a log entry naming them; returns the entry's id.

        The log entry comes last: a member that sees it finds every record it
        names. A crash between the two leaves records no entry names yet;
        their writer re-sends them (its catalog still has them pending), and
        members compare counts on open, so they are not missed either.
        """
        if not records:
            return None
        with self._reaching("sharing papers"):
            for part in _slices(records):
                self.papers.upsert(
                    ids=[r.paper_id for r in part],
                    embeddings=_placeholders(len(part)),
                    metadatas=[r.metadata() for r in part],
                )
            entry = f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}"
            self.log.add(
                ids=[entry],
                embeddings=_placeholders(1),
                metadatas=[{"papers": json.dumps([r.paper_id for r in records])}],
            )
        return entry

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

    def changed_papers(self, entries: list[str]) -> set[str]:
        """The papers the log ``entries`` name."""
        out: set[str] = set()
        with self._reaching("reading the change log"):
            for start in range(0, len(entries), PAGE):
                got = self.log.get(ids=entries[start : start + PAGE], include=["metadatas"])
                for meta in got["metadatas"] or []:
                    out.update(json.loads(str(meta["papers"])))
        return out

    def fetch(self, paper_ids: Iterable[str]) -> Iterator[list[PaperRecord]]:
        """The records of ``paper_ids`` (absent ones skipped), a slice at a time."""
        ids = sorted(paper_ids)
        for start in range(0, len(ids), FETCH):
            with self._reaching("fetching papers"):
                got = self.papers.get(ids=ids[start : start + FETCH], include=["metadatas"])
            yield [
                PaperRecord.from_metadata(pid, dict(meta))
                for pid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
            ]
