"""The stage model: searchable first, complete later, and never silently partial.

The re-ranking model here is a stand-in (a fixed vector per text, in the real
vector table): what is tested is the staging around it (which papers each
phase takes, what an interruption leaves, what search and the faces say),
not MPNet, whose own tests are marked ``models``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from litreview.cli.main import cli
from litreview.errors import Stopped
from litreview.index.catalog import Catalog
from litreview.index.library import Library
from litreview.index.reranker import VectorTable
from litreview.index.retriever import SearchRequest
from litreview.index.stages import IndexingState
from litreview.index.stores import Stores
from litreview.reading import read_file, sample_paths
from litreview.reading.paper import Paper
from litreview.settings import Settings, load_settings
from tests.support.catalog import sqlite_steps
from tests.support.papers import small_corpus

QUESTION = "generating ambiguous inputs to test DNN supervisors"


def _vector(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
    vector = np.random.default_rng(seed).standard_normal(768).astype(np.float32)
    return vector / np.linalg.norm(vector)


class StandInReranker:
    """Deterministic vectors in the real table: the interface ingest and search use."""

    precision = "int8"

    def __init__(self, path: Path) -> None:
        self.table = VectorTable(path, "stand-in")
        self.embedded = 0

    def texts_of(
        self, papers: list[Paper], passages: dict[str, list[str]] | None = None
    ) -> dict[str, list[str]]:
        return {p.paper_id: [p.abstract] for p in papers}

    def embed_texts(self, chunks: dict[str, list[str]]) -> None:
        self.embedded += len(chunks)
        self.table.replace_papers({pid: _vector(texts[0])[None] for pid, texts in chunks.items()})

    def encode_query_soon(self, query: str) -> Future[np.ndarray]:
        done: Future[np.ndarray] = Future()
        done.set_result(_vector(query))
        return done

    def score_rows(
        self, query: str | np.ndarray, paper_ids: list[str]
    ) -> dict[str, np.ndarray] | None:
        stored = self.table.get(paper_ids)
        if len(stored) < len(set(paper_ids)):
            return None
        q = _vector(query) if isinstance(query, str) else query
        return {pid: stored[pid] @ q for pid in paper_ids}

    def score(self, query: str, paper_ids: list[str]) -> dict[str, float] | None:
        rows = self.score_rows(query, paper_ids)
        return None if rows is None else {pid: float(r.max()) for pid, r in rows.items()}

    def close(self) -> None:
        self.table.close()


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every library opened in this test gets the stand-in as its re-ranking model."""
    made: dict[Path, StandInReranker] = {}

    def reranker(self: Stores) -> StandInReranker:
        if "reranker" not in self.__dict__:
            self.__dict__["reranker"] = StandInReranker(self.settings.reranker_path)
            made[self.settings.reranker_path] = self.__dict__["reranker"]
        return self.__dict__["reranker"]  # type: ignore[no-any-return]

    monkeypatch.setattr(Stores, "reranker", property(reranker))
    yield


def _stop_in_second_stage(settings: Settings, corpus: Path, after: int) -> None:
    stop = threading.Event()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "rerank" and done >= after:
            stop.set()

    with Library(settings) as lib, pytest.raises(Stopped):
        lib.ingest([corpus], progress, stop)


def test_an_ingest_stopped_in_phase_two_is_searchable_says_partial_and_resumes(
    stand_in: None, home: Path, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=12)
    limited = load_settings(**{"ingest.batch_size": 4})
    _stop_in_second_stage(limited, corpus, after=4)
    with Library(limited) as lib:
        assert lib.reconcile() == 0  # phase 1 finished: nothing is pending
        state = lib.indexing_state()
        assert state == IndexingState(papers=12, searchable=12, complete=4)
        assert state.partial and state.notice == (
            "ranking is partial: the re-ranking model has indexed 4 of 12 papers; "
            "`litreview ingest` finishes it"
        )
        hits = lib.search(SearchRequest(QUESTION, k=3))
        # Searchable with both MiniLM stages; the second model is left out for every candidate.
        assert hits[0].paper.title.startswith("A Forgotten Danger in DNN Supervision Testing")
        assert all(h.late_score is not None and h.rerank_score is None for h in hits)
        assert lib.notices == [state.notice]  # said once, by every face that prints notices
        report = lib.ingest([])  # the next run, without files, finishes phase 2 only
        assert report.embedded == 0 and report.reranked == 8
        assert lib.indexing_state() == IndexingState(12, 12, 12) and lib.ranking_note() is None
        hits = lib.search(SearchRequest(QUESTION, k=3))
        assert all(h.rerank_score is not None for h in hits)


