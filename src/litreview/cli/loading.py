"""A command's loading phase without the cyclic garbage collector, then what it loaded frozen.

Why: a first ``search`` creates ~80,000 long-lived objects while it imports
chromadb, pydantic and onnxruntime and opens the stores. CPython's collector
walked them again and again as they were made (two full passes and ~200
young ones, ~0.1 s of CPU on this machine) and once more at exit (~0.1 s),
yet none of them is garbage: they live as long as the process. With the
collector paused while they are made and :func:`gc.freeze` moving them to the
permanent generation afterwards, no pass walks them; what the command makes
after loading (a search's candidates and scores) is collected as usual.

Reference counting frees almost everything as always; only reference cycles
made during loading wait for the process's end, and loading makes few. The
freeze is for a process that ends with its command (the ``litreview``
executable, :func:`one_command_process`): in a process that goes on (tests
invoking the command, a program using the CLI's functions) it would keep the
host's own garbage cycles for good, so there the collector is only paused.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_freeze_after_loading = False


def one_command_process() -> None:
    """Say that this process ends with the command it runs (the CLI's entry point)."""
    global _freeze_after_loading
    _freeze_after_loading = True


@contextmanager
def collector_paused() -> Iterator[Callable[[], None]]:
    """Pause the collector; the callable it gives ends loading (freeze in a one-command
    process, resume), at the latest on leaving the block, so an error never leaves the
    collector off."""
    was_enabled = gc.isenabled()
    gc.disable()
    done = False

    def loaded() -> None:
        nonlocal done
        if not done:
            done = True
            if _freeze_after_loading:
                gc.freeze()
            if was_enabled:
                gc.enable()

    try:
        yield loaded
    finally:
        loaded()
