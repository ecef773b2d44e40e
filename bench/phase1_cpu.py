"""Where phase 1 of ingest spends its CPU, stage by stage, before and after, side by side.

    python -m bench.phase1_cpu [--papers 300] [--rounds 2] [--before-src DIR]

Phase 1 makes papers searchable: chunking, MiniLM (pooled and token vectors
from one forward pass), the Chroma chunks, the token store's codes, the
catalog's passages and marks. Each run ingests the first ``--papers`` of the
real corpus (``bench.scale``'s slice) into a new home with the re-ranking
model off (phase 2 is ``bench.phase2_speed``'s), in a process of its own, as
the product runs it (two texts side by side, stores written in the
background). CPU per paper of the whole process over the embed stage, and of
its parts, each timed in the thread that runs it (``time.thread_time``) by
wrapping it: the forward passes (``InferenceSession.run``: the model alone),
tokenising for the model, chunking (with its token counts), the Chroma
writes, the token store, the catalog's reads and writes; what is left (batch
assembly, pooling, the tokenizer's and Chroma's own threads) is "rest". The
BM25 build after phase 1 and the reading before it are timed too, and making
the MiniLM session (once a process, outside the stage, as is importing the
splitter). The tokenizer runs in its caller's thread (``TOKENIZERS_PARALLELISM
= false``) so that its CPU is seen there; its own pool costs the same.

Variants (``--variants``, the first is *before*, the last *after*): *plain*
makes its MiniLM session from the shipped graph as a search does; *shipped*
lets the ingest make it, from the shipped graph without NaN guards
(``litreview/encoders/minilm_graph.py``, bit-identical vectors: a library
made with ``ingest.minilm = "shipped"`` and every library made before);
*int8* is a new library's default, the true int8 graph
(``litreview/encoders/minilm_int8.py``, other vectors, one text a forward
pass), built into the model cache beforehand. ``--before-src DIR`` runs
*before* on another checkout's ``src`` (the code before a change, e.g. the
main branch's), so every change is in the ratio.
Variants alternate ``--rounds`` times; a stage's figure is its mean. CPU time
is what to read on a shared machine (and the ratio), not wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Result, Row, save_result, uptime
from bench.scale import write_subset

ROOT = Path(__file__).resolve().parent.parent
STAGES = (
    "model",
    "tokenise",
    "chunking",
    "chroma",
    "token_store",
    "catalog",
    "rest",
)


VARIANTS = ("plain", "shipped", "int8")


def child(corpus: Path, home: Path, variant: str) -> dict[str, Any]:
    """In a new process: phase 1 of ``corpus`` into ``home``, its CPU by part (seconds)."""
    os.environ["LITREVIEW_HOME"] = str(home)
    os.environ["LITREVIEW_RETRIEVAL__RERANK_MODEL"] = "none"
    if variant != "plain":  # (plain: code that may predate the setting)
        os.environ["LITREVIEW_INGEST__MINILM"] = "int8" if variant == "int8" else "shipped"
    import onnxruntime

    from litreview.encoders import minilm
    from litreview.index.catalog import Catalog
    from litreview.index.chunking import Chunker
    from litreview.index.late import TokenStore
    from litreview.index.library import Library
    from litreview.index.vectors import VectorStore
    from litreview.settings import load_settings

    spent: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    lock = threading.Lock()

    def timed(stage: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            began = time.thread_time()
            try:
                return work(*args, **kwargs)
            finally:
                with lock:
                    spent[stage] += time.thread_time() - began

        return run

    for owner, name, stage in (
        (onnxruntime.InferenceSession, "run", "model"),
        (Chunker, "with_pages", "chunking"),
        (VectorStore, "replace_papers", "chroma"),
        (TokenStore, "replace_papers", "token_store"),
        (Catalog, "get", "catalog"),
        (Catalog, "pages", "catalog"),
        (Catalog, "set_passages", "catalog"),
        (Catalog, "mark_indexed", "catalog"),
    ):
        setattr(owner, name, timed(stage, getattr(owner, name)))

    loading = time.process_time()
    model = minilm._Model.get()

    class Tokenising:
        """The model's tokenizer, its batch encodes timed (the counter is chunking's)."""

        def __init__(self, tokenizer: Any) -> None:
            self._tokenizer = tokenizer
            self.encode_batch = timed("tokenise", tokenizer.encode_batch)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._tokenizer, name)

    model.tokenizer = Tokenising(model.tokenizer)  # type: ignore[assignment]
    # One-off costs, outside the stage (a 50,000-paper ingest pays them once): the splitter's
    # import, and the session: the shipped graph as a search's process makes it, or the
    # unguarded one as an ingest's does (importing onnx and editing the graph).
    import langchain_text_splitters  # noqa: F401

    if variant == "plain":
        minilm.load()
    elif variant == "shipped":
        model.session(bulk=True)
    else:
        from litreview.encoders.minilm_int8 import int8_graph

        minilm.load(int8_graph(load_settings().model_cache))
    session_load = time.process_time() - loading

    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        cpu = time.process_time()
        marks.setdefault(f"{stage}_start", cpu)
        marks[f"{stage}_end"] = cpu

    began = time.process_time()
    with Library(load_settings()) as library:
        report = library.ingest([corpus], progress)
    phase1 = marks["embed_end"] - marks["embed_start"]
    spent["rest"] = phase1 - sum(v for k, v in spent.items() if k != "rest")
    return {
        "papers": report.embedded,
        "chunks": report.chunks,
        "phase1": phase1,
        "read": marks["embed_start"] - began,
        "lexical": marks.get("lexical_end", 0.0) - marks.get("lexical_start", 0.0),
        "session_load": session_load,
        "parts": spent,
    }


def _run(src: Path, corpus: Path, variant: str) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="litreview-phase1-"))
    code = (
        "import json, sys; from pathlib import Path; from bench.phase1_cpu import child; "
        "print(json.dumps(child(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])))"
    )
    # The tokenizer in the calling thread, so its CPU is timed there (rayon's pool cost the
    # same CPU on 400 abstracts: 0.400 vs 0.412 ms each).
    env = {
        **os.environ,
        "PYTHONPATH": f"{src}{os.pathsep}{ROOT}",
        "TOKENIZERS_PARALLELISM": "false",
    }
    out = subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(home), variant],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _per_paper(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Mean CPU ms per paper over ``runs``: the phase, its parts, reading and BM25."""
    out: dict[str, float] = {}
    for key in ("phase1", "read", "lexical"):
        out[key] = sum(1000 * r[key] / r["papers"] for r in runs) / len(runs)
    out["session_load_ms"] = sum(1000 * r["session_load"] for r in runs) / len(runs)
    for stage in STAGES:
        out[stage] = sum(1000 * r["parts"][stage] / r["papers"] for r in runs) / len(runs)
    return {k: round(v, 2) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before-src", type=Path, default=None)
    parser.add_argument("--variants", default="shipped,int8", help=f"two of {VARIANTS}")
    args = parser.parse_args()
    variants = args.variants.split(",")
    if len(variants) != 2 or not set(variants) <= set(VARIANTS):
        parser.error(f"--variants: two of {VARIANTS}, before first")
    own = ROOT / "src"
    before_src = args.before_src.resolve() if args.before_src else own
    if "int8" in variants:  # built once beforehand, as a library's first ingest does
        from litreview.encoders.minilm import model_path
        from litreview.encoders.minilm_int8 import graph_path
        from litreview.settings import load_settings

        graph_path(load_settings().model_cache, model_path())
    load_before = uptime()
    with tempfile.TemporaryDirectory() as folder:
        corpus = write_subset(args.papers, Path(folder))
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for round_ in range(args.rounds):  # alternating, each first in turn
            order = [("before", before_src, variants[0]), ("after", own, variants[1])]
            for name, src, variant in order if round_ % 2 == 0 else order[::-1]:
                runs[name].append(_run(src, corpus, variant))
    result: Result = {
        "papers": args.papers,
        "chunks": runs["after"][0]["chunks"],
        "chunks_before": runs["before"][0]["chunks"],
        "rounds": args.rounds,
        "variants": variants,
        "before_src": "this checkout" if before_src == own else str(before_src),
        "ms_per_paper": {name: _per_paper(r) for name, r in runs.items()},
        "load_before": load_before,
        "load_after": uptime(),
        "date": time.strftime("%Y-%m-%d"),
    }
    save_result("phase1_cpu", result)
    for row in rows(result):
        print(" | ".join(row))


def rows(result: Result) -> list[Row]:
    before, after = result["ms_per_paper"]["before"], result["ms_per_paper"]["after"]
    load = result["load_before"].split("load average:")[-1].split(",")[0].strip()
    parts = " / ".join(f"{before[s]} -> {after[s]}" for s in STAGES)
    names = {
        "plain": "the shipped MiniLM graph as a search loads it",
        "shipped": "the shipped graph without NaN guards, as an ingest into a library made "
        "with it runs",
        "int8": "the int8 graph of a new library",
    }
    first, last = result.get("variants", ["plain", "shipped"])
    return [
        (
            f"Phase 1 of ingest on {result['papers']} real papers ({result['chunks']} chunks), "
            f"before ({result['before_src']}, {names[first]}) -> after ({names[last]}; "
            f"`bench.phase1_cpu --variants {first},{last}`): CPU ms per paper; papers/s that "
            "allows on 2 idle cores",
            f"{before['phase1']} -> {after['phase1']} (x{after['phase1'] / before['phase1']:.3f});"
            f" {2000 / before['phase1']:.1f} -> {2000 / after['phase1']:.1f} "
            f"(load {load}, {result['date']})",
        ),
        (
            "Phase 1's parts, CPU ms per paper before -> after: " + " / ".join(STAGES),
            parts,
        ),
        (
            "Reading the JSONL into the catalog / the BM25 build, CPU ms per paper, and making "
            "the MiniLM session once (ms), before -> after",
            f"{before['read']} -> {after['read']} / {before['lexical']} -> {after['lexical']}; "
            f"{before['session_load_ms']:.0f} -> {after['session_load_ms']:.0f}",
        ),
    ]


if __name__ == "__main__":
    main()
