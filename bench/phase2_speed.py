"""Phase 2 of ingest (the int8 MPNet over every chunk) with the graph before and the papers'
graph, side by side: CPU per paper, where it goes, and the quality kept.

    python -m bench.phase2_speed [--papers 300] [--texts 48] [--sample-home DIR]
                                 [--no-quality] [--calibrate]

*before* is the queries' graph (:data:`~litreview.encoders.mpnet.INT8_GRAPH_NAME`, ``-v1`` until
its weights went to 7 bits, ``-v2`` since), which did papers and queries until 2026-11-29 and
still does the queries: every MatMul int8 but the attention products and the FFN output
projection, kept whole in fp32. *after* is the papers' graph
(:data:`~litreview.encoders.mpnet.PAPERS_GRAPH_NAME`, built beside it on first use, ~30 s): in
layers 1-11 the projection's 8 outlier GELU channels apart in fp32 and the other 3,064 int8
(``litreview/encoders/mpnet_outliers.py``), and each layer's attention one fused op (the same
vectors as ``-v1``, which had it as separate ops; ``bench/phase2_levers.py`` compares the two).
The product embeds papers with *after* and queries with *before*; the quality part also measures
*after* for both (what one faster graph would give) and the papers by *before* searched with
*after*'s queries. Which layers may be split, and why queries are not:
``bench/mpnet_layers.py``.

1. Phase 2 as ingest runs it. Papers 1,000 to 1,000 + ``--papers`` of the real corpus are made
   searchable once (phase 1, the re-ranking model off); the home is copied and each copy's
   phase 2 (``rerank_pending``, two texts side by side) runs with one graph, in CPU time of
   the whole process. Its parts: the encoder's ``embed`` and the vector store's writes are
   timed by wrapping them; the rest is chunking, the catalog's reads, marks and commits.
2. The encoder's parts, one text at a time in this thread, the two graphs alternating paper
   by paper on the same texts: tokenising, inputs, forward pass, pooling.
3. Cosine to fp32 (mean / min) on ``--texts`` of those chunks.
4. Quality: the bundled sample (264 papers) made searchable once (or ``--sample-home``, a
   home of it built without the re-ranking model), phase 2 done with each graph, hybrid
   search on the hard labelled set; and the *before* papers' vectors searched with *after*'s
   query vectors (a library embedded before the change, searched after it).

``--calibrate`` recomputes the outlier channels (the 8 largest max |GELU output| per layer
over 64 sample abstracts, fp32) and says whether they match the shipped ones.

CPU times are what to read on a shared machine (and their ratio); wall times are not kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Result, Row, load_questions, save_result, stamped, uptime
from bench.retrieval_quality import evaluate, mode_search
from bench.scale import write_subset
from litreview.encoders.model_files import ModelFolder, materialise
from litreview.encoders.mpnet import (
    INT8_GRAPH_NAME,
    LAYERS,
    MAX_TOKENS,
    PAPERS_GRAPH_NAME,
    SPLIT_GRAPH_NAME,
    MPNetEncoder,
    build_int8_graph,
)
from litreview.encoders.mpnet_outliers import OUTLIER_CHANNELS
from litreview.index.chunking import Chunker
from litreview.index.ingest import IngestReport, rerank_pending
from litreview.index.library import Library
from litreview.index.stores import Stores
from litreview.reading import read_file, sample_paths
from litreview.settings import load_settings

BEFORE_GRAPH = INT8_GRAPH_NAME  # the queries' graph (and the papers' before 2026-11-29)
FIRST_PAPER = 1000  # past the first 1,000 lines that other benchmarks' libraries hold


def before_graph(folder: ModelFolder) -> Path:
    """The queries' int8 graph (no channels split), built once if missing."""
    path = folder.path / BEFORE_GRAPH
    if not path.exists():
        build_int8_graph(folder.weights, path, outliers={})
    return path


def split_graph(folder: ModelFolder) -> Path:
    """The graph with the outlier channels apart, built once beside the product's."""
    path = folder.path / SPLIT_GRAPH_NAME
    if not path.exists():
        build_int8_graph(folder.weights, path, outliers=OUTLIER_CHANNELS)
    return path


