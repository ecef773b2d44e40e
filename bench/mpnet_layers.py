"""Which layers' FFN output projection the int8 MPNet can quantise (its outlier channels apart)
without moving quality, and what each saves: the per-layer study of issue 11's phase 2.

    python -m bench.mpnet_layers [--skip-screen] [--gates "0-5,11:8|0-11:8"] [--papers 300]
                                 [--chunks 16] [--sample-home DIR] [--no-related]

Why: the int8 graph of papers and queries until 2026-11-29 (``graph-int8-v1``, "product" or
"none" below: it still embeds the queries) keeps every layer's FFN output projection in fp32
(~45% of its CPU); splitting it in all 12 layers (the 8 outlier GELU channels apart in fp32,
the other 3,064 int8: the split graph) costs ~0.6x the CPU but lost hard-set multi-paper R@5
(0.890 -> 0.855) and related-work recall. Each layer's projection is the same size, so each
split layer saves ~1/12 of that: this finds the layers (and the number of outlier channels in
each) that can be split, for papers and for queries. Its outcome (2026-11-29, README notes):
queries keep ``graph-int8-v1``; papers take layers 1-11 split, 8 channels each
(``graph-int8-papers-v1``: the gate ``1-11:8``, pairing "its papers with the product's
queries").

1. Calibration: each layer's largest |GELU output| per channel over 64 sample abstracts in fp32
   (``bench.mpnet_smooth.gelu_ranges``); the channels ranked by it, and how large the 1st, 8th,
   9th, 16th, 17th, 32nd and 33rd are (what is left for int8 once K channels are apart).
2. Screen (cheap, one graph): a *selector* graph holds, in every layer, the product's fp32
   projection and the split one with K = 8, 16 and 32 channels apart, and a ``choice`` input
   picks one per layer (one-hot weights: exact). Each configuration's query vectors (the 203
   hard-set questions) and ``--chunks`` real chunks are compared to fp32 and to the product's
   (cosine), and its queries are searched (hybrid, hard set) in the sample library embedded by
   the product: the loss of the full split came from its query vectors (the product's papers
   searched with its queries lost the same papers).
3. Gates (``--gates``: configurations separated by ``|``, each ``layers:K`` parts separated by
   ``;``, e.g. ``0-5,11:8;6-10:32``; layers not named stay fp32): the real int8 graph built,
   the sample library's phase 2 done by it, and the hard set (single-paper R@5 / MRR@10,
   multi-paper R@5 / R@10) and the related-work figures (``bench.related_quality``'s held-out
   judge precision / recall under the audited labels, and the share of the relevant papers
   its 12 candidates hold) for three pairings: its papers and queries; its papers with the
   product's queries (what a graph for phase 2 only would give); the product's papers with its
   queries. Then phase 2 as ingest runs it (papers 1,000 to 1,000 + ``--papers`` of the real
   corpus), CPU ms per paper beside the product's in the same run, and the forward pass alone
   with the graphs alternating paper by paper.

The noise of the gates: the hard set has 19 multi-paper questions of 2-5 papers (63 in all),
so one paper moved past rank 5 is 0.011-0.026 of multi-paper R@5; one single-paper question is
0.0054 of R@5. Related-work recall is a mean over 57 topics: one paper of a 4-paper topic is
0.0044. A "kept" figure is one that moved no paper the wrong way.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    Result,
    Row,
    load_questions,
    previous_result,
    save_result,
    stamped,
    uptime,
)
from bench.mpnet_smooth import calibration_texts, gelu_ranges
from bench.phase2_speed import (
    FIRST_PAPER,
    before_graph,
    chunk_texts,
    encoder_parts,
    open_with,
    phase1_home,
    run_phase2,
    split_graph,
)
from bench.related_quality import (
    POOL,
    Drafts,
    audited_labels,
    held_out,
    judged,
    load_judgments,
    ranked,
)
from bench.retrieval_quality import evaluate, mode_search
from bench.scale import write_subset
from litreview.encoders.model_files import ModelFolder, materialise
from litreview.encoders.mpnet import (
    DIMENSION,
    LAYERS,
    MPNetEncoder,
    build_graph,
    build_int8_graph,
    kept_in_fp32,
    quantise_matmuls,
    read_tensor,
)
from litreview.encoders.mpnet_outliers import OUTLIER_CHANNELS
from litreview.index.library import Library
from litreview.index.stores import Stores
from litreview.reading import read_file, sample_paths
from litreview.settings import load_settings

COUNTS = (8, 16, 32)  # outlier channels apart, the selector graph's variants
RANKS = (1, 4, 8, 9, 16, 17, 32, 33)
Config = dict[int, int]  # layer -> outlier channels apart (a layer not named: fp32 whole)


def parse_config(text: str) -> Config:
    """``"0-5,11:8;6-10:32"`` -> {0: 8, ..., 5: 8, 11: 8, 6: 32, ...}; ``"none"`` -> {}."""
    config: Config = {}
    if text.strip() in ("", "none"):
        return config
    for part in text.split(";"):
        layers, _, count = part.partition(":")
        for span in layers.split(","):
            first, _, last = span.partition("-")
            for layer in range(int(first), int(last or first) + 1):
                config[layer] = int(count or 8)
    return config


def describe(config: Config) -> str:
    """The inverse of :func:`parse_config`, spans merged: ``0-5,11:8;6-10:32``."""
    if not config:
        return "none"
    parts = []
    for count in sorted(set(config.values())):
        layers = sorted(layer for layer, k in config.items() if k == count)
        spans: list[list[int]] = []
        for layer in layers:
            if spans and spans[-1][-1] == layer - 1:
                spans[-1].append(layer)
            else:
                spans.append([layer])
        text = ",".join(f"{s[0]}-{s[-1]}" if len(s) > 1 else f"{s[0]}" for s in spans)
        parts.append(f"{text}:{count}")
    return ";".join(parts)


def calibrate(folder: ModelFolder) -> tuple[dict[int, list[int]], dict[str, object]]:
    """Per layer, the GELU channels by largest |output| (the first 32), and their sizes."""
    ranges = gelu_ranges(folder.weights, folder.tokenizer, calibration_texts())
    ranked_channels: dict[int, list[int]] = {}
    sizes: dict[str, dict[str, float]] = {}
    for layer in range(LAYERS):
        order = np.argsort(-ranges[layer], kind="stable")
        ranked_channels[layer] = [int(c) for c in order[: max(COUNTS)]]
        values = ranges[layer][order]
        sizes[str(layer)] = {f"#{r}": round(float(values[r - 1]), 2) for r in RANKS}
        sizes[str(layer)]["median"] = round(float(np.median(values)), 3)
    shipped = all(
        sorted(ranked_channels[layer][:8]) == sorted(OUTLIER_CHANNELS[layer])
        for layer in range(LAYERS)
    )
    return ranked_channels, {"largest_by_rank": sizes, "top8_match_shipped": shipped}


def outliers_for(
    config: Config, ranked_channels: Mapping[int, Sequence[int]]
) -> dict[int, list[int]]:
    """``build_int8_graph``'s ``outliers`` for a configuration: the K largest channels."""
    return {layer: sorted(ranked_channels[layer][:count]) for layer, count in config.items()}


