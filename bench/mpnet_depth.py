"""A shallower MPNet for phase 2: the first k of its 12 layers, side by side in one run (issue 11).

    python -m bench.mpnet_depth [--depths 12,8,6,4] [--texts 60] [--rounds 3]
                                [--weights 0.25,1.0] [--work DIR] [--check]

Why: phase 2 (the int8 all-mpnet-base-v2 over every chunk) costs ~370 CPU-ms a paper on an
AVX2-only EPYC, and "fully indexed within 90 minutes at 50,000 papers" needs ~3.5x less. A
transformer's layers cost alike, so the first k of 12 (then the usual mean pooling and
normalisation) costs ~k/12 of the forward pass; what it keeps of MPNet's re-ranking gain is
what this measures. It is another model (its vectors are not the 12-layer one's), so no
cosine to the shipped graph: only the hard set's figures, and the CPU.

Each depth k has two graphs built as the product builds its own
(:func:`litreview.encoders.mpnet.graph_path`): the papers' (outlier GELU channels apart in
layers 1-11, :data:`~litreview.encoders.mpnet_outliers.PAPERS_OUTLIERS`; fused attention) and
the queries' (the FFN output projection fp32), with the same fp32 graph cut after layer k's
output LayerNorm (the later layers' nodes and weights dropped) before the same int8
quantisation (:func:`~litreview.encoders.mpnet.quantise_matmuls`). k = 12 is the product's own
two graphs from the model cache, the control; ``--check`` also builds k = 12 through the cut
and says whether its vectors equal the product's, bit for bit (the cut changes nothing else).
Truncated graphs are built once into ``--work`` (kept and reused when given).

1. CPU: ``--texts`` real papers (lines 1,000 onward of the 50k corpus, past the other
   benchmarks' libraries; title and abstract), chunked in MPNet's window as phase 2 chunks
   them; each text embedded alone in this thread (one onnxruntime thread), the papers' graphs
   of every depth alternating text by text, the order rotated each of ``--rounds`` rounds, so
   a shared machine's load falls on all alike. CPU ms per text (all of the encoder: tokenising,
   inputs, forward pass, pooling) and the forward pass alone; the ratio to k = 12.
2. Quality: the sample library with every model (``LITREVIEW_BENCH_HOME``, e.g. a home built
   by ``bench.run_all``; never written: each depth works on a copy) has its re-ranking vectors
   made again by that depth's papers' graph (every paper sent back to phase 2, which runs as
   ingest runs it: its CPU ms a paper is kept too, depths one after the other, not
   alternating); the hard set is then asked with hybrid search, the queries embedded by that
   depth's queries' graph: single-paper R@5 / MRR@10, multi-paper R@5 / R@10 (the product's
   ``retrieval.rerank_model_weight``; ``--weights`` adds others, chosen on these very
   questions, so only a hint). And the same questions with no re-ranking model (``late``:
   MaxSim and MiniLM's cosine alone), which no depth changes: the floor each depth is above.

The noise: one single-paper question is 0.0054 of R@5; the multi-paper questions hold 63
papers, so one paper past rank 5 is 0.011-0.026 of multi-paper R@5.

Outcome (2026-11-30, AMD EPYC AVX2 only, load 1.3-6.3; ``--depths 12,10,8,6,4 --texts 60
--rounds 3 --weights 0.25,1.0 --check``): the CPU goes as k/12 (x0.84 / 0.68 / 0.52 / 0.35 at
10 / 8 / 6 / 4), but no cut keeps MPNet's gain: single-paper MRR@10 0.953 at 12 layers,
0.919 / 0.920 / 0.937 / 0.937 at 10 / 8 / 6 / 4 against 0.928 with no re-ranking model, and
multi-paper R@5 at or below the no-model 0.858 (12: 0.875); no weight tried did better. The
intermediate layers are not trained as sentence vectors; only the whole model is. Not adopted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Result, Row, load_questions, save_result, stamped, uptime
from bench.phase2_speed import FIRST_PAPER, chunk_texts, open_with, run_phase2
from bench.retrieval_quality import evaluate, mode_search
from bench.scale import write_subset
from litreview.encoders.model_files import ModelFolder, materialise
from litreview.encoders.mpnet import (
    LAYERS,
    MPNetEncoder,
    build_graph,
    graph_path,
    kept_in_fp32,
    quantise_matmuls,
)
from litreview.encoders.mpnet_outliers import PAPERS_OUTLIERS
from litreview.index.library import Library
from litreview.index.stores import Stores
from litreview.reading import read_file
from litreview.settings import load_settings

ROLES = ("papers", "queries")
KINDS = ("single", "multi")


def shipped_recipe(role: str) -> tuple[Mapping[int, Sequence[int]], bool]:
    """The outlier channels kept apart and whether the attention is fused, as
    :func:`~litreview.encoders.mpnet.graph_path` builds the int8 graph of ``role``."""
    return (PAPERS_OUTLIERS, True) if role == "papers" else ({}, False)


def load_average() -> str:
    """/proc/loadavg's three averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def truncate(model: Any, depth: int) -> None:
    """Cut the fp32 encoder graph ``model`` (an ``onnx.ModelProto``, changed in place) after
    layer ``depth``'s output LayerNorm, which becomes the ``hidden`` output; the later
    layers' nodes, their weights and their typed intermediate values go."""
    graph = model.graph
    gamma = f"encoder.layer.{depth - 1}.output.LayerNorm.weight"
    last = next(
        i
        for i, node in enumerate(graph.node)
        if node.op_type == "LayerNormalization" and node.input[1] == gamma
    )
    del graph.node[last + 1 :]
    graph.node[last].output[0] = "hidden"
    used = {name for node in graph.node for name in node.input}
    for i in reversed(range(len(graph.initializer))):
        if graph.initializer[i].name not in used:
            del graph.initializer[i]
    made = {name for node in graph.node for name in node.output}
    for i in reversed(range(len(graph.value_info))):
        if graph.value_info[i].name not in made:
            del graph.value_info[i]


