"""Query latency p50/p95 at the sample's 264 papers and at 100,000 synthetic papers.

    python -m bench.latency [--papers 100000] [--home DIR]

``--home DIR`` keeps the synthetic library in DIR and, on a later run, reuses it
when it already holds ``--papers`` papers (a 100,000-paper build takes minutes;
re-querying one build is how before/after changes are compared).

Synthetic papers are built from the sample's own material: titles and
abstracts recombine real title words and abstract sentences (so BM25 sees a
realistic vocabulary), and vectors are noisy mixtures of real chunk vectors
(embedding 100,000 abstracts would take ~70 minutes on this machine and says
nothing more about query latency); their token vectors (late interaction)
and MPNet vectors (the reranker's) are real papers' ones, assigned at random.
They go through the real catalog, Chroma collection, token store, MPNet
table and BM25 index; only the models are skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import (
    Result,
    Row,
    load_questions,
    previous_result,
    sample_library_and_stores,
    save_result,
)
from bench.synthetic import synthetic_batches, write_batch
from litreview.index.library import Library
from litreview.index.retriever import SearchRequest
from litreview.index.stores import Stores
from litreview.settings import load_settings


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def measure(library: Library, queries: list[str], mode: str, mmr: bool = False) -> dict[str, float]:
    library.search(SearchRequest(queries[0], k=10, mode=mode))  # load everything first
    samples = []
    for text in queries:
        start = time.perf_counter()
        library.search(SearchRequest(text, k=10, mode=mode, mmr=mmr))
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def open_synthetic(home: Path, n: int) -> Library | None:
    """The synthetic library kept in ``home`` if it holds ``n`` papers, else ``None``."""
    if not (home / "catalog.sqlite3").exists():
        return None
    os.environ["LITREVIEW_HOME"] = str(home)
    stores = Stores(load_settings())
    if stores.catalog.count() != n:
        stores.close()
        return None
    stores.refresh_lexical()
    return Library(stores.settings, stores)


def synthetic_library(source: Stores, n: int, seed: int = 7, home: Path | None = None) -> Library:
    """``n`` papers made from ``source``'s (:mod:`bench.synthetic`'s recipe), written straight
    into a new library's stores (in ``home``, a new temporary folder if ``None``), complete."""
    home = home or Path(tempfile.mkdtemp(prefix="litreview-bench-100k-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["LITREVIEW_HOME"] = str(home)
    target = Stores(load_settings())
    # As an ingest begins: records which vector store the papers go into. Without it the first
    # search's reconciling took the store for another and sent every paper back to pending.
    target.reconcile()
    written = 0
    for batch in synthetic_batches(source, n, seed):
        write_batch(target, batch)
        written += len(batch.papers)
        print(f"  synthetic: {written}/{n}", end="\r", flush=True)
    print()
    start_time = time.perf_counter()
    target.refresh_lexical()
    print(f"  BM25 index over {n} papers built in {time.perf_counter() - start_time:.1f}s")
    return Library(target.settings, target)


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument(
        "--home",
        type=Path,
        help="keep the synthetic library here and reuse it if it already has --papers papers",
    )
    args = parser.parse_args()
    queries = [str(q["question"]) for q in load_questions()][:100]
    result: dict[str, object] = {"queries": len(queries)}
    small, small_stores = sample_library_and_stores()
    for mode in ("hybrid", "dense", "lexical"):
        result[f"264/{mode}"] = measure(small, queries, mode)
    result["264/hybrid+mmr"] = measure(small, queries, "hybrid", mmr=True)
    start = time.perf_counter()
    big = open_synthetic(args.home, args.papers) if args.home else None
    if big is None:
        big = synthetic_library(small_stores, args.papers, home=args.home)
        result["synthetic_build_s"] = round(time.perf_counter() - start, 1)
    else:
        print(f"  reusing the synthetic library in {args.home}")
        result["synthetic_build_s"] = previous_result("latency").get("synthetic_build_s")
    for mode in ("hybrid", "dense", "lexical"):
        result[f"{args.papers}/{mode}"] = measure(big, queries, mode)
    result[f"{args.papers}/hybrid+mmr"] = measure(big, queries, "hybrid", mmr=True)
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    save_result("latency", result)
    return result


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    sizes = sorted({key.split("/")[0] for key in result if "/" in key}, key=int)
    for size in sizes:
        for mode in ("hybrid", "dense", "lexical", "hybrid+mmr"):
            figures = result.get(f"{size}/{mode}")
            if figures:
                out.append(
                    (
                        f"Query latency p50 / p95, {size} papers, {mode}",
                        f"{figures['p50_ms']} ms / {figures['p95_ms']} ms",
                    )
                )
    return out


if __name__ == "__main__":
    main()