def test_phase_two_resumes_in_a_run_with_files_and_does_not_redo_phase_one(
    stand_in: None, home: Path, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=8)
    limited = load_settings(**{"ingest.batch_size": 4})
    _stop_in_second_stage(limited, corpus, after=4)
    more = small_corpus(tmp_path, n=10, name="more.jsonl")  # the same 8 and two new
    with Library(limited) as lib:
        report = lib.ingest([more])
        assert report.added == 2 and report.embedded == 2 and report.reranked == 6
        assert lib.indexing_state() == IndexingState(10, 10, 10)


def test_a_changed_paper_goes_back_through_both_stages(
    stand_in: None, settings: Settings, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=3)
    with Library(settings) as lib:
        lib.ingest([corpus])
        assert lib.indexing_state() == IndexingState(3, 3, 3)
        rows = [json.loads(line) for line in corpus.read_text().splitlines()]
        rows[0]["abstract"] += " Revised."
        corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
        report = lib.ingest([corpus])
        assert report.updated == 1 and report.embedded == 1 and report.reranked == 1


def test_lost_reranking_vectors_send_papers_back_to_phase_two_only(
    stand_in: None, settings: Settings, tmp_path: Path
) -> None:
    corpus = small_corpus(tmp_path, n=4)
    with Library(settings) as lib:
        lib.ingest([corpus])
    settings.reranker_path.unlink()
    with Library(settings) as lib:
        assert lib.reconcile() == 0  # still searchable: MiniLM's stores are intact
        assert lib.indexing_state() == IndexingState(4, 4, 0)
        report = lib.ingest([])
        assert report.embedded == 0 and report.reranked == 4


