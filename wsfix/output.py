"""Output files written all or nothing, and outputs that are streams.

`atomic_output` writes a temp file beside the target, fsyncs it and renames it into place, with an
optional backup; a device, a pipe or the file standard output is open on is written through
instead. While an output is renamed into place or a failed write cleaned up, stop signals are held
(`signals_held`); the command line can have a stop that comes after a rename wait
(`stops_deferred`). No linting,
no printing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

from wsfix.errors import OutputError

# The output path that means standard output (`--out -`, `--output-file FORMAT:-`).
STDOUT = "-"


def refuse_same_file(source: str, target: str, in_place_hint: bool = False) -> None:
    """Raise OutputError if `target` is `source` under another name (symlink, hard link); with
    `in_place_hint` (a repair), the message points to --in-place."""
    try:
        same = os.path.samefile(source, target)
    except OSError:
        return  # the target does not exist yet
    if same:
        hint = "use --in-place to repair it in place" if in_place_hint else "an output must be another file"
        raise OutputError(f"{target}: is the input file {source} ({hint})")


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

    A new file gets the mode of `mode_from` (the input) when given; an existing one keeps its own.
    With `backup`, the current `target` is first copied to a temp file beside `backup`, which is
    renamed to `backup` together with the target's rename (see `_Stops.committing`); if the target is not
    replaced after all, there is no backup. `backup` itself is never followed: a symlink there is
    replaced by the backup, not written through, and a backup that is the target under another
    name is refused. If the body raises (an interrupt included) or discards, the temp files are
    removed and `target` is untouched. Raises OutputError for OS failures.

    A symlink at `target` is followed: the file it points to is replaced, the link stays. A stream
    (see `is_stream`: /dev/null, a named pipe, a terminal) is written to directly, as the shell's
    `>` would: replacing it would put a file where the device was. So is the file this process's
    standard output or error is open on (/dev/stdout with `> file`), through that descriptor: its
    offset and append mode are the shell's. There is nothing to write all or nothing then, and
    nothing to back up (an input repaired in place is a regular file: `open_capture` reads no
    other). A block device or a socket is refused (OutputError).
    """
    if not target:
        raise OutputError("an empty name is not an output file")
    _stops.deliver()  # a stop held since the last commit ends the run here, before this output
    descriptor = _stream_descriptor(target)
    if descriptor is not None:
        with _direct_output(target, descriptor) as handle:
            yield handle
        return
    path = os.path.realpath(target)  # through symlinks; a dangling one: the file it names is made
    if os.path.isdir(path):  # said before a temp file is made beside it
        raise OutputError(f"{target}: is a directory")
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise OutputError(f"{target}: folder {folder} does not exist")
    temp_path = _temp_name(path)
    backup_temp: str | None = None
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
        mode = _new_mode(path, mode_from)
        if mode is not None:
            os.chmod(temp_path, mode)
        if backup is not None:
            # Only now: a run that changes nothing (discards) makes no backup, and needs no place.
            _refuse_backup(target, backup)
            backup_temp = _temp_name(backup)  # named first, for the cleanup below
            _copy_to(path, backup_temp, backup)
        with _stops.committing():
            # The two renames, with no stop signal between them: either both happened (the
            # backup is the original, the target the new file) or neither (see the cleanup).
            if backup_temp is not None:
                os.replace(backup_temp, backup)  # type: ignore[arg-type]
                backup_made = True
            os.replace(temp_path, path)
            if _stops.deferring:
                _stops.committed.append(target)
    except BaseException as error:  # an interrupt or a signal too: never leave a temp file
        with signals_held():  # a second signal must not stop the cleanup halfway
            # os.replace consumes the temp file: while it exists, `target` is the original, and a
            # backup made here is only a stray copy of it. Once replaced, the backup is the original.
            if backup is not None and backup_made and os.path.lexists(temp_path):
                with contextlib.suppress(OSError):
                    os.unlink(backup)
            for leftover in (temp_path, backup_temp):
                if leftover is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(leftover)
        # A broken pipe is the reader of standard output (a --diff) going away, not this file.
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise OutputError(f"{target}: write failed: {error.strerror or error}") from error
        raise
    _fsync_folder(folder)


def _temp_name(path: str) -> str:
    # Named before it is created (unlike tempfile.mkstemp), so that an interrupt arriving at any
    # moment after its creation still finds it to remove; 64 random bits keep names unique.
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.{os.urandom(8).hex()}.wsfix-tmp")


def _new_mode(path: str, mode_from: str | None) -> int | None:
    """The mode of the file written at `path`: an existing regular file's own (`--force` over an
    output keeps it: a private file stays private), else `mode_from`'s, else None (the temp
    file's, as its writer set it). Raises OSError if `mode_from` is gone (the input vanished)."""
    given = stat.S_IMODE(os.stat(mode_from).st_mode) if mode_from is not None else None
    try:
        info = os.stat(path)
    except OSError:
        return given
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else given


