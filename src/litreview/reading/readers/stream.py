"""Big files read a line at a time: JSON Lines, plain or gzip-compressed.

Why: reading a 50,000-abstract JSONL as one string held the bytes, the
decoded text (four bytes a character once one non-Latin-1 character is in
it), a copy with line ends normalised and the list of lines, all at once:
several hundred megabytes before a paper was built. Line by line, only the
papers read so far are kept, and a ``.gz`` file is decompressed as it is
read. The file is still validated completely before anything is returned.
A line ends at ``\n``, ``\r\n`` or a lone ``\r`` (files saved by old Mac
software), as Python's text mode would split them.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from litreview.reading.errors import LibraryFileError

GZIP_MAGIC = b"\x1f\x8b"
LINE_END = re.compile(rb"\r\n|\r|\n")
BLOCK = 1 << 16


def inner_suffix(path: Path) -> str:
    """The suffix that says the format: ``.jsonl`` for ``papers.jsonl.gz`` (text formats
    only: a compressed PDF or database keeps ``.gz``, which no reader takes)."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        inner = Path(path.stem).suffix.lower()
        return inner if inner not in (".pdf", ".sqlite") else suffix
    return suffix


def open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed if it is gzip (by its name or by its first bytes)."""
    try:
        raw = path.open("rb")
        if path.suffix.lower() == ".gz" or raw.read(2) == GZIP_MAGIC:
            raw.close()
            return gzip.open(path, "rb")  # type: ignore[return-value]
        raw.seek(0)
        return raw
    except OSError as exc:
        raise LibraryFileError(path, f"cannot read: {exc.strerror or exc}") from exc


def read_gz_text(path: Path) -> bytes:
    """A whole compressed file's bytes (for formats that are not read line by line)."""
    with open_binary(path) as stream:
        try:
            return stream.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise LibraryFileError(path, f"not a readable gzip file ({exc})") from exc


def raw_lines(stream: IO[bytes], block: int = BLOCK) -> Iterator[bytes]:
    """The stream's lines without their ends, split at ``\n``, ``\r\n`` or ``\r``.

    Read a block at a time (iterating a binary file splits at ``\n`` only, so a
    ``\r``-only file was one line); a ``\r\n`` cut between two blocks is one end.
    """
    pending = b""
    after_cr = False  # the last block ended with \r: a \n opening the next one ends nothing
    while data := stream.read(block):
        if after_cr and data.startswith(b"\n"):
            data = data[1:]
        after_cr = data.endswith(b"\r")
        pending += data
        *lines, pending = LINE_END.split(pending)
        yield from lines
    if pending:
        yield pending


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, decoded as UTF-8; errors name their line."""
    any_text = False
    with open_binary(path) as stream:
        number = 0
        try:
            for number, raw in enumerate(raw_lines(stream), start=1):
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                    if b"\x00" in raw[:8192]:
                        raise LibraryFileError(path, "looks like a binary file, not text", 1)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise LibraryFileError(
                        path,
                        f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8",
                        number,
                    ) from exc
                if line.strip():
                    any_text = True
                yield number, line
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise LibraryFileError(
                path, f"the compressed file is damaged or cut short ({exc})", number + 1
            ) from exc
    if not any_text:
        raise LibraryFileError(path, "file is empty")
