"""Zotero collections and tags as search filters, on real Zotero data directories.

ganeshbelgur/zotero-sync files its papers in "Chapter 1: Introduction" and "Chapter 2:
Geometry and Transformations", both sub-collections of "PBRT" (itself inside "Computer
Graphics"); StraightOuttaCrompton/Zotero-git-backup has "Collection 1" and "Collection 2"
and arXiv subject tags.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.index.library import Library
from litreview.index.retriever import Filters
from litreview.settings import load_settings
from tests.support.cli import CHEAP_PIPELINE, run_cli

ZOTERO = Path("/work/shared/real/zotero")
GRAPHICS = ZOTERO / "ganeshbelgur+zotero-sync"
CROMPTON = ZOTERO / "StraightOuttaCrompton+Zotero-git-backup"


@pytest.fixture(scope="module")
def zotero_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("zotero") / "home"
    run_cli(home, "ingest", str(GRAPHICS), str(CROMPTON), check=True, env=CHEAP_PIPELINE)
    yield home


def _filtered(
    home: Path, monkeypatch: pytest.MonkeyPatch, query: str, **f: str
) -> list[dict[str, str]]:
    monkeypatch.setenv("LITREVIEW_HOME", str(home))
    with Library(load_settings()) as library:
        hits = library.search(library.request(query, k=50, filters=Filters(**f)))  # type: ignore[arg-type]
        return [dict(h.paper.extra) for h in hits]


def test_collection_filter_takes_in_sub_collections(
    zotero_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chapter = _filtered(zotero_home, monkeypatch, "geometry", collection="chapter 1: introduction")
    assert len(chapter) == 31  # every paper filed there, and nothing else
    assert all("Chapter 1: Introduction" in e["collections"] for e in chapter)
    pbrt = _filtered(zotero_home, monkeypatch, "geometry", collection="PBRT")
    assert len(pbrt) == 43  # both chapters: PBRT's sub-collections, as ingest --collection
    assert _filtered(zotero_home, monkeypatch, "geometry", collection="Collection 2") != []


def test_tag_filter_and_both_together(zotero_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tagged = _filtered(
        zotero_home, monkeypatch, "learning", tag="Computer Science - Machine Learning"
    )
    assert len(tagged) == 1 and "Machine Learning" in tagged[0]["tags"]
    ai = "computer science - artificial intelligence"
    assert len(_filtered(zotero_home, monkeypatch, "learning", tag=ai)) == 3
    both = _filtered(zotero_home, monkeypatch, "choice", tag=ai, collection="Collection 2")
    assert len(both) == 1 and both[0]["collections"] == "Collection 2"


def test_search_cli_filters_and_names_unknown_collection(zotero_home: Path) -> None:
    proc = run_cli(
        zotero_home,
        "search",
        "stopping rule",
        "--collection",
        "collection 1",
        "--json",
        env=CHEAP_PIPELINE,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert [r["title"][:30] for r in results] == ["Optimal Multiple Stopping Rule"]
    typo = run_cli(zotero_home, "search", "ray tracing", "--collection", "PBTR")
    assert typo.returncode == 2
    assert "no paper in the library has the collection 'PBTR'" in typo.stderr
    assert "'Chapter 1: Introduction'" in typo.stderr and "'PBRT'" in typo.stderr
    tag = run_cli(zotero_home, "search", "ray tracing", "--tag", "nope")
    assert tag.returncode == 2 and "has the tag 'nope'; tags: " in tag.stderr
