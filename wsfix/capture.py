"""Opening captures and cutting them into records (lines of bytes).

A record is one line exactly as stored, end of line included (`\\n` or `\\r\\n`), so that joining
the records gives back the file byte for byte. Only `\\n` ends a line, as in JSON Lines; a lone
`\\r` is part of its line (JSON reads it as white space).

A gzip-compressed capture (recognised by its magic bytes, whatever its name) is read
decompressed; everything above sees only the decompressed bytes. `CaptureStream.head` shows the
first MiB before it is read, for format detection.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from wsfix.errors import InputError

STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"
HEAD_SIZE = 1 << 20


class CaptureStream:
    """A capture's bytes, decompressed if gzip'd, with its first bytes (`head`) available before
    they are read. Reading raises InputError for a corrupt gzip stream."""

    def __init__(self, raw: BinaryIO, path: str) -> None:
        self._raw = raw
        self._path = path
        self._source: BinaryIO | _Chain | None = None
        self._buffer = b""
        self.compressed = False

    def _open(self) -> BinaryIO | _Chain:
        if self._source is None:
            try:
                magic = self._raw.read(2)
            except OSError as error:
                raise InputError(f"{self._path}: read failed: {error.strerror or error}") from error
            chain = _Chain(magic, self._raw)
            if magic == GZIP_MAGIC:
                self.compressed = True
                self._source = gzip.GzipFile(fileobj=chain, mode="rb")  # type: ignore[call-overload]
            else:
                self._source = chain
        return self._source

    def _read_source(self, size: int) -> bytes:
        try:
            return self._open().read(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise InputError(f"{self._path}: not a valid gzip file: {error}") from None

    def stored_size(self) -> int | None:
        """The size in bytes of a capture read as it is stored: a regular file, not gzip'd, not
        standard input; else None. Only such a capture can be split by byte offsets (or its
        progress told in them)."""
        self._open()
        if self.compressed or self._path == STDIN:
            return None
        try:
            info = os.fstat(self._raw.fileno())
        except (OSError, AttributeError, ValueError):
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def head(self, size: int = HEAD_SIZE) -> bytes:
        """The first `size` bytes (fewer if the capture is shorter), without consuming them."""
        while len(self._buffer) < size:
            chunk = self._read_source(size - len(self._buffer))
            if not chunk:
                break
            self._buffer += chunk
        return self._buffer[:size]

    def read(self, size: int = -1) -> bytes:
        if self._buffer:
            if size < 0:
                data, self._buffer = self._buffer + self._read_source(-1), b""
                return data
            data, self._buffer = self._buffer[:size], self._buffer[size:]
            return data
        return self._read_source(size)


class _Chain:
    """`first`, then the rest of `rest`: a stream whose first bytes were already read."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self._first = first
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._first:
            return self._rest.read(size)
        if size < 0:
            data, self._first = self._first + self._rest.read(), b""
            return data
        data, self._first = self._first[:size], self._first[size:]
        return data


@contextlib.contextmanager
def open_capture(path: str) -> Iterator[CaptureStream]:
    """Open a capture for reading bytes (decompressed); `-` is standard input. Raises
    InputError, never OSError."""
    if path == STDIN:
        yield CaptureStream(sys.stdin.buffer, path)
        return
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a directory, not a capture file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a regular file (to read a pipe, use - for standard input)")
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
    with stream:
        yield CaptureStream(stream, path)


_CHUNK = 1 << 20


def iter_records(stream: BinaryIO | CaptureStream, path: str) -> Iterator[bytes]:
    """The records of a capture, in order; each keeps its end of line.

    Reads in 1 MiB chunks and splits in C, which is faster than `readline` per record. A record
    longer than a chunk is collected as a list of chunks and joined once, so a single 50 MB line
    costs linear time, not a copy per chunk. Raises InputError (naming `path`) if reading fails
    midway.
    """
    read = stream.read
    pending: list[bytes] = []  # the start of a record whose end is not read yet
    while True:
        try:
            chunk = read(_CHUNK)
        except OSError as error:
            raise InputError(f"{path}: read failed: {error.strerror or error}") from error
        if not chunk:
            break
        if pending:
            if b"\n" not in chunk:
                pending.append(chunk)
                continue
            pending.append(chunk)
            chunk = b"".join(pending)
        lines = chunk.split(b"\n")
        last = lines.pop()
        pending = [last] if last else []
        for line in lines:
            yield line + b"\n"
    if pending:
        yield b"".join(pending)
