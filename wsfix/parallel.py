"""Linting a capture in chunks of whole lines, in this process or in a pool of worker processes.

A capture is cut into chunks of about `CHUNK_BYTES` that end right after a `\\n`. Each chunk is
linted on its own (`Linter.lint_chunk`) and the results are taken strictly in file order, so the
findings, their line numbers and the repaired bytes are those of one sequential pass, whatever the
number of jobs. With several jobs, a file is split by byte ranges that the workers read themselves
(only offsets travel), and at most `2 * jobs` chunks are in flight: memory does not grow with the
size of the capture.

Only a plain JSON Lines file read as stored can be split: standard input (read once, in order),
a gzip'd capture (no offsets into its decompressed bytes) and other capture formats (see
`wsfix.run`) are linted by one process, whatever `--jobs` says; so are captures where the
platform cannot fork (workers inherit the parent's linter, whose model may have been loaded from a
file and cannot be pickled).

A worker returns a chunk's selected problems (check) or its edits (repair) with line numbers
counted from the chunk's first line; the parent renumbers them. No printing and no exiting here.
"""

from __future__ import annotations

import collections
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from io import FileIO
from typing import Any, BinaryIO, NamedTuple, Protocol, Self

from wsfix.errors import InputError, WsfixError
from wsfix.linter import COUNTS, FIXES, FULL, Linter
from wsfix.problems import Problem
from wsfix.repair import RepairResult
from wsfix.rules import RULES
from wsfix.settings import Settings

# A worker's share: large enough that handing it over (a future, a pickled result) is lost in its
# work, small enough that the last chunks keep every worker busy (4 MiB: about 30 ms of work).
CHUNK_BYTES = 4 << 20
# A chunk is linted in pieces of about this size: read in one go, a megabyte would push the
# interpreter's own working set out of the processor's cache (measured: 15% slower).
PIECE_BYTES = 1 << 16
# Below this size a pool costs more (forking, a few ms per worker) than it saves.
PARALLEL_MIN_BYTES = 16 << 20


class Readable(Protocol):
    def read(self, count: int, /) -> bytes: ...


class Progress(Protocol):
    """Told how many bytes of the current capture have been linted (see `wsfix.progress`)."""

    def advance(self, count: int) -> None: ...


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_jobs(jobs: int | None, size: int | None) -> int:
    """The number of processes to lint a capture of `size` bytes with (None: it cannot be split
    by byte ranges: standard input, a gzip'd file; see the module docstring).

    `jobs` None means automatic: every CPU for a large file, one for a small one.
    """
    if size is None:
        return 1
    if jobs is not None:
        wanted = max(jobs, 1)
    else:
        wanted = 1 if size < PARALLEL_MIN_BYTES else available_cpus()
    # Asked last: it imports multiprocessing, a cost at every start-up otherwise.
    return wanted if wanted == 1 or can_fork() else 1


