"""Running a job over chunks of whole lines of a capture, in this process or in a pool of workers.

A line-based capture is cut into chunks of about `CHUNK_BYTES` that end right after a `\\n`
(`wsfix.capture`). A job (a picklable callable, see `wsfix.segment_linter.ChunkJob`) turns each
chunk into a result, given the state it needs (the linter, built once in the parent: forked
workers inherit it); the results come back strictly in file order, so the findings, their line
numbers and the repaired bytes are those of one sequential pass, whatever the number of jobs.
With several jobs a local file read as stored is split into byte ranges that the workers read
themselves (only offsets travel); any other line-based capture (standard input, a gzip'd file, an
object in a store) is read by the parent, which ships each chunk's bytes to a worker through a
slot of memory they share (`ChunkRunner`). Either way at most `2 * jobs` chunks are in flight:
memory does not grow with the capture. This module knows
nothing of linting or repairing: a result only has to say how many lines its chunk spans
(`lines`).

A HAR (one JSON document) is run by one process, whatever `--jobs` says; so are captures where
the platform cannot fork (workers inherit the parent's state, whose model may have been loaded
from a file and cannot be pickled).

No worker outlives the run: a worker ends with its parent (it watches a pipe that only the parent
holds open), does not hold the parent's standard streams or open files, and is killed when the
run ends early. A file that grows while it is read is read to its end, as one process reads it.
No printing and no exiting here.
"""

from __future__ import annotations

import collections
import contextlib
import mmap
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from io import FileIO
from typing import Any, BinaryIO, Generic, NamedTuple, Protocol, Self, TypeVar

from wsfix.capture import CHUNK_BYTES, PIECE_BYTES, Readable, file_ranges, line_count, stream_chunks
from wsfix.errors import InputError, WsfixError
from wsfix.problems import Problem, Wanted

__all__ = ["CHUNK_BYTES", "Chunk", "ChunkReader", "ChunkRunner", "renumbered", "resolve_jobs"]

# Below this size a pool costs more (forking, a few ms per worker) than it saves.
PARALLEL_MIN_BYTES = 16 << 20


class Progress(Protocol):
    """Told how many bytes of the current capture have been linted (see `wsfix.progress`)."""

    def advance(self, count: int) -> None: ...


class ChunkResult(Protocol):
    @property
    def lines(self) -> int: ...


