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
        line, byte = undecodable_lines(data)[0]
        raise LibraryFileError(path, not_utf8(byte), line) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def undecodable_lines(data: bytes) -> list[tuple[int, int]]:
    """Each line of ``data`` that is not UTF-8, with its first bad byte: which line to fix,
    not only that the file is wrong (a reader stops at the first; a questions file lists
    them all)."""
    lines = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    found = []
    for number, raw in enumerate(lines.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append((number, raw[exc.start]))
    return found


def not_utf8(byte: int) -> str:
    """What is said of a line that is not UTF-8."""
    return f"not valid UTF-8 (byte 0x{byte:02x}); re-save the file as UTF-8"
