"""litreview: a literature-review assistant for researchers who work in the terminal.

The package is split by the stage of the data's journey: ``reading`` reads
paper files, ``encoders`` are the models, ``evidence`` scores sentences,
``index`` stores and retrieves, ``llm`` talks to models, ``review`` holds the
tasks, ``cli`` and ``tui`` are the faces. Later stages import earlier ones,
never the reverse.
"""

import os
import sys

# numpy's OpenBLAS must not start a thread pool of its own (set before numpy loads; a
# user's own setting wins). Its idle threads spin: on two cores shared with onnxruntime's
# workers, a 120 x 384 by 384 x 384 product (one paper's token rotation) took 17 ms of
# CPU and 100 ms of wall time with two BLAS threads, 0.4 ms and 3.5 ms with one (load 12);
# litreview's products are small, and the model sessions already use every core.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def _few_malloc_arenas() -> None:
    """Keep glibc to two malloc arenas (a user's ``MALLOC_ARENA_MAX`` wins).

    glibc gives threads that meet a locked arena one of their own, up to eight
    per core, and memory freed in one is never reused by another: an ingest's
    worker threads (model batches side by side, stores written in the
    background) grew a 3,000-paper ingest to a 1,011 MB peak, 772 MB with two
    arenas at the same speed (bench.scale's per-stage RSS, issue 11).
    """
    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # musl and others: no such arenas
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


_few_malloc_arenas()

__version__ = "0.1.0"
