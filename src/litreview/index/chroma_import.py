"""Import chromadb without its development-time method checks (a first search's largest cost).

Why: chromadb marks ~160 methods with the ``overrides`` package's ``@override``,
which at class creation walks the caller's frames to find the base classes and
compares signatures: a check for chromadb's own developers that cost a new
``litreview`` process ~0.15 s of CPU (0.75 -> 0.60 s to import chromadb and
open a client, measured side by side; issue 11's first search). While chromadb
loads, ``override`` only marks the method as an override, which is all that
the package's run-time half (``EnforceOverrides``, which refuses an unmarked
override) reads; nothing else changes. Modules chromadb imports later, outside
this scope, get the real decorator.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.RLock()  # re-entrant: a client made inside the block may import more


def _mark(method: Any = None, **_options: Any) -> Any:
    """``@override`` / ``@override(...)``: mark, do not check."""

    def mark(function: Any) -> Any:
        function.__override__ = True
        return function

    return mark if method is None else mark(method)


@contextmanager
def unchecked_overrides() -> Iterator[None]:
    """Within the block, ``overrides.override`` marks without checking (see the module)."""
    try:
        import overrides
    except ImportError:  # a chromadb without the package: nothing to skip
        yield
        return
    with _lock:
        saved: tuple[Callable[..., Any], Callable[..., Any]] = (
            overrides.override,
            overrides.overrides,
        )
        overrides.override = overrides.overrides = _mark
        try:
            yield
        finally:
            overrides.override, overrides.overrides = saved