State = TypeVar("State")
Task = Callable[[Any, "Chunk"], Any]


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_jobs(jobs: int | None, size: int | None, chunk_bytes: int = CHUNK_BYTES) -> int:
    """The number of processes to run a line-based capture of about `size` bytes with (None: not
    known before it is read, as standard input's).

    `jobs` None means automatic: every CPU for a large capture, one for a small one or one of
    unknown size. More processes than CPUs would only take turns, and more than chunks would have
    nothing to do: `jobs` is capped by both.
    """
    if jobs is None:
        jobs = 1 if size is None or size < PARALLEL_MIN_BYTES else available_cpus()
    chunks = jobs if size is None else -(-size // chunk_bytes)
    wanted = max(min(jobs, available_cpus(), chunks), 1)
    # Asked last: it imports multiprocessing, a cost at every start-up otherwise.
    return wanted if wanted == 1 or can_fork() else 1


def can_fork() -> bool:
    """Whether worker processes can be forked. They must be: forked, they start in milliseconds
    with everything imported and the state inherited (spawned, they would re-import, and take
    the state pickled, which a model loaded from a file does not survive)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class Chunk(NamedTuple):
    """Whole lines of capture `path`: bytes `start:end` of the file, or `data` when given."""

    path: str
    start: int
    end: int
    data: bytes | None = None
    first_line: int = 1  # the line number of its first record, when known (else 1: renumbered)
    # For a check: which selected problems to work out in full (`problems.Wanted`; None: all);
    # past them, the rest are only counted (COUNTS in `Linter.lint_chunk`), from the next piece on.
    full_problems: Wanted = None
    # Whether `first_line` is known (always in this process; in workers, see `ChunkRunner.run`).
    numbered: bool = False

    @property
    def starts_file(self) -> bool:
        return self.start == 0

    def pieces(self) -> Iterator[tuple[int, bytes]]:
        """(offset in the chunk, bytes) for pieces of whole lines of about PIECE_BYTES."""
        data = self.data
        if data is not None:
            if len(data) <= 2 * PIECE_BYTES:  # a chunk this process read: one piece (see `_cut`)
                yield 0, data
            else:
                yield from _with_offsets(_cut(data, PIECE_BYTES))
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


def _cut(data: bytes, size: int) -> Iterator[bytes]:
    """`data` (whole lines, the last may lack its \\n) in pieces of whole lines of about `size`
    bytes (a longer line comes whole). Up to twice that is one piece: so are the chunks this
    process reads itself (`stream_chunks` ends each after the last line end of a read)."""
    if len(data) <= 2 * size:
        yield data
        return
    start = 0
    while start < len(data):
        cut = data.rfind(b"\n", start, start + size) + 1
        if cut <= start:  # no line ends within `size`: the line that starts here comes whole
            cut = data.find(b"\n", start + size) + 1 or len(data)
        yield data[start:cut]
        start = cut


def _with_offsets(pieces: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    offset = 0
    for piece in pieces:
        yield offset, piece
        offset += len(piece)


# --- the worker processes ------------------------------------------------------------------

_STATE: Any = None
_SLOTS: list[mmap.mmap] = []  # the parent's shared slots, inherited by the fork (see `ChunkRunner`)


def _start_worker(state: Any, lifeline: tuple[int, int], slots: list[mmap.mmap]) -> None:
    global _STATE, _SLOTS
    # Die with the parent, however it ends (SIGKILL included): a worker left behind would hold
    # what it inherited, and a pipeline reading wsfix's output would wait for it forever.
    _watch_parent(lifeline)
    _let_go_of_inherited_files()
    # Ctrl-C is the parent's to handle: it stops the pool; a worker must not print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker inherits the command line's handlers, which raise to clean up after the parent's
    # own work; a worker has nothing to clean up. It just ends; the parent, if signalled too,
    # exits as the signal says, and else reports the lost worker.
    for name in ("SIGTERM", "SIGHUP", "SIGPIPE"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    _STATE = state  # the parent's, inherited by the fork: built once
    _SLOTS = slots


def _watch_parent(lifeline: tuple[int, int]) -> None:
    """End this worker as soon as its parent has ended.

    `lifeline` is a pipe whose write end only the parent holds once each worker has closed the
    copy its fork gave it: reading it then blocks until the parent ends, however it ends, and
    the system closes that end. A thread waits on it, blocked in the system without the GIL.
    Unlike Linux's parent-death signal (`prctl`, through ctypes: 1.5 ms of each `--jobs` run's
    start, to import ctypes), this works on every system that forks. If the parent has ended
    already, the read returns at once.
    """
    read_end, write_end = lifeline
    os.close(write_end)

    def wait() -> None:
        with contextlib.suppress(OSError):
            while os.read(read_end, 1):
                pass
        os._exit(1)

    threading.Thread(target=wait, name="wsfix-parent-watch", daemon=True).start()


def _let_go_of_inherited_files() -> None:
    """Point standard input, output and error at /dev/null, and close every other inherited
    descriptor of a regular file or of what the standard streams were open on: a worker reads
    captures it opens itself and writes nothing but its results (through the pool's own pipes),
    but a fork inherits the parent's output temp file (a deleted file whose space a full disk
    would not get back) and its standard output (which `| cat` waits on)."""
    standard = set()
    for descriptor in (0, 1, 2):
        with contextlib.suppress(OSError):
            info = os.fstat(descriptor)
            if not stat.S_ISCHR(info.st_mode) or info.st_rdev != os.stat(os.devnull).st_rdev:
                standard.add((info.st_dev, info.st_ino))
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(null, descriptor)
        os.close(null)
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc (not Linux): the standard streams are let go of all the same
        return
    for descriptor in descriptors:
        if descriptor <= 2:
            continue
        with contextlib.suppress(OSError):
            info = os.fstat(descriptor)
            if stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) in standard:
                os.close(descriptor)


def _run_in_worker(task: Task, chunk: Chunk) -> Any:
    return task(_STATE, chunk)


def _run_from_slot(task: Task, chunk: Chunk, slot: int) -> Any:
    """`task` on `chunk`, whose bytes the parent put in shared slot `slot` (see `ChunkRunner`)."""
    return task(_STATE, chunk._replace(data=_SLOTS[slot][: chunk.end - chunk.start]))


# --- running chunks in order ---------------------------------------------------------------


class ChunkRunner(Generic[State]):
    """Runs tasks over chunks of captures with `jobs` processes; results come in file order.

    `state` is built by `make_state` once, in the parent (`prepare`), before any pool starts:
    forked workers inherit it. Use as a context manager: the pool (started on first need) is
    stopped on exit, its workers killed if the run ends early.
    """

    def __init__(self, make_state: Callable[[], State], chunk_bytes: int = CHUNK_BYTES) -> None:
        self._make_state = make_state
        self.chunk_bytes = chunk_bytes
        self._state: State | None = None
        self._pool: Any = None
        self._pool_jobs = 0
        # Chunks this process reads (standard input, a gzip'd file, an object in a store) reach
        # the workers through slots of memory they share with it, one for each chunk in flight:
        # through the pool's pipe, a chunk was copied four times (pickled, into the pipe, out of
        # it, unpickled), in 64 KiB writes that each woke the worker. A chunk is at most twice
        # `chunk_bytes` (`stream_chunks`) unless one line is longer.
        self._slots: list[mmap.mmap] = []
        self._slot_bytes = 2 * chunk_bytes
        self._lifeline: tuple[int, int] | None = None

    def prepare(self) -> State:
        """Build the state now (it takes a moment: pydantic builds validators), not when the first
        chunk comes: a repair does it before its temp file exists, so that a signal arriving
        meanwhile meets no validator half built (pydantic would wrap what the signal raises)."""
        if self._state is None:
            self._state = self._make_state()
        return self._state

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop_pool(early=exc_info[0] is not None)

    def _stop_pool(self, early: bool) -> None:
        pool, self._pool = self._pool, None
        slots, self._slots = self._slots, []
        for slot in slots:
            slot.close()  # this process's mapping; the workers' go with them
        lifeline, self._lifeline = self._lifeline, None
        try:
            if pool is not None:
                _stop(pool, early)
        finally:
            for end in lifeline or ():  # after the workers: closing it ends any still running
                os.close(end)

    def run(
        self,
        task: Task,
        stream: Readable,
        path: str,
        jobs: int,
        size: int | None,
        progress: Progress | None = None,
        full_problems: Callable[[], Wanted] = lambda: None,
        count_lines: Callable[[Any], bool] | None = None,
    ) -> Iterator[tuple[Chunk, Any]]:
        """(chunk, task(state, chunk)) for each chunk of the capture open as `stream`, in order.
        With several `jobs` and a `size`, the capture is the local file `path` of `size` bytes
        as stored (at least: it may grow), which the workers read themselves by byte range;
        without a size, this process reads it and ships each chunk's bytes. In this process,
        each chunk's `first_line` is its line number (`numbered`); in workers it is 1 (the caller
        renumbers), unless `count_lines` is given: then this process counts the lines of the
        chunks it sends before the first result is back, and after that while the last result
        says `count_lines(result)` (`_Numbering`), for a task that writes line numbers where it
        runs. `full_problems()` is asked as each chunk is sent (`Chunk.full_problems`)."""
        if jobs <= 1:
            yield from self._run_here(task, stream, path, progress, full_problems)
        elif size is None:
            numbering = None if count_lines is None else _Numbering(_shipped_lines, count_lines)
            yield from self._run_shipped(task, stream, path, jobs, progress, full_problems, numbering)
        else:
            yield from self._run_pool(task, path, jobs, size, progress, full_problems, count_lines)

    def _run_here(
        self,
        task: Task,
        stream: Readable,
        path: str,
        progress: Progress | None,
        full_problems: Callable[[], Wanted],
    ) -> Iterator[tuple[Chunk, Any]]:
        state = self.prepare()
        first_line = 1
        offset = 0
        # In this process a chunk is one piece: read bytes are linted while still in the cache.
        for data in stream_chunks(stream, path, min(self.chunk_bytes, PIECE_BYTES)):
            chunk = Chunk(path, offset, offset + len(data), data, first_line, full_problems(), numbered=True)
            result = task(state, chunk)
            yield chunk, result
            first_line += result.lines
            offset += len(data)
            if progress is not None:
                progress.advance(len(data))

    def _run_shipped(
        self,
        task: Task,
        stream: Readable,
        path: str,
        jobs: int,
        progress: Progress | None,
        full_problems: Callable[[], Wanted],
        numbering: _Numbering | None,
    ) -> Iterator[tuple[Chunk, Any]]:
        # Read (and decompressed) here, once and in order; each chunk's bytes travel to a worker.
        def chunks() -> Iterator[Chunk]:
            offset = 0
            for data in stream_chunks(stream, path, self.chunk_bytes):
                yield Chunk(path, offset, offset + len(data), data, 1, full_problems())
                offset += len(data)

        yield from self._in_order(self._get_pool(jobs), task, chunks(), jobs, progress, numbering)

    def _run_pool(
        self,
        task: Task,
        path: str,
        jobs: int,
        size: int,
        progress: Progress | None,
        full_problems: Callable[[], Wanted],
        count_lines: Callable[[Any], bool] | None,
    ) -> Iterator[tuple[Chunk, Any]]:
        pool = self._get_pool(jobs)
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below; only to find where lines end
        except OSError as error:
            raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
        with stream:

            def current_size() -> int:
                return os.fstat(stream.fileno()).st_size

            covered = 0

            def chunks(size: int) -> Iterator[Chunk]:
                nonlocal covered
                for start, end in file_ranges(
                    stream, path, size, self.chunk_bytes, current_size, covered, processes=jobs
                ):
                    yield Chunk(path, start, end, None, 1, full_problems())
                    covered = end

            numbering = (
                None
                if count_lines is None
                else _Numbering(lambda chunk: _lines_in(stream, path, chunk.start, chunk.end), count_lines)
            )
            while True:
                yield from self._in_order(pool, task, chunks(size), jobs, progress, numbering)
                # Read in order, the file would be read on until a read finds nothing more: what
                # was appended while the last chunks were linted is read too.
                size = current_size()
                if size <= covered:
                    break

    def _in_order(
        self,
        pool: Any,
        task: Task,
        chunks: Iterable[Chunk],
        jobs: int,
        progress: Progress | None,
        numbering: _Numbering | None = None,
    ) -> Iterator[tuple[Chunk, Any]]:
        """(chunk, its result) for each of `chunks`, in order, with at most `2 * jobs` in flight.
        A chunk that carries its bytes sends them through the shared slots (the one of chunk k is
        free: chunk k - 2 * jobs, which had it, is done), or, too long for one, with the chunk."""
        in_flight: collections.deque[tuple[Chunk, Any]] = collections.deque()
        slots = self._slots
        for number, chunk in enumerate(chunks):
            if numbering is not None and numbering.counting:
                chunk = numbering.numbered(chunk, [sent for sent, _ in in_flight])
            data = chunk.data
            if slots and data is not None and len(data) <= self._slot_bytes:
                slot = number % len(slots)
                slots[slot][: len(data)] = data
                future = pool.submit(_run_from_slot, task, chunk._replace(data=None), slot)
            else:
                future = pool.submit(_run_in_worker, task, chunk)
            in_flight.append((chunk, future))
            if len(in_flight) >= 2 * jobs:
                yield self._collect(*in_flight.popleft(), progress, numbering)
        while in_flight:
            yield self._collect(*in_flight.popleft(), progress, numbering)

    @staticmethod
    def _collect(
        chunk: Chunk, future: Any, progress: Progress | None, numbering: _Numbering | None
    ) -> tuple[Chunk, Any]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            result = future.result()
        except BrokenProcessPool:
            raise WsfixError("a worker process died (out of memory?); try --jobs 1") from None
        if numbering is not None:
            numbering.collected(chunk, result)
        if progress is not None:
            progress.advance(chunk.end - chunk.start)
        return chunk, result

    def _get_pool(self, jobs: int) -> Any:
        if self._pool is not None and self._pool_jobs == jobs:
            return self._pool
        self._stop_pool(early=False)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from wsfix.output import signals_held

        context = multiprocessing.get_context("fork")  # see can_fork
        state = self.prepare()
        # Anonymous shared memory, mapped before the fork, so the workers share it: no name to
        # clean up after. A page is only taken when a chunk is written to it. Where the system
        # will not map it (a strict limit on committed memory), chunks go through the pipe.
        try:
            self._slots = [mmap.mmap(-1, self._slot_bytes) for _ in range(2 * jobs)]
        except OSError:
            self._slots = []
        # Held open by this process alone (see `_watch_parent`) until the pool stops; both ends
        # stay here meanwhile, since the pool may fork a worker at any submit.
        self._lifeline = os.pipe()
        # The workers are forked now, with stop signals held: a Ctrl-C arriving in the middle of a
        # fork lands in the interpreter's at-fork hooks, which print it and let it go.
        with signals_held():
            self._pool = ProcessPoolExecutor(
                jobs,
                mp_context=context,
                initializer=_start_worker,
                initargs=(state, self._lifeline, self._slots),
            )
            self._pool.submit(int).result()
        self._pool_jobs = jobs
        return self._pool


def _stop(pool: Any, early: bool) -> None:
    if not early:
        pool.shutdown(wait=True)
        return
    # On an error, a signal or Ctrl-C: chunks nobody will read are not waited for, and no
    # worker is left running them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


class _Numbering:
    """The line number of each chunk as it is sent to a worker, while results ask for them: a
    run that writes its findings' text in the workers (`ChunkJob`) needs their line numbers
    there, but counting them here costs 0.5 ms a MB (1 GB: 0.4 s of this process). So they are
    counted for the chunks sent before any result is back, and after that while the last result
    asks for it (`wanted(result)`, say a chunk with findings): a capture without findings pays
    for its first `2 * jobs - 1` chunks' (12 MB with two jobs: 6 ms, while the workers start), and
    one with a few findings here and there has the problems of those few come back instead.

    A chunk's line number is 1, plus the lines of the chunks collected before it (their results
    tell), plus those of the chunks still in flight (counted here, once each).
    """

    def __init__(self, lines_of: Callable[[Chunk], int], wanted: Callable[[Any], bool]) -> None:
        self._lines_of = lines_of
        self._wanted = wanted
        self.counting = True  # until a result tells
        self._lines_collected = 0  # of every chunk collected so far (all before those in flight)
        self._counted: dict[tuple[int, int], int] = {}  # lines of chunks in flight, by byte range

    def numbered(self, chunk: Chunk, in_flight: list[Chunk]) -> Chunk:
        first_line = 1 + self._lines_collected
        for sent in in_flight:
            lines = self._counted.get((sent.start, sent.end))
            if lines is None:
                lines = self._counted[sent.start, sent.end] = self._lines_of(sent)
            first_line += lines
        return chunk._replace(first_line=first_line, numbered=True)

    def collected(self, chunk: Chunk, result: Any) -> None:
        counted = self._counted.pop((chunk.start, chunk.end), None)
        assert counted is None or counted == result.lines, "lines counted differently here and in the worker"
        self._lines_collected += result.lines
        self.counting = self._wanted(result)


def _shipped_lines(chunk: Chunk) -> int:
    assert chunk.data is not None  # read here: its bytes are at hand
    return line_count(chunk.data)


def _lines_in(stream: BinaryIO, path: str, start: int, end: int) -> int:
    """`capture.line_count` of bytes `start:end` of the file open as `stream`, a MiB at a time."""
    count = 0
    last = b"\n"
    try:
        while start < end:
            data = os.pread(stream.fileno(), min(end - start, 1 << 20), start)
            if not data:
                raise InputError(f"{path}: the file shrank while it was being read")
            count += data.count(b"\n")
            last = data[-1:]
            start += len(data)
    except OSError as error:
        raise InputError(f"{path}: read failed: {error.strerror or error}") from error
    return count + (last != b"\n")


def renumbered(problems: list[Problem], offset: int) -> list[Problem]:
    """`problems` with `offset` added to their line numbers."""
    if not offset:
        return problems
    new = tuple.__new__  # a named tuple's own constructor is Python code; this runs per problem
    return [new(Problem, (problem[0], problem[1] + offset, *problem[2:])) for problem in problems]
