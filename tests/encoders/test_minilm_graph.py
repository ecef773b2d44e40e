"""The MiniLM graph without NaN guards: only true guards go, and the vectors stay the same."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from litreview.encoders import minilm
from litreview.encoders.minilm_graph import remove_nan_guards, unguarded


def _guarded_softmax(fill: float, extra_user: bool = False) -> onnx.ModelProto:
    """x + mask -> Softmax -> Where(IsNaN(p), 0, p) -> y (and, if asked, IsNaN(p) as an output)."""
    nodes = [
        helper.make_node("Add", ["x", "mask"], ["s"]),
        helper.make_node("Softmax", ["s"], ["p"], axis=-1),
        helper.make_node("IsNaN", ["p"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "p"], ["guarded"]),
        helper.make_node("Identity", ["guarded"], ["y"]),
    ]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])]
    if extra_user:
        nodes.append(helper.make_node("Not", ["nan"], ["finite"]))
        outputs.append(helper.make_tensor_value_info("finite", TensorProto.BOOL, [2, 3]))
    graph = helper.make_graph(
        nodes,
        "guarded",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        outputs,
        [
            numpy_helper.from_array(np.array([0.0, fill, fill], np.float32), "mask"),
            numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(["y"], {"x": x})[0])


def test_a_guard_behind_a_finite_mask_is_removed_and_the_output_is_unchanged() -> None:
    model = _guarded_softmax(float(np.finfo(np.float32).min))
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]], np.float32)
    before = _run(model, x)
    assert remove_nan_guards(model) == 1
    assert {n.op_type for n in model.graph.node} == {"Add", "Softmax", "Identity"}
    assert np.array_equal(_run(model, x), before)


def test_a_guard_is_kept_when_a_constant_is_infinite() -> None:
    """With an -inf mask a fully masked row is NaN, and the guard is what zeroes it."""
    model = _guarded_softmax(float("-inf"))
    assert remove_nan_guards(model) == 0
    assert sum(n.op_type == "Where" for n in model.graph.node) == 1


def test_a_guard_whose_test_is_used_elsewhere_is_kept() -> None:
    model = _guarded_softmax(float(np.finfo(np.float32).min), extra_user=True)
    assert remove_nan_guards(model) == 0


@pytest.mark.slow
def test_the_shipped_model_unguarded_gives_bit_identical_vectors() -> None:
    """Six guards (one a layer) go, and every output element is the same, padded or not."""
    model = onnx.load(str(minilm.model_path()))
    assert remove_nan_guards(model) == 6
    assert not any(n.op_type == "IsNaN" for n in model.graph.node)
    options = minilm.session_options()
    shipped = ort.InferenceSession(str(minilm.model_path()), options)
    edited = ort.InferenceSession(unguarded(minilm.model_path()), options)
    tokenizer = minilm._Model.get().tokenizer
    texts = [
        "Attention is all you need. The dominant sequence transduction models are based on "
        "complex recurrent or convolutional neural networks. " * 4,
        "short",
        "",
    ]
    encodings = tokenizer.encode_batch(texts)
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), width), np.int64)
    mask = np.zeros_like(ids)
    for row, enc in enumerate(encodings):
        ids[row, : len(enc.ids)] = enc.ids
        mask[row, : len(enc.ids)] = 1
    for rows in ([0], [1], [0, 1, 2]):  # unpadded, padded, and together
        feeds = {"input_ids": ids[rows], "attention_mask": mask[rows]}
        feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
        a, b = shipped.run(None, feeds)[0], edited.run(None, feeds)[0]
        assert np.array_equal(a, b)
        assert np.isfinite(b).all()


def test_the_first_use_decides_the_graph_and_later_uses_share_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An ingest's first encode builds the unguarded graph; a later search reuses it."""
    from litreview.encoders import minilm_graph

    built: list[object] = []

    def spy(path: object) -> bytes:
        built.append(path)
        return minilm.model_path().read_bytes()

    monkeypatch.setattr(minilm_graph, "unguarded", spy)
    model = minilm._Model()
    session = model.session(bulk=True)
    assert built == [minilm.model_path()]
    assert model.session() is session and model.session(bulk=True) is session
    assert built == [minilm.model_path()]
    assert minilm._Model().session() is not None and len(built) == 1  # a search: the file


@pytest.mark.slow
def test_bulk_and_search_encodes_give_the_same_vectors_and_token_vectors() -> None:
    texts = ["Dense passage retrieval for open-domain question answering. " * 3, "BM25"]
    bulk = minilm._Model().encode(texts, batch_size=8, keep_tokens=True, bulk=True)
    plain = minilm._Model().encode(texts, batch_size=8, keep_tokens=True)
    assert np.array_equal(bulk.vectors, plain.vectors)
    for a, b in zip(bulk.tokens, plain.tokens, strict=True):
        assert np.array_equal(a.vectors, b.vectors) and a.tokens == b.tokens
