"""Where a hybrid query's time goes, stage by stage, in one or more libraries side by side.

    python -m bench.latency_stages HOME [HOME ...] [--queries 40] [--mode hybrid]

Why: ``bench.latency`` gives one figure per library size; when it grows with
the library, this says which stage grows. Each HOME is a library folder (for
instance one kept by ``python -m bench.latency --home DIR``). The stores'
methods a search calls are wrapped with timers that record wall and CPU time
*exclusive* of the wrapped calls inside them, so the stages add up to the whole
search; "glue" is what the retriever does itself (fusion, sorting). Queries
alternate between the libraries, so a busy machine slows them alike: compare
the columns of one run, not figures of different runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import load_questions
from litreview.index.library import Library
from litreview.index.retriever import Retriever, SearchRequest
from litreview.index.stores import Stores
from litreview.settings import load_settings

# (path from the retriever to the object, method, stage label)
STAGES: tuple[tuple[str, str, str], ...] = (
    ("vectors.embedder", "encode", "MiniLM encode (query, lazy passages)"),
    ("vectors", "query", "Chroma dense query"),
    ("vectors", "paper_vectors", "paper vectors (MMR)"),
    ("lexical", "search", "BM25"),
    ("tokens", "_vectors", "token rows: read + decode"),
    ("tokens", "_idf", "token IDF"),
    ("tokens", "score_chunks", "MaxSim (rest of score_chunks)"),
    ("tokens", "score_fresh", "MaxSim of lazy passages"),
    ("lazy", "score", "lazy passages (rest)"),
    ("catalog", "ids_matching", "catalog: filters"),
    ("catalog", "has_passages", "catalog: has_passages"),
    ("catalog", "all_reranked", "catalog: all_reranked"),
    ("catalog", "get", "catalog: get papers"),
    ("catalog", "passages", "catalog: passages"),
    ("reranker.table", "get", "MPNet rows: read + decode"),
    ("reranker.encoder", "embed", "MPNet encode query"),
    ("reranker", "score_rows", "MPNet cosines (rest)"),
    ("reranker", "abstract_rows", "MPNet abstract_rows"),
)
GLUE = "glue (fusion, sorting, hits)"


class Timers:
    """Exclusive wall and CPU time per stage, with a stack so nested stages are not counted
    twice (an outer stage's time excludes the wrapped calls it made)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[float]] = []  # per open stage: [child wall, child cpu]

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append([0.0, 0.0])
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                child_wall, child_cpu = self._stack.pop()
                self.wall[label] += wall - child_wall
                self.cpu[label] += cpu - child_cpu
                self.calls[label] += 1
                if self._stack:
                    self._stack[-1][0] += wall
                    self._stack[-1][1] += cpu

        return timed


def _resolve(root: object, path: str) -> object | None:
    obj: object | None = root
    for name in path.split("."):
        obj = getattr(obj, name, None) if obj is not None else None
    return obj


def instrument(retriever: Retriever, timers: Timers) -> None:
    """Wrap the stages' methods on these very objects (instance attributes shadow methods)."""
    for path, method, label in STAGES:
        obj = _resolve(retriever, path)
        if obj is not None and hasattr(obj, method):
            setattr(obj, method, timers.wrap(label, getattr(obj, method)))
    retriever.search = timers.wrap(GLUE, retriever.search)  # type: ignore[method-assign]


def open_home(home: Path) -> tuple[Library, Retriever]:
    os.environ["LITREVIEW_HOME"] = str(home)
    stores = Stores(load_settings())
    library = Library(stores.settings, stores)
    library.search(SearchRequest("warm up", k=10))  # reconcile, load models and indexes
    return library, library._retriever


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("homes", type=Path, nargs="+")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--mmr", action="store_true")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    queries = [str(q["question"]) for q in load_questions()][: args.queries]
    opened = [open_home(home) for home in args.homes]
    timers = [Timers() for _ in opened]
    for (_, retriever), t in zip(opened, timers, strict=True):
        instrument(retriever, t)
    walls: list[list[float]] = [[] for _ in opened]
    for query in queries:  # alternating, so load falls on every library alike
        for (library, _), samples in zip(opened, walls, strict=True):
            start = time.perf_counter()
            library.search(SearchRequest(query, k=args.k, mode=args.mode, mmr=args.mmr))
            samples.append(time.perf_counter() - start)
    n = len(queries)
    sizes = [library.count() for library, _ in opened]
    header = "".join(f"{f'{s:,} wall':>13}{'cpu':>8}" for s in sizes)
    print(f"{'ms per query':<40}{header}")
    labels = [label for _, _, label in STAGES] + [GLUE]
    for label in [*labels, "total"]:
        cells = ""
        for t in timers:
            wall = sum(t.wall.values()) if label == "total" else t.wall.get(label, 0.0)
            cpu = sum(t.cpu.values()) if label == "total" else t.cpu.get(label, 0.0)
            cells += f"{1000 * wall / n:>13.1f}{1000 * cpu / n:>8.1f}"
        if label == "total" or any(label in t.calls for t in timers):
            print(f"{label:<40}{cells}")
    cells = "".join(f"{1000 * statistics.median(w):>13.1f}{'':>8}" for w in walls)
    print(f"{'whole search, p50':<40}{cells}")


if __name__ == "__main__":
    main()
