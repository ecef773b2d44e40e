"""A model graph built in a spawned process: its peak memory leaves with it, and a failure
comes back as one line (not a traceback) for the caller's own user-ready message.

Both int8 graphs (MPNet's, ~2.3 GB at peak; MiniLM's, ~430 MB) are built this way, once,
into the model cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Told a graph's path and what it is ("MiniLM's int8 graph (~5 s)") just before the graph is
# built, so a face can say why the user waits before the wait, not after it.
Building = Callable[[Path, str], None]


def _reporting(build: Callable[..., None], args: tuple[Any, ...], report: Any) -> None:
    """The child's body: build, and send back why not."""
    try:
        build(*args)
    except Exception as exc:  # anything: the parent turns it into one message
        report.send(f"{type(exc).__name__}: {exc}")
        raise SystemExit(1) from None


def build_in_child(
    build: Callable[..., None], args: tuple[Any, ...], target: Path, name: str
) -> tuple[str, int | None] | None:
    """``build(*args)`` (a module-level function, for ``spawn``) in a child named ``name``:
    ``None`` when ``target`` exists afterwards, else why not and the child's exit code."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_reporting, args=(build, args, send), name=name)
    child.start()
    send.close()
    child.join()
    try:
        if child.exitcode == 0 and target.exists():
            return None
        why = "it failed"
        if (child.exitcode or 0) < 0:
            why = "it was killed, probably out of memory"
        if receive.poll():  # also true when the child died without a word (end of file)
            with contextlib.suppress(EOFError):
                why = str(receive.recv())[:300]
        return why, child.exitcode
    finally:
        receive.close()
