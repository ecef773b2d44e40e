"""Snapshot comparisons that say what differs in the failure itself.

pytest-textual-snapshot reports a mismatch as ``assert False`` and an HTML report left on the
machine that ran it; CI keeps neither, so a snapshot that failed there (and passed here) could
not be read. The override below puts the lines of text that differ into the assertion, and
shows sources' scores without their digits (they differ by processor).
"""

from __future__ import annotations

import difflib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from litreview.settings import Settings
from tests.support.cli import (
    CHEAP_PIPELINE,
    SAMPLE_INGEST_TIMEOUT,
    cheap_library_settings,
    run_cli,
)
from tests.support.svg import screen_lines


@pytest.fixture
def snap_compare(
    snap_compare: Any, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., bool]:
    from pytest_textual_snapshot import node_to_report_path

    # Scores without their digits: int8 arithmetic differs by processor (AVX2, AVX-512 VNNI).
    monkeypatch.setattr("litreview.tui.widgets.sources.SCORE_LABEL", "  (score)")

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


@pytest.fixture(scope="session")
def fp32_sample_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample library made with MiniLM's shipped (fp32) graph, for a snapshot whose
    sources list scrolls: which papers rank low, and so the list's height, must not depend
    on the processor, as the int8 graph's do (AVX2 alone against AVX-512 VNNI)."""
    path = tmp_path_factory.mktemp("sample-fp32") / "home"
    env = {**CHEAP_PIPELINE, "LITREVIEW_INGEST__MINILM": "shipped"}
    run_cli(path, "ingest", "--sample", check=True, env=env, timeout=SAMPLE_INGEST_TIMEOUT)
    return path


@pytest.fixture
def fp32_sample_settings(
    fp32_sample_home: Path, monkeypatch: pytest.MonkeyPatch, pipeline: str
) -> Settings:
    what = "the fp32 sample library"
    return cheap_library_settings(fp32_sample_home, monkeypatch, pipeline, what)
