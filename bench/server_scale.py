"""A shared library of N synthetic papers on a local ``chroma run`` against the embedded store.

python -m bench.server_scale [--papers 100000] [--queries 40]

The issue asks for figures at 100,000 papers; ingesting that many real papers
takes hours per store on this machine, so the library is synthetic
(:mod:`bench.synthetic`: recombined real titles and sentences, mixtures of
real vectors), built from the sample library (``LITREVIEW_BENCH_HOME``, a
home with the re-ranking model's vectors, else the sample is ingested first
with every model) and written batch by batch, the same
batch into both stores in turn, through the real paths: an embedded home,
and a member of a ``chroma run`` this script starts on 127.0.0.1 (its ids
claimed on the server, its chunks in the server's collection, its paper
records published after them). The papers are complete in both (MiniLM,
token and MPNet vectors: the re-ranking model's rows go into the server's
paper records), so both stores search with every stage. Then:

- build seconds per store (writing the same batches: not an ingest, no model);
- hybrid query p50/p95 from the warm member and from the embedded store, query
  by query in turn so the machine's load falls on both alike (ratio);
- time to first answer in a new process: a member with an empty home (it
  pulls every paper's record, builds BM25, answers) against the embedded
  home opened cold (ratio), each in turn;
- disk per paper: the server's data folder, the building member's home, the
  pulled member's home, the embedded home.

Figures are from one run, so ratios hold under the machine's load (recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench.common import (
    Result,
    Row,
    load_questions,
    sample_library_and_stores,
    save_result,
    uptime,
)
from bench.server import chroma_server, du, member_settings, percentiles
from bench.synthetic import synthetic_batches, write_batch

if TYPE_CHECKING:
    from litreview.settings import Settings


def member(home: Path, port: int | None, timeout: float | None = None) -> Settings:
    """A library with every stage (the re-ranking model on), embedded or a server member.

    ``timeout``: seconds one request to the server may take, for the build. Its
    2,000-paper writes met a 30 s ``ReadTimeout`` at ~58,000 papers on the
    server; the slowest write per store is recorded instead.
    """
    settings = member_settings(home, port, cheap=False)
    if timeout is not None:
        settings.chroma.timeout = timeout
    return settings


def build(source_home: Path, work: Path, port: int, n: int) -> dict[str, float]:
    """The same synthetic batches into the embedded home and the server's first member.

    Wall seconds per store, and CPU seconds (this process's, plus the server's).
    """
    from litreview.index.stores import Stores

    os.environ["LITREVIEW_BENCH_HOME"] = str(source_home)
    _, source = sample_library_and_stores(None)
    if source.reranker is None or not source.catalog.reranked_count():
        raise SystemExit(f"{source_home} has no re-ranking vectors: use a complete sample home")
    targets = {
        "embedded": Stores(member(work / "embedded", None)),
        "server": Stores(member(work / "member-a", port, timeout=600)),
    }
    for target in targets.values():
        # As an ingest begins: the catalog records which vector store it is indexed into (and
        # the member agrees the token rotation with the empty server). Without it, the next
        # opening takes the store for another one and sends every paper back to pending.
        target.reconcile()
    took = {name: 0.0 for name in targets}
    cpu = {name: 0.0 for name in targets}
    slowest = {name: 0.0 for name in targets}
    done = 0
    for batch in synthetic_batches(source, n):
        for name, target in targets.items():
            began, used = time.perf_counter(), time.process_time() + server_cpu(port)
            write_batch(target, batch)
            seconds = time.perf_counter() - began
            took[name] += seconds
            slowest[name] = max(slowest[name], seconds)
            cpu[name] += time.process_time() + server_cpu(port) - used
        done += len(batch.papers)
        print(f"  synthetic: {done}/{n}", end="\r", flush=True)
    print()
    for name, target in targets.items():
        began = time.perf_counter()
        target.refresh_lexical()
        took[name] += time.perf_counter() - began
        if target.indexing_state().complete != n:  # else search would leave MPNet out
            raise SystemExit(f"the {name} store is not complete: {target.indexing_state()}")
        target.close()
    source.close()
    out = {name: round(seconds, 1) for name, seconds in took.items()}
    out.update({f"{name}_cpu": round(seconds, 1) for name, seconds in cpu.items()})
    out.update({f"{name}_slowest_batch": round(s, 1) for name, s in slowest.items()})
    return out


def server_cpu(port: int) -> float:
    """CPU seconds the ``chroma run`` serving ``port`` has used so far (0 if not found)."""
    for stat in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = stat.read_bytes().split(b"\0")
            if b"run" in args and str(port).encode() in args:
                fields = (stat.parent / "stat").read_text().rpartition(")")[2].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return 0.0


def warm_latency(work: Path, port: int, questions: list[str]) -> dict[str, object]:
    """Hybrid p50/p95 of the warm member against the embedded store, query by query in turn.

    Wall time and CPU time (this process's, plus the server's for the member):
    on a loaded machine the CPU figures are the steadier comparison.
    """
    from litreview.index.library import Library

    libraries = {
        "embedded": Library(member(work / "embedded", None)),
        "server": Library(member(work / "member-a", port)),
    }
    times: dict[str, list[float]] = {name: [] for name in libraries}
    cpu: dict[str, list[float]] = {name: [] for name in libraries}
    for name, library in libraries.items():
        library.search(library.request("warm up"))
        state = library.indexing_state()
        if state.complete != state.papers:  # else one side would leave MPNet out
            raise SystemExit(f"the {name} library is not complete when opened: {state}")
    for question in questions:
        for name, library in libraries.items():
            began, used = time.perf_counter(), time.process_time() + server_cpu(port)
            library.search(library.request(question))
            times[name].append(time.perf_counter() - began)
            cpu[name].append(time.process_time() + server_cpu(port) - used)
    for library in libraries.values():
        library.close()
    out: dict[str, object] = {name: percentiles(t) for name, t in times.items()}
    out["cpu"] = {name: percentiles(t) for name, t in cpu.items()}
    out["ratio_p50"] = round(float(np.median(times["server"]) / np.median(times["embedded"])), 2)
    out["ratio_p95"] = round(
        float(np.percentile(times["server"], 95) / np.percentile(times["embedded"], 95)), 2
    )
    return out


def first_answer(home: Path, port: int | None, server: int, question: str) -> dict[str, float]:
    """A new process opens ``home`` and answers ``question``: its seconds, as it reports them,
    and the CPU seconds it and the server (on port ``server``) used meanwhile."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = server_cpu(server)
    code = (
        "import sys; from bench.server_scale import answer_once; "
        "answer_once(sys.argv[1], sys.argv[2], sys.argv[3])"
    )
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, str(home), str(port or 0), question],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    figures: dict[str, float] = json.loads(proc.stdout.splitlines()[-1])
    figures["process_seconds"] = round(time.perf_counter() - began, 2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures["cpu_seconds"] = round(
        after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime, 2
    )
    figures["server_cpu_seconds"] = round(server_cpu(server) - served, 2)
    return figures


def answer_once(home: str, port: str, question: str) -> None:
    """In a new process: open the library, bring it up to date (a pull), answer; print seconds."""
    began = time.perf_counter()
    from litreview.index.library import Library

    library = Library(member(Path(home), int(port) or None))
    with library:
        library.count()  # in server mode: the pull
        opened = time.perf_counter() - began
        hits = library.search(library.request(question))
        seconds = time.perf_counter() - began
        state = library.indexing_state()  # after the answer: not part of its time
    print(
        json.dumps(
            {
                "open_seconds": round(opened, 2),
                "seconds": round(seconds, 2),
                "hits": len(hits),
                "complete": state.complete,  # every stage used: all n papers complete
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    n = args.papers
    work = Path(tempfile.mkdtemp(prefix="litreview-server-scale-"))
    shared = os.environ.get("LITREVIEW_BENCH_HOME")
    source_home = work / "sample"
    if shared:  # a copy: the sample's stores are opened for writing
        shutil.copytree(shared, source_home)
    load_before = uptime()
    try:
        with chroma_server(work / "server-data") as port:
            built = build(source_home, work, port, n)
            print(f"  built in {built}; {uptime()}")
            questions = [str(q["question"]) for q in load_questions()][: args.queries]
            warm = warm_latency(work, port, questions)
            print(f"  warm: {warm}")
            pulled_home = work / "member-b"
            first = {
                "server": first_answer(pulled_home, port, port, questions[0]),
                "embedded": first_answer(work / "embedded", None, port, questions[0]),
            }
            # The same member in a new process, now current (the change-marker check only).
            again = first_answer(pulled_home, port, port, questions[1])
            time.sleep(2)  # let the server flush its log before weighing
            result: dict[str, object] = {
                "papers": n,
                "synthetic": True,
                "load_before": load_before,
                "load_after": uptime(),
                "build_seconds": built,
                "hybrid_query": warm,
                "first_answer": {
                    **first,
                    "ratio": round(first["server"]["seconds"] / first["embedded"]["seconds"], 2),
                    "cpu_ratio": round(
                        (first["server"]["cpu_seconds"] + first["server"]["server_cpu_seconds"])
                        / first["embedded"]["cpu_seconds"],
                        2,
                    ),
                    "server_current_member": again,
                },
                "disk_kb_per_paper": {
                    "server": round(du(work / "server-data") / n / 1024, 1),
                    "building_member": round(du(work / "member-a") / n / 1024, 1),
                    "pulled_member": round(du(pulled_home) / n / 1024, 1),
                    "embedded": round(du(work / "embedded") / n / 1024, 1),
                },
            }
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    save_result("server_scale", result)


LOADS = ("load_before", "load_after")  # ``uptime`` lines


def rows(result: Result) -> list[Row]:
    """README rows: synthetic papers on a local Chroma server against the embedded store."""
    n, query, first = result["papers"], result["hybrid_query"], result["first_answer"]
    disk = result["disk_kb_per_paper"]
    began, ended = (str(result[k]).split("load average: ")[-1].split(",")[0] for k in LOADS)
    return [
        (
            f"Chroma server vs embedded, {n} synthetic papers: hybrid p50 / p95 from a warm "
            f"member (ms; load {began} -> {ended})",
            f"{query['server']['p50_ms']} / {query['server']['p95_ms']} vs "
            f"{query['embedded']['p50_ms']} / {query['embedded']['p95_ms']} "
            f"(x{query['ratio_p50']} / x{query['ratio_p95']})",
        ),
        (
            f"Chroma server vs embedded, {n} synthetic papers: first answer in a new process, "
            "a member with an empty home (pull) vs the embedded home (s); disk KB per paper: "
            "server, building member, pulled member, embedded",
            f"{first['server']['seconds']} vs {first['embedded']['seconds']} "
            f"(x{first['ratio']}); {disk['server']}, {disk['building_member']}, "
            f"{disk['pulled_member']}, {disk['embedded']}",
        ),
    ]


if __name__ == "__main__":
    main()
