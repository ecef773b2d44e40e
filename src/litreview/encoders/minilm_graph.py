"""The shipped MiniLM graph without its softmax NaN guards: the same vectors for less CPU.

Why: the ONNX file was exported from PyTorch's scaled-dot-product attention,
which follows each layer's softmax with ``Where(IsNaN(p), 0, p)`` in case a
row was masked out entirely (all ``-inf``). This graph masks with a finite
number (``float32``'s lowest, an initializer), so a softmax row is never NaN
and the guard returns its input unchanged; onnxruntime still runs it, over a
heads x tokens x tokens tensor per layer, and its ``Where`` kernel is slow:
about 14% of the model's kernel time on 213-token abstracts, 8-9% of phase
1's CPU once the guards are gone (``bench/phase1_cpu.py``). Removing the six
guards gives bit-identical outputs (tested), so a vector never depends on
which graph made it.

Built in memory rather than cached on disk: importing ``onnx`` and editing
costs ~0.25 CPU-seconds, which an ingest pays once; a search's process loads
the shipped file as it is (:mod:`.minilm` decides which), as 0.25 s would be
a fifth of a first search.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnx


def remove_nan_guards(model: onnx.ModelProto) -> int:
    """Drop every ``Where(IsNaN(x), c, x)`` of ``model`` in place (its users read ``x``).

    Only when no float initializer is infinite or NaN: then the graph's own
    constants cannot make a softmax row all ``-inf``, the one way a guard
    changes anything. Returns how many guards were removed (0: the model is
    left as it was).
    """
    import numpy as np
    from onnx import TensorProto, numpy_helper

    graph = model.graph
    floats = [i for i in graph.initializer if i.data_type == TensorProto.FLOAT]
    if not all(np.isfinite(numpy_helper.to_array(i)).all() for i in floats):
        return 0
    nan_tests = {n.output[0]: n for n in graph.node if n.op_type == "IsNaN"}
    users: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            users[name] = users.get(name, 0) + 1
    outputs = {o.name for o in graph.output}
    doomed: list[onnx.NodeProto] = []
    passed_through: dict[str, str] = {}  # a guard's output -> the tensor it guarded
    for node in graph.node:
        test = nan_tests.get(node.input[0]) if node.op_type == "Where" else None
        if (
            test is not None
            and node.input[2] == test.input[0]
            and users[test.output[0]] == 1  # the IsNaN serves this guard alone
            and node.output[0] not in outputs
        ):
            doomed += [node, test]
            passed_through[node.output[0]] = node.input[2]
    for node in doomed:
        graph.node.remove(node)
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in passed_through:
                node.input[i] = passed_through[name]
    return len(doomed) // 2


def unguarded(path: Path) -> bytes:
    """The model at ``path`` without its NaN guards, serialised (the file's bytes if none)."""
    import onnx

    model = onnx.load(str(path))
    if remove_nan_guards(model) == 0:
        return path.read_bytes()
    return bytes(model.SerializeToString())
