"""Ingest and query at scale on the real corpus, next to a ten-line plain-Chroma baseline.

    python -m bench.scale --sizes 1000,5000 [--queries 40] [--phase2-budget SECONDS]

For each size, the first N papers of ``conference-abstracts-50k.jsonl.gz``
(``/work/shared/real/corpora``, or ``LITREVIEW_SCALE_CORPUS``) are ingested
by ``Library.ingest`` in a new process (model loading included), which
reports when the library became searchable (phase 1 and BM25 done) and when
it was complete (the re-ranking model's stage done), papers/s per stage and
its peak RSS. The baseline is what a user would write in ten lines: a plain
Chroma collection with the same MiniLM embedding function, no re-ranking, in
its own process. Disk is measured store by store. Then query latency per
mode in-process (p50/p95), an extractive ``ask`` in-process, and the first
``litreview search`` in a new process. ``--phase2-budget`` stops the
re-ranking stage after that many seconds (as a Ctrl-C would; the next ingest
resumes it): at 50,000 papers the complete run outlasts a session, and the
stage's rate is measured over the papers it did. ``--reuse-home DIR
--complete-copies`` then measures the queries of a complete library: a copy of
DIR whose papers phase 2 had not reached get re-ranked papers' rows (copied
values: latency does not depend on them), kept beside that size's figures.
Each size keeps its own load and command, and a run keeps the sizes it did not re-run.
Figures are reported as ratios to the baseline because the machine is shared:
run this once, late, and note ``uptime``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Result, Row, cpu, previous_result, save_result

CORPUS = Path(
    os.environ.get(
        "LITREVIEW_SCALE_CORPUS", "/work/shared/real/corpora/conference-abstracts-50k.jsonl.gz"
    )
)
MODES = ("hybrid", "dense", "lexical")


def records(path: Path) -> list[dict[str, Any]]:
    """A JSONL file's records. Split on newlines only: ``str.splitlines`` also splits on
    U+2028 and friends, which real abstracts carry inside their JSON strings."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_subset(n: int, folder: Path) -> Path:
    """The first ``n`` records of the corpus as a plain JSONL file (streamed, never loaded)."""
    path = folder / f"real-{n}.jsonl"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, path.open("w") as out:
        for i, line in enumerate(src):
            if i >= n:
                break
            out.write(line)
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    """Resident memory now (Linux): with the peak so far it shows which stage grew it."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


# -- children: each measured in a process of its own ---------------------------------
class _BudgetSpent(Exception):
    """Raised from the progress callback: phase 2 has had its seconds."""


def child_ingest(corpus: Path, home: Path, phase2_budget: float = 0.0) -> dict[str, Any]:
    """Run in a new process: ingest, timing the two phases (``started`` is the parent's)."""
    os.environ["LITREVIEW_HOME"] = str(home)
    from litreview.index.library import Library
    from litreview.settings import load_settings

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now, cpu = time.time(), time.process_time()  # CPU: every thread of the process
        marks.setdefault(f"{stage}_start", now)
        marks.setdefault(f"{stage}_cpu_start", cpu)
        marks[f"{stage}_end"] = now
        marks[f"{stage}_cpu_end"] = cpu
        marks[f"{stage}_total"] = total
        marks[f"{stage}_done"] = done
        marks[f"{stage}_rss_mb"] = max(marks.get(f"{stage}_rss_mb", 0.0), _rss_mb())
        marks[f"{stage}_peak_rss_mb"] = _peak_rss_mb()
        if stage == "rerank" and phase2_budget and now - marks["rerank_start"] > phase2_budget:
            raise _BudgetSpent

    with Library(load_settings()) as library:
        try:
            report = library.ingest([corpus], progress)
            embedded, reranked, chunks = report.embedded, report.reranked, report.chunks
        except _BudgetSpent:  # committed work stays: the next ingest resumes phase 2
            embedded, reranked = int(marks["embed_done"]), int(marks["rerank_done"])
            chunks = library.chunk_count()
        state = library.indexing_state()
    return {
        "marks": marks,
        "finished": time.time(),
        "embedded": embedded,
        "reranked": reranked,
        "chunks": chunks,
        "papers": state.papers,
        "complete": state.complete,
        "peak_rss_mb": _peak_rss_mb(),
    }


def child_baseline(corpus: Path, folder: Path) -> dict[str, Any]:
    """The ten lines a user would write: a persistent collection with MiniLM, ``add``."""
    import chromadb

    from litreview.encoders.minilm import MiniLMEmbedder
    from litreview.index.chroma_function import ChromaMiniLM

    rows = records(corpus)
    client = chromadb.PersistentClient(path=str(folder))
    collection = client.get_or_create_collection(
        "papers",
        embedding_function=ChromaMiniLM(MiniLMEmbedder()),  # type: ignore[arg-type]
    )
    for start in range(0, len(rows), 64):
        batch = rows[start : start + 64]
        collection.add(
            ids=[str(start + i) for i in range(len(batch))],
            documents=[f"{r['title']}\n\n{r['abstract']}" for r in batch],
        )
    return {"finished": time.time(), "papers": len(rows), "peak_rss_mb": _peak_rss_mb()}


def child_complete(home: Path) -> dict[str, Any]:
    """Run in a new process: the papers phase 2 had not reached get re-ranked papers' rows
    (``bench.synthetic.complete_with_copies``), so queries take the complete-ranking path."""
    os.environ["LITREVIEW_HOME"] = str(home)
    from bench.synthetic import complete_with_copies
    from litreview.index.library import Library
    from litreview.index.stores import Stores
    from litreview.settings import load_settings

    settings = load_settings()
    stores = Stores(settings)
    with Library(settings, stores) as library:
        copied = complete_with_copies(stores)
        state = library.indexing_state()
    return {"copied": copied, "papers": state.papers, "complete": state.complete}


def child_queries(home: Path, queries: list[str]) -> dict[str, Any]:
    """Query latency per mode in one warm process (the library's own search path)."""
    os.environ["LITREVIEW_HOME"] = str(home)
    from litreview.index.library import Library
    from litreview.settings import load_settings

    out: dict[str, Any] = {}
    with Library(load_settings()) as library:
        for query in queries[:3]:  # load the models and the index first
            library.search(library.request(query, mode="hybrid"))
        for mode in MODES:
            times = []
            for query in queries:
                began = time.perf_counter()
                library.search(library.request(query, mode=mode))
                times.append((time.perf_counter() - began) * 1000)
            times.sort()
            out[mode] = {
                "p50_ms": statistics.median(times),
                "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
            }
        out["ranking_note"] = library.ranking_note()
        out["ask_extractive"] = _ask_times(library, queries)
    return out


def _ask_times(library: Any, queries: list[str]) -> dict[str, float]:
    """``ask`` with the model-free engine, retrieval and answer together, warm."""
    from litreview.llm.extractive import ExtractiveBackend
    from litreview.review.ask import ask

    backend = ExtractiveBackend()
    ask(library, backend, queries[0])  # the sentence scorer's first load
    times = []
    for query in queries[:20]:
        began = time.perf_counter()
        ask(library, backend, query)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
    }


