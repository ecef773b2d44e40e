"""Sessions: bad names and damaged files are messages; concurrent asks keep every turn."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from litreview.review.session import MAX_NAME_CHARS, SessionError, SessionStore, Turn
from tests.conftest import run_cli
from tests.faults.conftest import one_clear_line


def test_too_long_names_state_the_limit(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    with pytest.raises(SessionError, match=f"at most {MAX_NAME_CHARS} characters"):
        store.path("x" * (MAX_NAME_CHARS + 1))
    with pytest.raises(SessionError):  # 80 characters, 320 bytes: too long for a file name
        store.path("😀" * 80)
    assert store.path("語" * 60).name.endswith(".json")


def test_concurrent_appends_keep_every_turn(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    barrier = threading.Barrier(8)

    def ask(i: int) -> None:
        barrier.wait()
        store.append("shared", Turn(f"q{i}", f"a{i}", "extractive"))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(t.question for t in store.load("shared").turns) == [f"q{i}" for i in range(8)]


def test_a_damaged_session_file_is_named(sample_home: Path, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "sessions").mkdir(exist_ok=True)
    damaged = home / "sessions" / "gpu.json"
    damaged.write_text('{"name": "gpu", "turns": [{"question": 1')
    proc = run_cli(home, "ask", "What about memory?", "--session", "gpu", "--model", "extractive")
    assert proc.returncode == 1
    line = one_clear_line(proc.stderr)
    assert str(damaged) in line and "delete" in line


def test_a_too_long_session_name_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli(tmp_path / "home", "ask", "q?", "--session", "n" * 300, "--model", "extractive")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "at most 80 characters" in proc.stderr
