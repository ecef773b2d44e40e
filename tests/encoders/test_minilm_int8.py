"""MiniLM's int8 graph: built the same every time, and close to the shipped graph's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from litreview.encoders import minilm
from litreview.encoders.minilm import Graph, MiniLMEmbedder
from litreview.encoders.minilm_int8 import (
    INT8_MODEL_ID,
    SPLIT_GRAPH_NAME,
    MiniLMGraphFailed,
    build_in_child,
    build_int8_graph,
    folded,
    graph_path,
    kept_in_fp32,
    remove_padding_mask,
    split_ffn_outputs,
)
from litreview.encoders.minilm_outliers import OUTLIER_CHANNELS

TEXTS = [
    "Attention is all you need. The dominant sequence transduction models are based on "
    "complex recurrent or convolutional neural networks that include an encoder and a decoder.",
    "We train a dense retriever for open-domain question answering with in-batch negatives, "
    "and it outperforms a strong BM25 system by 9-19% absolute in top-20 passage accuracy.",
    "graph neural networks",
    "How can a model be trained when it does not fit in GPU memory?",
]


@pytest.fixture(scope="module")
def int8_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("minilm") / SPLIT_GRAPH_NAME  # new libraries' graph
    build_int8_graph(minilm.model_path(), target)
    return target


@pytest.mark.slow
def test_the_graph_is_built_the_same_every_time(int8_file: Path, tmp_path: Path) -> None:
    """Built in a child process (as the product does) from the shipped file: the same bytes,
    so every machine's int8 library has the same vectors."""
    again = graph_path(tmp_path / "cache", minilm.model_path())
    assert again is not None and again.name == SPLIT_GRAPH_NAME
    assert again.read_bytes() == int8_file.read_bytes()
    assert not [p for p in again.parent.iterdir() if p.name.startswith(".")], "no scratch left"
    assert graph_path(tmp_path / "cache", minilm.model_path(), build=False) == again


@pytest.mark.slow
def test_the_int8_vectors_are_close_to_the_shipped_graphs(int8_file: Path) -> None:
    """The weights are the stored int8 ones; only the activations' quantisation moves the
    vectors (bench/minilm_int8.py: pooled cosine 0.998 mean on real chunks)."""
    shipped = MiniLMEmbedder().encode(TEXTS)
    int8 = MiniLMEmbedder(graph=Graph(INT8_MODEL_ID, lambda: int8_file)).encode(TEXTS)
    pooled = (shipped.vectors * int8.vectors).sum(axis=1)
    assert pooled.min() > 0.99, pooled
    assert not np.array_equal(shipped.vectors, int8.vectors), "really another graph"
    tokens = np.concatenate(
        [
            (a.vectors * b.vectors).sum(axis=1)
            for a, b in zip(shipped.tokens, int8.tokens, strict=True)
        ]
    )
    assert tokens.mean() > 0.98 and tokens.min() > 0.9, (tokens.mean(), tokens.min())


@pytest.mark.slow
def test_an_int8_text_has_the_same_vectors_alone_and_among_others(int8_file: Path) -> None:
    """Dynamic int8 quantises a whole batch with one scale: the graph runs one text a pass,
    so a question (always alone) meets papers embedded the same way."""
    embedder = MiniLMEmbedder(batch_size=8, graph=Graph(INT8_MODEL_ID, lambda: int8_file))
    together = embedder.encode(TEXTS)
    for i, text in enumerate(TEXTS):
        alone = embedder.encode([text])
        assert np.array_equal(alone.vectors[0], together.vectors[i])
        assert np.array_equal(alone.tokens[0].vectors, together.tokens[i].vectors)


@pytest.mark.slow
def test_the_graph_without_its_padding_mask_gives_the_same_vectors(
    int8_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One text a pass is never padded, so the mask each layer added was zeros: the graph
    without it (the product's, -v2) gives the vectors of the graph with it, bit for bit."""
    model = folded(minilm.model_path())
    assert remove_padding_mask(model) == 6  # one Add a layer
    assert "attention_mask" in {i.name for i in model.graph.input}  # declared, unread
    assert not {n.op_type for n in model.graph.node} & {"Where", "GatherND"}
    assert remove_padding_mask(model) == 0  # nothing left to remove

    monkeypatch.setattr("litreview.encoders.minilm_int8.remove_padding_mask", lambda m: 0)
    masked = tmp_path / "masked.onnx"
    build_int8_graph(minilm.model_path(), masked, OUTLIER_CHANNELS)
    assert masked.stat().st_size > int8_file.stat().st_size  # the mask's nodes were there
    texts = [*TEXTS, " ".join(TEXTS) * 3]  # and one cut at the window
    minilm._Model._instance = None  # one session per graph id: a new model for each file
    try:
        without = MiniLMEmbedder(graph=Graph(INT8_MODEL_ID, lambda: int8_file)).encode(texts)
        minilm._Model._instance = None
        with_mask = MiniLMEmbedder(graph=Graph(INT8_MODEL_ID, lambda: masked)).encode(texts)
    finally:
        minilm._Model._instance = None
    assert np.array_equal(without.vectors, with_mask.vectors)
    for a, b in zip(without.tokens, with_mask.tokens, strict=True):
        assert np.array_equal(a.vectors, b.vectors)


def test_splitting_the_ffn_output_projections_computes_the_same_function() -> None:
    """Each FFN split in two (its 8 outlier GELU channels apart, :mod:`.minilm_outliers`) is
    the same sum in fp32: only quantising the other 1,528 channels moves the vectors; the
    outliers' products stay fp32 beside the attention products."""
    import onnxruntime as ort

    whole = folded(minilm.model_path())
    remove_padding_mask(whole)
    split = folded(minilm.model_path())
    remove_padding_mask(split)
    assert split_ffn_outputs(split, OUTLIER_CHANNELS) == 6
    kept = kept_in_fp32(split)
    assert sum(name.endswith(".outliers") for name in kept) == 12  # up and down, six layers
    assert len(kept) == 24, "and the attention's two products a layer"
    assert len(kept_in_fp32(whole)) == 18, "whole: the FFN output projection stays fp32"
    tokenizer = minilm._Model.get().tokenizer
    sessions = [
        ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
        for m in (whole, split)
    ]
    for text in TEXTS:
        ids = np.asarray([tokenizer.encode(text).ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        names = {i.name for i in sessions[0].get_inputs()}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        a, b = (s.run(None, feeds)[0] for s in sessions)
        assert np.allclose(a, b, atol=1e-4), np.abs(a - b).max()


def test_a_failed_build_is_one_message(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model.onnx"
    with pytest.raises(
        MiniLMGraphFailed, match=r"MiniLM's int8 graph .* stopped: .*run the command"
    ):
        build_in_child(missing, tmp_path / "cache" / SPLIT_GRAPH_NAME)
