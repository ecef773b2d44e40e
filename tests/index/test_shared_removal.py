"""Papers removed from a shared library leave every member's cache (issue 12).

Driven through real Chroma collections (an embedded client, the same calls as
over HTTP; tests/cli/test_shared_removal.py runs it against ``chroma run``):
what a member's pull drops, what it sends again, and what comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.index.catalog import StoredPassage
from litreview.index.server_collections import ServerCollections
from litreview.settings import ChromaSettings
from tests.support.members import index, ingest, member, papers, remove


@pytest.fixture
def server(tmp_path: Path) -> ServerCollections:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    return ServerCollections(client, ChromaSettings(host="127.0.0.1"))


def test_a_removal_leaves_the_other_members_caches(
    tmp_path: Path, server: ServerCollections
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    ingest(a, papers(4))
    b.cache.pull()
    remove(a, ["paper-1", "paper-3"])
    assert server.paper_ids() and set(server.paper_ids()) == {"paper-0", "paper-2"}
    assert server.sources_of(["paper-1", "paper-3"]) == {}, "its file names went too"
    report = b.cache.pull()
    assert report.removed == 2 and report.requeued == 0
    assert b.catalog.indexed_ids() == {"paper-0", "paper-2"} and not b.catalog.pending_ids()
    assert b.tokens.paper_ids() == {"paper-0", "paper-2"}
    assert b.table.paper_ids() == {"paper-0", "paper-2"}
    assert a.cache.pull().removed == 0, "the member that removed them has nothing to drop"
    assert b.cache.pull().fetched == 0
    a.close()
    b.close()


def test_a_paper_gone_with_a_removal_is_dropped_without_one_sent_again(
    tmp_path: Path, server: ServerCollections
) -> None:
    # A member that took the removal's entry as seen drops the paper once it is gone (its
    # remover finished it); a paper gone with no removal is re-sent.
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    ingest(a, papers(3))
    b.cache.pull()
    remove(a, ["paper-1"])
    b.cache._mark_seen(server.removals())  # seen while its record was still there
    server.papers.delete(ids=["paper-2"])  # lost, not removed (an older backup)
    report = b.cache.pull()
    assert report.removed == 1 and report.requeued == 1
    assert b.catalog.pending_ids() == ["paper-2"] and b.catalog.indexed_ids() == {"paper-0"}
    a.close()
    b.close()


def test_a_removal_stopped_before_its_records_went_is_finished_by_the_next_pull(
    tmp_path: Path, server: ServerCollections
) -> None:
    # The remover was killed after its log entry: the record is still the one it removed.
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    ingest(a, papers(3))
    b.cache.pull()
    server.log_removal(["paper-1"])
    report = b.cache.pull()
    assert report.removed == 1, "no one shows a paper whose removal was logged"
    assert set(server.paper_ids()) == {"paper-0", "paper-2"}, "B finished the removal"
    assert b.catalog.indexed_ids() == {"paper-0", "paper-2"}
    assert a.cache.pull().removed == 1, "the remover's own next open drops it too"
    a.close()
    b.close()


def test_a_removal_stopped_midway_does_not_take_a_paper_added_again_since(
    tmp_path: Path, server: ServerCollections
) -> None:
    a, b, c = (member(tmp_path, name, server) for name in "abc")
    ingest(a, papers(3))
    server.log_removal(["paper-1"])  # stopped here; then a member writes the paper again
    ingest(c, [papers(3)[1]])
    report = b.cache.pull()
    assert report.removed == 0 and b.catalog.indexed_ids() == {"paper-0", "paper-1", "paper-2"}
    assert set(server.paper_ids()) == {"paper-0", "paper-1", "paper-2"}
    for m in (a, b, c):
        m.close()


def test_the_removal_entries_are_read_a_page_at_a_time(
    tmp_path: Path, server: ServerCollections, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litreview.index import server_collections

    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    ingest(a, papers(7))
    b.cache.pull()
    for i in range(1, 6):
        remove(a, [f"paper-{i}"])
    monkeypatch.setattr(server_collections, "PAGE", 2)
    pages: list[int] = []
    get = server.log.get

    def counted(**kwargs: object) -> object:
        pages.append(int(kwargs.get("limit") or 0))  # type: ignore[call-overload]
        return get(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(server.log, "get", counted)
    assert server.removed_ids() == {f"paper-{i}" for i in range(1, 6)}
    assert pages == [2, 2, 2], "five entries, two a page: three reads, none unbounded"
    assert b.cache.pull().removed == 5
    assert b.catalog.indexed_ids() == {"paper-0", "paper-6"}
    a.close()
    b.close()


def test_a_removed_paper_written_again_comes_back_whole(
    tmp_path: Path, server: ServerCollections
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    ingest(a, papers(3))
    b.cache.pull()
    remove(a, ["paper-1"])
    ingest(a, [papers(3)[1]])
    report = b.cache.pull()
    assert report.removed == 0 and b.catalog.indexed_ids() == {"paper-0", "paper-1", "paper-2"}
    assert b.tokens.paper_ids() == {"paper-0", "paper-1", "paper-2"}
    assert b.catalog.export(["paper-1"]) == a.catalog.export(["paper-1"])
    a.close()
    b.close()


def test_pulled_papers_bring_their_full_text_passages(
    tmp_path: Path, server: ServerCollections
) -> None:
    # Without them a member took a full-text paper for one indexed before passages
    # existed: it sent it back to pending and embedded it again.
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    a.cache.agree()
    a.catalog.upsert(papers(1))
    a.catalog.set_passages({"paper-0": [StoredPassage(1, 1, "page one of 0")]})
    index(a, ["paper-0"])
    b.cache.pull()
    assert b.catalog.passages(["paper-0"]) == a.catalog.passages(["paper-0"])
    assert b.catalog.fulltext_not_indexed() == set()
    a.close()
    b.close()
