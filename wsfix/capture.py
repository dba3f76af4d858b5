"""Opening captures and cutting them into records (lines of bytes).

A record is one line exactly as stored, end of line included (`\\n` or `\\r\\n`), so that joining
the records gives back the file byte for byte. Only `\\n` ends a line, as in JSON Lines; a lone
`\\r` is part of its line (JSON reads it as white space).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO

from wsfix.errors import InputError

STDIN = "-"


@contextlib.contextmanager
def open_capture(path: str) -> Iterator[BinaryIO]:
    """Open a capture for reading bytes; `-` is standard input. Raises InputError, never OSError."""
    if path == STDIN:
        yield sys.stdin.buffer
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
        yield stream


_CHUNK = 1 << 20


def iter_records(stream: BinaryIO, path: str) -> Iterator[bytes]:
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
