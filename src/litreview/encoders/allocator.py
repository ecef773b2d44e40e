"""glibc's malloc keeps what the model sessions free between texts, instead of returning it.

Why: the sessions run without onnxruntime's memory arena (it grew with every sequence length
an ingest met, :func:`litreview.encoders.minilm.session_options`), so each forward pass
mallocs and frees its activations, a few MB each. glibc serves a block past its mmap threshold
with a fresh mapping and gives a heap's free top back past its trim threshold (both adapt
upward only until a program sets them), so every text's activations were page-faulted in
afresh: phase 2 took ~1,200-1,800 minor page faults a paper. Fixed thresholds keep the freed
blocks for the next text (``bench.phase2_levers`` measures the CPU, the faults and the
resident memory this trades).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest (HEAP_MAX_SIZE / 2 on 64-bit)
TRIM_THRESHOLD = 128 << 20
# A user's own malloc settings win (as ``MALLOC_ARENA_MAX`` does in ``litreview/__init__``).
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")


def keep_freed_memory(
    mmap_threshold: int = MMAP_THRESHOLD, trim_threshold: int = TRIM_THRESHOLD
) -> bool:
    """Set glibc's mmap and trim thresholds for this process; whether they were set (not on
    other C libraries or platforms, nor when the user set malloc's own variables)."""
    if sys.platform != "linux" or any(name in os.environ for name in USER_SETTINGS):
        return False
    with contextlib.suppress(OSError, AttributeError):  # musl and others: no mallopt
        libc = ctypes.CDLL("libc.so.6")
        return bool(
            libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold)
            and libc.mallopt(M_TRIM_THRESHOLD, trim_threshold)
        )
    return False
