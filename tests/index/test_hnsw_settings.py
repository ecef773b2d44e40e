"""The chunk collection searches with a wide HNSW beam, new libraries and older ones alike.

Dense search asks Chroma for its pool's chunks only; ``vectors.EF_SEARCH`` keeps the pool's edge
away from the approximate end of HNSW's beam, so a rebuilt graph (Chroma rebuilds a small
library's in every process) gives the same pool. A library made before gets the beam the first
time it is opened.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from litreview.index.vectors import EF_SEARCH
from tests.support.cli import CHEAP_PIPELINE, run_cli
from tests.support.papers import small_corpus

# An ingest as litreview did it before: Chroma's own beam.
OLD_INGEST = """
import sys
from litreview.cli.main import main
from litreview.index import vectors
vectors.EF_SEARCH = 100
sys.argv = ["litreview", "ingest", sys.argv[1]]
sys.exit(main())
"""


def _beams(chroma: Path) -> set[int]:
    """``ef_search`` of every HNSW block in the collection's stored schema."""
    with sqlite3.connect(chroma / "chroma.sqlite3") as db:
        (schema,) = db.execute("SELECT schema_str FROM collections").fetchone()
    found: set[int] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "ef_search" in node:
                found.add(node["ef_search"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(schema))
    return found


def test_a_new_library_searches_with_the_wide_beam(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cli(home, "ingest", str(small_corpus(tmp_path)), check=True, env=CHEAP_PIPELINE)
    assert _beams(home / "chroma") == {EF_SEARCH}


def test_a_library_from_before_gets_the_wide_beam_when_opened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    subprocess.run(
        [sys.executable, "-c", OLD_INGEST, str(small_corpus(tmp_path))],
        env={**os.environ, **CHEAP_PIPELINE, "LITREVIEW_HOME": str(home)},
        check=True,
        capture_output=True,
    )
    assert _beams(home / "chroma") == {100}
    query = "training huge models with little GPU memory"
    found = run_cli(home, "search", query, "--json", check=True, env=CHEAP_PIPELINE)
    assert json.loads(found.stdout)
    assert _beams(home / "chroma") == {EF_SEARCH}