def _refuse_backup(target: str, backup: str) -> None:
    """Raise OutputError unless `backup` is a name the backup of `target` may take: free, a
    regular file or a symlink (replaced, never followed), and not `target` under another name."""
    try:
        info = os.lstat(backup)
    except OSError:
        return  # not there: the backup is made
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{backup}: is a directory, not a place for a backup")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise OutputError(f"{backup}: is not a regular file, not a place for a backup")
    try:
        same = os.path.samefile(target, backup)
    except OSError:
        return  # a dangling link: replaced
    if same:
        raise OutputError(
            f"{backup}: is the file to back up under another name (a link to it), not a place for its backup"
        )


def _copy_to(source: str, temp_path: str, name: str) -> None:
    """Copy `source`, its mode and times, to the new file `temp_path` (to be renamed to `name`),
    fsynced. Raises OSError; OutputError if `source` cannot be read."""
    try:
        original = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise OutputError(f"{source}: cannot read it to back it up: {error.strerror or error}") from error
    with original:
        try:
            descriptor = os.open(temp_path, _TEMP_FLAGS, 0o600)
        except OSError as error:
            folder = os.path.dirname(temp_path) or "."
            raise OutputError(f"{name}: cannot write in {folder}: {error.strerror or error}") from error
        with os.fdopen(descriptor, "wb") as copy:
            try:
                shutil.copyfileobj(original, copy)
                copy.flush()
                os.fsync(copy.fileno())
            except OSError as error:
                raise OutputError(f"{name}: write failed: {error.strerror or error}") from error
    os.chmod(temp_path, stat.S_IMODE(os.stat(source).st_mode))
    with contextlib.suppress(OSError):
        shutil.copystat(source, temp_path)  # the times; the mode again


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


# What stops a run from outside (see wsfix.cli): held while an output is committed or cleaned up.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class _Held:
    """Stop signals noted instead of acted on, from `hold()` to `release()`.

    Held at Python's level (a handler that only notes the signal), not by masking: the kernel may
    hand a signal to any thread of the process, and the pool's threads mask nothing. Off the main
    thread handlers cannot be changed, and nothing is held (a library caller's own business).
    With `patience` 1, a second signal is not held but acted on at once (see `_Stops`).
    """

    def __init__(self, patience: int | None = None) -> None:
        self.noted: list[int] = []
        self.patience = patience
        self._previous: dict[int, Any] = {}

    def hold(self) -> None:
        try:
            for signum in _STOP_SIGNALS:
                self._previous[signum] = signal.signal(signum, self._note)
        except ValueError:  # not the main thread
            self.release(deliver=False)

    def _note(self, signum: int, frame: object) -> None:
        self.noted.append(signum)
        if self.patience is not None and len(self.noted) > self.patience:
            self.release()  # its own handler raises here, in whatever the main thread was doing

    def release(self, deliver: bool = True) -> None:
        """Put the handlers back; with `deliver`, hand them the signals noted (they may raise)."""
        previous, self._previous = self._previous, {}
        for signum, handler in previous.items():
            # None: a handler not set from Python (an embedding program's); the default stands in.
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        noted, self.noted = self.noted, []
        if deliver and previous:
            for signum in dict.fromkeys(noted):
                signal.raise_signal(signum)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP until the block is done, then deliver them.

    Cleaning up after the first signal takes a few system calls; a second signal's handler raising
    in the middle of them would leave the temp file.
    """
    held = _Held()
    held.hold()
    try:
        yield
    finally:
        held.release()


class _Stops:
    """Stop signals around the commit of an output (the renames that put it in place).

    During the renames stop signals are held: a backup is never made without its target being
    replaced. Afterwards they are delivered at once, unless the command line asked otherwise
    (`stops_deferred`): then a stop that comes once an output is in place waits for the next
    output to start (`deliver`, which ends the run before it) or for the command to end (where it
    is dropped: the run is done). A file whose output is in place is reported finished, never
    "stopped"; a second signal while one waits is not held, so wsfix can always be stopped.
    """

    def __init__(self) -> None:
        self.deferring = False
        self.after_commit: _Held | None = None
        self.committed: list[str] = []  # the outputs put in place while deferring, in order

    @contextlib.contextmanager
    def committing(self) -> Iterator[None]:
        # A stop waiting since an earlier output was put in place acts now, before this one is:
        # held again underneath, its handlers would stay installed for good.
        self.deliver()
        held = _Held()
        held.hold()
        try:
            yield
        except BaseException:
            held.release()
            raise
        if not self.deferring or len(held.noted) > 1:  # twice: stop now, the output is in place
            held.release()
            return
        held.patience = 1  # one signal waits; the next acts
        self.after_commit = held

    def deliver(self) -> None:
        """Act on a stop held since the last commit (its handler raises here)."""
        held, self.after_commit = self.after_commit, None
        if held is not None:
            held.release()

    def drop(self) -> None:
        """Forget a stop held since the last commit: the command is done."""
        held, self.after_commit = self.after_commit, None
        if held is not None:
            held.release(deliver=False)


_stops = _Stops()


@contextlib.contextmanager
def stops_deferred() -> Iterator[list[str]]:
    """For the command line: within the block, a stop signal arriving after an output was put in
    place does not cut that file's run short (see `_Stops`). Yields the list of outputs put in
    place so far (their names as given), for messages about a failure that comes after them."""
    _stops.deferring = True
    _stops.committed = []
    try:
        yield _stops.committed
    finally:
        _stops.deferring = False
        _stops.drop()


def _fsync_folder(folder: str) -> None:
    # Make the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
