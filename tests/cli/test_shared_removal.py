"""Removing papers from a shared library reaches every member (issue 12).

Member A ingests a real Zotero library (a copy of
StraightOuttaCrompton/Zotero-git-backup) into a real ``chroma run``; the user
trashes two items in Zotero, one of which a ``.jsonl`` export also gave, and
A ingests again. Member B, which pulled the library before, must lose the
trashed paper (listing, search, the server's records) and see the other one
without the Zotero library among its sources; restoring the item in Zotero
brings the paper back whole, under its old id.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from tests.support.chroma_server import ChromaServer
from tests.support.cli import run_cli
from tests.support.shared_cli import ENV, REAL, item_of, listing, server_ids

ABSTRACT = "We propose a method for robust training of deep networks that improves accuracy by 5%."


def found(home: Path, server: ChromaServer, query: str, mode: str) -> list[str]:
    out = run_cli(
        home, *server.flags, "search", query, "--mode", mode, "--json", env=ENV, check=True
    ).stdout
    return [str(r["paper_id"]) for r in json.loads(out)["results"]]


def test_a_paper_trashed_in_zotero_leaves_every_member(
    server: ChromaServer, tmp_path: Path
) -> None:
    a, b = tmp_path / "member-a", tmp_path / "member-b"
    library = tmp_path / "Zotero"
    shutil.copytree(REAL, library)
    kept_item, kept_title = item_of(library, "Archimedean%")
    export = tmp_path / "mine.jsonl"
    export.write_text(json.dumps({"title": kept_title, "abstract": ABSTRACT}) + "\n")
    run_cli(a, *server.flags, "ingest", str(export), str(library), env=ENV, check=True)
    before = listing(b, server)  # B pulls the library as A left it
    assert len(before) == 3
    (kept,) = [pid for pid, p in before.items() if p["title"] == kept_title]
    gone, gone_title = next((pid, p["title"]) for pid, p in before.items() if pid != kept)
    gone_item, _ = item_of(library, str(gone_title))
    assert gone in found(b, server, str(gone_title), "lexical")

    with sqlite3.connect(library / "zotero.sqlite") as db:  # the user trashes both in Zotero
        db.executemany("INSERT INTO deletedItems (itemID) VALUES (?)", [(gone_item,), (kept_item,)])
    proc = run_cli(a, *server.flags, "ingest", str(library), "--json", env=ENV, check=True)
    assert json.loads(proc.stdout.splitlines()[-1])["removed"] == 1

    after = listing(b, server)
    assert set(after) == set(before) - {gone}, "B no longer lists the trashed paper"
    assert not any(str(s).endswith(".sqlite") for s in after[kept]["sources"]), (  # type: ignore[union-attr]
        "the paper the export also gave stays, without the Zotero library among its sources"
    )
    assert listing(a, server) == after
    assert gone not in found(b, server, str(gone_title), "lexical")
    assert gone not in found(b, server, str(gone_title), "hybrid")
    assert sorted(server_ids(server, "papers-papers")) == sorted(after)
    assert server_ids(server, "papers", paper_id=gone) == [], "its chunks left the server"

    with sqlite3.connect(library / "zotero.sqlite") as db:  # restored from the trash
        db.execute("DELETE FROM deletedItems WHERE itemID = ?", (gone_item,))
    proc = run_cli(b, *server.flags, "ingest", str(library), "--json", env=ENV, check=True)
    assert json.loads(proc.stdout.splitlines()[-1])["added"] == 1
    back = listing(a, server)
    assert gone in back and len(back) == 3, "it comes back under its old id (the claim stayed)"
    assert server_ids(server, "papers", paper_id=gone), "with its chunks"
    assert found(a, server, str(gone_title), "dense")[0] == gone
    assert found(a, server, str(gone_title), "lexical")[0] == gone
