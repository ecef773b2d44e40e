"""Running the installed ``litreview`` command the way a user does, in an isolated home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The cheap pipeline (no MPNet stage); see tests/conftest.py for why tests run it.
CHEAP_PIPELINE = {"LITREVIEW_RETRIEVAL__RERANK_MODEL": "none"}


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
    full_env = {**os.environ, "LITREVIEW_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    full_env.pop("LITREVIEW_CONFIG", None)
    full_env.update(env or {})
    proc = subprocess.run(
        [litreview_bin(), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"litreview {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}"
        )
    return proc
