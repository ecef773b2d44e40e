"""Shared fixtures: isolated homes, the installed CLI, and one ingested sample library."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]


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
    timeout: int = 300,
) -> subprocess.CompletedProcess[str]:
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


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, isolated library home (also for in-process code)."""
    path = tmp_path / "home"
    monkeypatch.setenv("LITREVIEW_HOME", str(path))
    monkeypatch.delenv("LITREVIEW_CONFIG", raising=False)
    return path


@pytest.fixture
def settings(home: Path) -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled sample library, ingested once through the CLI; tests must not modify it."""
    path = tmp_path_factory.mktemp("sample") / "home"
    prebuilt = os.environ.get("LITREVIEW_TEST_SAMPLE_FROM")
    if prebuilt:  # a developer's shortcut: a sample home ingested earlier by the same code
        shutil.copytree(prebuilt, path)
    run_cli(path, "ingest", "--sample", check=True)
    yield path


@pytest.fixture
def sample_settings(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("LITREVIEW_HOME", str(sample_home))
    monkeypatch.delenv("LITREVIEW_CONFIG", raising=False)
    return load_settings()
