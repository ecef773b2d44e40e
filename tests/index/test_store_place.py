"""What a home records about its vector store, and which runs it refuses (no server needed;
a real ``chroma run`` through the command: tests/cli/test_server_home.py)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from litreview.index.catalog import Catalog
from litreview.index.library import Library
from litreview.index.store_place import (
    KEY,
    Place,
    WrongStore,
    check_kind,
    identity,
    moved,
    recorded_place,
)
from litreview.settings import ChromaSettings, Settings, load_settings
from tests.support.papers import small_corpus

SERVER = ChromaSettings(host="127.0.0.1", port=8765)
EMBEDDED = ChromaSettings()


def test_a_record_names_its_store_never_a_path() -> None:
    assert identity(EMBEDDED) == "embedded#papers"
    assert recorded_place(identity(SERVER)) == Place("127.0.0.1", 8765, "papers")
    assert recorded_place(identity(EMBEDDED)) == Place(None, 0, "papers")
    assert recorded_place("/old/home/chroma#papers") == Place(None, 0, "papers")
    assert recorded_place("http://::1:8000#lab") == Place("::1", 8000, "lab")
    assert recorded_place(None) is None and recorded_place("") is None


def test_the_other_kind_is_refused_unless_nothing_is_there(tmp_path: Path) -> None:
    def papers() -> int:
        return 3

    with pytest.raises(WrongStore, match=r"on the Chroma server at 127.0.0.1:8765: pass "):
        check_kind(identity(SERVER), papers, EMBEDDED, tmp_path)
    with pytest.raises(WrongStore, match="embedded in this folder, not on a Chroma server"):
        check_kind(identity(EMBEDDED), papers, SERVER, tmp_path)
    check_kind(identity(SERVER), papers, SERVER, tmp_path)
    check_kind(identity(EMBEDDED), papers, EMBEDDED, tmp_path)
    check_kind(None, papers, SERVER, tmp_path)  # an older home recorded nothing: as before
    check_kind(None, papers, EMBEDDED, tmp_path)
    check_kind(identity(SERVER), lambda: 0, EMBEDDED, tmp_path)  # no paper to embed again
    other_port = ChromaSettings(host="127.0.0.1", port=9000)
    assert moved(identity(SERVER), other_port) == Place("127.0.0.1", 8765, "papers")
    assert moved(identity(SERVER), SERVER) is None
    assert moved(identity(EMBEDDED), SERVER) is None


def test_a_server_home_opened_embedded_opens_no_store(settings: Settings, tmp_path: Path) -> None:
    """The faces (the CLI, the terminal UI) and the benchmarks all open a ``Library``."""
    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path, n=3)])
    # The same catalog as a server's member records it (its vectors on that server).
    member = tmp_path / "member"
    shutil.copytree(settings.home, member, ignore=shutil.ignore_patterns("chroma"))
    catalog = Catalog(member / "catalog.sqlite3")
    catalog.set_meta(KEY, identity(SERVER))
    catalog.close()
    with pytest.raises(WrongStore) as refused:
        Library(load_settings(home=member))
    assert str(refused.value) == (
        f"{member}: this library's index is on the Chroma server at 127.0.0.1:8765: pass "
        "--chroma-host 127.0.0.1 --chroma-port 8765 (or set [chroma] host/port in the config "
        "file)"
    )
    assert not (member / "chroma").exists()
    lab = load_settings(home=member, **{"chroma.collection": "lab"})
    with pytest.raises(WrongStore, match=r"host/port and \[chroma\] collection = 'papers' in"):
        Library(lab)


def test_an_older_home_that_recorded_nothing_opens_as_before(
    settings: Settings, tmp_path: Path
) -> None:
    with Library(settings) as lib:
        lib.ingest([small_corpus(tmp_path, n=3)])
    db = sqlite3.connect(settings.catalog_path)
    with db:
        db.execute("DELETE FROM meta WHERE key = ?", (KEY,))
    db.close()
    with Library(settings) as lib:
        assert lib.reconcile() == 3, "a store it cannot tell is its own: embedded again, as before"
        assert lib.ingest([]).embedded == 3
    catalog = Catalog(settings.catalog_path)
    assert catalog.get_meta(KEY) == "embedded#papers"
    catalog.close()
