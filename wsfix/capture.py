"""Opening captures, and the one place that cuts them into chunks of whole lines.

A line is kept exactly as stored, end of line included (`\\n` or `\\r\\n`), so that joining the
chunks gives back the file byte for byte. Only `\\n` ends a line, as in JSON Lines; a lone `\\r` is
part of its line (JSON reads it as white space). `stream_chunks` cuts a stream read in order;
`file_ranges` cuts a regular file into byte ranges that worker processes read themselves.

A gzip-compressed capture (recognised by its magic bytes, whatever its name) is read
decompressed; everything above sees only the decompressed bytes. `CaptureStream.head` shows the
first MiB before it is read, for format detection. A path that is a URL (`s3://…`) is opened
through `wsfix.remote` (fsspec); a local path never loads it.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO, Protocol

from wsfix.errors import InputError

STDIN = "-"  # the capture path that means standard input (an output's is `output.STDOUT`)
GZIP_MAGIC = b"\x1f\x8b"
HEAD_SIZE = 1 << 20


class CaptureStream:
    """A capture's bytes, decompressed if gzip'd, with its first bytes (`head`) available before
    they are read. Reading raises InputError for a corrupt gzip stream."""

    def __init__(self, raw: BinaryIO, path: str, size: int | None = None) -> None:
        self._raw = raw
        self._path = path
        self._size = size  # an object's size, told by its store (it has no file descriptor)
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
        if self._size is not None:
            return self._size
        try:
            info = os.fstat(self._raw.fileno())
        except (OSError, AttributeError, ValueError):
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def local_size(self) -> int | None:
        """The size in bytes of a capture that is a local file read as stored (not gzip'd, not
        standard input, not an object in a store), else None: only such a capture can be read
        by byte ranges, as worker processes read their chunks."""
        size = self.stored_size()
        return None if size is None or self._size is not None else size

    def size_hint(self) -> int | None:
        """About how many bytes the capture holds, to choose how many processes read it: its size
        as stored, or for a gzip'd file four times that (JSON captures compress five to ten
        times: a low estimate); None for standard input."""
        size = self.stored_size()
        if size is not None or not self.compressed or self._path == STDIN:
            return size
        if self._size is not None:  # an object in a store, as its store tells
            return 4 * self._size
        try:
            return 4 * os.fstat(self._raw.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            return None

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
    """Open a capture for reading bytes (decompressed); `-` is standard input, a URL an object
    in a store (`wsfix.remote`). Raises InputError, never OSError."""
    if path == STDIN:
        yield CaptureStream(sys.stdin.buffer, path)
        return
    if "://" in path:  # checked first: a local path does not even import wsfix.remote
        from wsfix import remote

        if remote.is_url(path):
            with remote.open_object(path) as (stream, size):
                yield CaptureStream(stream, path, size)
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


CHUNK_BYTES = 4 << 20  # the default size of a chunk of whole lines (see `wsfix.parallel`)
# What is linted at a time: big enough that the per-piece work is lost in the per-line work, small
# enough that a piece's bytes, and the interpreter's own working set, are still in the processor's
# cache when its lines are linted (measured: 1 MiB at a time ran 15% slower than 64 KiB; 128 KiB
# ran 1-3% faster than 64 KiB on clean and 10%-broken captures, and as fast where every line is
# broken).
PIECE_BYTES = 1 << 17
# The least `file_ranges` tapers a range to: a range costs its process a message and a result
# (about a millisecond); a 256 KiB range of lines all broken is some 15 ms of work.
TAPER_MIN_BYTES = 1 << 18


class Readable(Protocol):
    def read(self, count: int, /) -> bytes: ...


def stream_chunks(stream: Readable, path: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Whole lines of `stream`, about `chunk_bytes` at a time (a longer line comes whole).

    Each piece but the last ends with \\n. Raises InputError if reading fails.
    """
    pending: list[bytes] = []
    while True:
        try:
            data = stream.read(chunk_bytes)
        except OSError as error:
            raise InputError(f"{path}: read failed: {error.strerror or error}") from error
        if not data:
            break
        cut = data.rfind(b"\n") + 1
        if not cut:  # no line ends here: part of a long line
            pending.append(data)
            continue
        if pending:
            pending.append(data[:cut])
            yield b"".join(pending)
            pending.clear()
        else:
            yield data if cut == len(data) else data[:cut]
        if cut < len(data):
            pending.append(data[cut:])
    if pending:
        yield b"".join(pending)


def file_ranges(
    stream: BinaryIO,
    path: str,
    size: int,
    chunk_bytes: int = CHUNK_BYTES,
    current_size: Callable[[], int] | None = None,
    start: int = 0,
    processes: int = 1,
) -> Iterator[tuple[int, int]]:
    """Byte ranges of whole lines covering the first `size` bytes of the open file `stream`,
    about `chunk_bytes` each. Reads only a little around each cut.

    With `current_size`, the file's size is asked again before the last range: a file that grew
    (a live log) is covered to its new end, as reading it in order would, and its last old line
    is not cut where the old end was. `start` (a line's start) is where the first range begins.

    With several `processes` taking ranges in turn, the ranges taper off towards the end (each at
    most a `2 * processes`th of what is left, down to `TAPER_MIN_BYTES`), so that the processes
    finish nearly together: with ranges of one size, one could still be busy with a whole range
    while the others had nothing left (200,000 lines all broken, two processes: one finished 0.1 s
    after the other, of 1.6 s).
    """
    while start < size:
        length = chunk_bytes
        if processes > 1:
            length = max(min(length, (size - start) // (2 * processes)), min(length, TAPER_MIN_BYTES))
        end = start + length
        if end >= size:
            grown = current_size() if current_size is not None else size
            if grown > size:
                size = grown
                continue
            yield start, size
            return
        # The range ends after the first \n at or beyond byte end - 1.
        position = end - 1
        while True:
            try:
                stream.seek(position)
                block = stream.read(1 << 16)
            except OSError as error:
                raise InputError(f"{path}: read failed: {error.strerror or error}") from error
            found = block.find(b"\n")
            if found >= 0:
                end = min(position + found + 1, size)
                break
            if len(block) < 1 << 16:
                end = size
                break
            position += len(block)
        yield start, end
        start = end


def line_count(data: bytes) -> int:
    """The lines `data` holds: a last one without its \\n counts."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def iter_lines(stream: Readable, path: str) -> Iterator[bytes]:
    """The lines of a capture read in order, each with its end of line (from `stream_chunks`)."""
    for chunk in stream_chunks(stream, path, 1 << 20):
        # BytesIO splits at \n only, as JSON Lines does (bytes.splitlines would split at \r too).
        yield from io.BytesIO(chunk)
