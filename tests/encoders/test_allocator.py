"""glibc keeps the blocks the model sessions free between texts (litreview.encoders.allocator)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from litreview.encoders import allocator

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="glibc's malloc")

# 16 MB malloc'ed, written, freed, four times: with the thresholds set the block stays in the
# heap, so only the first round faults its pages in (4,096 of them).
ROUNDS = textwrap.dedent(
    """
    import ctypes, resource, sys
    from litreview.encoders.allocator import keep_freed_memory
    print(keep_freed_memory() if sys.argv[1] == "set" else False)
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    size = 16 << 20
    for round in range(4):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        block = libc.malloc(size)
        ctypes.memset(block, 1, size)
        libc.free(block)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _rounds(mode: str) -> tuple[bool, list[int]]:
    out = subprocess.run(
        [sys.executable, "-c", ROUNDS, mode], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0] == "True", [int(n) for n in out[1:]]


@linux_only
def test_freed_blocks_are_kept_for_the_next_text() -> None:
    was_set, faulted = _rounds("set")
    assert was_set
    assert faulted[0] > 3000  # the first round touches fresh pages
    assert max(faulted[1:]) < 100  # later rounds reuse them


@linux_only
def test_without_it_a_freed_block_is_handed_back() -> None:
    """What it removes: by default glibc maps a block past 128 KB afresh and unmaps it when
    freed (raising its threshold only then), so the next round faults again; blocks of many
    sizes (every text length) meet that again and again, and heap tops get trimmed."""
    was_set, faulted = _rounds("default")
    assert not was_set
    assert min(faulted[:2]) > 3000


def test_a_users_malloc_settings_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "1000000")
    assert allocator.keep_freed_memory() is False


def test_other_platforms_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator.sys, "platform", "darwin")
    assert allocator.keep_freed_memory() is False
