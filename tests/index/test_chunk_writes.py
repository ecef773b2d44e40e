"""Chunk ids that name their write: deletes in a shared library take one write's chunks (issue 12).

Driven through real Chroma collections (an embedded client, the same calls as
over HTTP; tests/cli/test_shared_removal_race.py runs the races against
``chroma run``): what a replace, a removal, a settle and a record sent again
delete, and what they leave to another member's write.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from litreview.index.chunk_writes import chunk_id, chunk_sets, write_for, write_of
from litreview.index.member_cache import MemberCache
from litreview.index.server_collections import ServerCollections
from litreview.index.server_record import chunk_write
from litreview.index.vectors import Chunk, ChunkHit, VectorStore
from litreview.settings import ChromaSettings, Settings
from tests.support.members import Member, member, papers, token_rows

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection


@pytest.fixture
def chunks(tmp_path: Path) -> Collection:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    return client.get_or_create_collection("papers", embedding_function=None)


@pytest.fixture
def server(tmp_path: Path, chunks: Collection) -> ServerCollections:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    return ServerCollections(client, ChromaSettings(host="127.0.0.1"), chunks)


def put(chunks: Collection, paper_id: str, write: str | None, n: int = 1) -> list[str]:
    """Chunks of one write of a paper, as a member's phase 1 stores them."""
    ids = [chunk_id(paper_id, write, i) for i in range(n)]
    chunks.upsert(
        ids=ids,
        embeddings=np.tile(np.asarray([1.0, 0.0], np.float32), (n, 1)),
        metadatas=[{"paper_id": paper_id, "chunk": i} for i in range(n)],
    )
    return ids


def write(m: Member, chunks: Collection, ids: list[str]) -> dict[str, str]:
    """Phase 1 in server mode: chunks under this write's ids, then the records."""
    got = m.catalog.get(ids)
    writes = m.cache.new_writes({pid: got[pid].content_hash for pid in ids})
    before = chunk_sets(chunks, ids)  # as Stores.replace_chunks: what the chunk write found
    for pid in ids:
        put(chunks, pid, writes[pid])  # members.token_rows: one chunk a paper
    m.cache.note_replaced(before)
    m.tokens.replace_papers({pid: token_rows(i) for i, pid in enumerate(ids)})
    m.cache.publish(ids)
    m.catalog.mark_indexed(ids, {pid: got[pid].content_hash for pid in ids})
    return writes


def sets(chunks: Collection, paper_id: str) -> dict[str | None, list[str]]:
    return chunk_sets(chunks, [paper_id]).get(paper_id, {})


def record_write(server: ServerCollections, paper_id: str) -> str | None:
    (records,) = list(server.fetch([paper_id]))
    return records[0].write


def test_a_chunk_id_names_its_write_and_keeps_its_number_last() -> None:
    new, old = chunk_id("p1", "abc", 3), chunk_id("p1", None, 3)
    assert (new, old) == ("p1@abc:3", "p1:3"), "chunks written before writes were named"
    assert write_of(new, "p1") == "abc" and write_of(old, "p1") is None
    assert ChunkHit(new, "p1", 0.5).index == ChunkHit(old, "p1", 0.5).index == 3
    assert write_for("p1", "h", 0) == write_for("p1", "h", 0), "members converge on one write"
    assert len({write_for("p1", "h", 0), write_for("p1", "h", 1), write_for("p2", "h", 0)}) == 3


