"""litreview: a literature-review assistant for researchers who work in the terminal.

The package is split by the stage of the data's journey: ``library`` reads
paper files, ``index`` embeds, stores and retrieves them, and ``cli`` is the
command line on top. Later stages import earlier ones, never the reverse.
"""

import os

# numpy's OpenBLAS must not start a thread pool of its own (set before numpy loads; a
# user's own setting wins). Its idle threads spin: on two cores shared with onnxruntime's
# workers, a 120 x 384 by 384 x 384 product (one paper's token rotation) took 17 ms of
# CPU and 100 ms of wall time with two BLAS threads, 0.4 ms and 3.5 ms with one (load 12);
# litreview's products are small, and the model sessions already use every core.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__version__ = "0.1.0"
