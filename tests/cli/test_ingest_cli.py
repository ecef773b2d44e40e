"""``litreview ingest`` as a user runs it: the installed command, real files, real kills."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from litreview.cli.ingest import plain_progress
from litreview.index.library import Library
from litreview.index.stores import Stores
from litreview.settings import Settings, load_settings
from tests.support.catalog import catalog_state
from tests.support.cli import litreview_bin, run_cli
from tests.support.papers import small_corpus


def wait_for_mid_embedding(
    proc: subprocess.Popen[str] | subprocess.Popen[bytes], home: Path
) -> None:
    """Block until the catalog is written and embedding is under way but far from done.

    The deadline only catches a hang: it returns as soon as embedding is under way, and
    on a loaded 2-core machine (load 10) that took over 120 s with MPNet in the pipeline.
    """
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        total, pending = catalog_state(home)
        if total == 264 and 0 < pending < 264 - 8:
            return
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"ingest never reached the middle of embedding: {catalog_state(home)}")


def test_sample_ingest_summary_and_reingest(sample_home: Path) -> None:
    again = run_cli(sample_home, "ingest", "--sample", "--json", check=True)
    summary = json.loads(again.stdout)
    assert summary["added"] == 0 and summary["updated"] == 0 and summary["failed"] == 0
    assert summary["skipped"] == 298 and summary["papers"] == 264
    assert "0 added" in again.stderr and "Library: 264 papers" in again.stderr


def test_progress_without_a_terminal_is_plain_lines(home: Path, tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path, n=5)
    env = {"LITREVIEW_INGEST__BATCH_SIZE": "2"}
    proc = run_cli(home, "ingest", str(corpus), env=env, check=True)  # stderr is a pipe
    lines = proc.stderr.splitlines()
    assert lines[0] == "Opening the library and its models..."
    assert "Reading files: 1/1 (100%)" in lines
    assert "Embedding papers: 0/5" in lines
    done = [line for line in lines if line.startswith("Embedding papers: 5/5 (100%), ")]
    assert len(done) == 1 and done[0].endswith(" s"), lines
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr  # no terminal control codes
    assert lines[-1].startswith("Ingested 1 file: 5 added")


def test_plain_progress_is_throttled_but_shows_start_and_end() -> None:
    now = [0.0]
    out: list[str] = []
    progress = plain_progress(out.append, every=5.0, clock=lambda: now[0])
    for done in range(0, 101, 10):  # 11 events, 2 s apart
        progress("embed", done, 100)
        now[0] += 2.0
    assert out[0] == "Embedding papers: 0/100"
    assert out[1] == "Embedding papers: 30/100 (30%), 5.0 papers/s, ~14 s left"
    assert out[-1] == "Embedding papers: 100/100 (100%), 5.0 papers/s, 20 s"
    assert len(out) == 5  # start, every 6 s (> 5 s) and the end: not one line per event


def test_nothing_to_ingest_is_a_usage_error(home: Path) -> None:
    proc = run_cli(home, "ingest")
    assert proc.returncode == 2
    assert "--sample" in proc.stderr


def test_bad_file_is_reported_and_changes_nothing(home: Path, tmp_path: Path) -> None:
    good = small_corpus(tmp_path, n=4)
    run_cli(home, "ingest", str(good), check=True)
    bad = tmp_path / "broken.jsonl"  # a file that cannot be read: not UTF-8 on line 2
    first = good.read_text().splitlines()[0]
    bad.write_bytes(first.encode() + b"\n" + '{"title": "caf\xe9"}'.encode("latin-1") + b"\n")
    more = small_corpus(tmp_path, n=6, name="more.jsonl")
    proc = run_cli(home, "ingest", str(bad), str(more))
    assert proc.returncode == 1
    assert f"{bad}:2: not valid UTF-8" in proc.stderr
    assert "2 added" in proc.stderr and "; 1 file could not be read." in proc.stderr
    assert catalog_state(home) == (6, 0)  # nothing of broken.jsonl, all of more.jsonl


def test_a_broken_jsonl_line_costs_that_record_only(home: Path, tmp_path: Path) -> None:
    """A new user's papers.jsonl with one line of bad JSON: 'error: ...:2: invalid JSON' and
    none of its papers, the good first line among them. Now that line is a warning."""
    good = small_corpus(tmp_path, n=3).read_text().splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(f"{good[0]}\n{{bad json}}\n{good[1]}\n{good[2]}\n", encoding="utf-8")
    proc = run_cli(home, "ingest", str(mixed))
    assert proc.returncode == 0, proc.stderr
    assert "mixed.jsonl:2: invalid JSON (" in proc.stderr
    assert "3 added" in proc.stderr and "1 skipped (1 invalid JSON)" in proc.stderr
    assert catalog_state(home)[0] == 3


def test_each_kind_of_bad_file_names_file_and_line(home: Path, tmp_path: Path) -> None:
    cases = {
        "empty.txt": (b"", "file is empty"),
        "binary.bib": (b"@article{\x00\x00", "binary"),
        "latin1.csv": ("title,abstract\nCaf\u00e9,x\n".encode("latin-1"), ":2: not valid UTF-8"),
        "dump.txt": (b"Title one\nTitle two\n", ":2: expected the abstract"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        proc = run_cli(home, "ingest", str(path))
        assert proc.returncode == 1, name
        assert str(path) in proc.stderr and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert catalog_state(home) == (0, 0)


def test_killed_ingest_leaves_library_consistent_and_resumes(
    home: Path, sample_settings: Settings
) -> None:
    env = {**os.environ, "LITREVIEW_HOME": str(home), "LITREVIEW_INGEST__BATCH_SIZE": "4"}
    proc = subprocess.Popen(
        [litreview_bin(), "ingest", "--sample"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    wait_for_mid_embedding(proc, home)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    total, pending = catalog_state(home)
    assert total == 264 and pending > 0

    resumed = run_cli(home, "ingest", "--json", check=True)
    summary = json.loads(resumed.stdout)
    assert summary["resumed"] == pending and summary["embedded"] == pending
    assert f"finished indexing {pending} papers left pending" in resumed.stderr
    assert catalog_state(home) == (264, 0)

    reference = Stores(sample_settings)
    expected_chunks = reference.vectors.count()
    reference.close()
    os.environ["LITREVIEW_HOME"] = str(home)
    resumed_stores = Stores(load_settings())
    chunks = resumed_stores.vectors.count()
    resumed_stores.close()
    assert chunks == expected_chunks  # no lost and no duplicated chunks
    search = run_cli(home, "search", "GPU memory for training huge models", "--json", check=True)
    assert json.loads(search.stdout)["results"]


def test_ctrl_c_reports_pending_and_exits_130(home: Path) -> None:
    env = {**os.environ, "LITREVIEW_HOME": str(home), "LITREVIEW_INGEST__BATCH_SIZE": "4"}
    proc = subprocess.Popen(
        [litreview_bin(), "ingest", "--sample"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    wait_for_mid_embedding(proc, home)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted" in err and "litreview ingest" in err
    assert "Traceback" not in err
    total, pending = catalog_state(home)
    assert total == 264 and pending > 0
    run_cli(home, "ingest", check=True)
    assert catalog_state(home) == (264, 0)


def test_lost_vector_data_is_detected_and_rebuilt(home: Path, tmp_path: Path) -> None:
    import shutil

    corpus = small_corpus(tmp_path, n=3)
    run_cli(home, "ingest", str(corpus), check=True)
    shutil.rmtree(home / "chroma")
    warned = run_cli(home, "search", "ambiguous inputs", check=True)
    assert "3 papers are not fully indexed yet" in warned.stderr
    rebuilt = run_cli(home, "ingest", "--json", check=True)
    assert json.loads(rebuilt.stdout)["embedded"] == 3
    out = run_cli(home, "search", "ambiguous inputs", "--json", check=True)
    assert json.loads(out.stdout)["results"]


REAL = Path("/work/shared/real")
ABSTRACT = "We propose a method for robust training of deep networks that improves accuracy by 5%."
FAST = {"LITREVIEW_RETRIEVAL__RERANK_MODEL": "none"}  # no MPNet pass: these test reading


def test_folder_ingest_accounts_for_every_record_per_file(home: Path, tmp_path: Path) -> None:
    """A folder: walked, hidden folders skipped, a .docx reported, per-file counts add up."""
    folder = tmp_path / "papers"
    (folder / "sub" / ".git").mkdir(parents=True)
    (folder / "sub" / ".git" / "ignored.bib").write_text("@misc{x, title={X}}")
    (folder / "notes.docx").write_text("not a library")
    entry = "@article{{{key},\n title = {{{title}}},\n {field}\n}}\n\n"
    (folder / "sub" / "refs.bib").write_text(
        entry.format(key="a", title="Robust Training", field=f"abstract = {{{ABSTRACT}}}")
        + entry.format(key="a2", title="Robust training", field=f"abstract = {{{ABSTRACT}}}")
        + entry.format(key="b", title="No Abstract Here", field="year = {2020}")
        + entry.format(key="c", title="", field=f"abstract = {{{ABSTRACT}}}"),
        encoding="utf-8",
    )
    (folder / "more.json").write_text(
        json.dumps([{"titles": "Fast Inference", "summaries": ABSTRACT}]), encoding="utf-8"
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 cut short")
    proc = run_cli(home, "ingest", str(folder), "--json", env=FAST)
    assert proc.returncode == 1, proc.stderr  # one file failed; the others went in
    summary = json.loads(proc.stdout)
    assert summary["skipped_files"] == [
        {"path": str(folder / "notes.docx"), "reason": "not a library format (.docx)"}
    ]
    assert f"{folder / 'notes.docx'}: not read: not a library format (.docx)" in proc.stderr
    by_name = {Path(f["path"]).name: f for f in summary["files"]}
    assert set(by_name) == {"refs.bib", "more.json", "broken.pdf"}
    broken = by_name["broken.pdf"]
    assert broken["records"] == broken["failed"] == 1 and "cannot open as a PDF" in broken["error"]
    assert f"error: {folder / 'broken.pdf'}: cannot open as a PDF" in proc.stderr
    refs = by_name["refs.bib"]
    assert refs["records"] == 4 and refs["added"] == 1 and refs["merged"] == 1
    assert refs["skip_reasons"] == {"no abstract": 1, "no title": 1}
    for f in summary["files"]:
        assert f["added"] + f["updated"] + f["merged"] + f["skipped"] + f["failed"] == f["records"]
    assert "warning: refs.bib:16: entry 'c' has no title; skipped" in proc.stderr
    assert summary["papers"] == 2
    totals = [summary[k] for k in ("added", "updated", "merged", "skipped", "failed")]
    assert sum(totals) == summary["records"] and summary["files_failed"] == 1  # adds up as files do
    assert (
        "2 skipped (1 no abstract, 1 no title), 1 merged as duplicates; 1 file could not be read. "
        "Library: 2 papers." in proc.stderr
    )

    again = json.loads(run_cli(home, "ingest", str(folder), "--json", env=FAST).stdout)
    refs = {Path(f["path"]).name: f for f in again["files"]}["refs.bib"]
    assert refs["skip_reasons"] == {"no abstract": 1, "no title": 1, "already in the library": 1}
    assert refs["merged"] + refs["skipped"] == refs["records"]


def test_zotero_collection_ingest_and_option_errors(home: Path, tmp_path: Path) -> None:
    """StraightOuttaCrompton/Zotero-git-backup: 3 items with PDFs, 2 collections."""
    library = REAL / "zotero" / "StraightOuttaCrompton+Zotero-git-backup"
    proc = run_cli(home, "ingest", str(library), "--collection", "Collection 1", "--json", env=FAST)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    (outcome,) = summary["files"]
    assert outcome["path"] == str(library) and 0 < outcome["added"] < 3
    catalog = home / "catalog.sqlite3"
    with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True) as db:
        pages = db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    assert pages > 0  # the attached PDFs' full text, per page

    usage = run_cli(home, "ingest", str(tmp_path), "--collection", "X")
    assert usage.returncode == 2 and "--collection needs a Zotero library" in usage.stderr
    nozotero = run_cli(home, "ingest", "--zotero", env={"HOME": str(tmp_path)})
    assert nozotero.returncode == 2 and "no Zotero library at" in nozotero.stderr
    missing = run_cli(home, "ingest", str(library), "--collection", "Nope")
    assert missing.returncode == 1 and "no collection named 'Nope'" in missing.stderr


def test_zotero_reingest_picks_up_changed_added_and_trashed_items(
    home: Path, tmp_path: Path
) -> None:
    """A copy of StraightOuttaCrompton/Zotero-git-backup edited the way Zotero would."""
    import shutil

    library = tmp_path / "Zotero"  # the default place when HOME is tmp_path: --zotero
    shutil.copytree(REAL / "zotero" / "StraightOuttaCrompton+Zotero-git-backup", library)
    first = json.loads(
        run_cli(home, "ingest", "--zotero", "--json", env={**FAST, "HOME": str(tmp_path)}).stdout
    )
    assert first["added"] == 3 and first["files"][0]["path"] == str(library)
    with Library(load_settings()) as lib:
        before = {p.paper_id: p.title for p in lib.papers()}
    with sqlite3.connect(library / "zotero.sqlite") as db:
        trashed, kept = [
            r[0]
            for r in db.execute(
                "SELECT itemID FROM items WHERE key IN "
                "('KPR8EHS9', (SELECT key FROM items i JOIN "
                "itemData d USING(itemID) JOIN fields f "
                "USING(fieldID) WHERE f.fieldName='abstractNote'"
                " AND key != 'KPR8EHS9' LIMIT 1)) "
                "ORDER BY key = 'KPR8EHS9' DESC"
            )
        ]
        db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (trashed,))
        db.execute("INSERT INTO itemDataValues (value) VALUES (?)", (ABSTRACT,))
        value = db.execute("SELECT max(valueID) FROM itemDataValues").fetchone()[0]
        db.execute(
            "UPDATE itemData SET valueID = ? WHERE itemID = ? AND fieldID = "
            "(SELECT fieldID FROM fields WHERE fieldName = 'abstractNote')",
            (value, kept),
        )
    proc = run_cli(home, "ingest", str(library), "--json", env=FAST)
    again = json.loads(proc.stdout)
    (outcome,) = again["files"]
    assert outcome["records"] == 2 and outcome["updated"] == 1
    assert outcome["skip_reasons"] == {"already in the library": 1}
    # The trashed item leaves the library: catalog, vectors, token store and BM25 alike.
    assert outcome["removed"] == 1 and again["removed"] == 1
    assert "removed 1 paper(s) no longer in this Zotero library" in proc.stderr
    stores = Stores(load_settings())
    with Library(stores.settings, stores) as lib:
        after = {p.paper_id: p.title for p in lib.papers()}
        (gone,) = set(before) - set(after)
        assert len(after) == 2 and lib.pending == 0
        assert stores.vectors.collection.get(where={"paper_id": gone})["ids"] == []
        assert stores.vectors.count() > 0
        assert stores.tokens.paper_ids() == set(after)
        assert stores.catalog.pages(gone) == ()
        hits = lib.search(lib.request(before[gone], k=5, mode="lexical"))
        assert gone not in {h.paper.paper_id for h in hits}
    third = json.loads(run_cli(home, "ingest", str(library), "--json", env=FAST).stdout)
    assert third["removed"] == 0 and third["files"][0]["records"] == 2


def test_zotero_item_trashed_but_in_another_file_stays(home: Path, tmp_path: Path) -> None:
    """Trashing in Zotero removes what only Zotero gave; a paper a .jsonl also gave stays."""
    import shutil

    library = tmp_path / "Zotero"
    shutil.copytree(REAL / "zotero" / "StraightOuttaCrompton+Zotero-git-backup", library)
    title_sql = (
        "SELECT i.itemID, v.value FROM items i JOIN itemData d USING(itemID) "
        "JOIN fields f USING(fieldID) JOIN itemDataValues v USING(valueID) "
        "WHERE f.fieldName = 'title' AND v.value LIKE 'Archimedean%'"
    )
    with sqlite3.connect(library / "zotero.sqlite") as db:
        item, title = db.execute(title_sql).fetchone()
    export = tmp_path / "mine.jsonl"
    export.write_text(json.dumps({"title": title, "abstract": ABSTRACT}) + "\n")
    run_cli(home, "ingest", str(export), str(library), check=True, env=FAST)
    with sqlite3.connect(library / "zotero.sqlite") as db:
        db.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item,))
    proc = run_cli(home, "ingest", str(library), "--json", env=FAST)
    summary = json.loads(proc.stdout)
    assert summary["removed"] == 0 and summary["files"][0]["records"] == 2
    assert "1 paper(s) no longer in this Zotero library stay, as another source" in proc.stderr
    with Library(load_settings()) as lib:
        (kept,) = [p for p in lib.papers() if p.title == title]
        assert lib.count() == 3 and not any(s.endswith(".sqlite") for s in kept.sources)


def test_zotero_reingest_says_added_only_of_what_it_added(home: Path, tmp_path: Path) -> None:
    """San7o/research-papers-collection re-ingested said "attachment ... is missing; added
    with its metadata only" of an item it then skipped as already in the library. Its
    database with an empty storage/ (every attachment missing: 8 items kept without their
    PDF) stands in for the one real missing file, and ingests in seconds."""
    import shutil

    library = tmp_path / "Zotero"
    (library / "storage").mkdir(parents=True)  # without one, a single line says it for all
    shutil.copy(REAL / "zotero" / "San7o+research-papers-collection" / "zotero.sqlite", library)
    added = "is missing; added with its metadata only"

    first = run_cli(home, "ingest", str(library), "--json", env=FAST, check=True)
    (outcome,) = json.loads(first.stdout)["files"]
    assert outcome["added"] == 11 and sum(added in w for w in outcome["warnings"]) == 8
    assert first.stderr.count(added) == 8

    # One of the eight changes its abstract in Zotero: updated, and said so.
    with sqlite3.connect(library / "zotero.sqlite") as db:
        db.execute("INSERT INTO itemDataValues (value) VALUES (?)", (ABSTRACT,))
        value = db.execute("SELECT max(valueID) FROM itemDataValues").fetchone()[0]
        db.execute(
            "UPDATE itemData SET valueID = ? WHERE fieldID = "
            "(SELECT fieldID FROM fields WHERE fieldName = 'abstractNote') "
            "AND itemID = (SELECT itemID FROM items WHERE key = '8BVV9WNM')",
            (value,),
        )
    again = run_cli(home, "ingest", str(library), "--json", env=FAST, check=True)
    summary = json.loads(again.stdout)
    (outcome,) = summary["files"]
    assert added not in again.stderr and not any(added in w for w in outcome["warnings"])
    (updated,) = [w for w in outcome["warnings"] if "is missing; updated" in w]
    assert updated.startswith("item 8BVV9WNM (") and updated.endswith("updated from its metadata")
    assert updated in again.stderr
    assert (summary["added"], summary["updated"]) == (0, 1)
    assert outcome["skip_reasons"] == {
        "no abstract": 4,
        "PDF missing": 1,
        "already in the library": 10,
    }
    assert outcome["records"] == outcome["added"] + outcome["updated"] + outcome["skipped"]
    # What is still true is still said: the records without an abstract stay out.
    assert "skipped (no abstract either)" in again.stderr


def test_an_ingest_that_adds_nothing_leaves_no_library_behind(tmp_path: Path) -> None:
    """A user's `ingest /tmp/nope.bib` at a mistyped home made the folder, and from then on
    `library` said "the library at ... is empty" (exit 0), hiding the typo. What a run made
    and filled with nothing is removed; an existing home is left as it was."""
    typo = tmp_path / "typo" / "home"
    proc = run_cli(typo, "ingest", str(tmp_path / "nope.bib"))
    assert proc.returncode == 1 and "could not be read" in proc.stderr
    assert not (tmp_path / "typo").exists()
    after = run_cli(typo, "library")
    assert after.returncode == 1 and "no library at" in after.stderr
    kept = tmp_path / "kept"
    kept.mkdir()
    run_cli(kept, "ingest", str(tmp_path / "nope.bib"))
    assert kept.is_dir()
