"""Ctrl-C on ``litreview batch``, at any moment: the summary (adding up), the report, status 130.

A real SIGINT to the installed command. Interrupts while the CLI was still loading printed
only click's "Aborted!" (no summary, no report, status 1), and so did, now and then, one
during the answers: ``timeout -s INT`` signals the command and then its process group, and
the second delivery met the default handler the first had put back. The moments are found by
what the process says (import lines from ``PYTHONPROFILEIMPORTTIME``, progress lines, the
model's requests), not by sleeping, so a busy machine only makes the test slower.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import CHEAP_PIPELINE, litreview_bin
from tests.support.loopback import Reply, Script, local_model_env, loopback

QUESTIONS = (
    "Which defenses against backdoor attacks on neural networks exist?",
    "How does continual learning avoid catastrophic forgetting?",
    "How are neural networks compressed by pruning?",
)
NO_KEYS = {
    "OPENAI_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
    "LITREVIEW_LLM__OLLAMA_BASE": "http://127.0.0.1:9",
}
SUMMARY = re.compile(
    r"(\d+) answered, (\d+) already done, (\d+) failed"
    r"(?:, (\d+) left under way)?(?:, (\d+) not started)?"
)


class Batch:
    """``litreview batch`` running, its stderr read line by line as it comes."""

    def __init__(self, home: Path, tmp_path: Path, env: dict[str, str], *more: str) -> None:
        questions = tmp_path / "q.txt"
        questions.write_text("".join(f"{q}\n" for q in QUESTIONS))
        self.results = tmp_path / "answers.jsonl"
        self.report = tmp_path / "report.md"
        self.lines: list[str] = []
        full = {**os.environ, **CHEAP_PIPELINE, "LITREVIEW_HOME": str(home), "NO_COLOR": "1"}
        full.pop("LITREVIEW_CONFIG", None)
        full.update(env)
        command = ["batch", str(questions), "--out", str(self.results), "--report"]
        self.proc = subprocess.Popen(
            [litreview_bin(), *command, str(self.report), "-j", "2", *more],
            env=full,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group, as under timeout(1)
        )

    def wait_for_line(self, seen: Callable[[str], bool]) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            if seen(line):
                return
        pytest.fail("the batch ended before the line awaited:\n" + "".join(self.lines[-30:]))

    def interrupt(self, twice: bool = False) -> None:
        """SIGINT; ``twice`` as timeout(1) sends it: to the command, then its process group."""
        os.kill(self.proc.pid, signal.SIGINT)
        if twice:
            os.killpg(self.proc.pid, signal.SIGINT)

    def end(self, timeout: float = 180) -> tuple[int, str, tuple[int, ...]]:
        """Exit status, stderr and the summary's counts (answered, already done, failed, left
        under way, not started), which must add up to the questions."""
        assert self.proc.stderr is not None
        _, rest = self.proc.communicate(timeout=timeout)
        err = "".join(self.lines) + rest
        assert "Aborted!" not in err and "Traceback" not in err, err
        found = SUMMARY.search(err)
        assert found is not None, err
        counts = tuple(int(n or 0) for n in found.groups())
        assert sum(counts) == len(QUESTIONS), err
        return self.proc.returncode, err, counts


def _imported(module: str) -> Callable[[str], bool]:
    """A ``-X importtime`` line saying ``module`` has been imported."""
    return lambda line: line.startswith("import time:") and line.split("|")[-1].strip() == module


def _saved(batch: Batch) -> int:
    return len(batch.results.read_text().splitlines()) if batch.results.exists() else 0


@pytest.mark.parametrize(
    "module",
    [
        "litreview.cli.ask",  # while the commands load, before the command is even parsed
        "litreview.llm.registry",  # during batch's own imports
    ],
)
def test_ctrl_c_while_the_cli_loads(sample_home: Path, tmp_path: Path, module: str) -> None:
    batch = Batch(sample_home, tmp_path, {**NO_KEYS, "PYTHONPROFILEIMPORTTIME": "1"})
    batch.wait_for_line(_imported(module))
    batch.interrupt()
    status, err, counts = batch.end()
    assert status == 130, err
    assert counts[0] + counts[2] + counts[3] == 0 and counts[4] == len(QUESTIONS), err
    assert "interrupted; rerun to resume" in err
    assert "Stopping:" in err  # the key was seen while loading, and said so
    assert batch.report.read_text().count("_not answered yet_") == len(QUESTIONS)
    assert _saved(batch) == 0


def _started(script: Script, count: int, batch: Batch) -> None:
    deadline = time.monotonic() + 240
    while len(script.requests) < count:
        assert batch.proc.poll() is None, "the batch ended before its answers were under way"
        assert time.monotonic() < deadline, "no request reached the model"
        time.sleep(0.05)


def test_ctrl_c_delivered_twice_finishes_the_answers_under_way(
    sample_home: Path, tmp_path: Path
) -> None:
    """timeout(1)'s double delivery is one Ctrl-C: the two answers under way are finished and
    saved, the third question is not started."""
    with loopback(Reply(delay=2.0)) as (api_base, script):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)
        batch = Batch(sample_home, tmp_path, env, "--model", "local")
        _started(script, 2, batch)
        batch.interrupt(twice=True)
        status, err, counts = batch.end()
    assert status == 130, err
    assert counts == (2, 0, 0, 0, 1), err
    # Said as the key is seen, before the answers under way end (once: one Ctrl-C).
    assert err.count("Stopping: the answers under way finish") == 1, err
    assert err.index("Stopping:") < SUMMARY.search(err).start()  # type: ignore[union-attr]
    assert _saved(batch) == 2
    report = batch.report.read_text()
    assert report.count("_not answered yet_") == 1 and report.count("Deep nets") == 2


def test_a_second_ctrl_c_leaves_the_answers_under_way(sample_home: Path, tmp_path: Path) -> None:
    """Answers that take long (a slow model): the second Ctrl-C ends the batch without them,
    at once, with the same summary and report."""
    with loopback(Reply(delay=120.0)) as (api_base, script):
        env = local_model_env(tmp_path, api_base, **NO_KEYS)
        batch = Batch(sample_home, tmp_path, env, "--model", "local")
        _started(script, 2, batch)
        batch.interrupt()
        time.sleep(1.0)  # a second press, not the first delivered twice
        batch.interrupt()
        started = time.monotonic()
        status, err, counts = batch.end(timeout=60)
        assert time.monotonic() - started < 60
    assert status == 130, err
    assert counts == (0, 0, 0, 2, 1), err
    assert "2 left under way, 1 not started (interrupted; rerun to resume)" in err
    assert "no model, no tokens" not in err  # a model's answers: its tokens are counted
    assert _saved(batch) == 0
    assert batch.report.read_text().count("_not answered yet_") == len(QUESTIONS)


def test_ctrl_c_after_an_answer_during_the_next(sample_home: Path, tmp_path: Path) -> None:
    """The extractive engine, interrupted once an answer is saved (the progress lines come
    every ~5 s: the file says it sooner)."""
    batch = Batch(sample_home, tmp_path, NO_KEYS)
    deadline = time.monotonic() + 240
    while not _saved(batch):
        assert batch.proc.poll() is None and time.monotonic() < deadline, "no answer saved"
        time.sleep(0.02)
    batch.interrupt(twice=True)
    status, err, counts = batch.end()
    # The answers under way (the last ones, maybe) are finished; the run was still interrupted.
    assert status == 130, err
    assert counts[0] >= 1 and _saved(batch) == counts[0]
    assert "· extractive · no model, no tokens ·" in err
    assert "prompt +" not in err
    assert batch.report.exists()
