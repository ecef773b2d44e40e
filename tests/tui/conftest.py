"""Snapshot comparisons that say what differs in the failure itself.

pytest-textual-snapshot reports a mismatch as ``assert False`` and an HTML report left on the
machine that ran it; CI keeps neither, so a snapshot that failed there (and passed here) could
not be read. The override below puts the lines of text that differ into the assertion.
"""

from __future__ import annotations

import difflib
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.svg import screen_lines


@pytest.fixture
def snap_compare(snap_compare: Any, request: pytest.FixtureRequest) -> Callable[..., bool]:
    from pytest_textual_snapshot import node_to_report_path

    def compare(*args: Any, **kwargs: Any) -> bool:
        if snap_compare(*args, **kwargs):
            return True
        data = pickle.loads(node_to_report_path(request.node).read_bytes())
        expected, actual = data[1], data[2]
        diff = difflib.unified_diff(
            screen_lines(expected), screen_lines(actual), "snapshot", "this run", lineterm=""
        )
        changed = "\n".join(diff) or "(the same text: only styles differ, e.g. a cursor's blink)"
        raise AssertionError(f"the screen differs from its snapshot:\n{changed}")

    return compare
