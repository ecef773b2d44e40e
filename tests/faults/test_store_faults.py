"""Damaged derived stores, read-only folders and full disks: a message, never a trace."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.messages import one_clear_line
from tests.support.mounts import needs_mount, read_only, tmpfs


def copy_of(sample_home: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    return home


def test_a_damaged_bm25_index_is_rebuilt_with_a_note(sample_home: Path, tmp_path: Path) -> None:
    home = copy_of(sample_home, tmp_path)
    victim = home / "bm25" / "data.csc.index.npy"
    victim.write_bytes(b"\x00garbage" * (victim.stat().st_size // 8))
    proc = run_cli(home, "search", "defending neural networks against trojans", "--mode", "dense")
    assert proc.returncode == 0, proc.stderr
    assert "BM25 index" in proc.stderr and "rebuilt" in proc.stderr
    hybrid = run_cli(home, "search", "defending neural networks against trojans", "--json")
    assert hybrid.returncode == 0, hybrid.stderr
    assert "rebuilt" not in hybrid.stderr  # repaired once, on disk


def test_ingest_repairs_a_bm25_stamp_that_is_not_json(sample_home: Path, tmp_path: Path) -> None:
    home = copy_of(sample_home, tmp_path)
    (home / "bm25" / "litreview.json").write_text("{not json")
    proc = run_cli(home, "ingest")
    assert proc.returncode == 0, proc.stderr
    assert "rebuilt" in proc.stderr
    again = run_cli(home, "search", "quantization", "--mode", "lexical", "--json")
    assert again.returncode == 0 and again.stdout.strip()


@needs_mount
def test_a_read_only_library_lists_and_explains(sample_home: Path, tmp_path: Path) -> None:
    source = copy_of(sample_home, tmp_path)
    with read_only(source, tmp_path / "ro") as home:
        listing = run_cli(home, "library", "--json")
        assert listing.returncode == 0, listing.stderr
        assert '"paper_id"' in listing.stdout
        search = run_cli(home, "search", "backdoor")
        assert search.returncode == 1
        line = one_clear_line(search.stderr)
        assert "read-only" in line and str(home) in line


@needs_mount
def test_a_full_disk_is_one_line_and_leaves_nothing_half_done(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "3m") as disk:
        home = disk / "home"
        proc = run_cli(home, "ingest", "--sample")
        assert proc.returncode == 1
        line = one_clear_line(proc.stderr)
        assert "full" in line and str(home) in line
        listing = run_cli(home, "library", "--json")
        assert "Traceback" not in listing.stderr


@needs_mount
def test_a_draft_that_cannot_be_written_is_kept_and_found(
    sample_home: Path, tmp_path: Path
) -> None:
    home = copy_of(sample_home, tmp_path)
    target = tmp_path / "target"
    target.mkdir()
    with read_only(target, tmp_path / "ro-out") as out:
        proc = run_cli(
            home,
            "related-work",
            "--topic",
            "detecting backdoors in neural networks",
            "--out",
            str(out / "draft"),
        )
    assert proc.returncode == 1
    line = one_clear_line(proc.stderr)
    assert "saved in" in line
    saved = Path(line.split("saved in ")[1].split(" and ")[0])
    assert saved.exists() and "[1]" in saved.read_text()
    assert (saved.parent / "references.bib").read_text().startswith("@")
