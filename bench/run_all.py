"""Every benchmark, in order; results land in bench/results/latest.json.

make bench        (or: python -m bench.run_all)
"""

from __future__ import annotations

import json
import platform
import sys
import time

from bench import (
    answer_quality,
    answer_sentences,
    batch_determinism,
    batch_overhead,
    corpus_retrieval,
    followup_retrieval,
    fulltext_retrieval,
    latency,
    pdf_scale,
    related_quality,
    rerank_cv,
    retrieval_quality,
    scale,
    startup,
    support_quality,
    throughput,
)
from bench.common import RESULTS, save_result


def main() -> None:
    import os
    import tempfile

    os.environ.setdefault("LITREVIEW_BENCH_HOME", tempfile.mkdtemp(prefix="litreview-bench-"))
    save_result(
        "machine",
        {
            "python": platform.python_version(),
            "cpus": __import__("os").cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
        },
    )
    for module in (
        retrieval_quality,
        corpus_retrieval,
        rerank_cv,
        answer_quality,
        followup_retrieval,
        fulltext_retrieval,
        answer_sentences,
        support_quality,
        related_quality,
        batch_overhead,
        batch_determinism,
        throughput,
        pdf_scale,
        startup,
        latency,
        scale,  # last and longest: real-corpus ingests (bench/scale.py --sizes to change)
    ):
        print(f"== {module.__name__}", flush=True)
        sys.argv = [module.__name__]
        if module is scale:  # 1,000 real papers: ~20 min on a busy machine; 5,000 on request
            sys.argv += ["--sizes", os.environ.get("LITREVIEW_BENCH_SCALE_SIZES", "200,1000")]
        module.main()
    print(json.dumps(json.loads((RESULTS / "latest.json").read_text()), indent=1))


if __name__ == "__main__":
    main()