def encoders(folder: ModelFolder) -> dict[str, MPNetEncoder]:
    return {
        "before": MPNetEncoder(folder, precision="int8", graph=before_graph(folder)),
        "after": MPNetEncoder(folder, precision="int8", role="papers"),
    }


def phase1_home(home: Path, corpus: list[Path]) -> Path:
    """``home`` with ``corpus`` ingested without the re-ranking model (phase 2 all pending)."""
    if not (home / "catalog.sqlite3").exists():
        os.environ["LITREVIEW_HOME"] = str(home)
        settings = load_settings(**{"retrieval.rerank_model": "none"})
        with Library(settings) as library:
            library.ingest(corpus)
    return home


def open_with(home: Path, encoder: MPNetEncoder) -> tuple[Library, Stores]:
    """The library at ``home`` with the re-ranking model on, its encoder ``encoder``."""
    os.environ["LITREVIEW_HOME"] = str(home)
    settings = load_settings()
    stores = Stores(settings)
    reranker = stores.reranker
    assert reranker is not None, stores.rerank_problem
    reranker.use_encoders(queries=encoder, papers=encoder)  # the graph under test, for both
    return Library(settings, stores), stores


def timed(owner: object, name: str, spent: dict[str, float]) -> None:
    """Wrap ``owner.name`` so that its CPU time (every thread) adds up in ``spent[name]``."""
    work: Callable[..., Any] = getattr(owner, name)
    spent[name] = 0.0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return work(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - began

    setattr(owner, name, wrapper)


def run_phase2(home: Path, encoder: MPNetEncoder) -> dict[str, float]:
    """CPU ms per paper of phase 2 in ``home`` (all pending), whole and by part."""
    library, stores = open_with(home, encoder)
    with library:
        reranker = stores.reranker
        assert reranker is not None
        spent: dict[str, float] = {}
        timed(encoder, "embed", spent)
        timed(reranker.table, "replace_papers", spent)
        report = IngestReport()
        began = time.process_time()
        rerank_pending(stores, report, lambda *_: None)
        total = time.process_time() - began
        del encoder.embed  # the instance is shared with the other measures
    papers = max(1, report.reranked)
    return {
        "papers": report.reranked,
        "total": round(1000 * total / papers, 1),
        "embed": round(1000 * spent["embed"] / papers, 1),
        "store_writes": round(1000 * spent["replace_papers"] / papers, 1),
        "catalog_chunking_rest": round(
            1000 * (total - spent["embed"] - spent["replace_papers"]) / papers, 1
        ),
    }


def encoder_parts(
    encoders: dict[str, MPNetEncoder], papers_texts: list[list[str]]
) -> dict[str, dict[str, float]]:
    """CPU ms per paper of each part of the encoder, one text at a time, alternating."""
    parts = {
        name: dict.fromkeys(("tokenise", "inputs", "forward", "pool"), 0.0) for name in encoders
    }
    clock = time.process_time
    for texts in papers_texts:
        for name, encoder in encoders.items():
            spent = parts[name]
            for text in texts:
                began = clock()
                (encoding,) = encoder.tokenizer.encode_batch([text])
                tokenised = clock()
                feeds, mask = encoder.inputs([encoding.ids])
                built = clock()
                (hidden,) = encoder.session.run(["hidden"], feeds)
                ran = clock()
                encoder.pool(hidden, mask)
                pooled = clock()
                spent["tokenise"] += tokenised - began
                spent["inputs"] += built - tokenised
                spent["forward"] += ran - built
                spent["pool"] += pooled - ran
    n = len(papers_texts)
    return {name: {k: round(1000 * v / n, 2) for k, v in p.items()} for name, p in parts.items()}


def chunk_texts(papers: list[Any], counter: MPNetEncoder) -> tuple[list[list[str]], float]:
    """Each paper's MPNet chunks (as phase 2 makes them) and the CPU ms per paper it took."""
    chunker = Chunker(counter.count_tokens, MAX_TOKENS, load_settings().ingest.chunk_overlap)
    began = time.process_time()
    texts = [[c.text for c in chunker.chunks(p)] for p in papers]
    return texts, round(1000 * (time.process_time() - began) / max(1, len(papers)), 2)


def cosine_to_fp32(
    folder: ModelFolder, encoders: dict[str, MPNetEncoder], texts: list[str]
) -> dict[str, list[float]]:
    expected = MPNetEncoder(folder, precision="fp32").embed(texts, batch_size=1)
    out: dict[str, list[float]] = {}
    for name, encoder in encoders.items():
        cosine = (encoder.embed(texts) * expected).sum(axis=1)
        out[name] = [round(float(cosine.mean()), 4), round(float(cosine.min()), 4)]
    return out


def quality(
    encoders: dict[str, MPNetEncoder], base: Path, work: Path
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, float]]]:
    """Hard-set hybrid figures per graph on the sample, and crossed: after's papers with
    before's queries (the product), before's papers with after's queries; and each graph's
    phase 2 CPU ms per paper there."""
    questions = load_questions("retrieval_questions_hard.jsonl")
    kinds = {k: [q for q in questions if q["kind"] == k] for k in ("single", "multi")}
    figures: dict[str, dict[str, dict[str, float]]] = {}
    cpu: dict[str, dict[str, float]] = {}
    libraries: dict[str, tuple[Library, Stores]] = {}
    for name, encoder in encoders.items():
        home = work / f"sample-{name}"
        shutil.copytree(base, home)
        cpu[name] = run_phase2(home, encoder)
        libraries[name] = open_with(home, encoder)
    pairs = [("before", "before"), ("after", "before"), ("after", "after"), ("before", "after")]
    for papers, queries in pairs:
        library, stores = libraries[papers]
        reranker = stores.reranker
        assert reranker is not None
        reranker.use_encoders(queries=encoders[queries])
        search = mode_search(library, "hybrid", library.settings.retrieval.rerank_model_weight)
        key = papers if papers == queries else f"{papers} papers, {queries} queries"
        figures[key] = {kind: evaluate(search, subset) for kind, subset in kinds.items()}
        print(key, json.dumps(figures[key]), flush=True)
    for library, _ in libraries.values():
        library.close()
    return figures, cpu