def build_depth_graph(weights: Path, target: Path, role: str, depth: int) -> None:
    """``role``'s int8 graph as the product builds it, cut after ``depth`` layers
    (:func:`litreview.encoders.mpnet.build_int8_graph` with :func:`truncate` in between)."""
    import onnx

    outliers, fused = shipped_recipe(role)
    model = onnx.load_from_string(
        build_graph(weights, embedded=True, outliers=outliers, fused_attention=fused)
    )
    truncate(model, depth)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".depth-", dir=target.parent) as scratch:
        source = Path(scratch) / "fp32.onnx"
        source.write_bytes(model.SerializeToString())
        del model
        quantised = Path(scratch) / target.name
        quantise_matmuls(source, quantised, kept_in_fp32(outliers), reduce_range=True)
        os.replace(quantised, target)


def depth_graph(folder: ModelFolder, role: str, depth: int, work: Path, cut: bool = False) -> Path:
    """``role``'s graph of ``depth`` layers: the product's own at 12 (unless ``cut``: the
    12-layer graph through :func:`build_depth_graph`, for ``--check``), else built once."""
    if depth == LAYERS and not cut:
        return graph_path(folder, "int8", role)
    path = work / f"graph-int8-{role}-depth{depth}{'-cut' if cut else ''}.onnx"
    if not path.exists():
        began = time.perf_counter()
        build_depth_graph(folder.weights, path, role, depth)
        print(f"built {path.name} in {time.perf_counter() - began:.0f} s", flush=True)
    return path


def real_texts(work: Path, count: int, counter: MPNetEncoder) -> tuple[int, list[str]]:
    """Papers 1,000 to 1,000 + ``count`` of the real corpus as phase 2 chunks them."""
    subset = write_subset(FIRST_PAPER + count, work)
    lines = subset.read_text(encoding="utf-8").split("\n")[FIRST_PAPER:]
    corpus = work / "papers.jsonl"
    corpus.write_text("\n".join(lines), encoding="utf-8")
    papers = read_file(corpus).papers
    texts, _ = chunk_texts(papers, counter)
    return len(papers), [t for paper in texts for t in paper]


