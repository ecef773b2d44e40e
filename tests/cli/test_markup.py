"""Rich markup must not eat text: error messages and user data print with their brackets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from litreview.cli.context import console, keep_style_tags
from tests.support.cli import run_cli


def test_only_style_tags_are_kept_as_markup() -> None:
    text = "[red]error:[/] set api_key under [models.<alias>] or model under [llm]; see [1], [2]"
    out = console(stderr=False)
    with out.capture() as captured:
        out.print(text)
    assert captured.get().strip() == (
        "error: set api_key under [models.<alias>] or model under [llm]; see [1], [2]"
    )
    assert keep_style_tags(r"already \[escaped]") == r"already \[escaped]"
    assert keep_style_tags("[bold yellow]x[/bold yellow]") == "[bold yellow]x[/bold yellow]"


def test_table_cells_keep_brackets() -> None:
    from rich.table import Table

    table = Table()
    table.add_column("title")
    table.add_row("Attacks on [draft] models")
    out = console(stderr=False)
    with out.capture() as captured:
        out.print(table)
    assert "Attacks on [draft] models" in captured.get()


def test_batch_error_lines_keep_the_config_section(
    sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)  # the error names where to set it
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    questions = tmp_path / "q.txt"
    questions.write_text("How can huge models be trained with little memory?\n")
    proc = run_cli(
        home,
        "batch",
        str(questions),
        "--out",
        str(tmp_path / "a.jsonl"),
        "--model",
        "anthropic/claude-3-5-haiku-20241022",
    )
    assert proc.returncode == 1
    # A model without its key is refused before any question is asked (nothing to record).
    assert not (tmp_path / "a.jsonl").exists()
    assert "api_key under [models.<alias>] in the config file" in " ".join(proc.stderr.split())
