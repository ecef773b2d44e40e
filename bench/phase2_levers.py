"""Phase 2's CPU per paper under levers that keep its vectors, side by side in one run.

    python -m bench.phase2_levers [--papers 40] [--rounds 2] [--variants a,b,...]

Each variant runs phase 2 (``rerank_pending``, two texts side by side, as ingest runs it) in a
process of its own, since malloc's settings are the whole process's: the parent makes a
phase-1 home of real papers (1,000 onward of the corpus, the re-ranking model off) once, and
each child a copy of it; the variants alternate round by round (the order reversed every other
round). A child reports phase 2's CPU ms a paper (all its threads), its minor page faults a
paper, its resident memory after phase 2 and at peak, and the float vectors of the first texts;
the parent says whether each variant's vectors equal the first variant's, bit for bit.

Variants (``--variants``, the first the reference):

- ``unfused``: the papers' graph with the attention as separate ops
  (``graph-int8-papers-v1``'s build, kept by this benchmark as ``graph-int8-papers-unfused``),
  glibc's malloc defaults: phase 2 before these levers.
- ``fused``: the product's papers' graph (the attention one ``MultiHeadAttention`` op a layer).
- ``fused-malloc``: and glibc's thresholds fixed (:mod:`litreview.encoders.allocator`), set
  before the session loads, as an ingest does.
- ``unfused-malloc``: the thresholds alone.
- ``bare``: the product's graph's ``session.run`` alone, on the inputs of the same texts made
  beforehand, two side by side in batches as phase 2 runs them (malloc as ``fused-malloc``):
  what the model costs; phase 2's CPU beyond it is tokenising, inputs, pooling, chunking, the
  catalog and the stores.

CPU times (and their ratios to the first variant) are what to read on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Result, Row, save_result, stamped, uptime
from bench.scale import write_subset

UNFUSED_GRAPH = "graph-int8-papers-unfused.onnx"
VARIANTS = ("unfused", "fused", "fused-malloc", "unfused-malloc", "bare")
FIRST_PAPER = 1000  # as bench.phase2_speed: past the lines other benchmarks' libraries hold
CHECKED_TEXTS = 8  # texts whose float vectors are compared across variants


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def unfused_graph(folder: Any) -> Path:
    """The papers' graph as built before the attention was fused, once, beside the product's."""
    from litreview.encoders.mpnet import build_int8_graph
    from litreview.encoders.mpnet_outliers import PAPERS_OUTLIERS

    path = Path(folder.path) / UNFUSED_GRAPH
    if not path.exists():
        build_int8_graph(folder.weights, path, PAPERS_OUTLIERS)
    return path


def child(variant: str, home: Path) -> dict[str, object]:
    """Phase 2 of ``home`` (a copy, all pending) in this process, as ``variant``."""
    if variant.endswith("-malloc") or variant == "bare":
        from litreview.encoders.allocator import keep_freed_memory

        assert keep_freed_memory()
    from bench.phase2_speed import open_with
    from litreview.encoders.minilm import parallel_map
    from litreview.encoders.model_files import materialise
    from litreview.encoders.mpnet import MAX_TOKENS, MPNetEncoder
    from litreview.index.chunking import Chunker
    from litreview.index.ingest import IngestReport, rerank_pending
    from litreview.settings import load_settings

    folder = materialise(load_settings().model_cache)
    if variant.startswith("unfused"):
        encoder = MPNetEncoder(folder, precision="int8", graph=unfused_graph(folder))
    else:
        encoder = MPNetEncoder(folder, precision="int8", role="papers")
    library, stores = open_with(home, encoder)
    with library:
        papers = list(stores.catalog.get(stores.catalog.rerank_pending_ids()).values())
        chunker = Chunker(encoder.count_tokens, MAX_TOKENS, library.settings.ingest.chunk_overlap)
        texts = [c.text for p in papers for c in chunker.chunks(p)]
        checked = np.stack([encoder._forward([t])[0] for t in texts[:CHECKED_TEXTS]])
        loaded = rss_mb()
        report = IngestReport()
        if variant == "bare":
            feeds = [encoder.inputs([encoder.tokenizer.encode(t).ids])[0] for t in texts]
            began, faulted = time.process_time(), faults()
            for start in range(0, len(feeds), library.settings.ingest.batch_size):
                batch = feeds[start : start + library.settings.ingest.batch_size]
                parallel_map(lambda f: encoder.session.run(["hidden"], f), batch)
            report.reranked = len(papers)
        else:
            began, faulted = time.process_time(), faults()
            rerank_pending(stores, report, lambda *_: None)
        spent, faulted = time.process_time() - began, faults() - faulted
    n = max(1, report.reranked)
    return {
        "variant": variant,
        "papers": report.reranked,
        "texts": len(texts),
        "cpu_ms_per_paper": round(1000 * spent / n, 2),
        "faults_per_paper": round(faulted / n, 1),
        "rss_loaded_mb": round(loaded, 1),
        "rss_after_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "vectors": checked.tolist(),
    }


def run_child(variant: str, base: Path, work: Path) -> dict[str, Any]:
    home = work / f"home-{variant}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    out = subprocess.run(
        [sys.executable, "-m", "bench.phase2_levers", "--child", variant, str(home)],
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(home, ignore_errors=True)
    if out.returncode != 0:
        raise RuntimeError(f"{variant}: {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variants", default="unfused,fused,fused-malloc,bare")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "HOME"), default=None)
    args = parser.parse_args()
    if args.child:
        found = child(args.child[0], Path(args.child[1]))
        print(json.dumps(found))
        return found
    from bench.phase2_speed import phase1_home
    from litreview.encoders.model_files import materialise
    from litreview.settings import load_settings

    variants = args.variants.split(",")
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; known: {', '.join(VARIANTS)}")
    unfused_graph(materialise(load_settings().model_cache))  # built once, not in a child
    result: dict[str, object] = {"load_before": uptime(), "variants": variants}
    work = Path(tempfile.mkdtemp(prefix="litreview-phase2-levers-"))
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    try:
        subset = write_subset(FIRST_PAPER + args.papers, work)
        lines = subset.read_text(encoding="utf-8").split("\n")[FIRST_PAPER:]
        corpus = work / "papers.jsonl"
        corpus.write_text("\n".join(lines), encoding="utf-8")
        base = phase1_home(work / "phase1", [corpus])
        for round_ in range(args.rounds):
            for variant in variants if round_ % 2 == 0 else variants[::-1]:
                found = run_child(variant, base, work)
                runs[variant].append(found)
                shown = {k: v for k, v in found.items() if k != "vectors"}
                print(json.dumps(shown), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    reference = variants[0]
    first = np.array(runs[reference][0]["vectors"], dtype=np.float32)
    cpu = {v: statistics.mean(r["cpu_ms_per_paper"] for r in runs[v]) for v in variants}
    result["papers"] = runs[reference][0]["papers"]
    result["texts"] = runs[reference][0]["texts"]
    result["rounds"] = args.rounds
    result["per_variant"] = {
        v: {
            "cpu_ms_per_paper": round(cpu[v], 1),
            "ratio": round(cpu[v] / cpu[reference], 3),
            "cpu_ms_runs": [r["cpu_ms_per_paper"] for r in runs[v]],
            "faults_per_paper": round(statistics.mean(r["faults_per_paper"] for r in runs[v])),
            "rss_after_mb": max(r["rss_after_mb"] for r in runs[v]),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[v]),
            "same_vectors": all(
                np.array_equal(np.array(r["vectors"], dtype=np.float32), first) for r in runs[v]
            ),
        }
        for v in variants
    }
    save_result("phase2_levers", stamped(result))
    print(json.dumps(result, indent=2))
    return result


def rows(result: Result) -> list[Row]:
    per = result["per_variant"]
    reference = result["variants"][0]
    load = result["load_before"].split("load average:")[-1].split(",")[0].strip()
    cells = []
    for v in result["variants"]:
        figures = per[v]
        differ = "" if figures["same_vectors"] else ", vectors differ"
        cells.append(
            f"{v} {figures['cpu_ms_per_paper']} (x{figures['ratio']:.3f}, "
            f"{figures['faults_per_paper']} faults, {figures['rss_after_mb']:.0f} MB{differ})"
        )
    return [
        (
            f"Phase 2's levers on {result['papers']} real papers (`bench.phase2_levers`, each "
            f"variant a process, {result['rounds']} rounds alternating; vs {reference}): CPU ms "
            "a paper (ratio), minor page faults a paper, resident memory after phase 2",
            "; ".join(cells) + f" (load {load}, {result['date']})",
        )
    ]


if __name__ == "__main__":
    main()