def cpu_per_text(
    encoders: Mapping[int, MPNetEncoder], texts: list[str], rounds: int
) -> dict[int, dict[str, Any]]:
    """CPU ms per text of each encoder (whole and forward pass alone), one text at a time in
    this thread, alternating text by text, the order rotated every round."""
    depths = list(encoders)
    for encoder in encoders.values():
        for text in texts[:2]:  # warm-up
            encoder._forward([text])
    whole = {d: [0.0] * rounds for d in depths}
    forward = dict.fromkeys(depths, 0.0)
    clock = time.process_time
    for r in range(rounds):
        order = depths[r % len(depths) :] + depths[: r % len(depths)]
        for text in texts:
            for depth in order:
                encoder = encoders[depth]
                began = clock()
                (encoding,) = encoder.tokenizer.encode_batch([text])
                feeds, mask = encoder.inputs([encoding.ids])
                ran = clock()
                (hidden,) = encoder.session.run(["hidden"], feeds)
                done = clock()
                encoder.pool(hidden, mask)
                ended = clock()
                whole[depth][r] += ended - began
                forward[depth] += done - ran
    n = len(texts)
    control = sum(whole[LAYERS]) if LAYERS in whole else sum(whole[depths[0]])
    return {
        d: {
            "cpu_ms_per_text": round(1000 * sum(whole[d]) / (n * rounds), 1),
            "forward_ms_per_text": round(1000 * forward[d] / (n * rounds), 1),
            "ratio": round(sum(whole[d]) / control, 3),
            "cpu_ms_per_text_by_round": [round(1000 * s / n, 1) for s in whole[d]],
        }
        for d in depths
    }


def hard_figures(library: Library, weight: float) -> dict[str, dict[str, float]]:
    """Hybrid search on the hard set at MPNet weight ``weight`` (0: no re-ranking model)."""
    questions = load_questions("retrieval_questions_hard.jsonl")
    mode = "hybrid" if weight > 0 else "late"
    search = mode_search(library, mode, weight)
    return {kind: evaluate(search, [q for q in questions if q["kind"] == kind]) for kind in KINDS}


def resent_to_phase2(home: Path, encoder: MPNetEncoder) -> int:
    """Every paper of ``home`` (a copy) pending again for phase 2; how many."""
    library, stores = open_with(home, encoder)
    with library:
        done = stores.catalog.reranked_ids()
        stores.catalog.mark_unreranked(done)
        return len(done)


def stored_vectors(stores: Stores) -> int:
    """How many papers have re-ranking vectors (a store emptied on opening would have none)."""
    reranker = stores.reranker
    assert reranker is not None
    ids = sorted(stores.catalog.reranked_ids())
    return len(reranker.table.get(ids))


def quality(
    depth: int,
    encoders: Mapping[str, MPNetEncoder],
    base: Path,
    work: Path,
    weights: Sequence[float],
) -> dict[str, Any]:
    """``depth``'s phase 2 on a copy of the sample library and its hard-set figures."""
    home = work / f"sample-depth{depth}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    out: dict[str, Any] = {"resent": resent_to_phase2(home, encoders["papers"])}
    out["sample_phase2_ms_per_paper"] = run_phase2(home, encoders["papers"])
    library, stores = open_with(home, encoders["papers"])
    with library:
        reranker = stores.reranker
        assert reranker is not None
        reranker.use_encoders(queries=encoders["queries"])
        out["papers_with_vectors"] = stored_vectors(stores)
        shipped = library.settings.retrieval.rerank_model_weight
        out["model_weight"] = shipped
        out["hard"] = hard_figures(library, shipped)
        out["by_weight"] = {str(w): hard_figures(library, w) for w in weights}
        out["no_model"] = hard_figures(library, 0.0)
    shutil.rmtree(home, ignore_errors=True)
    return out


