"""Every benchmark of bench/suite.py, in order; results land in bench/results/latest.json.

make bench        (or: python -m bench.run_all [NAME ...] to run some of them)
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time

from bench.common import RESULTS, save_result
from bench.suite import benchmarks


def main() -> None:
    only = set(sys.argv[1:])
    chosen = [b for b in benchmarks() if not only or b.name in only]
    if unknown := only - {b.name for b in chosen}:
        sys.exit(f"unknown benchmark(s): {', '.join(sorted(unknown))} (see bench/suite.py)")
    os.environ.setdefault("LITREVIEW_BENCH_HOME", tempfile.mkdtemp(prefix="litreview-bench-"))
    save_result(
        "machine",
        {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
        },
    )
    for bench in chosen:
        print(f"== bench.{bench.name} {' '.join(bench.args)}", flush=True)
        sys.argv = [f"bench.{bench.name}", *bench.args]
        bench.main()
    print(json.dumps(json.loads((RESULTS / "latest.json").read_text()), indent=1))


if __name__ == "__main__":
    main()
