"""Members' caches of a shared library, pulled and pushed through real Chroma collections.

The "server" here is an embedded Chroma client (the same collections and
calls as over HTTP; the wire itself is tested in tests/cli/test_shared_library.py),
so these tests can look at each step: what a record carries, what a pull
fetches, and what it leaves alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from litreview.index.server_collections import ServerCollections
from litreview.index.server_record import COMPLETE, PaperRecord
from litreview.reading.paper import Paper
from litreview.settings import ChromaSettings
from tests.support.members import ingest, member, papers


@pytest.fixture
def server(tmp_path: Path) -> ServerCollections:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    return ServerCollections(client, ChromaSettings(host="127.0.0.1"))


def test_a_record_round_trips_whole() -> None:
    record = PaperRecord(
        "p1",
        {"paper_id": "p1", "title": "T", "content_hash": "h", "full_text": [[1, "é"]]},
        (b"\x01\x02", b"\x03\x00\x00\x00", b"\x07\x00\x00\x00"),
        "tokens-v",
        np.ones((2, 3), np.float16).tobytes(),
        "mpnet-v",
    )
    back = PaperRecord.from_metadata("p1", record.metadata())
    assert back == record and back.stage == COMPLETE
    assert all(isinstance(v, str | int) for v in record.metadata().values())


def test_an_empty_member_pulls_everything_the_same(
    tmp_path: Path, server: ServerCollections
) -> None:
    a = member(tmp_path, "a", server)
    ids = ingest(a, papers(5))
    b = member(tmp_path, "b", server)
    report = b.cache.pull()
    assert report.fetched == 5 and b.catalog.indexed_count() == 5
    assert b.catalog.complete_count() == 5, "re-ranking vectors came too: nothing to redo"
    assert b.catalog.export(ids) == a.catalog.export(ids), "rows, pages and hashes alike"
    assert b.tokens.raw(ids) == a.tokens.raw(ids)
    assert b.tokens.rotation_bytes(384) == a.tokens.rotation_bytes(384)
    mine, theirs = a.table.get(ids), b.table.get(ids)
    assert all(np.array_equal(mine[pid], theirs[pid]) for pid in ids)
    assert b.cache.pull().fetched == 0, "nothing changed: nothing fetched"
    a.close()
    b.close()


def test_pull_fetches_only_what_changed_and_keeps_local_pending(
    tmp_path: Path, server: ServerCollections
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    ingest(a, papers(4))
    b.cache.pull()
    # A merges a second source into paper-1 (no new text) and adds paper-9.
    merged = papers(4)[1]
    a.catalog.upsert([Paper(**{**merged.__dict__, "sources": ("b.bib",)})])
    a.cache.publish_changed(["paper-1"])
    extra = papers(10)[9]
    ingest(a, [extra])
    # B has its own, pending version of paper-9: the pull must not overwrite it.
    b.catalog.upsert([Paper(**{**extra.__dict__, "abstract": "B's own text"})])
    report = b.cache.pull()
    assert report.fetched == 1
    assert b.catalog.get(["paper-1"])["paper-1"].sources == ("a.jsonl", "b.bib")
    assert b.catalog.get(["paper-9"])["paper-9"].abstract == "B's own text"
    a.close()
    b.close()


def test_papers_the_server_lost_go_back_to_pending(
    tmp_path: Path, server: ServerCollections
) -> None:
    a = member(tmp_path, "a", server)
    ingest(a, papers(3))
    server.papers.delete(ids=["paper-2"])
    report = a.cache.pull()
    assert report.requeued == 1 and a.catalog.pending_ids() == ["paper-2"]
    a.close()


def test_members_follow_the_token_format_of_the_first_writer(server: ServerCollections) -> None:
    from litreview.index.late import DEFAULT_CODEC, Codec
    from litreview.index.member_cache import UnknownTokenFormat, agreed_codec

    # The format is agreed on ("rot2"), not the write policy: merged rows read as any others.
    assert agreed_codec(server, Codec(bits=2)) == DEFAULT_CODEC
    assert server.put_param("token-codec", b"x") == b"rot2"
    assert agreed_codec(server, Codec(bits=1)) == DEFAULT_CODEC, "the library's, not mine"
    server.params.upsert(
        ids=["token-codec"], embeddings=[[1.0, 0.0]], metadatas=[{"value": "cm90Mw=="}]
    )
    with pytest.raises(UnknownTokenFormat, match=r"'rot3'.*upgrade litreview"):
        agreed_codec(server, Codec(bits=1))
