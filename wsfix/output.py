"""Output files written all or nothing, and outputs that are streams.

`atomic_output` writes a temp file beside the target, fsyncs it and renames it into place, with an
optional backup; a device, a pipe or the file standard output is open on is written through
instead. While a failed write is cleaned up, stop signals are held (`signals_held`). No linting,
no printing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from wsfix.errors import OutputError


def refuse_same_file(source: str, target: str) -> None:
    """Raise OutputError if `target` is `source` under another name (symlink, hard link)."""
    try:
        same = os.path.samefile(source, target)
    except OSError:
        return  # the target does not exist yet
    if same:
        raise OutputError(f"{target}: is the input file {source} (use --in-place to repair it in place)")


# Written data stays in memory until the final fsync, which then waits for all of it (0.1-0.15 s
# for 280 MB here). Every WRITE_BEHIND bytes, the kernel is asked to start writing what came since
# (it does so while wsfix goes on linting, and the fsync finds little left to wait for) and to drop
# the stretch before that, written by now: the output then holds a few stretches of memory, not the
# whole file, and evicts nothing else from the cache. Measured (`benchmarks/write_behind.py`): a
# 1 M-line repair 3% faster with one process, 11% with two; starting alone, without the drop, was
# no faster with two (more system time).
WRITE_BEHIND = 8 << 20


class AtomicFile:
    """The temp file behind `atomic_output`: write to it, or `discard()` it to keep the target."""

    def __init__(self, stream: BinaryIO, replaces_target: bool = True) -> None:
        self.stream = stream
        # False when the target is a device, a pipe or the like, written to directly (see
        # `atomic_output`): there is no temp file, and nothing written can be taken back.
        self.replaces_target = replaces_target
        self.discarded = False
        self._write = stream.write
        self._written = 0
        self._handed_over = 0  # bytes the kernel has been asked to start writing
        self._dropped = 0  # bytes it has been asked to drop from memory

    def write(self, data: bytes) -> int:
        count = self._write(data)
        self._written += count
        if self._written - self._handed_over >= WRITE_BEHIND:
            self._write_behind()
        return count

    def write_parts(self, parts: Sequence[bytes | memoryview]) -> None:
        """Write `parts` one after another, as `write(b"".join(parts))` would, without joining
        them: the operating system gathers them (writev), so a repaired chunk is not copied once
        more in memory before it is written."""
        if not hasattr(os, "writev"):  # not on Windows
            self.write(b"".join(parts))
            return
        self.stream.flush()  # what `write` buffered goes first
        descriptor = self.stream.fileno()
        for first in range(0, len(parts), _MOST_PARTS):
            batch = parts[first : first + _MOST_PARTS]
            size = sum(map(len, batch))
            written = os.writev(descriptor, batch)
            if written < size:  # a short write (a signal, a nearly full disk): write the rest
                rest = memoryview(b"".join(batch))[written:]
                while rest:
                    rest = rest[os.write(descriptor, rest) :]
            self._written += size
        if self._written - self._handed_over >= WRITE_BEHIND:
            self._write_behind()

    def _write_behind(self) -> None:
        self.stream.flush()
        # POSIX_FADV_DONTNEED starts writing the pages still to be written and returns, and drops
        # those written (Linux); pages being written stay. Elsewhere the fsync does it all.
        if hasattr(os, "posix_fadvise") and self.replaces_target:
            descriptor = self.stream.fileno()
            with contextlib.suppress(OSError):
                os.posix_fadvise(
                    descriptor, self._handed_over, self._written - self._handed_over, os.POSIX_FADV_DONTNEED
                )
                if self._dropped < self._handed_over:
                    os.posix_fadvise(
                        descriptor, self._dropped, self._handed_over - self._dropped, os.POSIX_FADV_DONTNEED
                    )
        self._dropped = self._handed_over
        self._handed_over = self._written

    def discard(self) -> None:
        self.discarded = True


# How many buffers one writev may take (IOV_MAX; POSIX guarantees at least 16, Linux takes 1024).
try:
    _MOST_PARTS = max(os.sysconf("SC_IOV_MAX"), 16)
except (AttributeError, OSError, ValueError):
    _MOST_PARTS = 16


# O_EXCL: never open a file that is already there. O_BINARY and O_NOINHERIT exist on Windows only.
_TEMP_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOINHERIT", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


@contextlib.contextmanager
def atomic_output(
    target: str,
    mode_from: str | None = None,
    backup: str | None = None,
) -> Iterator[AtomicFile]:
    """Write `target` all or nothing: a temp file in its folder, fsync, then `os.replace`.

    The new file gets the mode of `mode_from` (the input) when given. With `backup`, the current
    `target` is first copied there (all or nothing too), just before it is replaced; if it is not
    replaced after all, that copy is removed again. If the body raises (an interrupt included) or
    discards, the temp file is removed and `target` is untouched. Raises OutputError for OS
    failures.

    A symlink is followed: the file it points to is replaced, the link stays. A stream (see
    `is_stream`: /dev/null, a named pipe, a terminal) is written to directly, as the shell's `>`
    would: replacing it would put a file where the device was. So is the file this process's
    standard output or error is open on (/dev/stdout with `> file`), through that descriptor: its
    offset and append mode are the shell's. There is nothing to write all or nothing then, and
    nothing to back up (an input repaired in place is a regular file: `open_capture` reads no
    other). A block device or a socket is refused (OutputError).
    """
    descriptor = _stream_descriptor(target)
    if descriptor is not None:
        with _direct_output(target, descriptor) as handle:
            yield handle
        return
    path = os.path.realpath(target)  # through symlinks; a dangling one: the file it names is made
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise OutputError(f"{target}: folder {folder} does not exist")
    # Named before it is created (unlike tempfile.mkstemp), so that an interrupt arriving at any
    # moment after its creation still finds it to remove; 64 random bits keep names unique.
    temp_path = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(8)}.wsfix-tmp")
    backup_made = False
    try:
        try:
            descriptor = os.open(temp_path, _TEMP_FLAGS, 0o600)
        except OSError as error:
            raise OutputError(f"{target}: cannot write in {folder}: {error.strerror or error}") from error
        with os.fdopen(descriptor, "wb") as stream:
            handle = AtomicFile(stream)
            yield handle
            if not handle.discarded:
                stream.flush()
                os.fsync(stream.fileno())
        if handle.discarded:
            os.unlink(temp_path)
            return
        if mode_from is not None:
            os.chmod(temp_path, stat.S_IMODE(os.stat(mode_from).st_mode))
        if backup is not None:
            copy_atomically(path, backup)
            backup_made = True
        os.replace(temp_path, path)
    except BaseException as error:  # an interrupt or a signal too: never leave the temp file
        with signals_held():  # a second signal must not stop the cleanup halfway
            # os.replace consumes the temp file: while it exists, `target` is the original, and a
            # backup made here is only a stray copy of it. Once replaced, the backup is the original.
            if backup is not None and backup_made and os.path.lexists(temp_path):
                with contextlib.suppress(OSError):
                    os.unlink(backup)
            with contextlib.suppress(OSError):
                os.unlink(temp_path)
        # A broken pipe is the reader of standard output (a --diff) going away, not this file.
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise OutputError(f"{target}: write failed: {error.strerror or error}") from error
        raise
    _fsync_folder(folder)


def is_stream(path: str) -> bool:
    """Whether `path` names (through symlinks) a character device or a named pipe: something to
    write to, not a file to replace (/dev/null, a terminal, a pipe, /dev/stdout on one)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def written_through(path: str) -> bool:
    """Whether `atomic_output` writes to `path` as it is, replacing nothing: a stream, or what
    standard output or error is open on."""
    return is_stream(path) or standard_stream(path) is not None


