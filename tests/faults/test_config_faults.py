"""Bad settings end in one line naming the file or the setting, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.messages import one_clear_line

KEY = "sk-test-NEVER-PRINT-THIS-0123456789abcdef"


def write_config(home: Path, text: str, encoding: str = "utf-8") -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding=encoding)
    return path


def test_utf16_config_is_named_and_says_what_to_do(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = write_config(home, "[retrieval]\nk = 5\n", encoding="utf-16")
    proc = run_cli(home, "library")
    assert proc.returncode == 1
    line = one_clear_line(proc.stderr)
    assert str(path) in line and "UTF-16" in line and "UTF-8" in line


@pytest.mark.parametrize(
    ("variable", "value", "setting"),
    [
        ("LITREVIEW_CHROMA__PORT", "99999999", "chroma.port"),
        ("LITREVIEW_RETRIEVAL__K", "1000000000", "retrieval.k"),
    ],
)
def test_out_of_range_settings_are_rejected_by_name(
    tmp_path: Path, variable: str, value: str, setting: str
) -> None:
    proc = run_cli(tmp_path / "home", "library", env={variable: value})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert setting in proc.stderr


def test_a_key_in_a_bad_config_is_never_printed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_config(
        home,
        f'[models.remote]\nmodel = "openai/x"\napi_key = ["{KEY}"]\ntemprature = 0.1\n',
    )
    proc = run_cli(home, "library")
    assert proc.returncode == 1
    assert "models.remote" in proc.stderr  # named, and not eaten as Rich markup
    assert KEY not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
