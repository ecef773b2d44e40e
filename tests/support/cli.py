"""Running the installed ``litreview`` command the way a user does, in an isolated home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from litreview.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
# The cheap pipeline (no MPNet stage); see tests/conftest.py for why tests run it.
CHEAP_PIPELINE = {"LITREVIEW_RETRIEVAL__RERANK_MODEL": "none"}
# A test library's ingest's own limit (pytest-timeout times test calls only, see pyproject.toml):
# it catches a hang, not a slow machine (~15 s idle; ~2.5 min at load 9-14 on 2 cores).
SAMPLE_INGEST_TIMEOUT = 1800


def litreview_bin() -> str:
    """The installed console script (tests run the command a user runs)."""
    candidate = Path(sys.executable).parent / "litreview"
    found = str(candidate) if candidate.exists() else shutil.which("litreview")
    if not found:
        pytest.fail("the 'litreview' command is not installed; run 'make test'")
    return found


def run_cli(
    home: Path,
    *args: str,
    check: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``litreview ARGS`` with ``home`` as its data folder, no colour, a wide terminal.

    ``LITREVIEW_CONFIG`` is dropped unless ``env`` sets it, so a developer's own
    config file never reaches a test.
    """
    proc = subprocess.run(
        [litreview_bin(), *args],
        capture_output=True,
        text=True,
        env=_environment(home, env),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"litreview {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}"
        )
    return proc


def run_cli_reader_gone(
    home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``litreview ARGS`` writing into a pipe whose reader has already gone, like a
    ``| head`` that has read its lines: every write to stdout fails with EPIPE.

    The reader is gone before the command starts, so the first write fails whatever
    the timing (a reader closing after N bytes would race with a short output that
    fits in the pipe). ``stdout`` of the result is empty; ``stderr`` is what was said.
    """
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [litreview_bin(), *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(home, env),
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    finally:
        os.close(write_end)


def _environment(home: Path, env: dict[str, str] | None) -> dict[str, str]:
    full_env = {**os.environ, "LITREVIEW_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    full_env.pop("LITREVIEW_CONFIG", None)
    full_env.update(env or {})
    return full_env


def cheap_library_settings(
    home: Path, monkeypatch: pytest.MonkeyPatch, pipeline: str, what: str
) -> Settings:
    """Settings for a test library built with the cheap pipeline (``what`` names it in the
    failure): a test marked ``models`` would search it without the MPNet vectors it lacks."""
    if pipeline != "cheap":
        pytest.fail(f"{what} is built without MPNet: a 'models' test needs its own")
    monkeypatch.setenv("LITREVIEW_HOME", str(home))
    monkeypatch.delenv("LITREVIEW_CONFIG", raising=False)
    return load_settings()