def _run_child(kind: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--child", kind, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child {kind} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# -- disk -------------------------------------------------------------------------------
def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def store_sizes(home: Path) -> dict[str, int]:
    """Bytes per store (SQLite files with their -wal/-shm), checkpointed first."""
    import sqlite3

    for name in ("catalog.sqlite3", "tokens.sqlite3", "reranker.sqlite3", "chroma/chroma.sqlite3"):
        path = home / name
        if path.exists():
            db = sqlite3.connect(path)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
    sizes: dict[str, int] = {}
    for entry in sorted(home.iterdir()):
        if entry.name.endswith(("-wal", "-shm")):
            continue
        key = entry.name.split(".")[0]
        size = _size(entry) + sum(
            _size(Path(f"{entry}{tail}"))
            for tail in ("-wal", "-shm")
            if Path(f"{entry}{tail}").exists()
        )
        sizes[key] = sizes.get(key, 0) + size
    chroma = home / "chroma"
    if chroma.exists():
        sizes["chroma_hnsw"] = sum(_size(d) for d in chroma.iterdir() if d.is_dir())
        sizes["chroma_sqlite"] = sizes.pop("chroma") - sizes["chroma_hnsw"]
    return sizes


# -- one size ---------------------------------------------------------------------------
def first_search_s(home: Path, query: str, rounds: int = 3) -> float:
    litreview = str(Path(sys.executable).parent / "litreview")
    env = {**os.environ, "LITREVIEW_HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run(
            [litreview, "search", query, "-k", "5"], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(
    n: int,
    work: Path,
    n_queries: int,
    baseline: bool,
    phase2_budget: float = 0.0,
    reuse: Path | None = None,
    complete_copies: bool = False,
) -> dict[str, Any]:
    """One size: ingest (or, with ``reuse``, an earlier run's library of that size), queries.

    ``complete_copies`` (with ``reuse``): queries on a copy of that library made complete
    with copied re-ranking rows (:func:`child_complete`), for the complete-ranking latency
    of a library whose phase 2 the run's budget stopped."""
    corpus = write_subset(n, work)
    if reuse is not None and complete_copies:
        home = work / f"complete-{n}"  # a copy: the run's own library stays as it ended
        shutil.copytree(reuse, home)
        filled = _run_child("complete", str(home))
        if filled["complete"] != filled["papers"]:
            raise RuntimeError(f"the copy is not complete: {filled}")
        return {"copied_rerank_rows": filled["copied"], **measure_queries(home, corpus, n_queries)}
    if reuse is not None:
        result: dict[str, Any] = {
            "papers": n,
            "ingest": f"not measured: the library in {reuse} was re-used",
        }
        result.update(measure_queries(reuse, corpus, n_queries))
        sizes = store_sizes(reuse)
        result.update(disk_bytes=sizes, disk_kb_per_paper=sum(sizes.values()) / n / 1024)
        return result
    home = work / f"home-{n}"
    started = time.time()
    ingest = _run_child("ingest", str(corpus), str(home), str(phase2_budget))
    (work / f"ingest-{n}.json").write_text(json.dumps(ingest))  # kept should a later step fail
    marks = ingest["marks"]
    searchable_at = marks.get("lexical_end", marks.get("embed_end", started))
    phase1 = marks.get("embed_end", started) - marks.get("embed_start", started)
    phase2 = marks.get("rerank_end", 0.0) - marks.get("rerank_start", 0.0)

    def cpu_ms_per_paper(stage: str, papers: int) -> float | None:
        """CPU time a paper costs in ``stage``: what load does not change much (wall time
        on this shared machine mostly measures the other sessions)."""
        cpu = marks.get(f"{stage}_cpu_end", 0.0) - marks.get(f"{stage}_cpu_start", 0.0)
        return 1000 * cpu / papers if papers and cpu > 0 else None

    sizes = store_sizes(home)
    papers = ingest["papers"]
    result = {
        "papers": papers,
        "complete": ingest["complete"],
        "reranked": ingest["reranked"],
        "chunks": ingest["chunks"],
        "to_searchable_s": searchable_at - started,
        "to_complete_s": ingest["finished"] - started,
        "phase1_papers_per_s": ingest["embedded"] / phase1 if phase1 > 0 else None,
        "phase2_papers_per_s": ingest["reranked"] / phase2 if phase2 > 0 else None,
        "phase1_cpu_ms_per_paper": cpu_ms_per_paper("embed", ingest["embedded"]),
        "phase2_cpu_ms_per_paper": cpu_ms_per_paper("rerank", ingest["reranked"]),
        "cores": os.cpu_count(),
        "peak_rss_mb": ingest["peak_rss_mb"],
        "rss_mb_by_stage": {  # the largest resident size seen in each stage, and the peak after it
            stage: [round(marks[f"{stage}_rss_mb"]), round(marks[f"{stage}_peak_rss_mb"])]
            for stage in ("read", "embed", "lexical", "rerank")
            if f"{stage}_rss_mb" in marks
        },
        "disk_bytes": sizes,
        "disk_kb_per_paper": sum(sizes.values()) / papers / 1024,
    }
    result.update(measure_queries(home, corpus, n_queries))
    if baseline:
        folder = work / f"baseline-{n}"
        started = time.time()
        base = _run_child("baseline", str(corpus), str(folder))
        base_s = base["finished"] - started
        base_disk = _size(folder)
        result["baseline"] = {
            "to_searchable_s": base_s,
            "papers_per_s": papers / base_s,
            "peak_rss_mb": base["peak_rss_mb"],
            "disk_kb_per_paper": base_disk / papers / 1024,
        }
        result["ratios"] = {
            "to_searchable": result["to_searchable_s"] / base_s,
            "to_complete": result["to_complete_s"] / base_s,
            "peak_rss": result["peak_rss_mb"] / base["peak_rss_mb"],
            "disk": result["disk_kb_per_paper"] / result["baseline"]["disk_kb_per_paper"],
        }
    return result


def measure_queries(home: Path, corpus: Path, n_queries: int) -> dict[str, Any]:
    """Per-mode latency and extractive ``ask`` in one warm process; first search in new ones."""
    rng = random.Random(11)
    rows = records(corpus)
    picked = rng.sample(rows, min(n_queries, len(rows)))
    queries = [r["abstract"].split(". ")[0][:200] for r in picked]
    return {
        "queries": _run_child("queries", str(home), json.dumps(queries)),
        "first_search_s": first_search_s(home, queries[0]),
    }


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--phase2-budget", type=float, default=0.0, help="seconds; 0: no limit")
    parser.add_argument(
        "--reuse-home", type=Path, help="query this earlier run's library (one size) instead"
    )
    parser.add_argument(
        "--complete-copies",
        action="store_true",
        help="with --reuse-home: query a copy made complete with copied re-ranking rows "
        "(kept beside that size's ingest figures)",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.complete_copies and args.reuse_home is None:
        parser.error("--complete-copies needs --reuse-home")
    if args.child:
        kind, *rest = args.child
        if kind == "ingest":
            out = child_ingest(Path(rest[0]), Path(rest[1]), float(rest[2]))
        elif kind == "complete":
            out = child_complete(Path(rest[0]))
        elif kind == "baseline":
            out = child_baseline(Path(rest[0]), Path(rest[1]))
        else:
            out = child_queries(Path(rest[0]), json.loads(rest[1]))
        print(json.dumps(out))
        return out
    work = Path(tempfile.mkdtemp(prefix="litreview-scale-"))
    command = " ".join(["python -m bench.scale", *sys.argv[1:]])
    before = previous_result("scale")
    results: dict[str, Any] = {}  # sizes not re-run keep their figures, load and command
    for key, kept in before.items():
        if key.isdigit():
            kept.setdefault(
                "load", [before.get("load_before", [0])[0], before.get("load_after", [0])[0]]
            )
            kept.setdefault("command", before.get("command", ""))
            results[key] = kept
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"== {n} papers", flush=True)
        load = [round(x, 2) for x in os.getloadavg()]
        size = measure(
            n,
            work,
            args.queries,
            not args.no_baseline,
            args.phase2_budget,
            args.reuse_home,
            args.complete_copies,
        )
        size["load"] = [load[0], round(os.getloadavg()[0], 2)]
        size["command"] = command
        size["date"] = time.strftime("%Y-%m-%d")
        size["cpu"] = cpu()  # each size keeps the processor it was measured on
        if args.complete_copies:  # beside the size's ingest figures, not instead of them
            results[str(n)] = {**results.get(str(n), {}), "complete_by_copies": size}
        else:
            results[str(n)] = size
        print(json.dumps(size, indent=1), flush=True)
    sizes = sorted(int(k) for k in results if k.isdigit())
    if len(sizes) > 1:  # what one more paper costs, without the stores' fixed parts
        small, big = (results[str(n)] for n in (sizes[0], sizes[-1]))
        grown = sum(big["disk_bytes"].values()) - sum(small["disk_bytes"].values())
        results["marginal_disk_kb_per_paper"] = grown / (sizes[-1] - sizes[0]) / 1024
    save_result("scale", results)
    return results


def rows(sc: Result) -> list[Row]:
    """``bench.scale``: real-corpus ingest and queries next to the plain-Chroma baseline."""
    out: list[Row] = []
    for size in sorted((k for k in sc if k.isdigit()), key=int):
        m = sc[size]
        began, ended = m.get("load") or [
            sc.get("load_before", [0])[0],
            sc.get("load_after", [0])[0],
        ]
        load = (
            f"{began} -> {ended}"
            + (f", {m['date']}" if "date" in m else "")
            + (f", {m['cpu']}" if "cpu" in m else "")
        )
        base = m.get("baseline", {})
        ratios = m.get("ratios", {})
        if "to_searchable_s" not in m:  # a re-used library: its ingest is described in prose
            out.extend(_query_rows(size, m, load))
            continue
        complete = f"{m['to_complete_s']:.0f} s"
        if m.get("complete", int(size)) < int(size):  # --phase2-budget stopped phase 2
            complete = f"stopped at {m['to_complete_s']:.0f} s with {m['complete']} complete"
        baseline = (
            f"{base['to_searchable_s']:.0f} s, x{ratios.get('to_searchable', 0):.2f}"
            f" / x{ratios.get('to_complete', 0):.2f}"
            if base
            else "no baseline run"
        )
        out.append(
            (
                f"Real corpus, {size} papers: time to searchable / to complete; "
                "(baseline: plain Chroma + MiniLM, ratio)",
                f"{m['to_searchable_s']:.0f} s / {complete}; ({baseline}; load {load})",
            )
        )
        p2 = m.get("phase2_papers_per_s")
        out.append(
            (
                f"Real corpus, {size} papers: papers/s phase 1 / phase 2; peak RSS (baseline)",
                f"{m['phase1_papers_per_s']:.2f} / {p2 or 0:.2f}; {m['peak_rss_mb']:.0f} MB "
                + (f"({base['peak_rss_mb']:.0f} MB)" if base else "(no baseline run)"),
            )
        )
        if m.get("phase1_cpu_ms_per_paper"):
            cpu1, cpu2 = m["phase1_cpu_ms_per_paper"], m.get("phase2_cpu_ms_per_paper") or 0
            cores = m.get("cores") or 2
            out.append(
                (
                    f"Real corpus, {size} papers: CPU ms per paper phase 1 / phase 2 (papers/s "
                    f"that allows on {cores} idle cores)",
                    f"{cpu1:.0f} / {cpu2:.0f} ({1000 * cores / cpu1:.1f} / "
                    f"{1000 * cores / cpu2 if cpu2 else 0:.1f})",
                )
            )
        parts = ", ".join(
            f"{k} {v / int(size) / 1024:.1f}" for k, v in sorted(m["disk_bytes"].items())
        )
        out.append(
            (
                f"Real corpus, {size} papers: disk KB per paper (baseline); by store",
                f"{m['disk_kb_per_paper']:.1f} "
                + (f"({base['disk_kb_per_paper']:.1f})" if base else "(no baseline run)")
                + f"; {parts}",
            )
        )
        out.extend(_query_rows(size, m))
        if "complete_by_copies" in m:
            c = m["complete_by_copies"]
            how = (
                f" ({c['copied_rerank_rows']} papers' re-ranking rows copied from re-ranked "
                f"papers so that ranking is complete; load {c['load'][0]}-{c['load'][1]})"
            )
            out.extend(_query_rows(size, c, how=how))
        if "requeried" in m:  # the same library queried again after a fix to the query path
            r = m["requeried"]
            again = {"queries": r["queries"], "first_search_s": r["first_search_s_median"]}
            why = r["why"].split(" (")[0].removeprefix("the same library re-queried ")
            how = f" (the same library re-queried {r['date']}, {why})"
            out.extend(_query_rows(size, again, load=f"{r['load'][0]}-{r['load'][1]}", how=how))
        if "other_processor" in m:  # the same size on another processor, kept beside it
            out.extend(_other_processor_rows(size, m["other_processor"]))
    if "marginal_disk_kb_per_paper" in sc:
        out.append(
            (
                "Real corpus: disk per additional paper (between the two sizes)",
                f"{sc['marginal_disk_kb_per_paper']:.1f} KB",
            )
        )
    return out


def _other_processor_rows(size: str, o: Result) -> list[Row]:
    """A run of ``size`` on another processor (its ``cpu``), phase 2 stopped by
    ``--phase2-budget``: time to searchable, each phase's CPU a paper, the time to complete
    that phase 2's rate gives, and the queries of the run and of its re-queries (medians)."""
    on = f"on {o['cpu']}"
    p2_rate = o.get("phase2_papers_per_s") or 0
    left = (int(size) - o["complete"]) / p2_rate if p2_rate else 0
    rows = [
        (
            f"Real corpus, {size} papers {on}: time to searchable; CPU ms per paper phase 1 / "
            "phase 2; complete (phase 2 stopped: estimated at its rate); peak RSS",
            f"{o['to_searchable_s']:.0f} s; {o['phase1_cpu_ms_per_paper']:.0f} / "
            f"{o['phase2_cpu_ms_per_paper']:.0f}; ~{(o['to_complete_s'] + left) / 60:.0f} min "
            f"({o['complete']} re-ranked in {o['to_complete_s'] - o['to_searchable_s']:.0f} s); "
            f"{o['peak_rss_mb']:.0f} MB (load {o['load'][0]} -> {o['load'][1]}, {o['date']})",
        )
    ]
    rows += _query_rows(size, o, how=f" {on}, as the ingest ended")
    again = o.get("requeried") or []
    if again:
        median = {
            mode: {
                p: statistics.median(r["queries"][mode][p] for r in again)
                for p in ("p50_ms", "p95_ms")
            }
            for mode in again[0]["queries"]
        }
        first = statistics.median(r["first_search_s"] for r in again)
        how = f" {on}, re-queried {len(again)} times (medians; ranking as partial)"
        rows += _query_rows(size, {"queries": median, "first_search_s": first}, how=how)
    return rows


def _query_rows(size: str, m: Result, load: str | None = None, how: str = "") -> list[Row]:
    """The query figures of one library: ``load`` shown when they were measured apart from
    its ingest (whose row says the load), ``how`` said after the label."""
    q = m["queries"]
    ask = q.get("ask_extractive")
    partial = q.get("ranking_note") or ""
    return [
        (
            f"Real corpus, {size} papers: query p50 / p95 hybrid, dense, lexical; "
            "first search in a new process" + ("; extractive ask p50 / p95" if ask else "") + how,
            "; ".join(f"{q[k]['p50_ms']:.1f} / {q[k]['p95_ms']:.1f} ms" for k in MODES)
            + f"; {m['first_search_s']:.2f} s"
            + (f"; {ask['p50_ms']:.0f} / {ask['p95_ms']:.0f} ms" if ask else "")
            + (f" ({partial.split(':')[0]})" if partial else "")
            + (f" (load {load})" if load is not None else ""),
        )
    ]


if __name__ == "__main__":
    main()
