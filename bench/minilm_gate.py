"""The retrieval gate for MiniLM's int8 graph (issue 11): today's graph and int8 side by side.

    python -m bench.minilm_gate [--scratch /tmp/minilm8-gate] [--corpus-home DIR] [--no-corpus]
                                [--graphs shipped,int8]

Why: MiniLM's true-int8 graph (``litreview/encoders/minilm_int8.py``) changes
every MiniLM vector, papers' and queries', so it may only become the graph of
new libraries if retrieval keeps the issue's bars: hard-set single-paper MRR@10
>= 0.95 and R@5 >= 0.98, each within 0.005 of today's, in the default mode
(hybrid: MiniLM's MaxSim and MPNet re-ranking) as in the others.

What it does, one graph after the other in one process: the sample library
built with the pipeline's defaults (MPNet on) and that graph, then the hard
and easy sets (``bench/retrieval_quality.py``'s questions, modes and scoring)
asked with the same graph; each question's rank of its first relevant paper
per mode is kept, so the moves are listed question by question. Then the 30
real-corpus questions (``bench/corpus_retrieval.py``) on a 1,000-paper library:
a copy of ``--corpus-home`` (that benchmark's home of the corpus's first 1,000
papers), brought up to date by an ingest; for int8 its phase 1 is redone
(every paper pending again) with the int8 graph, its MPNet vectors kept (they
do not depend on MiniLM). The graph is chosen as the product chooses it
(``ingest.minilm``, recorded in a new library), each library in its own home.

``--graphs before,after`` compares two other graphs: ``int8-v1`` and ``int8-v2`` are
the int8 graphs of libraries made before (v1: onnxruntime's fused residual + LayerNorm
kernel; v2: without it, each FFN output projection whole in fp32), recorded in the
library before its first ingest as those versions did; ``int8`` is a new library's (v3:
the projections split, outlier channels apart). Each comparison is kept under its
``before,after``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import (
    Result,
    Row,
    cpu,
    load_questions,
    previous_result,
    sample_library,
    save_result,
    uptime,
)
from bench.corpus_retrieval import CACHE as CORPUS_CACHE
from bench.retrieval_quality import MODES, SETS, mode_search, score
from litreview.reading.normalize import paper_id_for

GRAPHS = ["shipped", "int8"]  # before, after (``--graphs``)
OTHER = "other_graphs"  # comparisons of other graphs than the default, by "before,after"


EARLIER = ("int8-v1", "int8-v2")  # int8 graphs of libraries made before: recorded first


def model_of(graph: str) -> str:
    """The model id a library of ``graph`` records."""
    from litreview.encoders.minilm_int8 import INT8_V1_MODEL_ID, INT8_V2_MODEL_ID
    from litreview.index.minilm_choice import CHOICES

    return {"int8-v1": INT8_V1_MODEL_ID, "int8-v2": INT8_V2_MODEL_ID}.get(graph) or CHOICES[graph]


def setting_of(graph: str) -> str:
    """``ingest.minilm`` for a library of ``graph`` (an earlier one is recorded first)."""
    return "int8" if graph in EARLIER else graph


def record(home: Path, graph: str) -> None:
    """The library in ``home`` recorded as one of ``graph`` before anything is embedded with
    it, as the product records a library's graph: a new sample library of an earlier graph
    (the version that made such libraries recorded it so), and a copied corpus library whose
    phase 1 is redone (its vectors would otherwise keep the graph they were made with)."""
    from litreview.index.minilm_choice import META
    from litreview.index.stores import Stores
    from litreview.settings import load_settings

    os.environ["LITREVIEW_HOME"] = str(home)
    stores = Stores(load_settings())
    stores.catalog.set_meta(META, model_of(graph))
    stores.close()


CORPUS_HOME = CORPUS_CACHE / "home-1000"  # bench.corpus_retrieval's (it runs first in the suite)


def ranked_figures(
    search: Callable[[str], list[str]], questions: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, float]], dict[str, int | None]]:
    """R@5 / R@10 / MRR@10 per kind (single, multi, all), and each question's first rank."""
    totals: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    ranks: dict[str, int | None] = {}
    for number, q in enumerate(questions):
        relevant = {paper_id_for(str(t)) for t in q["relevant_titles"]}
        ranked = search(str(q["question"]))
        ranks[str(q.get("id", number))] = next(
            (i for i, pid in enumerate(ranked[:10], 1) if pid in relevant), None
        )
        for kind in (str(q.get("kind", "single")), "all"):
            bucket = totals.setdefault(kind, {"recall@5": 0.0, "recall@10": 0.0, "mrr@10": 0.0})
            counts[kind] = counts.get(kind, 0) + 1
            for key, value in score(ranked, relevant).items():
                bucket[key] += value
    figures = {
        kind: {"n": counts[kind], **{k: round(v / counts[kind], 4) for k, v in bucket.items()}}
        for kind, bucket in totals.items()
    }
    return figures, ranks