def standard_stream(path: str) -> int | None:
    """1 or 2 when `path` is what this process's standard output or error is open on
    (/dev/stdout, or the file the shell redirected it to), else None."""
    try:
        named = os.stat(path)
    except (OSError, ValueError):
        return None
    for descriptor in (1, 2):
        try:
            opened = os.fstat(descriptor)
        except OSError:
            continue
        if (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino):
            return descriptor
    return None


def refuse_unwritable(path: str) -> None:
    """Raise OutputError if `path` names something wsfix does not write to: a block device or a
    socket (a regular file, a stream or a name not taken is fine)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISBLK(mode):
        raise OutputError(f"{path}: is a block device (wsfix writes files, pipes and character devices)")
    if stat.S_ISSOCK(mode):
        raise OutputError(f"{path}: is a socket (wsfix writes files, pipes and character devices)")


def _stream_descriptor(target: str) -> int | None:
    """A new descriptor to write `target` through when it is not a file to replace (see
    `atomic_output`), else None. Raises OutputError."""
    refuse_unwritable(target)
    standard = standard_stream(target)
    if standard is not None:
        (sys.stdout if standard == 1 else sys.stderr).flush()  # what is printed there comes first
        return os.dup(standard)
    if not is_stream(target):
        return None
    try:
        # Not created (it exists), not truncated (that means nothing to a stream).
        return os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise OutputError(f"{target}: cannot write to it: {error.strerror or error}") from error


@contextlib.contextmanager
def _direct_output(target: str, descriptor: int) -> Iterator[AtomicFile]:
    """The open stream `descriptor` (for `target`) as an AtomicFile that replaces nothing."""
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield AtomicFile(stream, replaces_target=False)
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            raise
        raise OutputError(f"{target}: write failed: {error.strerror or error}") from error


# What stops a run from outside (see wsfix.cli): held while a failed write is cleaned up.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done, then deliver them.

    Cleaning up after the first signal takes a few system calls; a second signal's handler raising
    in the middle of them would leave the temp file. Held at Python's level (a handler that only
    notes the signal), not by masking: the kernel may hand a signal to any thread of the process,
    and the pool's threads mask nothing. Off the main thread handlers cannot be changed, and the
    block just runs (a library caller's own business).
    """
    noted: list[int] = []
    previous: dict[int, Any] = {}

    def restore() -> None:
        for signum, handler in previous.items():
            # None: a handler not set from Python (an embedding program's); the default stands in.
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)

    try:
        for signum in _STOP_SIGNALS:
            previous[signum] = signal.signal(signum, lambda signum, frame: noted.append(signum))
    except ValueError:  # not the main thread
        restore()
        yield
        return
    try:
        yield
    finally:
        restore()
        for signum in dict.fromkeys(noted):  # now to their own handlers, which may raise
            signal.raise_signal(signum)


def copy_atomically(source: str, target: str) -> None:
    """Copy `source` to `target` all or nothing, with its mode and times. Raises OutputError."""
    try:
        original = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise OutputError(f"{source}: cannot read it to back it up: {error.strerror or error}") from error
    with original, atomic_output(target, mode_from=source) as out:
        shutil.copyfileobj(original, out.stream)
    with contextlib.suppress(OSError):
        shutil.copystat(source, target)


def _fsync_folder(folder: str) -> None:
    # Make the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