def test_two_members_writing_one_version_write_the_same_chunks(
    tmp_path: Path, server: ServerCollections, chunks: Collection
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    one = papers(1)
    a.catalog.upsert(one)
    b.catalog.upsert(one)
    assert write(a, chunks, ["paper-0"]) == write(b, chunks, ["paper-0"])
    assert len(chunks.get(include=[])["ids"]) == 1, "one set of chunks, not one a member"
    a.close()
    b.close()


def test_a_changed_paper_replaces_only_the_version_its_record_named(
    tmp_path: Path, server: ServerCollections, chunks: Collection
) -> None:
    a = member(tmp_path, "a", server)
    a.catalog.upsert(papers(1))
    first = write(a, chunks, ["paper-0"])["paper-0"]
    legacy = put(chunks, "paper-0", None)  # a chunk of a version before writes were named
    inflight = put(chunks, "paper-0", "0123456789")  # another member's write, no record yet
    changed = replace(papers(1)[0], abstract="A new abstract, so a new version.")
    a.catalog.upsert([changed])
    second = write(a, chunks, ["paper-0"])["paper-0"]
    assert second != first
    assert sets(chunks, "paper-0") == {
        second: [chunk_id("paper-0", second, 0)],
        "0123456789": inflight,
    }, "the version it replaced went, and unnamed chunks; another member's write stays"
    assert legacy[0] not in chunks.get(include=[])["ids"]
    assert record_write(server, "paper-0") == second
    a.close()


def test_a_record_sent_again_never_puts_back_a_version_replaced_since(
    tmp_path: Path, server: ServerCollections, chunks: Collection
) -> None:
    # A holds version 1 and sends it again (the re-ranking model's vectors, a file name merged
    # in) after B replaced it with version 2 and deleted version 1's chunks.
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    a.catalog.upsert(papers(1))
    old = write(a, chunks, ["paper-0"])["paper-0"]
    b.cache.pull()
    b.catalog.upsert([replace(papers(1)[0], abstract="Version two of the abstract.")])
    new = write(b, chunks, ["paper-0"])["paper-0"]
    assert set(sets(chunks, "paper-0")) == {new}
    a.cache.publish(["paper-0"])
    assert record_write(server, "paper-0") == new, "A's older version was not sent"
    assert a.cache.pull().fetched == 1, "A fetches the newer version instead"
    assert a.catalog.export(["paper-0"]) == b.catalog.export(["paper-0"])
    assert old not in sets(chunks, "paper-0")
    a.close()
    b.close()


def test_a_removal_and_its_settling_take_only_the_removed_writes_chunks(
    tmp_path: Path, server: ServerCollections, chunks: Collection
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    a.catalog.upsert(papers(2))
    removed = write(a, chunks, ["paper-0", "paper-1"])["paper-1"]
    _entry, gens = server.log_removal(["paper-1"])
    assert gens == {"paper-1": removed}, "a record's write is its chunks' write"
    b.cache.pull()  # B sees the removal (and finishes it), then adds the paper again
    b.catalog.upsert([papers(2)[1]])
    again = write(b, chunks, ["paper-1"])["paper-1"]
    assert again != removed, "a write after a removal it saw names new chunk ids"
    late = put(chunks, "paper-1", removed)  # a member that had not seen the removal, writing on
    put(chunks, "paper-1", None)
    assert server.settle(["paper-1"]) == set()
    assert sets(chunks, "paper-1") == {again: [chunk_id("paper-1", again, 0)]}
    assert late[0] not in chunks.get(include=[])["ids"]
    server.delete(["paper-1"], gens)
    assert record_write(server, "paper-1") == again, "the record of a later write stays"
    a.close()
    b.close()


def test_a_record_whose_chunks_went_is_settled_absent_with_nothing_left(
    tmp_path: Path, server: ServerCollections, chunks: Collection
) -> None:
    # A record sent again (read before a removal, written after it) stands on chunks the
    # removal deleted: it goes too. So does a record of unnamed chunks whose chunks went.
    a = member(tmp_path, "a", server)
    a.catalog.upsert(papers(1))
    gone = write(a, chunks, ["paper-0"])["paper-0"]
    (held,) = list(server.fetch(["paper-0"]))
    _entry, gens = server.log_removal(["paper-0"])
    chunks.delete(ids=[chunk_id("paper-0", gone, 0)])
    server.delete(["paper-0"], gens)
    server.publish(held)  # the late write of the record read before
    server.publish([replace(held[0], paper_id="paper-1", write=None)])  # of unnamed chunks ...
    assert record_write(server, "paper-1") is None
    server.log_removal(["paper-2"])  # (any removal: settling reads them)
    assert server.settle(["paper-0", "paper-1"]) == {"paper-0", "paper-1"}, "... with none"
    assert server.existing(["paper-0", "paper-1"]) == set()
    assert chunk_sets(chunks, ["paper-0", "paper-1"]) == {}
    a.close()


def test_the_vector_store_removes_a_writes_chunks_by_id(tmp_path: Path) -> None:
    store = VectorStore(Settings(home=tmp_path / "home"))
    unit = np.zeros((4, 384), np.float32)
    unit[:, 0] = 1.0
    ids = ["p@old:0", "p@old:1", "p@new:0", "p:0"]
    store.replace_papers([Chunk(cid, "p", "", int(cid[-1])) for cid in ids], unit)
    store.remove_papers(["p"], {"p": "old"})
    assert store.collection.get(include=[])["ids"] == ["p@new:0"], "unnamed chunks go too"
    store.remove_papers(["p"])  # the embedded store: every chunk of the paper, by filter
    assert store.collection.count() == 0


def test_a_record_names_its_chunks_write() -> None:
    assert chunk_write({"chunks": "abc"}) == "abc" and chunk_write({}) is None


def test_a_member_pointed_at_another_server_forgets_the_writes_it_held(
    tmp_path: Path, server: ServerCollections, chunks: Collection
) -> None:
    # A write names chunks on one server: held for another, every record sent again there
    # would look replaced (and not be sent).
    a = member(tmp_path, "a", server)
    a.catalog.upsert(papers(1))
    write(a, chunks, ["paper-0"])
    assert a.cache._writes(["paper-0"])
    a.close()
    elsewhere = Settings(home=tmp_path / "a", chroma=ChromaSettings(host="127.0.0.2"))
    moved = MemberCache(elsewhere, server, a.catalog, a.tokens, a.table)
    assert moved._writes(["paper-0"]) == {}
    moved.close()


def test_a_replaced_version_sent_again_meanwhile_is_put_back_by_the_replacing_write(
    tmp_path: Path,
    server: ServerCollections,
    chunks: Collection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A read "still version 1" and sends its record again; the record lands while B's write
    # of version 2 is between its record and its deletion of version 1's chunks.
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    a.catalog.upsert(papers(1))
    old = write(a, chunks, ["paper-0"])["paper-0"]
    (stale,) = list(server.fetch(["paper-0"]))
    b.cache.pull()
    b.catalog.upsert([replace(papers(1)[0], abstract="Version two of the abstract.")])
    add = server.log.add

    def landing(**kwargs: object) -> None:
        add(**kwargs)  # type: ignore[arg-type]
        server.papers.upsert(
            ids=["paper-0"],
            embeddings=np.asarray([[1.0, 0.0]], np.float32),
            metadatas=[{**stale[0].metadata(), "written": old}],
        )

    monkeypatch.setattr(server.log, "add", landing)
    new = write(b, chunks, ["paper-0"])["paper-0"]
    assert record_write(server, "paper-0") == new, "B's record is back"
    assert sets(chunks, "paper-0") == {new: [chunk_id("paper-0", new, 0)]}
    a.close()
    b.close()