def test_an_old_catalog_migrates_indexed_papers_as_complete(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    papers = read_file(small_corpus(tmp_path, n=3)).papers
    catalog.upsert(papers)
    first = papers[0].paper_id
    catalog.mark_indexed([first], {first: papers[0].content_hash})
    catalog.close()
    db = sqlite3.connect(path)  # as the catalog was before the stage model
    db.execute("DROP INDEX papers_unranked_by_stage")
    db.execute("ALTER TABLE papers DROP COLUMN reranked")
    db.commit()
    db.close()
    catalog = Catalog(path)
    assert catalog.indexed_ids() == catalog.reranked_ids() == {first}
    assert catalog.complete_count() == 1 and catalog.rerank_pending_ids() == []
    catalog.close()


def test_asking_whether_search_may_use_the_second_model_reads_the_same_however_many_pending(
    tmp_path: Path,
) -> None:
    """Every search asks it. With the old index (papers not re-ranked, not keyed by stage) a
    library whose papers were pending was walked paper by paper on every search: 33 ms of
    CPU a query at 100,000 (bench.latency_stages)."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    papers = [p for path in sample_paths() for p in read_file(path).papers]
    catalog.upsert(papers[:5])
    few = sqlite_steps(catalog._db, catalog.all_reranked)
    catalog.upsert(papers[5:])
    assert catalog.pending_count() > 250
    many = sqlite_steps(catalog._db, catalog.all_reranked)
    assert many <= few + 2  # one seek either way; walking them took thousands of steps
    assert catalog.all_reranked()  # pending papers are not searchable: nothing is partial
    first = papers[0]
    catalog.mark_indexed([first.paper_id], {first.paper_id: first.content_hash})
    assert not catalog.all_reranked()  # a searchable paper still waits for the second model
    catalog.mark_reranked([first.paper_id], {first.paper_id: first.content_hash})
    assert catalog.all_reranked()
    catalog.close()


def test_stage_counts_agree_with_the_table_and_do_not_walk_it(tmp_path: Path) -> None:
    """A first search asks these counts ~10 times; counting ``indexed = 1`` read every row of
    the table (15-25 ms each at 50,000 papers). They now count the partial indexes' rows."""
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    first: dict[str, Paper] = {}  # the sample repeats some papers: the catalog keeps the first
    for paper in (p for path in sample_paths() for p in read_file(path).papers):
        first.setdefault(paper.paper_id, paper)
    papers = list(first.values())
    hashes = {p.paper_id: p.content_hash for p in papers}
    ids = [p.paper_id for p in papers]

    def table(where: str) -> int:
        return int(str((catalog._one(f"SELECT COUNT(*) FROM papers WHERE {where}") or [0])[0]))

    def counts() -> tuple[int, int, int]:
        return catalog.indexed_count(), catalog.complete_count(), catalog.reranked_count()

    def steps() -> int:
        return sqlite_steps(catalog._db, counts)

    catalog.upsert(papers[:5])
    catalog.mark_indexed(ids[:5], hashes)
    catalog.mark_reranked(ids[:5], hashes)
    few = steps()
    catalog.upsert(papers[5:])
    catalog.mark_indexed(ids, hashes)
    catalog.mark_reranked(ids, hashes)
    assert counts() == (len(ids), len(ids), len(ids))
    assert steps() <= few + 6  # a complete library: nothing to walk, however many papers
    assert steps() < len(ids)  # (reading the table took several steps a paper)
    catalog.mark_unreranked(ids[:120])  # stages in every combination, as an ingest leaves them
    catalog.mark_pending(ids[80:200])  # some re-ranked papers sent back to pending too
    expected = (table("indexed = 1"), table("indexed = 1 AND reranked = 1"), table("reranked = 1"))
    assert counts() == expected == (len(ids) - 120, len(ids) - 200, len(ids) - 120)
    catalog.close()


def test_a_catalog_with_the_old_unranked_index_gets_the_keyed_one(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    db = sqlite3.connect(path)  # as the catalog was before the index was keyed by stage
    db.execute("DROP INDEX papers_unranked_by_stage")
    db.execute("CREATE INDEX papers_unranked ON papers(reranked) WHERE reranked = 0")
    db.commit()
    db.close()
    Catalog(path).close()
    db = sqlite3.connect(path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    assert "papers_unranked_by_stage" in names and "papers_unranked" not in names


def test_the_faces_say_ranking_is_partial(
    stand_in: None, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = small_corpus(tmp_path, n=8)
    _stop_in_second_stage(load_settings(**{"ingest.batch_size": 4}), corpus, after=4)
    runner = CliRunner()
    note = "ranking is partial: the re-ranking model has indexed 4 of 8 papers"

    listed = runner.invoke(cli, ["library", "--json"])
    assert listed.exit_code == 0, listed.output
    stats = json.loads(listed.stdout)["stats"]
    assert stats["indexing"] == {
        "papers": 8,
        "searchable": 8,
        "complete": 4,
        "reranking": True,
        "partial": True,
    }
    assert stats["ranking_note"].startswith(note)

    searched = runner.invoke(cli, ["search", QUESTION, "--json"])
    assert searched.exit_code == 0, searched.output
    assert json.loads(searched.stdout)["ranking_note"].startswith(note)
    assert f"note: {note}" in searched.stderr

    asked = runner.invoke(cli, ["ask", QUESTION, "--model", "extractive", "--json"])
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["ranking_note"].startswith(note)
    assert f"note: {note}" in asked.stderr

    plain = runner.invoke(cli, ["search", QUESTION, "--mode", "lexical", "--json"])
    assert json.loads(plain.stdout)["ranking_note"] is None  # BM25 alone is not re-ranked

    finished = runner.invoke(cli, ["ingest"])
    assert finished.exit_code == 0, finished.output
    done = json.loads(runner.invoke(cli, ["library", "--json"]).stdout)["stats"]
    assert done["indexing"]["complete"] == 8 and done["ranking_note"] is None


def test_without_a_second_model_nothing_is_partial(settings: Settings, tmp_path: Path) -> None:
    with Library(settings) as lib:  # the cheap pipeline: rerank_model = "none"
        lib.ingest([small_corpus(tmp_path, n=3)])
        state = lib.indexing_state()
        assert state == IndexingState(3, 3, 3, reranking=False) and state.notice is None


def test_an_ingest_sets_mallocs_thresholds_for_the_models(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set once, at the start of every ingest (glibc then keeps the blocks each text's forward
    pass frees for the next: litreview.encoders.allocator)."""
    from litreview.index import ingest

    calls: list[str] = []

    def keep() -> bool:
        calls.append("set")
        return True

    monkeypatch.setattr(ingest, "keep_freed_memory", keep)
    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path, n=2)])
        assert calls == ["set"]
        lib.ingest([])  # finishing an earlier run's phase 2 is an ingest too
        assert calls == ["set", "set"]