def selector_model(
    folder: ModelFolder, ranked_channels: Mapping[int, Sequence[int]]
) -> tuple[bytes, list[str]]:
    """The fp32 graph with, per layer, the product's FFN output projection and the split ones
    for each K in :data:`COUNTS`, mixed by the ``choice`` input ([LAYERS, 1 + len(COUNTS)],
    one-hot per layer: a weight of 1 or 0 gives the chosen path's values exactly); and the
    MatMuls int8 must leave in fp32 (the product's, and each split's outlier part)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weights = folder.weights
    model = onnx.load_from_string(build_graph(weights, embedded=True))
    graph = model.graph
    by_name = {node.name: node for node in graph.node}
    extra: dict[str, list[onnx.NodeProto]] = {}
    inits: list[onnx.TensorProto] = []
    excluded = kept_in_fp32()
    serial = [0]

    def op(kind: str, *inputs: str, name: str | None = None, **attrs: Any) -> str:
        serial[0] += 1
        out = f"sel{serial[0]}"
        layer_nodes.append(helper.make_node(kind, list(inputs), [out], name=name or out, **attrs))
        return out

    def array(value: np.ndarray, name: str) -> str:  # (ascontiguousarray makes a scalar 1-D)
        inits.append(numpy_helper.from_array(value.copy(order="C"), name))
        return name

    half, one = (
        array(np.array(0.5, np.float32), "sel.half"),
        array(np.array(1.0, np.float32), "sel.one"),
    )
    sqrt2 = array(np.array(np.sqrt(2.0), np.float32), "sel.sqrt2")
    picks = [array(np.array(v, np.int64), f"sel.i{v}") for v in range(1 + len(COUNTS))]
    consumers: dict[str, onnx.NodeProto] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, node)
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}"
        down, up = by_name[f"{p}.output.dense"], by_name[f"{p}.intermediate.dense"]
        h, x, product = down.input[0], up.input[0], down.output[0]
        layer_nodes: list[onnx.NodeProto] = []
        w_up = read_tensor(weights, f"{p}.intermediate.dense.weight").T
        b_up = read_tensor(weights, f"{p}.intermediate.dense.bias")
        w_down = read_tensor(weights, f"{p}.output.dense.weight").T
        row = op("Gather", "choice", array(np.array(layer, np.int64), f"sel.{p}.row"), axis=0)
        paths = [op("Mul", product, op("Gather", row, picks[0]))]
        for v, count in enumerate(COUNTS, start=1):
            apart = np.asarray(sorted(ranked_channels[layer][:count]), dtype=np.int64)
            rest = np.setdiff1d(np.arange(DIMENSION * 4), apart)
            kept = op("Gather", h, array(rest, f"sel.{p}.rest{count}.index"), axis=1)
            dense = array(w_down[rest], f"sel.{p}.output.rest{count}.T")
            part = op("MatMul", kept, dense, name=f"{p}.output.rest{count}")
            a = op(
                "MatMul",
                x,
                array(w_up[:, apart], f"sel.{p}.up{count}.T"),
                name=f"{p}.intermediate.out{count}",
            )
            a = op("Add", a, array(b_up[apart], f"sel.{p}.up{count}.bias"))
            g = op("Mul", op("Mul", a, op("Add", op("Erf", op("Div", a, sqrt2)), one)), half)
            outs = op(
                "MatMul",
                g,
                array(w_down[apart], f"sel.{p}.down{count}.T"),
                name=f"{p}.output.out{count}",
            )
            split = op("Add", part, outs)
            paths.append(op("Mul", split, op("Gather", row, picks[v])))
            excluded += [f"{p}.intermediate.out{count}", f"{p}.output.out{count}"]
        mixed = op("Sum", *paths)
        bias_add = consumers[product]
        bias_add.input[list(bias_add.input).index(product)] = mixed
        extra[down.name] = layer_nodes
    nodes = []
    for node in graph.node:
        nodes.append(node)
        nodes += extra.get(node.name, [])
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(inits)
    graph.input.append(
        helper.make_tensor_value_info("choice", TensorProto.FLOAT, [LAYERS, 1 + len(COUNTS)])
    )
    return bytes(model.SerializeToString()), excluded


def build_selector(
    folder: ModelFolder, ranked_channels: Mapping[int, Sequence[int]], target: Path
) -> None:
    """:func:`selector_model` quantised as the product's graph is, into ``target``."""

    model, excluded = selector_model(folder, ranked_channels)
    with tempfile.TemporaryDirectory(prefix=".selector-", dir=target.parent) as scratch:
        source = Path(scratch) / "fp32.onnx"
        source.write_bytes(model)
        del model
        quantise_matmuls(source, target, excluded)


