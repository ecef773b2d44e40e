"""The CLI face of a shared library: members run by the installed command against a server.

Tests of removals and races between members (tests/cli/test_shared_removal*.py)
list what a member sees, ask the server which ids it holds and find a Zotero
item by title, the same way.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.support.chroma_server import ChromaServer
from tests.support.cli import run_cli

REAL = Path("/work/shared/real/zotero/StraightOuttaCrompton+Zotero-git-backup")
ENV = {
    "OPENAI_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
    "LITREVIEW_LLM__MODEL": "extractive",
    "LITREVIEW_RETRIEVAL__RERANK_MODEL": "none",  # no MPNet pass: this tests sharing
}


def listing(home: Path, server: ChromaServer) -> dict[str, dict[str, object]]:
    out = json.loads(run_cli(home, *server.flags, "library", "--json", env=ENV, check=True).stdout)
    assert out["stats"]["pending"] == 0, "a member's cache is whole: nothing to embed again"
    return {str(p["paper_id"]): p for p in out["papers"]}


def server_ids(server: ChromaServer, collection: str, **where: str) -> list[str]:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=server.port)
    got = client.get_collection(collection).get(where=where or None, include=[])  # type: ignore[arg-type]
    return list(got["ids"])


def item_of(library: Path, title_like: str) -> tuple[int, str]:
    with sqlite3.connect(library / "zotero.sqlite") as db:
        item, title = db.execute(
            "SELECT i.itemID, v.value FROM items i JOIN itemData d USING(itemID) "
            "JOIN fields f USING(fieldID) JOIN itemDataValues v USING(valueID) "
            "WHERE f.fieldName = 'title' AND v.value LIKE ?",
            (title_like,),
        ).fetchone()
    return int(item), str(title)
