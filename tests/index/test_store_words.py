"""Failures inside the embedded Chroma store reach the user as what they can act on.

Chroma does not always pass SQLite's words on: a full disk met while it applies its log comes out
as "Error in compaction: Failed to apply logs to the metadata segment" (seen in the full-disk
fault test under load). The store's own disk decides then.
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

import pytest

from litreview.index import vectors
from litreview.index.vectors import VectorStoreError

COMPACTION = "Error in compaction: Failed to apply logs to the metadata segment"
Usage = namedtuple("Usage", "total used free")


def test_a_compaction_failure_on_a_full_disk_is_the_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.disk_usage", lambda _: Usage(3 << 20, 3 << 20, 4096))
    with (
        pytest.raises(VectorStoreError, match="the disk is full") as caught,
        vectors._embedded(f"{tmp_path}: storing chunks", tmp_path),
    ):
        raise RuntimeError(COMPACTION)
    assert str(tmp_path) in str(caught.value)


def test_a_compaction_failure_with_room_on_the_disk_goes_on_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.disk_usage", lambda _: Usage(1 << 30, 1 << 20, 1 << 29))
    with (
        pytest.raises(RuntimeError, match="compaction"),
        vectors._embedded(f"{tmp_path}: storing chunks", tmp_path),
    ):
        raise RuntimeError(COMPACTION)
