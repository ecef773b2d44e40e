"""Flag > environment > config file > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.settings import default_config_path, load_settings


def test_defaults_live_under_home(home: Path) -> None:
    s = load_settings()
    assert s.home == home
    assert s.catalog_path.parent == home
    assert default_config_path() == home / "config.toml"
    assert s.chroma.host is None  # embedded by default


def test_precedence_file_env_flag(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[retrieval]\nk = 3\nmmr = true\n[chroma]\nport = 9000\n")
    assert load_settings().retrieval.k == 3
    assert load_settings().retrieval.mmr is True
    monkeypatch.setenv("LITREVIEW_RETRIEVAL__K", "5")
    assert load_settings().retrieval.k == 5
    assert load_settings().retrieval.mmr is True  # the file still supplies what env does not
    assert load_settings(**{"retrieval.k": 7}).retrieval.k == 7
    assert load_settings(**{"chroma.port": None}).chroma.port == 9000  # None = flag not given


def test_explicit_config_path(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text('[chroma]\nhost = "127.0.0.1"\n')
    monkeypatch.setenv("LITREVIEW_CONFIG", str(cfg))
    assert load_settings().chroma.host == "127.0.0.1"


def test_invalid_value_is_rejected(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITREVIEW_RETRIEVAL__MODE", "psychic")
    with pytest.raises(ValueError, match="mode"):
        load_settings()


def test_config_mistakes_are_reported_by_name(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.cli import run_cli

    home.mkdir(parents=True)
    config = home / "config.toml"
    config.write_text("[retrieval\nk = 3\n")
    proc = run_cli(home, "library")
    assert proc.returncode == 1 and "not valid TOML" in proc.stderr and "line 1" in proc.stderr
    assert "Traceback" not in proc.stderr
    config.write_text("[retreival]\nk = 3\n[retrieval]\nk = 0\n")
    proc = run_cli(home, "library")
    assert "retreival: unknown setting (a typo?)" in proc.stderr
    assert "retrieval.k: Input should be greater than or equal to 1 (got 0)" in proc.stderr
    config.unlink()
    proc = run_cli(home, "library", env={"LITREVIEW_CONFIG": str(home / "missing.toml")})
    assert proc.returncode == 1 and "config file not found" in proc.stderr


def test_home_flag_reads_that_homes_config(tmp_path: Path) -> None:
    from tests.support.cli import run_cli

    other = tmp_path / "other"
    other.mkdir()
    (other / "config.toml").write_text("[retrieval\n")
    proc = run_cli(tmp_path / "unused", "--home", str(other), "library")
    assert proc.returncode == 1 and str(other / "config.toml") in proc.stderr
