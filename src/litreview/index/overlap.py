"""Ingest's batches overlapped with their model work: the next one prepared, the last stored.

Why: phase 1 of an ingest alternates model work (both cores) with storing a
batch (chunks into Chroma, token codes, passages, the catalog's marks), which
is single-threaded; done in turn, one core idles for the whole store step.
Handed to one background thread, a batch is stored while the next one is
chunked and embedded. Commits stay in order, and a failure is raised in the
caller at its next step, so the ingest stops as it did before; a stop waits
for the commit in flight, never cutting a write short.

Preparing a batch (its papers read from the catalog, chunked, each chunk's
tokens counted) was the other step that ran alone: in phase 1, 8% of the
main thread's time with both cores' model work waiting on it (py-spy over
2,000 real papers), so phase 1 kept 1.83-1.89 of the two cores busy.
:class:`PrepareAhead` prepares the next batch on a thread of its own while
this one is embedded.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class CommitInBackground:
    """One commit at a time, on one thread, in the order submitted."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="litreview-commit")
        self._pending: Future[None] | None = None
        self._after: Callable[[], None] | None = None

    def submit(self, commit: Callable[[], None], after: Callable[[], None]) -> None:
        """Wait for the previous commit (raising its error), then start ``commit``;
        ``after`` runs in the caller once ``commit`` is done (counts, progress)."""
        self.wait()
        self._pending = self._pool.submit(commit)
        self._after = after

    def wait(self) -> None:
        """The commit in flight, finished (its error raised here), and its ``after`` run."""
        pending, after = self._pending, self._after
        self._pending = self._after = None
        if pending is not None:
            pending.result()
            if after is not None:
                after()

    def __enter__(self) -> CommitInBackground:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.wait()
            elif self._pending is not None:
                self._pending.exception()  # let the write in flight finish; the first error wins
        finally:
            self._pool.shutdown(wait=True)


class PrepareAhead(Generic[K, V]):
    """``prepare`` of the next batch on one background thread: one in flight, taken in order.

    ``prepare`` runs on that thread alone, one call after another, so what it keeps
    between calls (a chunker's notes) needs no lock; the caller reads such state only
    once every batch started has been taken.
    """

    def __init__(self, prepare: Callable[[K], V]) -> None:
        self._prepare = prepare
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="litreview-prepare")
        self._pending: Future[V] | None = None

    def start(self, batch: K) -> None:
        """Begin preparing ``batch``; the one before must have been taken."""
        if self._pending is not None:
            raise RuntimeError("the batch prepared before was not taken")
        self._pending = self._pool.submit(self._prepare, batch)

    def take(self) -> V:
        """The batch last started, prepared (its error raised here)."""
        pending, self._pending = self._pending, None
        if pending is None:
            raise RuntimeError("no batch is being prepared")
        return pending.result()

    def __enter__(self) -> PrepareAhead[K, V]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True)  # a preparation in flight reads; it is let finish