def calibrate() -> dict[str, object]:
    """The outlier channels recomputed (see the module), and whether they are the shipped ones."""
    from bench.mpnet_smooth import calibration_texts, gelu_ranges

    folder = materialise(load_settings().model_cache)
    ranges = gelu_ranges(folder.weights, folder.tokenizer, calibration_texts())
    found = {layer: sorted(np.argsort(-ranges[layer])[:8].tolist()) for layer in range(LAYERS)}
    same = all(found[layer] == sorted(OUTLIER_CHANNELS[layer]) for layer in range(LAYERS))
    return {"channels": found, "match_shipped": same}


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--texts", type=int, default=48)
    parser.add_argument("--sample-home", type=Path, default=None)
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args()
    if args.calibrate:
        found = calibrate()
        print(json.dumps(found))
        return found
    result: dict[str, object] = {"load_before": uptime(), "graph": PAPERS_GRAPH_NAME}
    folder = materialise(load_settings().model_cache)
    graphs = encoders(folder)
    work = Path(tempfile.mkdtemp(prefix="litreview-phase2-"))
    try:
        subset = write_subset(FIRST_PAPER + args.papers, work)
        lines = subset.read_text(encoding="utf-8").split("\n")[FIRST_PAPER:]
        corpus = work / "papers.jsonl"
        corpus.write_text("\n".join(lines), encoding="utf-8")
        papers = read_file(corpus).papers
        texts, chunking = chunk_texts(papers, graphs["after"])
        chunks = [t for paper in texts for t in paper]
        lengths = [len(graphs["after"].tokenizer.encode(t).ids) for t in chunks]
        result["papers"] = len(papers)
        result["chunks"] = len(chunks)
        result["tokens_per_chunk"] = {
            "mean": round(float(np.mean(lengths)), 1),
            "max": max(lengths),
        }
        result["chunking_ms_per_paper"] = chunking
        result["parts_ms_per_paper"] = encoder_parts(graphs, texts)
        print(json.dumps(result["parts_ms_per_paper"]), flush=True)
        base = phase1_home(work / "real-phase1", [corpus])
        phase2: dict[str, dict[str, float]] = {}
        for name, encoder in graphs.items():
            home = work / f"real-{name}"
            shutil.copytree(base, home)
            phase2[name] = run_phase2(home, encoder)
            print(name, json.dumps(phase2[name]), flush=True)
        result["phase2_ms_per_paper"] = phase2
        step = max(1, len(chunks) // args.texts)
        result["cosine_to_fp32"] = cosine_to_fp32(folder, graphs, chunks[::step][: args.texts])
        result["cosine_texts"] = len(chunks[::step][: args.texts])
        if not args.no_quality:
            sample = args.sample_home or phase1_home(work / "sample-phase1", sample_paths())
            figures, sample_cpu = quality(graphs, sample, work)
            result["hard_hybrid"] = figures
            result["sample_phase2_ms_per_paper"] = sample_cpu
    finally:
        shutil.rmtree(work, ignore_errors=True)
    save_result("phase2_speed", stamped(result))
    print(json.dumps(result, indent=2))
    return result


def rows(result: Result) -> list[Row]:
    phase2, parts = result["phase2_ms_per_paper"], result["parts_ms_per_paper"]
    before, after = phase2["before"], phase2["after"]
    load = result["load_before"].split("load average:")[-1].split(",")[0].strip()
    out: list[Row] = [
        (
            f"Phase 2 (int8 MPNet) on {result['papers']} real papers ({result['chunks']} chunks, "
            f"{result['tokens_per_chunk']['mean']} tokens each), the int8 graph before -> the "
            "papers' graph (outliers apart in layers 1-11; `bench.phase2_speed`): CPU ms per "
            "paper; of it the encoder, store writes, the rest (chunking, catalog, commits); "
            "papers/s that allows on 2 idle cores",
            f"{before['total']} -> {after['total']} (x{after['total'] / before['total']:.2f}); "
            f"{before['embed']} -> {after['embed']}, {before['store_writes']} -> "
            f"{after['store_writes']}, {before['catalog_chunking_rest']} -> "
            f"{after['catalog_chunking_rest']}; {2000 / before['total']:.1f} -> "
            f"{2000 / after['total']:.1f} (load {load}, {result['date']})",
        ),
        (
            "The encoder one text at a time, the two graphs alternating, CPU ms per paper: "
            "tokenising / inputs / forward pass / pooling, before -> after",
            " -> ".join(
                " / ".join(f"{parts[name][k]}" for k in ("tokenise", "inputs", "forward", "pool"))
                for name in ("before", "after")
            ),
        ),
        (
            f"Cosine to fp32, mean / min ({result['cosine_texts']} real chunks), before -> after",
            " -> ".join(
                f"{result['cosine_to_fp32'][n][0]:.4f} / {result['cosine_to_fp32'][n][1]:.4f}"
                for n in ("before", "after")
            ),
        ),
    ]
    hard = result.get("hard_hybrid")
    if hard:
        cells = []
        product = "after papers, before queries"
        order = ("before", product, "after")
        for key in sorted(hard, key=lambda k: order.index(k) if k in order else len(order)):
            single, multi = hard[key]["single"], hard[key]["multi"]
            cells.append(
                f"{'the product: ' if key == product else ''}{key} "
                f"{single['recall@5']:.3f} / {single['mrr@10']:.4f}, "
                f"{multi['recall@5']:.3f} / {multi['recall@10']:.3f}"
            )
        out.append(
            (
                "Hard set, hybrid, sample library with phase 2 by each graph: single-paper "
                "R@5 / MRR@10, multi-paper R@5 / R@10",
                "; ".join(cells),
            )
        )
    return out


if __name__ == "__main__":
    main()