def can_fork() -> bool:
    """Whether worker processes can be forked. They must be: forked, they start in milliseconds
    with everything imported and the settings inherited (spawned, they would re-import, and take
    the settings pickled, which a model loaded from a file does not survive)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class Chunk(NamedTuple):
    """Whole lines of capture `path`: bytes `start:end` of the file, or `data` when given."""

    path: str
    start: int
    end: int
    data: bytes | None = None
    first_line: int = 1  # the line number of its first record, when known (else 1: renumbered)
    # For a check: how many selected problems to work out in full (None: all); past them, the
    # rest are only counted (COUNTS in `Linter.lint_chunk`), from the next piece on.
    full_problems: int | None = None

    @property
    def starts_file(self) -> bool:
        return self.start == 0

    def pieces(self) -> Iterator[tuple[int, bytes]]:
        """(offset in the chunk, bytes) for pieces of whole lines of about PIECE_BYTES (the bytes
        given with the chunk come as one piece: they are in memory already)."""
        if self.data is not None:
            yield 0, self.data
            return
        size = self.end - self.start
        try:
            with open(self.path, "rb") as stream:
                stream.seek(self.start)
                offset = 0
                for offset, piece in _with_offsets(stream_chunks(_Limited(stream, size), self.path, PIECE_BYTES)):
                    yield offset, piece
                    offset += len(piece)
        except OSError as error:
            raise InputError(f"{self.path}: read failed: {error.strerror or error}") from error
        if offset != size:
            raise InputError(f"{self.path}: the file shrank while it was being read")


class ChunkReader:
    """Reads chunks' bytes into one buffer, used again for each: a new object of 4 MiB per chunk
    costs the kernel a new mapping and a page fault per page (in the parent of a repair with
    `--jobs`, that was most of its system time). Use as a context manager."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._path: str | None = None
        self._stream: FileIO | None = None

    def read(self, chunk: Chunk) -> bytes | memoryview:
        """The chunk's bytes: its `data`, or a view of the buffer that the next call overwrites."""
        if chunk.data is not None:
            return chunk.data
        size = chunk.end - chunk.start
        if len(self._buffer) < size:
            self._buffer = bytearray(size)
        view = memoryview(self._buffer)[:size]
        filled = 0
        try:
            if self._stream is None or self._path != chunk.path:
                self.close()
                self._stream = open(chunk.path, "rb", buffering=0)  # noqa: SIM115 - closed by close()
                self._path = chunk.path
            self._stream.seek(chunk.start)
            while filled < size:
                count = self._stream.readinto(view[filled:])
                if not count:
                    break
                filled += count
        except OSError as error:
            raise InputError(f"{chunk.path}: read failed: {error.strerror or error}") from error
        if filled != size:
            raise InputError(f"{chunk.path}: the file shrank while it was being read")
        return view

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Limited:
    """The next `size` bytes of a stream, as a stream."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self._left = size

    def read(self, count: int) -> bytes:
        data = self._stream.read(min(count, self._left))
        self._left -= len(data)
        return data


def _with_offsets(pieces: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    offset = 0
    for piece in pieces:
        yield offset, piece
        offset += len(piece)


class CheckedChunk(NamedTuple):
    lines: int
    problems: list[Problem]  # selected; lines counted from the chunk's `first_line`
    # The selected problems past `Chunk.full_problems` (all after `problems`), by number only, per
    # (code, has a fix); None when there are none.
    counted: collections.Counter[tuple[str, bool]] | None = None


class RepairedChunk(NamedTuple):
    lines: int
    # (line, start, end, replacement): bytes start:end of the chunk become `replacement`; one per
    # fix that changes something, in order; lines counted from 1 at the chunk's first record.
    edits: list[tuple[int, int, int, bytes]]
    result: RepairResult  # counts, with lines counted like `edits`


class ChunkLinter:
    """Lints chunks for check or repair; lives in each worker (and in the parent for one job)."""

    def __init__(self, settings: Settings) -> None:
        self.linter = Linter(settings.schema, settings.policy)
        self.selects = settings.selects
        self.selects_all = all(settings.selects(rule.code) for rule in RULES)

    def check(self, chunk: Chunk) -> CheckedChunk:
        lint, selects = self.linter.lint_chunk, self.selects
        wanted = chunk.full_problems
        lines = 0
        problems: list[Problem] = []
        counted: collections.Counter[tuple[str, bool]] = collections.Counter()
        for offset, piece in chunk.pieces():
            detail = FULL if wanted is None or len(problems) < wanted else COUNTS
            found = lint(piece, chunk.path, chunk.first_line + lines, detail, chunk.starts_file and not offset)
            lines += found.lines
            if found.counted is not None:  # COUNTS: a count per kind travels faster than problems
                counted.update(
                    found.counted
                    if self.selects_all
                    else {kind: count for kind, count in found.counted.items() if selects(kind[0])}
                )
                continue
            problems += (
                found.problems if self.selects_all else (problem for problem in found.problems if selects(problem.code))
            )
        return CheckedChunk(lines, problems, counted or None)

    def repair(self, chunk: Chunk) -> RepairedChunk:
        lint, selects = self.linter.lint_chunk, self.selects
        result = RepairResult()
        fixed = result.fixed
        edits = []
        lines = 0
        for offset, piece in chunk.pieces():
            found = lint(piece, chunk.path, lines + 1, FIXES, chunk.starts_file and not offset)
            lines += found.lines
            starts = found.starts
            changed_line = previous_end = 0
            problems = (
                found.problems if self.selects_all else [problem for problem in found.problems if selects(problem.code)]
            )
            for problem in problems:  # in order: by line, then column
                _, line, _, _, code, message, _, _, fix, _ = problem  # one unpacking: this runs per fix
                if fix is None:
                    result.add_remaining(problem)
                    continue
                fixed[code] += 1
                if message and problem.on_repeated_key:  # FIXES problems have only the note, if any
                    result.add_repeated_key(line)
                record_start = starts[line]
                start, end, replacement_text = fix
                start += record_start
                end += record_start
                if start < previous_end:  # as apply_fixes would refuse it
                    raise ValueError(f"overlapping fixes on line {line}")
                replacement = replacement_text.encode()
                if piece[start:end] != replacement:
                    edits.append((line, offset + start, offset + end, replacement))
                    previous_end = end
                    if line != changed_line:
                        changed_line = line
                        result.lines_changed += 1
        result.lines = lines
        return RepairedChunk(lines, edits, result)


# --- cutting captures into chunks ----------------------------------------------------------


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
) -> Iterator[tuple[int, int]]:
    """Byte ranges of whole lines covering the first `size` bytes of the open file `stream`,
    about `chunk_bytes` each. Reads only a little around each cut."""
    start = 0
    while start < size:
        end = start + chunk_bytes
        if end >= size:
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


# --- running chunks in order ---------------------------------------------------------------

_WORKER: ChunkLinter | None = None


def _start_worker(linter: ChunkLinter) -> None:
    global _WORKER
    # Ctrl-C is the parent's to handle: it stops the pool; a worker must not print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker inherits the command line's handlers, which raise to clean up after the parent's
    # own work; a worker has nothing to clean up, and raising while it waits for work would print
    # a traceback. It just ends; the parent, if signalled too, exits as the signal says, and else
    # reports the lost worker.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _WORKER = linter  # the parent's, inherited by the fork: built once


def _run_in_worker(kind: str, chunk: Chunk) -> Any:
    assert _WORKER is not None
    return getattr(_WORKER, kind)(chunk)


class ChunkRunner:
    """Lints captures chunk by chunk with `jobs` processes; results come back in file order.

    Use as a context manager: the pool (started on first need) is stopped on exit.
    """

    def __init__(self, settings: Settings, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.settings = settings
        self.chunk_bytes = chunk_bytes
        self._local: ChunkLinter | None = None
        self._pool: Any = None
        self._pool_jobs = 0

    def prepare(self) -> ChunkLinter:
        """Build the linter now (it takes a moment: pydantic builds validators), not when the first
        chunk comes: a repair does it before its temp file exists, so that a signal arriving
        meanwhile meets no validator half built (pydantic would wrap what the signal raises)."""
        if self._local is None:
            self._local = ChunkLinter(self.settings)
        return self._local

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            # On an error or Ctrl-C, do not wait for chunks nobody will read.
            self._pool.shutdown(wait=exc_info[0] is None, cancel_futures=True)
            self._pool = None

    def run(
        self,
        kind: str,
        stream: Readable,
        path: str,
        jobs: int,
        size: int | None,
        progress: Progress | None = None,
        full_problems: Callable[[], int | None] = lambda: None,
    ) -> Iterator[tuple[Chunk, Any]]:
        """(chunk, result) for each chunk of the capture open as `stream`, in order. `kind` is
        "check" (results: CheckedChunk) or "repair" (RepairedChunk). With several `jobs`, the
        capture must be the regular file `path` of `size` bytes, which the workers read
        themselves (see `resolve_jobs`). `full_problems()` is asked as each chunk is sent: how
        many of its problems a check works out in full (`Chunk.full_problems`)."""
        if jobs <= 1 or size is None:
            yield from self._run_here(kind, stream, path, progress, full_problems)
        else:
            yield from self._run_pool(kind, path, jobs, size, progress, full_problems)

    def _run_here(
        self, kind: str, stream: Readable, path: str, progress: Progress | None, full_problems: Callable[[], int | None]
    ) -> Iterator[tuple[Chunk, Any]]:
        work: Callable[[Chunk], Any] = getattr(self.prepare(), kind)
        first_line = 1
        offset = 0
        # In this process a chunk is one piece: read bytes are linted while still in the cache.
        for data in stream_chunks(stream, path, min(self.chunk_bytes, PIECE_BYTES)):
            chunk = Chunk(path, offset, offset + len(data), data, first_line if kind == "check" else 1, full_problems())
            result = work(chunk)
            yield chunk, result
            first_line += result.lines
            offset += len(data)
            if progress is not None:
                progress.advance(len(data))

    def _run_pool(
        self,
        kind: str,
        path: str,
        jobs: int,
        size: int,
        progress: Progress | None,
        full_problems: Callable[[], int | None],
    ) -> Iterator[tuple[Chunk, Any]]:
        pool = self._get_pool(jobs)
        in_flight: collections.deque[tuple[Chunk, Any]] = collections.deque()
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below; only to find where lines end
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
        with stream:
            for start, end in file_ranges(stream, path, size, self.chunk_bytes):
                chunk = Chunk(path, start, end, None, 1, full_problems())
                in_flight.append((chunk, pool.submit(_run_in_worker, kind, chunk)))
                if len(in_flight) >= 2 * jobs:
                    yield self._collect(*in_flight.popleft(), progress)
        while in_flight:
            yield self._collect(*in_flight.popleft(), progress)

    @staticmethod
    def _collect(chunk: Chunk, future: Any, progress: Progress | None) -> tuple[Chunk, Any]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            result = future.result()
        except BrokenProcessPool:
            raise WsfixError("a worker process died (out of memory?); try --jobs 1") from None
        if progress is not None:
            progress.advance(chunk.end - chunk.start)
        return chunk, result

    def _get_pool(self, jobs: int) -> Any:
        if self._pool is not None and self._pool_jobs == jobs:
            return self._pool
        if self._pool is not None:
            self._pool.shutdown()
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")  # see can_fork
        self._pool = ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_start_worker, initargs=(self.prepare(),)
        )
        self._pool_jobs = jobs
        return self._pool


def renumbered(problems: list[Problem], offset: int) -> list[Problem]:
    """`problems` with `offset` added to their line numbers."""
    if not offset:
        return problems
    new = tuple.__new__  # a named tuple's own constructor is Python code; this runs per problem
    return [new(Problem, (problem[0], problem[1] + offset, *problem[2:])) for problem in problems]
