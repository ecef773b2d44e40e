"""Parts shared by threads (batch workers, the TUI's workers) give the answers they give alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from litreview.evidence.sentences import split_sentences
from litreview.index.catalog import Catalog
from litreview.reading.normalize import paper_id_for
from litreview.reading.paper import Paper

ABSTRACT = (
    "We study {topic} in depth, e.g. on ImageNet with 3.5% gains over prior art. "
    "Our method, called {name}, needs no labels and runs on one GPU in an hour. "
    "Experiments on five benchmarks show it beats strong baselines by a wide margin. "
    "Code and data are released at https://example.org/{name} for others to reuse."
)


def paper(i: int) -> Paper:
    title = f"Paper number {i} on topic {i % 7}"
    abstract = ABSTRACT.format(topic=f"topic {i} of {i * 3} things", name=f"Tool{i}")
    return Paper(paper_id_for(title), title, abstract, sources=(f"f{i % 3}.txt",))


def test_catalog_serves_threads_that_write_and_read_at_once(tmp_path: Path) -> None:
    """One shared connection: without a lock a thread's BEGIN fails inside another thread's
    open transaction ("cannot start a transaction within a transaction"), and its reads and
    writes land inside that transaction. Three rounds: unlocked, each failed 4 times in 5."""
    for round_ in range(3):
        catalog = Catalog(tmp_path / f"c{round_}.sqlite3")
        papers = [paper(i) for i in range(400)]

        def work(part: int, catalog: Catalog = catalog, papers: list[Paper] = papers) -> int:
            mine = papers[part::4]
            for start in range(0, len(mine), 2):
                batch = mine[start : start + 2]
                catalog.upsert(batch)
                catalog.mark_indexed(
                    [p.paper_id for p in batch], {p.paper_id: p.content_hash for p in batch}
                )
                found = catalog.get([p.paper_id for p in batch])
                assert set(found) == {p.paper_id for p in batch}
                catalog.pending_count()
            return len(mine)

        with ThreadPoolExecutor(4) as pool:
            assert sum(pool.map(work, range(4))) == 400
        assert catalog.count() == 400 and catalog.pending_count() == 0
        catalog.close()


def test_catalog_lists_every_paper_page_by_page(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    papers = [paper(i) for i in range(23)]
    catalog.upsert(papers)
    assert [p.paper_id for p in catalog.all(page=7)] == [p.paper_id for p in papers]
    assert [p.title for p in catalog.all()] == [p.title for p in papers]
    catalog.close()


def test_sentences_split_in_threads_are_the_sentences_split_alone() -> None:
    """pysbd's segmenter keeps the text on the instance: threads used to lose sentences."""
    texts = [ABSTRACT.format(topic=f"subject {i}", name=f"T{i}") * (1 + i % 3) for i in range(80)]
    split = split_sentences.__wrapped__  # the real work, not the process-wide cache
    alone = [split(t) for t in texts]
    assert all(len(s) >= 4 for s in alone)
    for _ in range(3):
        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(split, texts)) == alone
