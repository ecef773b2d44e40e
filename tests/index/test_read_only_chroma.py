"""A process that only reads the library leaves Chroma's files as they were.

Chroma 1.x wrote an embedded collection's HNSW graph to disk only after 1,000 log records in one
process, so a library ingested in smaller steps was rebuilt from Chroma's log, and its index files
rewritten, by every process that searched it (a different graph each time: records go in in
parallel). ``index/vectors.py`` sets ``sync_threshold`` to 1 (and a wider search beam). Chroma's
client still adds a row to its ``acquire_write`` table each time it opens the store: that is the
one change allowed here.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from litreview.index.vectors import EF_SEARCH, SYNC_THRESHOLD
from tests.support.cli import CHEAP_PIPELINE, run_cli
from tests.support.papers import small_corpus

# An ingest as litreview did it before: Chroma's default threshold, so the graph is never saved.
OLD_INGEST = """
import sys
from litreview.cli.main import main
from litreview.index import vectors
vectors.SYNC_THRESHOLD, vectors.EF_SEARCH = 1000, 100
sys.argv = ["litreview", "ingest", sys.argv[1]]
sys.exit(main())
"""


def _files(chroma: Path) -> dict[str, tuple[int, str]]:
    """Every file of the HNSW folders: modification time and content hash."""
    return {
        str(p.relative_to(chroma)): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(chroma.rglob("*"))
        if p.is_file() and p.parent != chroma
    }


def _rows(chroma: Path) -> list[str]:
    """chroma.sqlite3's content, leaving out Chroma's per-open lock rows."""
    with sqlite3.connect(chroma / "chroma.sqlite3") as db:
        return [line for line in db.iterdump() if "acquire_write" not in line]


def _hnsw_settings(chroma: Path) -> set[tuple[int, int]]:
    """(sync_threshold, ef_search) of every HNSW block in the collection's stored schema."""
    with sqlite3.connect(chroma / "chroma.sqlite3") as db:
        (schema,) = db.execute("SELECT schema_str FROM collections").fetchone()
    found: set[tuple[int, int]] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "sync_threshold" in node:
                found.add((node["sync_threshold"], node["ef_search"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(schema))
    return found


def _search(home: Path) -> None:
    run_cli(
        home,
        "search",
        "training huge models with little GPU memory",
        check=True,
        env=CHEAP_PIPELINE,
    )


def _unchanged_by_a_search(home: Path) -> None:
    chroma = home / "chroma"
    files, rows = _files(chroma), _rows(chroma)
    assert files, "no HNSW files: the graph was never written"
    assert any(name.endswith("index_metadata.pickle") for name in files)
    _search(home)
    assert _files(chroma) == files
    assert _rows(chroma) == rows


def test_a_search_after_an_ingest_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cli(home, "ingest", str(small_corpus(tmp_path)), check=True, env=CHEAP_PIPELINE)
    assert _hnsw_settings(home / "chroma") == {(SYNC_THRESHOLD, EF_SEARCH)}
    _unchanged_by_a_search(home)


def test_a_library_from_before_saves_its_graph_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    subprocess.run(
        [sys.executable, "-c", OLD_INGEST, str(small_corpus(tmp_path))],
        env={**os.environ, **CHEAP_PIPELINE, "LITREVIEW_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    assert not list((home / "chroma").rglob("index_metadata.pickle"))
    assert _hnsw_settings(home / "chroma") == {(1000, 100)}
    _search(home)  # the first process after the upgrade saves the graph
    assert _hnsw_settings(home / "chroma") == {(SYNC_THRESHOLD, EF_SEARCH)}
    _unchanged_by_a_search(home)
