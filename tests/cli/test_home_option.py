"""``--home`` (and ``--chroma-host``/``--chroma-port``) after the command: the same as before
it, for every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litreview.cli.main import cli
from tests.support.chroma_server import free_port
from tests.support.cli import CHEAP_PIPELINE, run_cli

ENTRY = (
    "@article{{{key},\n title = {{{title}}},\n year = {{{year}}},\n abstract = {{{abstract}}}\n}}\n"
)


def small_bib(folder: Path) -> Path:
    path = folder / "lighting.bib"
    path.write_text(
        ENTRY.format(
            key="a",
            title="The Rendering Equation",
            year=1986,
            abstract="An integral equation that generalizes many rendering algorithms.",
        )
        + ENTRY.format(
            key="b",
            title="Reservoir Resampling for Many Lights",
            year=2020,
            abstract="Direct lighting from millions of dynamic lights by resampling.",
        ),
        encoding="utf-8",
    )
    return path


def test_home_after_the_command_is_the_library_and_its_config(tmp_path: Path) -> None:
    """``ingest --home H`` makes the library at H, ``search --home H`` finds its papers
    and reads H's config file, and the LITREVIEW_HOME of the environment is left alone."""
    elsewhere = tmp_path / "elsewhere"
    home = tmp_path / "lib"
    bib = small_bib(tmp_path)
    run_cli(elsewhere, "ingest", "--home", str(home), str(bib), env=CHEAP_PIPELINE, check=True)
    assert (home / "catalog.sqlite3").exists() and not elsewhere.exists()
    (home / "config.toml").write_text("[retrieval]\nk = 1\n", encoding="utf-8")
    proc = run_cli(
        elsewhere, "search", "--home", str(home), "rendering", "--json", env=CHEAP_PIPELINE
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert [r["title"] for r in results] == ["The Rendering Equation"]  # k = 1: H's config
    # Before the command and after it, the same folder (spelled another way): no conflict.
    same = run_cli(
        elsewhere,
        "--home",
        str(home),
        "library",
        "--home",
        str(home / ".." / "lib"),
        "--json",
        check=True,
    )
    assert len(json.loads(same.stdout)["papers"]) == 2


def test_two_different_homes_are_a_usage_error(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    proc = run_cli(tmp_path / "env", "--home", str(a), "search", "--home", str(b), "anything")
    assert proc.returncode == 2
    assert f"--home {a} (before the command) and --home {b} (after it) differ" in proc.stderr
    assert "Traceback" not in proc.stderr and not a.exists() and not b.exists()


def test_chroma_options_after_the_command(tmp_path: Path) -> None:
    """Given after the command, the Chroma server options are used (an unreachable server is
    said as it is when they come first), and two different ports are a usage error."""
    home = tmp_path / "home"
    port = str(free_port())
    proc = run_cli(
        home,
        "ingest",
        str(small_bib(tmp_path)),
        "--chroma-host",
        "127.0.0.1",
        "--chroma-port",
        port,
    )
    assert proc.returncode == 1 and "cannot reach the Chroma server" in proc.stderr
    clash = run_cli(home, "--chroma-port", port, "library", "--chroma-port", "1")
    assert clash.returncode == 2
    assert f"--chroma-port {port} (before the command) and --chroma-port 1" in clash.stderr


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_takes_the_group_options(name: str) -> None:
    options = {opt for param in cli.commands[name].params for opt in param.opts}
    assert {"--home", "--chroma-host", "--chroma-port"} <= options
