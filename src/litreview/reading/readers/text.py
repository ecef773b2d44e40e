"""Bytes to text, with the errors a person can act on."""

from __future__ import annotations

from pathlib import Path

from litreview.reading.errors import LibraryFileError


def decode(path: Path) -> str:
    """UTF-8 text of a file; empty, binary and mis-encoded files are errors with a line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LibraryFileError(path, f"cannot read: {exc.strerror or exc}") from exc
    return decode_bytes(path, data)


def decode_bytes(path: Path, data: bytes) -> str:
    """UTF-8 text of a file's bytes (read, or decompressed); errors name ``path``."""
    if not data.strip():
        raise LibraryFileError(path, "file is empty")
    if b"\x00" in data[:8192]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise LibraryFileError(path, "looks like a binary file, not text", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LibraryFileError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8",
            line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")
