"""Sessions: bad names and damaged files are messages; concurrent asks keep every turn."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from litreview.review.session import MAX_NAME_CHARS, SessionError, SessionStore, Turn
from tests.support.cli import run_cli
from tests.support.messages import one_clear_line


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


def test_two_batches_on_one_results_file_refuse_instead_of_answering_twice(
    tmp_path: Path,
) -> None:
    import fcntl

    from litreview.review.batch import ResultsInUse, run_batch
    from litreview.review.questions import Question

    results = tmp_path / "answers.jsonl"
    with results.open("a") as other:  # another batch holds the file
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(ResultsInUse, match="another batch"):
            run_batch(None, None, [Question("1", "q?")], results)  # type: ignore[arg-type]
    assert results.read_text() == ""


def test_a_store_failure_is_one_questions_error_not_the_runs_end(tmp_path: Path) -> None:
    from litreview.index.vectors import VectorStoreError
    from litreview.review.batch import run_batch
    from litreview.review.questions import Question
    from litreview.settings import RetrievalSettings

    class DyingServer:
        calls = 0
        settings = SimpleNamespace(retrieval=RetrievalSettings())  # each record keeps them

        def search(self, request: object) -> list[object]:
            DyingServer.calls += 1
            raise VectorStoreError("cannot reach the Chroma server at 127.0.0.1:8000")

        def request(self, query: str, **kw: object) -> object:
            return query

    class Named:
        name = "extractive"

    results = tmp_path / "answers.jsonl"
    questions = [Question(str(i), f"question {i}?") for i in range(3)]
    summary = run_batch(DyingServer(), Named(), questions, results, k=5)  # type: ignore[arg-type]
    assert (summary.failed, summary.answered, DyingServer.calls) == (3, 0, 3)
    assert results.read_text().count("Chroma server") == 3