def check_cut(folder: ModelFolder, work: Path, texts: list[str]) -> dict[str, object]:
    """The 12-layer graphs built through the cut against the product's: equal vectors?"""
    out: dict[str, object] = {}
    for role in ROLES:
        shipped = MPNetEncoder(folder, precision="int8", graph=graph_path(folder, "int8", role))
        cut = MPNetEncoder(
            folder, precision="int8", graph=depth_graph(folder, role, 12, work, True)
        )
        a, b = shipped.embed(texts), cut.embed(texts)
        out[role] = {
            "same_vectors": bool(np.array_equal(a, b)),
            "max_abs_difference": float(np.abs(a - b).max()),
        }
    return out


def sample_home() -> Path:
    """The sample library with every model: ``LITREVIEW_BENCH_HOME`` (copied, never opened)."""
    shared = os.environ.get("LITREVIEW_BENCH_HOME")
    if shared and (Path(shared) / "catalog.sqlite3").exists():
        return Path(shared)
    from bench.common import sample_library

    home = Path(tempfile.mkdtemp(prefix="litreview-depth-sample-"))
    os.environ["LITREVIEW_BENCH_HOME"] = str(home)
    sample_library(home).close()  # ingested once with every model
    return home


def table(result: Result) -> str:
    """The run's figures as a plain-text table."""
    lines = [
        f"{'k':>3} {'MB':>6} {'ms/text':>8} {'fwd':>7} {'x12':>6} {'ph2 ms/p':>9} "
        f"{'1-R@5':>6} {'1-MRR10':>7} {'m-R@5':>6} {'m-R@10':>6}"
    ]
    cpu, per = result["cpu"], result["depths"]
    for depth in result["depth_order"]:
        c, q = cpu[str(depth)], per[str(depth)]
        s, m = q["hard"]["single"], q["hard"]["multi"]
        lines.append(
            f"{depth:>3} {q['papers_graph_mb']:>6} {c['cpu_ms_per_text']:>8} "
            f"{c['forward_ms_per_text']:>7} {c['ratio']:>6.3f} "
            f"{q['sample_phase2_ms_per_paper']['total']:>9} {s['recall@5']:>6.4f} "
            f"{s['mrr@10']:>7.4f} {m['recall@5']:>6.4f} {m['recall@10']:>6.4f}"
        )
    s, m = result["no_model"]["single"], result["no_model"]["multi"]
    lines.append(
        f"{'no re-ranking model (late)':>49} {s['recall@5']:>6.4f} {s['mrr@10']:>7.4f} "
        f"{m['recall@5']:>6.4f} {m['recall@10']:>6.4f}"
    )
    for depth in result["depth_order"]:
        for weight, figures in per[str(depth)]["by_weight"].items():
            s, m = figures["single"], figures["multi"]
            lines.append(
                f"{f'k={depth}, MPNet weight {weight} (chosen on the test set: a hint)':>49} "
                f"{s['recall@5']:>6.4f} {s['mrr@10']:>7.4f} "
                f"{m['recall@5']:>6.4f} {m['recall@10']:>6.4f}"
            )
    return "\n".join(lines)


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depths", default="12,8,6,4", help="layers kept; 12 is the control")
    parser.add_argument("--texts", type=int, default=60, help="real papers timed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--weights", default="", help="other MPNet weights to try, e.g. 0.25,1")
    parser.add_argument("--work", type=Path, default=None, help="kept and reused: the graphs")
    parser.add_argument("--check", action="store_true", help="12 layers through the cut")
    args = parser.parse_args()
    depths = sorted({int(d) for d in args.depths.split(",") if d} | {LAYERS}, reverse=True)
    if not all(1 <= d <= LAYERS for d in depths):
        parser.error(f"depths are 1-{LAYERS}")
    weights = [float(w) for w in args.weights.split(",") if w]
    result: dict[str, Any] = {
        "command": "python -m bench.mpnet_depth "
        f"--depths {','.join(map(str, depths))} --texts {args.texts} --rounds {args.rounds}"
        + (f" --weights {args.weights}" if weights else ""),
        "load_before": uptime(),
        "loadavg": {"before": load_average()},
        "began": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "depth_order": depths,
    }
    base = sample_home()
    result["sample_home"] = str(base)
    folder = materialise(load_settings().model_cache)
    work = args.work or Path(tempfile.mkdtemp(prefix="litreview-depth-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        graphs = {d: {role: depth_graph(folder, role, d, work) for role in ROLES} for d in depths}
        encoders = {
            d: {
                role: MPNetEncoder(folder, precision="int8", graph=graphs[d][role])
                for role in ROLES
            }
            for d in depths
        }
        result["loadavg"]["built"] = load_average()
        papers, texts = real_texts(work, args.texts, encoders[LAYERS]["papers"])
        lengths = [len(encoders[LAYERS]["papers"].tokenizer.encode(t).ids) for t in texts]
        result["timed"] = {
            "papers": papers,
            "texts": len(texts),
            "tokens_per_text": round(statistics.mean(lengths), 1),
            "rounds": args.rounds,
        }
        if args.check:
            result["cut_check_12"] = check_cut(folder, work, texts)
            print("cut check", json.dumps(result["cut_check_12"]), flush=True)
        papers_encoders = {d: encoders[d]["papers"] for d in depths}
        result["cpu"] = {
            str(d): v for d, v in cpu_per_text(papers_encoders, texts, args.rounds).items()
        }
        result["loadavg"]["timed"] = load_average()
        print("cpu", json.dumps(result["cpu"]), flush=True)
        result["depths"] = {}
        for d in depths:
            entry = quality(d, encoders[d], base, work, weights)
            entry["papers_graph_mb"] = round(graphs[d]["papers"].stat().st_size / 1e6, 1)
            entry["queries_graph_mb"] = round(graphs[d]["queries"].stat().st_size / 1e6, 1)
            result["depths"][str(d)] = entry
            result["loadavg"][f"depth{d}"] = load_average()
            print(d, json.dumps({k: v for k, v in entry.items() if k != "by_weight"}), flush=True)
        floors = [json.dumps(e["no_model"], sort_keys=True) for e in result["depths"].values()]
        result["no_model"] = result["depths"][str(LAYERS)]["no_model"]
        result["no_model_same_in_every_copy"] = len(set(floors)) == 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    result["loadavg"]["after"] = load_average()
    save_result("mpnet_depth", stamped(result))
    print(table(result))
    print(f"load average (/proc/loadavg) {json.dumps(result['loadavg'])}; ended {result['date']}")
    return result


def rows(result: Result) -> list[Row]:
    cpu, per = result["cpu"], result["depths"]
    cells = []
    for depth in result["depth_order"]:
        c, q = cpu[str(depth)], per[str(depth)]
        s, m = q["hard"]["single"], q["hard"]["multi"]
        cells.append(
            f"k={depth}: {c['cpu_ms_per_text']} ms (x{c['ratio']:.2f}), {s['recall@5']:.3f} / "
            f"{s['mrr@10']:.3f}, {m['recall@5']:.3f} / {m['recall@10']:.3f}"
        )
    s, m = result["no_model"]["single"], result["no_model"]["multi"]
    cells.append(
        f"no model {s['recall@5']:.3f} / {s['mrr@10']:.3f}, {m['recall@5']:.3f} / "
        f"{m['recall@10']:.3f}"
    )
    load = result["load_before"].split("load average:")[-1].split(",")[0].strip()
    return [
        (
            f"MPNet cut to its first k layers, papers' and queries' int8 graphs "
            f"(`bench.mpnet_depth`): CPU ms per text on {result['timed']['texts']} real chunks "
            "alternating (ratio to 12); hard set hybrid single R@5 / MRR@10, multi R@5 / R@10 "
            "with the sample's vectors made by that depth",
            "; ".join(cells) + f" (load {load}, {result['date']})",
        )
    ]


if __name__ == "__main__":
    main()
