"""A removal killed midway in a shared library is finished by the next open (issue 12).

Member A ingests a real Zotero library into a real ``chroma run``; the user
trashes an item in Zotero and A's ``litreview ingest`` is killed (SIGKILL)
partway through removing it: right after the removal's log entry, or after
the paper's chunks left the server but before its record did (the record
then had no vectors). Member B's next open must not show the paper, and
must leave the server without it (record and chunks); A's next ``ingest``
finds nothing left to do and lists the same papers.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.chroma_server import ChromaServer
from tests.support.cli import run_cli
from tests.support.shared_cli import ENV, REAL, item_of, listing, server_ids

# The point to die at, as a method of the product whose call is the moment of the kill.
KILL_AT = {
    # after the removal's log entry, before the chunks are deleted
    "chunks": ("litreview.index.vectors", "VectorStore", "remove_papers"),
    # after the chunks are deleted, before the record is (a record without vectors)
    "record": ("litreview.index.server_collections", "ServerCollections", "delete"),
}

CHILD = """
import importlib, os, signal, sys
module, owner, method = sys.argv[1:4]
cls = getattr(importlib.import_module(module), owner)
def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(cls, method, killed)
from litreview.cli.main import main
sys.argv = ["litreview", *sys.argv[4:]]
sys.exit(main())
"""


def killed_ingest(home: Path, server: ChromaServer, at: str, *args: str) -> int:
    """``litreview ingest ARGS`` in ``home``, killed when it reaches ``KILL_AT[at]``."""
    env = {**os.environ, **ENV, "LITREVIEW_HOME": str(home), "NO_COLOR": "1"}
    env.pop("LITREVIEW_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *KILL_AT[at], *server.flags, "ingest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # a loaded machine embeds slowly; the kill comes after that
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode


@pytest.mark.parametrize("at", sorted(KILL_AT))
def test_a_removal_killed_midway_is_finished_by_the_next_open(
    server: ChromaServer, tmp_path: Path, at: str
) -> None:
    a, b = tmp_path / "member-a", tmp_path / "member-b"
    library = tmp_path / "Zotero"
    shutil.copytree(REAL, library)
    run_cli(a, *server.flags, "ingest", str(library), env=ENV, check=True, timeout=900)
    before = listing(b, server)
    gone, title = next(iter(before.items()))
    item, _ = item_of(library, str(title["title"]))
    with sqlite3.connect(library / "zotero.sqlite") as db:  # the user trashes it in Zotero
        db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item,))

    assert killed_ingest(a, server, at, str(library)) == -9
    assert gone in server_ids(server, "papers-papers"), "the kill left its record behind"

    after = listing(b, server)  # B's next open
    assert set(after) == set(before) - {gone}, "B does not show the half-removed paper"
    assert gone not in server_ids(server, "papers-papers"), "B's open finished the removal"
    assert server_ids(server, "papers", paper_id=gone) == [], "no chunks of it are left"

    proc = run_cli(a, *server.flags, "ingest", env=ENV, check=True, timeout=900)
    assert "Embedding" not in proc.stderr, "nothing to redo"
    assert listing(a, server) == after
    assert sorted(server_ids(server, "papers-papers")) == sorted(after)


def test_the_remover_itself_finishes_a_removal_killed_midway(
    server: ChromaServer, tmp_path: Path
) -> None:
    # No other member opens in between: the remover's own next run finishes it.
    a, b = tmp_path / "member-a", tmp_path / "member-b"
    library = tmp_path / "Zotero"
    shutil.copytree(REAL, library)
    run_cli(a, *server.flags, "ingest", str(library), env=ENV, check=True, timeout=900)
    before = listing(a, server)
    gone, paper = next(iter(before.items()))
    item, _ = item_of(library, str(paper["title"]))
    with sqlite3.connect(library / "zotero.sqlite") as db:
        db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item,))
    assert killed_ingest(a, server, "record", str(library)) == -9

    run_cli(a, *server.flags, "ingest", env=ENV, check=True, timeout=900)
    assert set(listing(a, server)) == set(before) - {gone}
    assert gone not in server_ids(server, "papers-papers")
    assert server_ids(server, "papers", paper_id=gone) == []
    assert set(listing(b, server)) == set(before) - {gone}
