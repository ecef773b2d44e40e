"""Storing one batch while the next is embedded: at most one commit in flight, in order.

Why: phase 1 of an ingest alternates model work (both cores) with storing a
batch (chunks into Chroma, token codes, passages, the catalog's marks), which
is single-threaded; done in turn, one core idles for the whole store step.
Handed to one background thread, a batch is stored while the next one is
chunked and embedded. Commits stay in order, and a failure is raised in the
caller at its next step, so the ingest stops as it did before; a stop waits
for the commit in flight, never cutting a write short.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType


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