def sets_of(graph: str, scratch: Path) -> dict[str, Any]:
    """Both labelled sets on the sample library built with ``graph``, every mode."""
    began = time.perf_counter()
    home = scratch / f"sample-{graph}"
    if graph in EARLIER and not (home / "catalog.sqlite3").exists():
        record(home, graph)  # a new library's setting would choose int8 (v3)
    library = sample_library(home, **{"ingest.minilm": setting_of(graph)})
    built = time.perf_counter() - began
    out: dict[str, Any] = {"ingest_s": round(built, 1), "recorded": library.minilm_model}
    weight = library.settings.retrieval.rerank_model_weight
    for name, filename in SETS.items():
        questions = load_questions(filename)
        for mode in MODES:
            figures, ranks = ranked_figures(mode_search(library, mode, weight), questions)
            out[f"{name}/{mode}"] = {"figures": figures, "ranks": ranks}
            print(f"{graph:>8} {name}/{mode:<8} {figures.get('single')}", flush=True)
    library.close()
    return out


def corpus_of(graph: str, scratch: Path, seed: Path) -> dict[str, Any]:
    """The 30 real-corpus questions on a copy of the 1,000-paper home, phase 1 by ``graph``."""
    from bench.corpus_retrieval import load, write_subset
    from litreview.index.library import Library
    from litreview.settings import load_settings

    home = scratch / f"corpus-{graph}"
    if not home.exists():
        shutil.copytree(seed, home)
        if graph != "shipped":  # phase 1 again with this graph; MPNet's vectors stay
            (home / "tokens.sqlite3").unlink()  # every paper missing: phase 1 redone
            record(home, graph)
    os.environ["LITREVIEW_HOME"] = str(home)
    library = Library(load_settings(**{"ingest.minilm": setting_of(graph)}))
    subset = write_subset(1000, scratch / "first-1000.jsonl")
    began = time.perf_counter()
    report = library.ingest([subset])
    out: dict[str, Any] = {
        "embedded_now": report.embedded,
        "reranked_now": report.reranked,
        "ingest_s": round(time.perf_counter() - began, 1),
        "recorded": library.minilm_model,
    }
    _, questions = load()
    weight = library.settings.retrieval.rerank_model_weight
    for mode in MODES:
        figures, ranks = ranked_figures(mode_search(library, mode, weight), questions)
        out[mode] = {"figures": figures["all"], "ranks": ranks}
        print(f"{graph:>8} corpus/{mode:<8} {figures['all']}", flush=True)
    library.close()
    return out


DOWNSTREAM = ("answer_quality", "related_quality")