class SelectorEncoder(MPNetEncoder):
    """The selector graph as an encoder; :attr:`config` picks each layer's projection."""

    def __init__(self, folder: ModelFolder, graph: Path) -> None:
        super().__init__(folder, precision="int8", graph=graph)
        self.choice = np.zeros((LAYERS, 1 + len(COUNTS)), dtype=np.float32)
        self.set(dict())

    def set(self, config: Config) -> None:
        self.choice[:] = 0.0
        for layer in range(LAYERS):
            count = config.get(layer, 0)
            self.choice[layer, 0 if count == 0 else 1 + COUNTS.index(count)] = 1.0

    def _forward(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feeds, mask = self.inputs([encoding.ids for encoding in encodings])
        feeds["choice"] = self.choice
        (hidden,) = self.session.run(["hidden"], feeds)
        return self.pool(hidden, mask)


class CachedQueries(MPNetEncoder):
    """Query vectors looked up (computed once per configuration), other texts embedded by
    ``inner`` (the search embeds only the question: the lookup is what it gets)."""

    def __init__(self, inner: MPNetEncoder, vectors: dict[str, np.ndarray]) -> None:
        self.__dict__.update(inner.__dict__)
        self.inner = inner
        self.vectors = vectors

    def embed(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if all(t in self.vectors for t in texts):
            return np.stack([self.vectors[t] for t in texts])
        return self.inner.embed(texts, batch_size)


def screen_configs(counts: Sequence[int] = (8, 32)) -> dict[str, Config]:
    """Product, every layer split (each K), every layer but one (K = 8), one layer alone
    (each of ``counts``): the most telling first, so a run cut short keeps them."""
    configs: dict[str, Config] = {"none": {}}
    for count in COUNTS:
        configs[f"0-11:{count}"] = dict.fromkeys(range(LAYERS), count)
    for layer in range(LAYERS):
        config = {other: 8 for other in range(LAYERS) if other != layer}
        configs[describe(config)] = config
    for count in counts:
        for layer in range(LAYERS):
            configs[f"{layer}:{count}"] = {layer: count}
    return configs


def hard_set(library: Library) -> dict[str, dict[str, float]]:
    """Hybrid search on the hard set: single- and multi-paper figures."""
    questions = load_questions("retrieval_questions_hard.jsonl")
    search = mode_search(library, "hybrid", library.settings.retrieval.rerank_model_weight)
    return {
        kind: evaluate(search, [q for q in questions if q["kind"] == kind])
        for kind in ("single", "multi")
    }


def related(library: Library) -> dict[str, object]:
    """``bench.related_quality``'s gates under the audited labels: the held-out judge's
    precision / recall (real drafts), the shipped judge's on all topics, the 12 candidates'
    share of the relevant papers."""
    topics = [
        q
        for name in ("retrieval_questions.jsonl", "retrieval_questions_hard.jsonl")
        for q in load_questions(name)
        if q["kind"] == "multi"
    ]
    _, verdicts = load_judgments()
    labels = audited_labels(verdicts)
    rows = ranked(library, topics)
    sigs, _ = judged(library, rows, topics)
    part = held_out(Drafts(library), rows, sigs, topics, labels)
    judge = part["judge_held_out"]
    assert isinstance(judge, dict)
    share = statistics.mean(
        sum(h.paper.paper_id in labels(t) for h in r[:POOL]) / len(labels(t))
        for t, r in zip(topics, rows, strict=True)
    )
    unjudged = sum(
        (str(t["id"]), h.paper.paper_id) not in verdicts
        for t, r in zip(topics, rows, strict=True)
        for h in r[:POOL]
    )
    return {
        "judge_held_out": [judge["precision"], judge["recall"]],
        "shipped_judge_on_all": part["shipped_judge_on_all"],
        "candidates_share": round(share, 4),
        "unjudged_candidates": unjudged,
    }


def cosines(vectors: np.ndarray, reference: np.ndarray) -> list[float]:
    cos = (vectors * reference).sum(axis=1)
    return [round(float(cos.mean()), 5), round(float(cos.min()), 4)]


def set_query_encoder(stores: Stores, encoder: MPNetEncoder) -> None:
    """The encoder search embeds queries with (the papers' vectors stay as stored)."""
    reranker = stores.reranker
    assert reranker is not None
    reranker.use_encoders(queries=encoder)


def screen(
    selector: SelectorEncoder,
    fp32: MPNetEncoder,
    product: tuple[Library, Stores],
    product_encoder: MPNetEncoder,
    chunks: list[str],
    counts: Sequence[int],
    keep: Callable[[dict[str, dict[str, object]]], None],
) -> dict[str, dict[str, object]]:
    """Each configuration of :func:`screen_configs`: its query vectors (and ``chunks``'s)
    against fp32 and the product's, and its queries searched in the product's library."""
    questions = [str(q["question"]) for q in load_questions("retrieval_questions_hard.jsonl")]
    reference = {"fp32": fp32.embed(questions), "product": product_encoder.embed(questions)}
    chunk_ref = fp32.embed(chunks, batch_size=1) if chunks else None
    library, stores = product
    out: dict[str, dict[str, object]] = {}
    for name, config in screen_configs(counts).items():
        selector.set(config)
        began = time.process_time()
        vectors = selector.embed(questions)
        row: dict[str, object] = {
            "query_cpu_ms": round(1000 * (time.process_time() - began) / len(questions), 1),
            "queries_to_fp32": cosines(vectors, reference["fp32"]),
            "queries_to_product": cosines(vectors, reference["product"]),
        }
        if chunk_ref is not None:
            row["chunks_to_fp32"] = cosines(selector.embed(chunks), chunk_ref)
        lookup = dict(zip(questions, vectors, strict=True))
        set_query_encoder(stores, CachedQueries(selector, lookup))
        row["hard"] = hard_set(library)
        out[name] = row
        keep(out)
        print(name, json.dumps(row), flush=True)
    set_query_encoder(stores, product_encoder)
    return out


def gate(
    folder: ModelFolder,
    config: Config,
    ranked_channels: Mapping[int, Sequence[int]],
    base: Path,
    work: Path,
    product: tuple[Library, Stores],
    product_encoder: MPNetEncoder,
    with_related: bool,
) -> tuple[MPNetEncoder, dict[str, object]]:
    """One configuration's real graph, the sample's phase 2 by it, and its quality figures
    in the three pairings (see the module)."""
    name = describe(config)
    graph = work / f"gate-{name.replace(':', 'k').replace(';', '_').replace(',', '+')}.onnx"
    outliers = outliers_for(config, ranked_channels)
    if outliers == {k: sorted(v) for k, v in OUTLIER_CHANNELS.items()}:
        graph = split_graph(folder)  # bench.phase2_speed's, built once in the model cache
    elif not graph.exists():  # (a kept --work folder keeps it)
        build_int8_graph(folder.weights, graph, outliers)
    encoder = MPNetEncoder(folder, precision="int8", graph=graph)
    home = work / f"sample-{graph.stem}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home)
    out: dict[str, object] = {"graph_mb": round(graph.stat().st_size / 1e6, 1)}
    out["sample_phase2_ms_per_paper"] = run_phase2(home, encoder)
    library, stores = open_with(home, encoder)
    with library:
        out["own"] = {"hard": hard_set(library)}
        if with_related:
            out["own"]["related"] = related(library)  # type: ignore[index]
        print(name, "own", json.dumps(out["own"]), flush=True)
        set_query_encoder(stores, product_encoder)
        out["product_queries"] = {"hard": hard_set(library)}
        if with_related:
            out["product_queries"]["related"] = related(library)  # type: ignore[index]
        print(name, "product queries", json.dumps(out["product_queries"]), flush=True)
    set_query_encoder(product[1], encoder)
    out["product_papers"] = {"hard": hard_set(product[0])}
    print(name, "product papers", json.dumps(out["product_papers"]), flush=True)
    set_query_encoder(product[1], product_encoder)
    return encoder, out


def real_papers(work: Path, count: int) -> list[Path]:
    """Papers 1,000 to 1,000 + ``count`` of the real corpus, as one JSONL file."""
    subset = write_subset(FIRST_PAPER + count, work)
    lines = subset.read_text(encoding="utf-8").split("\n")[FIRST_PAPER:]
    corpus = work / "papers.jsonl"
    corpus.write_text("\n".join(lines), encoding="utf-8")
    return [corpus]


def phase2_cpu(graphs: dict[str, MPNetEncoder], corpus: list[Path], work: Path) -> dict[str, Any]:
    """Phase 2 as ingest runs it with each graph on the same real papers (one after the
    other), and the forward pass alone with the graphs alternating paper by paper."""
    base = phase1_home(work / "real-phase1", corpus)
    copies = Path(tempfile.mkdtemp(prefix="real-", dir=work))
    whole: dict[str, dict[str, float]] = {}
    for name, encoder in graphs.items():
        home = copies / str(len(whole))
        shutil.copytree(base, home)
        whole[name] = run_phase2(home, encoder)
        print("phase 2", name, json.dumps(whole[name]), flush=True)
    papers = read_file(corpus[0]).papers
    texts, _ = chunk_texts(papers, next(iter(graphs.values())))
    parts = encoder_parts(graphs, texts)
    shutil.rmtree(copies, ignore_errors=True)
    return {"phase2_ms_per_paper": whole, "parts_ms_per_paper": parts, "papers": len(papers)}


def main() -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-screen", action="store_true")
    parser.add_argument("--gates", default="", help="configurations, '|' between them")
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--chunks", type=int, default=16)
    parser.add_argument("--sample-home", type=Path, default=None)
    parser.add_argument("--no-related", action="store_true")
    parser.add_argument("--screen-counts", default="8,32", help="K of the one-layer configs")
    parser.add_argument(
        "--work", type=Path, default=None, help="kept and reused: calibration, product's homes"
    )
    args = parser.parse_args()
    # Runs add up: a screen, then gates in later runs (each with the product beside it).
    result: dict[str, object] = previous_result("mpnet_layers")
    result["load_before"] = uptime()
    folder = materialise(load_settings().model_cache)
    work = args.work or Path(tempfile.mkdtemp(prefix="litreview-layers-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        saved = work / "calibration.json"
        if saved.exists():
            ranked_json, result["calibration"] = json.loads(saved.read_text())
            ranked_channels = {int(k): v for k, v in ranked_json.items()}
        else:
            ranked_channels, result["calibration"] = calibrate(folder)
            saved.write_text(json.dumps([ranked_channels, result["calibration"]]))
        result["ranked_channels"] = {str(k): v for k, v in ranked_channels.items()}
        print(json.dumps(result["calibration"]), flush=True)
        product_encoder = MPNetEncoder(folder, precision="int8", graph=before_graph(folder))
        base = args.sample_home or phase1_home(work / "sample-phase1", sample_paths())
        home = work / "sample-product"
        figures = work / "product.json"
        if not figures.exists():
            shutil.rmtree(home, ignore_errors=True)
            shutil.copytree(base, home)
            entry: dict[str, object] = {
                "sample_phase2_ms_per_paper": run_phase2(home, product_encoder)
            }
        product = open_with(home, product_encoder)
        if not figures.exists():
            entry["hard"] = hard_set(product[0])
            if not args.no_related:
                entry["related"] = related(product[0])
            figures.write_text(json.dumps(entry))
        result["product"] = json.loads(figures.read_text())
        print("product", json.dumps(result["product"]), flush=True)
        corpus = real_papers(work, args.papers)
        if not args.skip_screen:
            selector_path = work / "selector.onnx"
            if not selector_path.exists():
                build_selector(folder, ranked_channels, selector_path)
            selector = SelectorEncoder(folder, selector_path)
            fp32 = MPNetEncoder(folder, precision="fp32")
            texts, _ = chunk_texts(read_file(corpus[0]).papers, product_encoder)
            chunks = [t for paper in texts for t in paper]
            step = max(1, len(chunks) // max(1, args.chunks))
            chunks = chunks[::step][: args.chunks]
            result["screen_chunks"] = len(chunks)
            result["screen_date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

            def keep(rows: dict[str, dict[str, object]]) -> None:
                result["screen"] = rows
                save_result("mpnet_layers", result)

            counts = [int(c) for c in args.screen_counts.split(",") if c]
            screen(selector, fp32, product, product_encoder, chunks, counts, keep)
            del selector, fp32
        graphs: dict[str, MPNetEncoder] = {"none": product_encoder}
        gates = dict(result.get("gates") or {})  # type: ignore[call-overload]
        for spec in [s for s in args.gates.split("|") if s.strip()]:
            config = parse_config(spec)
            encoder, gates[describe(config)] = gate(
                folder,
                config,
                ranked_channels,
                base,
                work,
                product,
                product_encoder,
                not args.no_related,
            )
            graphs[describe(config)] = encoder
            result["gates"] = gates
            save_result("mpnet_layers", result)  # a gate's figures kept if a later one fails
        product[0].close()
        if len(graphs) > 1 and args.papers:
            real = phase2_cpu(graphs, corpus, work)
            for name in list(graphs)[1:]:
                gates[name]["real"] = {
                    "papers": real["papers"],
                    "phase2_ms_per_paper": {
                        key: real["phase2_ms_per_paper"][key] for key in ("none", name)
                    },
                    "parts_ms_per_paper": {
                        key: real["parts_ms_per_paper"][key] for key in ("none", name)
                    },
                    "load": uptime(),
                }
            result["gates"] = gates
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    save_result("mpnet_layers", stamped(result))
    return result


def _figures(entry: Mapping[str, Any]) -> str:
    single, multi = entry["hard"]["single"], entry["hard"]["multi"]
    text = (
        f"{single['recall@5']:.3f} / {single['mrr@10']:.4f}, "
        f"{multi['recall@5']:.3f} / {multi['recall@10']:.3f}"
    )
    rel = entry.get("related")
    if rel:
        p, r = rel["judge_held_out"]
        text += f", related {p:.3f} / {r:.3f}, share {rel['candidates_share']:.3f}"
    return text


def rows(result: Result) -> list[Row]:
    out: list[Row] = []
    screen_rows = result.get("screen") or {}
    if screen_rows:
        cells = [
            f"{name} {row['queries_to_product'][0]:.4f}, {row['hard']['multi']['recall@5']:.3f}"
            for name, row in screen_rows.items()
        ]
        out.append(
            (
                "MPNet int8, FFN output projection split per layer (`layers:K` = K outlier "
                "channels apart, the rest int8; others fp32), queries only, the sample embedded "
                "by the product (`bench.mpnet_layers`): query cosine to the product's, hard "
                "multi-paper R@5",
                "; ".join(cells),
            )
        )
    for name, entry in (result.get("gates") or {}).items():
        real = entry.get("real", {})
        whole = real.get("phase2_ms_per_paper", {})
        cpu = ""
        if whole:
            before, after = whole["none"]["total"], whole[name]["total"]
            cpu = f"{before} -> {after} CPU-ms/paper (x{after / before:.2f}); "
        out.append(
            (
                f"Split `{name}` (real graph): phase 2 on {real.get('papers', 0)} real papers "
                "beside the product's; hard set single R@5 / MRR@10, multi R@5 / R@10, related "
                "held-out judge P / R, candidates' share: product; its papers and queries; its "
                "papers with the product's queries",
                cpu
                + "; ".join(
                    _figures(e) for e in (result["product"], entry["own"], entry["product_queries"])
                ),
            )
        )
    return out


if __name__ == "__main__":
    main()
