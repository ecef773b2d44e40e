"""Phase 1 stores a batch while embedding the next: in order, one at a time, errors raised."""

from __future__ import annotations

import threading
import time

import pytest

from litreview.index.overlap import CommitInBackground


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
