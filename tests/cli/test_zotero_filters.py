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


def _collections_by_id(home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("LITREVIEW_HOME", str(home))
    with Library(load_settings()) as library:
        return {p.paper_id: str(p.extra.get("collections", "")) for p in library.papers()}


def test_ask_answers_from_one_collection_only(
    zotero_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ask --collection``: every source is filed in the collection (any case, whole name);
    without it the same question draws on other collections too."""
    question = "How are rays intersected with geometric shapes?"
    args = ("ask", question, "--model", "extractive", "--json", "-k", "8")
    proc = run_cli(
        zotero_home,
        *args,
        "--collection",
        "chapter 2: geometry and transformations",
        env=CHEAP_PIPELINE,
    )
    assert proc.returncode == 0, proc.stderr
    sources = json.loads(proc.stdout)["sources"]
    collections = _collections_by_id(zotero_home, monkeypatch)
    assert len(sources) == 8
    assert all(
        "Chapter 2: Geometry and Transformations" in collections[s["paper_id"]] for s in sources
    )
    unfiltered = json.loads(run_cli(zotero_home, *args, env=CHEAP_PIPELINE, check=True).stdout)
    assert any("Chapter 2" not in collections[s["paper_id"]] for s in unfiltered["sources"])


def test_ask_tag_filter_and_unknown_names_are_usage_errors(zotero_home: Path) -> None:
    ai = "computer science - artificial intelligence"
    proc = run_cli(
        zotero_home,
        "ask",
        "choice",
        "--model",
        "extractive",
        "--json",
        "--tag",
        ai,
        env=CHEAP_PIPELINE,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["sources"]) == 3  # the three papers with that tag
    typo = run_cli(
        zotero_home, "ask", "ray tracing", "--model", "extractive", "--collection", "PBTR"
    )
    assert typo.returncode == 2
    assert "no paper in the library has the collection 'PBTR'" in typo.stderr
    assert "'Chapter 1: Introduction'" in typo.stderr and "'PBRT'" in typo.stderr
    tag = run_cli(zotero_home, "ask", "ray tracing", "--model", "extractive", "--tag", "nope")
    assert tag.returncode == 2 and "has the tag 'nope'; tags: " in tag.stderr


def test_chat_refuses_an_unknown_collection_before_the_screen_opens(zotero_home: Path) -> None:
    proc = run_cli(zotero_home, "chat", "--model", "extractive", "--collection", "PBTR")
    assert proc.returncode == 2
    assert "no paper in the library has the collection 'PBTR'" in proc.stderr


def test_chat_asks_within_its_collection(
    zotero_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI keeps the filter ``chat --collection`` gave it for every answer, and says so."""
    import asyncio

    from litreview.tui.app import LitReviewApp
    from litreview.tui.widgets.status import StatusBar
    from tests.support.tui import ask

    collections = _collections_by_id(zotero_home, monkeypatch)
    for key, value in CHEAP_PIPELINE.items():
        monkeypatch.setenv(key, value)

    async def scenario() -> None:
        app = LitReviewApp(load_settings(), model="extractive", filters=Filters(collection="PBRT"))
        async with app.run_test(size=(150, 45)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "collection 'PBRT'" in str(app.screen.query_one(StatusBar).render())
            await ask(pilot, "How are rays intersected with geometric shapes?")
            result = app.last_result
            assert result is not None and result.sources
            # PBRT holds nothing itself: its two chapters are its sub-collections.
            assert all("Chapter" in collections[h.paper.paper_id] for h in result.sources)

    asyncio.run(scenario())


def test_batch_and_related_work_take_the_filters(
    zotero_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collections = _collections_by_id(zotero_home, monkeypatch)
    questions = tmp_path / "questions.txt"
    questions.write_text("How are rays intersected with geometric shapes?\nWhen to stop?\n")
    out = tmp_path / "answers.jsonl"
    proc = run_cli(
        zotero_home,
        *("batch", str(questions), "--out", str(out), "--model", "extractive"),
        *("--collection", "Collection 2"),
        env=CHEAP_PIPELINE,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2 and all(row["sources"] for row in rows)
    for row in rows:
        assert all(collections[s["paper_id"]] == "Collection 2" for s in row["sources"])
    typo = run_cli(
        zotero_home,
        *("batch", str(questions), "--out", str(tmp_path / "x.jsonl"), "--model", "extractive"),
        *("--tag", "nope"),
    )
    assert typo.returncode == 2 and "has the tag 'nope'" in typo.stderr
    related = run_cli(
        zotero_home,
        *(
            "related-work",
            "--topic",
            "ray tracing acceleration structures",
            "--model",
            "extractive",
        ),
        *("--json", "--collection", "Chapter 1: Introduction"),
        env=CHEAP_PIPELINE,
    )
    assert related.returncode == 0, related.stderr
    papers = [p["paper_id"] for t in json.loads(related.stdout)["themes"] for p in t["papers"]]
    assert papers and all("Chapter 1: Introduction" in collections[p] for p in papers)
    typo = run_cli(
        zotero_home,
        *(
            "related-work",
            "--topic",
            "ray tracing",
            "--model",
            "extractive",
            "--collection",
            "PBTR",
        ),
    )
    assert typo.returncode == 2 and "'PBRT'" in typo.stderr


def test_library_lists_what_the_filters_keep(zotero_home: Path) -> None:
    """``library`` takes search's filters: what a filtered ask will draw on, before asking."""

    def listed(*flags: str) -> tuple[list[str], dict[str, object]]:
        proc = run_cli(zotero_home, "library", "--json", *flags, env=CHEAP_PIPELINE, check=True)
        data = json.loads(proc.stdout)
        return [p["title"] for p in data["papers"]], data["stats"]

    titles, stats = listed("--collection", "pbrt")
    assert len(titles) == 43 and stats["count"] == 46 and stats["matching"] == 43
    shoemake = {
        "Animating rotation with quaternion curves",
        "Matrix animation and polar decomposition",
    }
    for typed in ("Shoemake, K", "K. Shoemake", "ken shoemake"):
        assert set(listed("--author", typed)[0]) == shoemake
    assert "A reflectance model for computer graphics" in listed("--year-to", "1981")[0]
    assert len(listed("--year-from", "2000")[0]) == 7 + 3  # and StraightOuttaCrompton's 3
    typo = run_cli(zotero_home, "library", "--collection", "PBTR")
    assert typo.returncode == 2 and "no paper in the library has the collection 'PBTR'" in (
        typo.stderr
    )
    none = run_cli(zotero_home, "library", "--author", "Nobody", env=CHEAP_PIPELINE, check=True)
    assert "No paper in the library passes these filters." in none.stdout
    # search's checks, the same: a range the wrong way round, a name that names no one
    backwards = run_cli(zotero_home, "library", "--year-from", "2000", "--year-to", "1990")
    assert backwards.returncode == 2
    assert "--year-from 2000 is after --year-to 1990" in backwards.stderr
    nameless = run_cli(zotero_home, "library", "--author", " , ")
    assert nameless.returncode == 2 and "--author: no name" in nameless.stderr
