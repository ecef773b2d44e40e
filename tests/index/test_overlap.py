"""Ingest overlaps its batches: stored while the next is embedded, prepared while the one
before is; in order, one at a time, errors raised in the caller."""

from __future__ import annotations

import threading
import time

import pytest

from litreview.index.overlap import CommitInBackground, PrepareAhead


def test_commits_run_in_order_one_at_a_time_beside_the_caller() -> None:
    done: list[int] = []
    counted: list[int] = []
    running = threading.Event()
    overlap: list[bool] = []

    def commit(n: int) -> None:
        assert not running.is_set(), "two commits in flight"
        running.set()
        time.sleep(0.05)
        done.append(n)
        running.clear()

    with CommitInBackground() as commits:
        for n in range(4):
            commits.submit(lambda n=n: commit(n), lambda n=n: counted.append(n))
            overlap.append(running.is_set() or n in done)  # the caller goes on meanwhile
    assert done == [0, 1, 2, 3]
    assert counted == [0, 1, 2, 3]  # each batch counted once stored, in the caller
    assert any(overlap)


def test_a_failed_commit_stops_the_caller_at_its_next_step() -> None:
    def broken() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), CommitInBackground() as commits:
        commits.submit(broken, lambda: None)
        commits.submit(lambda: None, lambda: None)  # the previous failure surfaces here


def test_a_stop_waits_for_the_write_in_flight() -> None:
    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.1)
        finished.set()

    with pytest.raises(KeyboardInterrupt), CommitInBackground() as commits:
        commits.submit(slow, lambda: None)
        raise KeyboardInterrupt
    assert finished.is_set()


def test_the_next_batch_is_prepared_beside_the_caller_in_order() -> None:
    """The caller works on one batch while the next is prepared on another thread."""
    caller = threading.get_ident()
    prepared_on: list[int] = []
    working = threading.Event()  # the caller is on batch 0
    overlapped: list[bool] = []

    def prepare(batch: list[int]) -> list[int]:
        prepared_on.append(threading.get_ident())
        if batch[0] == 2:  # prepared while the caller works on batch 0, or never told so
            overlapped.append(working.wait(timeout=30))
        return [n * 10 for n in batch]

    taken = []
    with PrepareAhead(prepare) as ahead:
        ahead.start([0, 1])
        for first in (2, 4, None):
            batch = ahead.take()
            if first is not None:
                ahead.start([first, first + 1])
            working.set()  # "embedding" this batch
            taken.append(batch)
    assert taken == [[0, 10], [20, 30], [40, 50]]
    assert caller not in prepared_on and len(set(prepared_on)) == 1
    assert overlapped == [True]


def test_a_failed_preparation_is_raised_where_its_batch_is_taken() -> None:
    def broken(batch: str) -> str:
        raise OSError("catalog unreadable")

    with PrepareAhead(broken) as ahead:
        ahead.start("a")
        with pytest.raises(OSError, match="catalog unreadable"):
            ahead.take()
        with pytest.raises(RuntimeError, match="no batch"):
            ahead.take()  # nothing started since
        ahead.start("b")
        with pytest.raises(RuntimeError, match="not taken"):
            ahead.start("c")  # one in flight at a time
