"""The collector is paused while a command loads, resumed after, and never left off."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.cli import loading
from litreview.cli.loading import collector_paused


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """This test process's own objects go back to the collector afterwards."""
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def one_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the ``litreview`` executable: the process ends with the command."""
    monkeypatch.setattr(loading, "_freeze_after_loading", True)


def test_loading_pauses_then_freezes_and_resumes(one_command: None) -> None:
    gc.unfreeze()
    with collector_paused() as loaded:
        assert not gc.isenabled()
        made_loading: list[object] = [[]]
        loaded()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        made_after: list[object] = [[]]
        loaded()  # once only: what is made after loading stays the collector's
    seen = {id(o) for o in gc.get_objects()}  # the collector's generations, not the frozen
    assert id(made_loading) not in seen and id(made_after) in seen


def test_in_a_process_that_goes_on_nothing_is_frozen() -> None:
    """CliRunner tests, programs calling the commands: their own garbage stays collectable."""
    gc.unfreeze()
    with collector_paused() as loaded:
        assert not gc.isenabled()
        loaded()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_an_error_while_loading_leaves_the_collector_on(one_command: None) -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the library cannot be opened")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused() as loaded:
        loaded()
    assert not gc.isenabled()


SEARCH_GC = """
import gc, sys
from litreview.cli.main import main
sys.argv = ["litreview", "search", "backdoor attacks", "--json", "-k", "3"]
passes = []
gc.callbacks.append(lambda phase, info: phase == "start" and passes.append(info["generation"]))
try:
    main()
except SystemExit:
    pass
print(passes.count(2), gc.get_freeze_count(), file=sys.stderr)
"""


def test_a_search_makes_no_full_pass_over_what_it_loaded(sample_home: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SEARCH_GC],
        capture_output=True,
        text=True,
        env={**os.environ, "LITREVIEW_HOME": str(sample_home)},
        check=True,
    )
    full, frozen = (int(x) for x in proc.stderr.strip().splitlines()[-1].split())
    assert full == 0 and frozen > 10_000, proc.stderr
    assert '"results"' in proc.stdout