def downstream(scratch: Path) -> dict[str, dict[str, Any]]:
    """``bench.answer_quality`` and ``bench.related_quality`` on each graph's sample library,
    each in a process of its own (their figures under this benchmark's key; the two
    benchmarks' own entries in latest.json are put back as they were)."""
    import subprocess
    import sys

    from bench.common import RESULTS

    latest = RESULTS / "latest.json"
    kept = json.loads(latest.read_text())
    out: dict[str, dict[str, Any]] = {}
    try:
        for name in DOWNSTREAM:
            out[name] = {}
            for graph in GRAPHS:
                env = {**os.environ, "LITREVIEW_BENCH_HOME": str(scratch / f"sample-{graph}")}
                began = time.perf_counter()
                subprocess.run([sys.executable, "-m", f"bench.{name}"], env=env, check=True)
                figures = json.loads(latest.read_text())[name]
                figures["seconds"] = round(time.perf_counter() - began, 1)
                out[name][graph] = figures
                print(f"{graph:>8} {name} done in {figures['seconds']} s", flush=True)
    finally:
        now = json.loads(latest.read_text())
        for name in DOWNSTREAM:
            if name in kept:
                now[name] = kept[name]
        latest.write_text(json.dumps(now, indent=2, sort_keys=True) + "\n")
    return out


def moves(before: dict[str, int | None], after: dict[str, int | None]) -> list[str]:
    """The questions whose first relevant rank changed: ``id: before -> after`` (- = not in 10)."""

    def shown(rank: int | None) -> str:
        return str(rank) if rank else "-"

    return [f"{q}: {shown(before[q])}->{shown(after[q])}" for q in before if before[q] != after[q]]


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/minilm8-gate"))
    parser.add_argument("--corpus-home", type=Path, default=CORPUS_HOME)
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument(
        "--downstream", action="store_true", help="also the answer and related-work benchmarks"
    )
    parser.add_argument(
        "--graphs", default="shipped,int8", help="before,after: shipped, int8-v1, int8-v2, int8"
    )
    args = parser.parse_args()
    GRAPHS[:] = args.graphs.split(",")
    if len(GRAPHS) != 2 or not set(GRAPHS) <= {"shipped", "int8", *EARLIER}:
        parser.error("--graphs takes two of shipped, int8-v1, int8-v2, int8")
    args.scratch.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.minilm_gate" + (
        f" --graphs {args.graphs}" if args.graphs != "shipped,int8" else ""
    )
    result: dict[str, Any] = {
        "command": command,
        "graphs": list(GRAPHS),
        "cpu": cpu(),  # int8 arithmetic differs by processor (VNNI or AVX2 alone)
        "uptime": uptime(),
    }
    per_graph = {graph: sets_of(graph, args.scratch) for graph in GRAPHS}
    if not args.no_corpus and args.corpus_home.exists():
        for graph in GRAPHS:
            per_graph[graph]["corpus"] = corpus_of(graph, args.scratch, args.corpus_home)
    result["uptime_after"] = uptime()
    before, after = per_graph[GRAPHS[0]], per_graph[GRAPHS[1]]
    for key, measured in before.items():
        if not isinstance(measured, dict):
            continue
        if key == "corpus":
            for mode in MODES:
                result[f"corpus/{mode}"] = {
                    g: per_graph[g]["corpus"][mode]["figures"] for g in GRAPHS
                }
                result[f"corpus/{mode}/moves"] = moves(
                    before["corpus"][mode]["ranks"], after["corpus"][mode]["ranks"]
                )
            continue
        result[key] = {g: per_graph[g][key]["figures"] for g in GRAPHS}
        result[f"{key}/moves"] = moves(measured["ranks"], after[key]["ranks"])
    result["libraries"] = {
        g: {k: v for k, v in per_graph[g].items() if not isinstance(v, dict)} for g in GRAPHS
    }
    for g in GRAPHS:
        corpus = per_graph[g].get("corpus", {})
        result["libraries"][g]["corpus"] = {
            k: v for k, v in corpus.items() if not isinstance(v, dict)
        }
    if args.downstream:
        result["downstream"] = downstream(args.scratch)
    if GRAPHS == ["shipped", "int8"]:
        saved = {
            **result,
            **{k: v for k, v in previous_result("minilm_gate").items() if k == OTHER},
        }
    else:  # kept beside the default comparison and the others, which stay as they were
        previous = previous_result("minilm_gate")
        saved = {**previous, OTHER: {**previous.get(OTHER, {}), args.graphs: result}}
    save_result("minilm_gate", saved)
    print(json.dumps({k: v for k, v in result.items() if "/" not in k}, indent=2))
    return result


