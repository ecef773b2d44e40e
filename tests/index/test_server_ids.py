"""Paper ids, file names and the re-ranking precision agreed through a shared server.

The server is an embedded Chroma client here (the same collections and calls
as over HTTP; tests/cli/test_shared_library.py runs members against a real
``chroma run`` at the same moment). Each test states what two members, who
cannot see each other's catalogs, must end up agreeing on.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from litreview.index.member_cache import UnknownPrecision, agreed_precision
from litreview.index.server_collections import ServerCollections
from litreview.index.server_ids import claim_ids, identity
from litreview.reading.paper import Paper
from litreview.settings import ChromaSettings
from tests.support.members import index, ingest, member, papers


@pytest.fixture
def server(tmp_path: Path) -> ServerCollections:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    return ServerCollections(client, ChromaSettings(host="127.0.0.1"))


def paper(title: str, source: str, **fields: object) -> Paper:
    from litreview.reading.normalize import paper_id_for

    return Paper(paper_id_for(title), title, f"abstract of {source}", sources=(source,), **fields)  # type: ignore[arg-type]


def test_two_papers_of_one_title_get_two_ids(server: ServerCollections) -> None:
    mine = paper("Attention", "a.bib", doi="10.1000/a", year=2017, authors=("Vaswani",))
    theirs = paper("Attention", "b.bib", doi="10.1000/b", year=2021, authors=("Other",))
    [a] = claim_ids(server, [mine])
    [b] = claim_ids(server, [theirs])  # a member that never saw A's catalog
    assert a.paper_id == mine.paper_id, "the first claim keeps the title id"
    assert b.paper_id not in (a.paper_id, "") and b.paper_id != theirs.paper_id
    assert claim_ids(server, [theirs])[0].paper_id == b.paper_id, "stable on re-reading"


def test_the_same_paper_from_two_members_gets_one_id(server: ServerCollections) -> None:
    with_doi = paper("Deep Residual Learning", "a.bib", doi="10.1109/cvpr.2016.90", year=2016)
    without = paper("Deep residual learning.", "b.csv", year=2016)
    renamed = paper("ResNet: deep residual learning", "c.bib", doi="10.1109/CVPR.2016.90")
    ids = {claim_ids(server, [p])[0].paper_id for p in (with_doi, without, renamed)}
    assert ids == {with_doi.paper_id}, "title and DOI both lead to the first claim"


def test_members_racing_on_one_title_never_share_an_id(tmp_path: Path) -> None:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "server"))
    left = ServerCollections(client, ChromaSettings(host="127.0.0.1"))
    right = ServerCollections(client, ChromaSettings(host="127.0.0.1"))
    titles = [f"Survey number {i}" for i in range(30)]
    got: dict[str, list[Paper]] = {}

    def claim(name: str, server: ServerCollections) -> None:
        batch = [paper(t, f"{name}.bib", doi=f"10.1000/{name}{i}") for i, t in enumerate(titles)]
        got[name] = claim_ids(server, batch)

    threads = [threading.Thread(target=claim, args=(n, s)) for n, s in (("a", left), ("b", right))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(got["a"], got["b"], strict=True):
        assert a.paper_id != b.paper_id, a.title
    assert len({p.paper_id for p in got["a"] + got["b"]}) == 60


def test_records_shared_before_claims_keep_their_ids(
    tmp_path: Path, server: ServerCollections
) -> None:
    a = member(tmp_path, "a", server)
    [first] = papers(1)
    ingest(a, [first])
    server.claims.delete(ids=[first.paper_id])  # as a library shared by an older version
    stranger = Paper(first.paper_id, first.title, "another paper", year=1990, authors=("Else",))
    same = Paper(first.paper_id, first.title, "the same, from a CSV", year=first.year)
    assert claim_ids(server, [stranger])[0].paper_id != first.paper_id
    assert claim_ids(server, [same])[0].paper_id == first.paper_id
    assert server.claims_of([first.paper_id])[first.paper_id] == identity(first)
    a.close()


def test_file_names_merged_at_once_by_two_members_are_all_kept(
    tmp_path: Path, server: ServerCollections
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    [shared] = papers(1)
    ingest(a, [Paper(**{**shared.__dict__, "sources": ("a.bib",)})])
    # B read the paper from its own file before seeing A's record, and writes last.
    ingest(b, [Paper(**{**shared.__dict__, "sources": ("b.csv",)})])
    a.cache.pull()
    c = member(tmp_path, "c", server)
    c.cache.pull()
    for m in (a, c):
        assert set(m.catalog.get([shared.paper_id])[shared.paper_id].sources) == {
            "a.bib",
            "b.csv",
        }
    for m in (a, b, c):
        m.close()


def test_an_entry_naming_a_paper_pending_here_is_fetched_after_it_is_written(
    tmp_path: Path, server: ServerCollections
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    [shared] = papers(1)
    b.cache.agree()
    b.catalog.upsert([Paper(**{**shared.__dict__, "sources": ("b.csv",)})])  # pending in B
    ingest(a, [Paper(**{**shared.__dict__, "sources": ("a.bib",)})])
    assert b.cache.pull().fetched == 0, "B's own version is about to be written"
    index(b, [shared.paper_id])
    assert b.cache.pull().fetched == 1, "A's entry was kept unseen"
    got = b.catalog.get([shared.paper_id])[shared.paper_id].sources
    assert set(got) == {"a.bib", "b.csv"}
    a.close()
    b.close()


def test_an_unchanged_reingest_fetches_nothing(
    tmp_path: Path, server: ServerCollections, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = member(tmp_path, "a", server), member(tmp_path, "b", server)
    batch = papers(6)
    ingest(a, batch)
    b.cache.pull()
    fetched: list[list[str]] = []
    real_fetch = server.fetch

    def counting(ids: object) -> object:
        fetched.append(sorted(ids))  # type: ignore[call-overload]
        return real_fetch(fetched[-1])

    monkeypatch.setattr(server, "fetch", counting)
    for m in (a, b):  # the member that wrote them, and one that pulled them
        again = m.catalog.upsert(batch)
        assert sorted(again.unchanged) == sorted(p.paper_id for p in batch)
        before = server.log_count()
        m.cache.publish_changed(again.unchanged)
        assert server.log_count() == before, "nothing sent"
    assert fetched == [], "nothing fetched either"
    # A file name merged in is still sent (without fetching).
    one = Paper(**{**batch[2].__dict__, "sources": ("more.bib",)})
    b.cache.publish_changed(b.catalog.upsert([one]).unchanged)
    assert fetched == [] and server.sources_of([one.paper_id])[one.paper_id] == [
        "a.jsonl",
        "more.bib",
    ]
    a.close()
    b.close()


def test_members_follow_the_first_members_rerank_precision(server: ServerCollections) -> None:
    assert agreed_precision(server, "fp32") == "fp32"
    assert agreed_precision(server, "int8") == "fp32", "the library's, not mine"
    server.params.upsert(
        ids=["rerank-precision"], embeddings=[[1.0, 0.0]], metadatas=[{"value": "aW50Mg=="}]
    )
    with pytest.raises(UnknownPrecision, match=r"'int2'.*upgrade litreview"):
        agreed_precision(server, "int8")


def test_a_library_shared_before_precision_was_agreed_keeps_its_vectors_precision(
    tmp_path: Path, server: ServerCollections
) -> None:
    from litreview.encoders.mpnet import store_id
    from litreview.index.reranker import VectorTable

    a = member(tmp_path, "a", server)
    a.table.close()
    a.table = VectorTable(tmp_path / "a" / "fp32.sqlite3", store_id("fp32"))
    a.cache.rerank_table = a.table
    ingest(a, papers(2))
    assert agreed_precision(server, "int8") == "fp32"
    a.close()


def test_a_paper_every_id_of_which_is_taken_is_one_clear_error(
    server: ServerCollections,
) -> None:
    from litreview.index.server_ids import NoFreeId, candidates

    mine = paper("Attention", "a.bib", doi="10.1000/a")
    stranger = identity(paper("Attention", "x.bib", doi="10.1000/x"))
    server.add_claims({pid: stranger for pid in candidates(mine)})
    with pytest.raises(NoFreeId, match=r"'Attention': every id .* belongs to another paper"):
        claim_ids(server, [mine])
