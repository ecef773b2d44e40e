"""A real ``chroma run`` on 127.0.0.1 for the shared-library tests, one per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chroma_server import ChromaServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    chroma = ChromaServer(tmp_path / "server-data")
    chroma.start()
    yield chroma
    chroma.stop()