def rows(result: Result) -> list[Row]:
    """README rows: single-paper R@5 / MRR@10 per mode, before graph -> after, and moves;
    then those of each other comparison (``--graphs``) run."""
    out = graph_rows(result)
    for other in result.get(OTHER, {}).values():
        out += graph_rows(other)
    return out


def graph_rows(result: Result) -> list[Row]:
    """:func:`rows` of one comparison."""
    out: list[Row] = []
    first, second = result.get("graphs", ["shipped", "int8"])
    from litreview.encoders.minilm_int8 import INT8_MODEL_ID

    # the graph a new library had when the comparison ran (v1 before 2026-12-01)
    made = str(result.get("libraries", {}).get("int8", {}).get("recorded", "")) or INT8_MODEL_ID
    version = made.rpartition("dynamic-v")[2]
    names = {
        "shipped": "shipped graph",
        "int8": f"int8 v{version}" + (" (new libraries')" if made == INT8_MODEL_ID else ""),
        "int8-v1": "int8 v1 (the fused LayerNorm kernel)",
        "int8-v2": "int8 v2 (FFN output projections in fp32)",
    }
    for name, label in (("hard", "hard set (203 q.)"), ("corpus", "30 real-corpus q., 1,000")):
        cells = []
        for mode in MODES:
            pair = result.get(f"{name}/{mode}")
            if not pair:
                continue
            kind = "single" if name == "hard" else None
            a = pair[first][kind] if kind else pair[first]
            b = pair[second][kind] if kind else pair[second]
            cells.append(
                f"{mode} {a['recall@5']:.3f} / {a['mrr@10']:.3f} -> "
                f"{b['recall@5']:.3f} / {b['mrr@10']:.3f} "
                f"({len(result.get(f'{name}/{mode}/moves', []))} moved)"
            )
        load = str(result.get("uptime", "")).split("load average:")[-1].split(",")[0].strip()
        if result.get("cpu"):  # recorded since 2026-12-02
            load += f", {result['cpu']}"
        if cells:
            out.append(
                (
                    f"MiniLM int8 gate, {label}: "
                    + ("single-paper " if name == "hard" else "")
                    + f"R@5 / MRR@10, {names[first]} -> {names[second]} "
                    f"(`{str(result.get('command', 'python -m bench.minilm_gate'))[10:]}`; "
                    "questions whose first relevant rank moved)",
                    "; ".join(cells) + f" (load {load})",
                )
            )
    after = result.get("downstream")
    if after:
        cells = []
        for graph in (first, second):
            answers = after["answer_quality"][graph]
            related = after["related_quality"][graph]["audited"]["judge_held_out"]
            multi = answers.get("multi", {}).get("labelled_cited")  # not measured before 11-30
            cells.append(
                f"{answers['hard']['cites_relevant_paper']:.3f} / "
                f"{answers['offtopic']['declined']:.2f} / "
                + (f"{multi:.3f}" if multi is not None else "-")
                + f"; {related['precision']:.3f} / {related['recall']:.3f}"
            )
        out.append(
            (
                f"MiniLM int8 gate, downstream, {names[first]} -> {names[second]} (each graph's "
                "sample library): extractive answers citing the relevant paper (hard set) / "
                "off-topic declined / labelled papers cited (multi-paper); related work, "
                "audited labels, the shipped judge held out 2-fold: precision / recall",
                " -> ".join(cells),
            )
        )
    return out


if __name__ == "__main__":
    main()
