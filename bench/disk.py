"""Disk per paper, store by store, next to a library built by the code before (issue 11).

    python -m bench.disk --papers 1000 [--before-home DIR] [--before-results JSON] [--home DIR]

The first N papers of the real corpus (``bench.scale``'s sample) are ingested
by this tree's code in a new process (``bench.scale``'s ingest child; ``--home``
measures a library already ingested from them instead). ``--before-home`` is a
library ingested from the same N papers by the code before the change (e.g. by
``bench.scale`` run in a checkout of that commit), so the two are measured side
by side on one machine, store by store, as ratios. ``--before-results`` is that
checkout's ``bench/results/latest.json``: its hard-set retrieval figures are set
beside this tree's (``bench.retrieval_quality``, run in each tree on the same
day) so a disk saving is never read without what it cost. Without
``--before-home`` (``make bench``) only this tree's library is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.common import RESULTS, Result, Row, save_result
from bench.scale import _run_child, store_sizes, write_subset

# The hard-set figures issue 11 holds within 0.005 (bench.retrieval_quality's keys).
QUALITY = {
    "hybrid single R@5": ("hard/single/hybrid", "recall@5"),
    "hybrid single MRR@10": ("hard/single/hybrid", "mrr@10"),
    "hybrid multi R@5": ("hard/multi/hybrid", "recall@5"),
    "hybrid multi R@10": ("hard/multi/hybrid", "recall@10"),
    "late single MRR@10": ("hard/single/late", "mrr@10"),
    "late multi R@5": ("hard/multi/late", "recall@5"),
}


def per_paper_kb(sizes: dict[str, int], papers: int) -> dict[str, float]:
    out = {name: round(size / papers / 1024, 2) for name, size in sorted(sizes.items())}
    out["total"] = round(sum(sizes.values()) / papers / 1024, 2)
    return out


def quality(results: Result) -> dict[str, float]:
    figures = results.get("retrieval_quality", {})
    return {
        label: float(figures[key][metric])
        for label, (key, metric) in QUALITY.items()
        if key in figures
    }


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--before-home", type=Path)
    parser.add_argument("--before-results", type=Path)
    parser.add_argument("--home", type=Path, help="an ingested library to measure (no ingest)")
    args = parser.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]
    home = args.home
    if home is None:
        work = Path(tempfile.mkdtemp(prefix="litreview-disk-"))
        home = work / "home"
        _run_child("ingest", str(write_subset(args.papers, work)), str(home))
    after = per_paper_kb(store_sizes(home), args.papers)
    before = per_paper_kb(store_sizes(args.before_home), args.papers) if args.before_home else {}
    beside = " --before-home DIR" if args.before_home else ""
    result: dict[str, Any] = {
        "command": f"python -m bench.disk --papers {args.papers}{beside}",
        "papers": args.papers,
        "load_before": load,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "kb_per_paper": {"before": before, "after": after},
        "ratios": {k: round(after[k] / before[k], 3) for k in after if before.get(k)},
    }
    if args.before_results:
        mine = RESULTS / "latest.json"
        result["hard_set"] = {
            "before": quality(json.loads(args.before_results.read_text())),
            "after": quality(json.loads(mine.read_text())) if mine.exists() else {},
        }
    print(json.dumps(result, indent=1))
    save_result("disk", result)
    return result


def rows(result: Result) -> list[Row]:
    """``bench.disk``: disk per paper before -> after, by store, and the hard set beside it."""
    before, after = result["kb_per_paper"]["before"], result["kb_per_paper"]["after"]
    load = f"{result['load_before'][0]} -> {result['load_after'][0]}"
    if not before:
        parts = "; ".join(f"{name} {after[name]:.1f}" for name in sorted(after) if name != "total")
        return [
            (
                f"Disk per paper at {result['papers']} real papers (KB); by store",
                f"{after['total']:.1f}; {parts} (load {load})",
            )
        ]
    parts = "; ".join(
        f"{name} {before.get(name, 0):.1f} -> {after[name]:.1f}"
        for name in sorted(after)
        if name != "total"
    )
    out: list[Row] = [
        (
            f"Disk per paper at {result['papers']} real papers, before -> after (KB, ratio); "
            "by store",
            f"{before['total']:.1f} -> {after['total']:.1f} (x{result['ratios']['total']:.2f}); "
            f"{parts} (load {load})",
        )
    ]
    hard = result.get("hard_set")
    if hard:
        out.append(
            (
                "Hard set with that change, before -> after (bench.retrieval_quality)",
                "; ".join(
                    f"{label} {hard['before'][label]:.3f} -> {hard['after'][label]:.3f}"
                    for label in QUALITY
                    if label in hard["before"] and label in hard["after"]
                ),
            )
        )
    return out


if __name__ == "__main__":
    main()
