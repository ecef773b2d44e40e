"""Which write made a chunk: in a shared library a chunk's id names it, so deletes name one write.

Why: Chroma deletes by a ``where`` filter as "find the ids, then delete
them" inside the server, and chunk ids used to be ``<paper>:<n>`` whoever
wrote them. A member removing a paper (or replacing a changed one) while
another member added it again deleted the newcomer's chunks under its new
record, and the paper ended absent although a member had just added it.

Now a shared library's chunks are ``<paper>@<write>:<n>``, where the write
is a hash of the paper's id, its content hash and how many removal entries
named the paper when it was written (:func:`write_for`). So:

- two members writing the same version of a paper write the same ids (they
  converge, as before) and a resumed batch rewrites its own;
- a changed paper, or one written again after a removal its writer saw, gets
  ids no earlier write used: a delete of an earlier write's ids, found before
  or after, can never take them;
- a record names its write (``chunks`` in its metadata), so a removal, a
  settle or a replace deletes exactly the ids of the write(s) it removes, by
  id, never by filter.

Chunks written before writes were named (``<paper>:<n>``, and everything in
the embedded store) are write ``None``: libraries shared before keep working,
and their records and chunks are replaced write by write as papers are
written again. The chunk number stays last (``rpartition(":")``), so
:class:`~litreview.index.vectors.ChunkHit` reads it as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

PAGE = 5000  # chunk ids per read
PAPERS = 1000  # papers per ``$in`` filter
DELETE = 5000  # ids per delete request

ChunkSets = dict[str, dict[str | None, list[str]]]  # paper -> write (None: unnamed) -> chunk ids


def write_for(paper_id: str, content_hash: str, removals: int) -> str:
    """The write of one version of a paper; ``removals``: removal entries naming it so far."""
    return hashlib.sha1(f"{paper_id}\n{content_hash}\n{removals}".encode()).hexdigest()[:10]


def chunk_id(paper_id: str, write: str | None, n: int) -> str:
    return f"{paper_id}:{n}" if write is None else f"{paper_id}@{write}:{n}"


def write_of(chunk: str, paper_id: str) -> str | None:
    """The write a chunk id names (``None``: written before writes were named)."""
    head = chunk.rpartition(":")[0]
    return head[len(paper_id) + 1 :] if head.startswith(paper_id + "@") else None


def chunk_sets(collection: Collection, paper_ids: Iterable[str]) -> ChunkSets:
    """Every chunk id of these papers, grouped by the write that made it (paged reads)."""
    wanted = sorted(set(paper_ids))
    out: ChunkSets = {}
    for start in range(0, len(wanted), PAPERS):
        where: Any = {"paper_id": {"$in": wanted[start : start + PAPERS]}}
        offset = 0
        while True:
            got = collection.get(where=where, include=["metadatas"], limit=PAGE, offset=offset)
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                pid = str(meta["paper_id"])
                out.setdefault(pid, {}).setdefault(write_of(cid, pid), []).append(cid)
            offset += len(got["ids"])
            if len(got["ids"]) < PAGE:
                break
    return out


def delete_ids(collection: Collection, ids: list[str]) -> None:
    """Delete exactly these chunk ids (a request per :data:`DELETE`)."""
    for start in range(0, len(ids), DELETE):
        collection.delete(ids=ids[start : start + DELETE])
