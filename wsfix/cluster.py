"""Running check and repair on a Dask cluster (`--dask ADDRESS`, `--dask local[:N]`; the `dask` extra).

The work is cut as the local worker pool cuts it, only coarser: one task per capture, and for a
large uncompressed line-based capture one task per byte range of whole lines (`capture.file_ranges`,
as `dask.bag.read_text(blocksize=…)` cuts). A task runs the pipeline's own pieces in the worker
(`ChunkJob` over a `Chunk`, or `run._results` over a whole capture) on a `SegmentLinter` that the
worker builds once from the run's settings, sent pickled. The results come back in file order and
go through `run.check_captures` as local results do, so every report is byte-identical to a local
run's. A repair's results come back with the bytes they cover, and `run.repair_capture` splices and
writes them as it does local ones (the output is written by this process, atomically).

A model loaded with `--model path/to/models.py:Class` is loaded again in each worker from the same
absolute path, and `--model package.module:Class` imported there: the file or package must be
readable by the workers (always so with `local`; a shared filesystem or an installed package on a
remote cluster). So must local capture paths (use URLs, `s3://…`, for captures a remote cluster
cannot see).

A task that raises, or whose worker dies more often than Dask retries (`KilledWorker`), stops the
run with a `WsfixError` naming the capture: no report is finished for an incomplete run. No
printing; Dask's own logs are kept below warnings.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import pickle
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, Self

from wsfix.capture import file_ranges, open_capture
from wsfix.errors import UsageError, WsfixError
from wsfix.formats import CaptureFormat
from wsfix.problems import Problem, Wanted
from wsfix.settings import Settings

# A capture larger than this is cut into byte ranges of about this size: a task is then a few
# seconds of work, long enough that Dask's per-task cost (a few ms) is lost in it.
CLUSTER_CHUNK_BYTES = 64 << 20
CONNECT_TIMEOUT = "20s"  # to reach a scheduler, before the run fails
LOCAL = "local"


class Task(NamedTuple):
    """One task's place in the run: its capture (as named, and as the worker reads it), and a
    byte range, or None for the whole capture."""

    path: str
    location: str
    start: int | None
    end: int | None


def portable(settings: Settings) -> tuple[str | None, bytes]:
    """What rebuilds `settings` in a worker: the model to load first (None: a built-in schema),
    and the settings pickled. A model loaded from a file lives in a module only this process
    has; loading the same file first in the worker makes that module, and the pickle, resolve."""
    model = settings.schema.model
    module = sys.modules.get(model.__module__)
    spec: str | None = None
    if model.__module__.startswith("wsfix_user_model_") and module is not None and module.__file__:
        spec = f"{os.path.abspath(module.__file__)}:{model.__qualname__}"
    elif not model.__module__.startswith("wsfix."):
        spec = f"{model.__module__}:{model.__qualname__}"
    return spec, pickle.dumps(settings)


_LINTERS: dict[bytes, Any] = {}


def _worker_linter(recipe: tuple[str | None, bytes]) -> Any:
    """The worker's `SegmentLinter` for the run's settings, built on its first task."""
    spec, pickled = recipe
    linter = _LINTERS.get(pickled)
    if linter is None:
        from wsfix.segment_linter import SegmentLinter
        from wsfix.user_model import load_model

        if spec is not None:
            load_model(spec)
        linter = _LINTERS[pickled] = SegmentLinter(pickle.loads(pickled))
    return linter


def run_task(
    recipe: tuple[str | None, bytes],
    kind: str,
    capture_format: CaptureFormat,
    task: Task,
    full_problems: Wanted,
    with_data: bool = False,
) -> list[tuple[bytes | None, Any, int]]:
    """In a worker: (its bytes if `with_data`, result, number to add to its line numbers) for each
    chunk or segment of the task, in order (a byte range: one, numbered from its first line as
    1). A repair's parent splices the edits into those bytes. Problems name the capture as the
    command line named it."""
    from wsfix.parallel import Chunk, ChunkReader, ChunkRunner
    from wsfix.segment_linter import ChunkJob

    linter = _worker_linter(recipe)
    results: list[tuple[bytes | None, Any, int]]
    if task.start is not None and task.end is not None:
        data = None
        if "://" in task.location:
            from wsfix.remote import read_range

            data = read_range(task.location, task.start, task.end)
        elif with_data:
            with ChunkReader() as reader:
                data = bytes(reader.read(Chunk(task.location, task.start, task.end)))
        chunk = Chunk(task.location, task.start, task.end, data, 1, full_problems)
        results = [(data if with_data else None, ChunkJob(capture_format, kind)(linter, chunk), 0)]
    else:
        from wsfix.run import _results

        with open_capture(task.location) as stream, ChunkRunner(lambda: linter) as runner:
            results = [
                (_bytes_of(linted) if with_data else None, result, offset)
                for linted, result, offset in _results(
                    runner, kind, capture_format, stream, task.location, 1, None, lambda: full_problems
                )
            ]
    if task.location != task.path:
        results = [(data, _named(result, task.path), offset) for data, result, offset in results]
    return results


def _bytes_of(linted: Any) -> bytes:
    # In one process, a chunk carries its bytes (`ChunkRunner` reads them); a segment is bytes.
    return bytes(linted if isinstance(linted, bytes) else linted.data)


def _named(result: Any, path: str) -> Any:
    problems = getattr(result, "problems", None)
    if not problems:
        return result
    return result._replace(problems=[_with_path(problem, path) for problem in problems])


def _with_path(problem: Problem, path: str) -> Problem:
    return tuple.__new__(Problem, (path, *problem[1:]))


class DaskCluster:
    """A connection to a Dask scheduler, or a LocalCluster of processes started for the run. Use
    as a context manager: a LocalCluster is stopped on exit."""

    def __init__(self, address: str, chunk_bytes: int | None = None) -> None:
        self.address = address
        self.chunk_bytes = chunk_bytes or CLUSTER_CHUNK_BYTES
        self._stack = contextlib.ExitStack()
        self.client: Any = None

    def __enter__(self) -> Self:
        try:
            import distributed
        except ImportError:
            raise UsageError("--dask needs the dask extra: pip install 'wsfix[dask]'") from None
        dask: Any = distributed  # partly typed: used as untyped
        for name in ("distributed", "tornado", "asyncio"):
            logging.getLogger(name).setLevel(logging.ERROR)
        address = self.address
        if not address.strip():
            raise UsageError("--dask '': expected a scheduler's address (tcp://host:8786) or local[:N]")
        try:
            if address == LOCAL or address.startswith(LOCAL + ":"):
                workers = _local_workers(address)
                # Dask warns on stderr when its HTTP port is taken (it takes another): not ours to say.
                self._stack.enter_context(warnings.catch_warnings())
                warnings.simplefilter("ignore", UserWarning)
                cluster = self._stack.enter_context(
                    dask.LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        silence_logs=logging.CRITICAL,  # a failed task is reported once, by wsfix
                    )
                )
                self.client = self._stack.enter_context(dask.Client(cluster))
            else:
                self.client = self._stack.enter_context(dask.Client(address, timeout=CONNECT_TIMEOUT))
        except (OSError, TimeoutError) as error:
            self._stack.close()
            raise WsfixError(f"--dask {address}: cannot reach the scheduler: {error}") from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()

    def work(self, paths: Sequence[str], settings: Settings, kind: str, with_data: bool = False) -> ClusterWork:
        """The tasks of a check or repair (`kind`) of `paths`; `with_data`: each result comes with
        the bytes it covers (a repair that writes)."""
        return ClusterWork(self, paths, settings, kind, with_data)


def _local_workers(address: str) -> int:
    count = address.removeprefix(LOCAL).removeprefix(":")
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise UsageError(f"--dask {address}: expected local or local:N, N a number of worker processes (1 or more)")
    return int(count)


class _Planned:
    """A capture of the run: its tasks still to submit, and those submitted, in file order."""

    def __init__(
        self, path: str, size: int | None, capture_format: CaptureFormat, ranges: list[tuple[int, int]] | None
    ) -> None:
        self.path = path
        self.location = path if "://" in path else os.path.abspath(path)
        self.size = size
        self.capture_format = capture_format
        self.ranges = ranges is not None  # a task per byte range (each numbered from 1), or one for it all
        self.pending: collections.deque[tuple[int | None, int | None]] = collections.deque()
        if ranges is None:
            self.pending.append((None, None))
        else:
            self.pending.extend(ranges)
        self.futures: collections.deque[tuple[int, Any]] = collections.deque()  # (bytes it covers, future)


class ClusterWork:
    """The tasks of one run over `paths`, read back in file order through `results`, one capture
    at a time. At most a window of tasks (4 per worker thread, 8 at least) is in flight, whatever
    the number or size of the captures: a result waits on the cluster only until it is read."""

    def __init__(
        self, cluster: DaskCluster, paths: Sequence[str], settings: Settings, kind: str, with_data: bool = False
    ) -> None:
        self._cluster = cluster
        self._with_data = with_data
        self._client = cluster.client
        self._settings = settings
        self._kind = kind
        self._recipe = portable(settings)
        self._paths = collections.deque(paths)
        self._planned: collections.deque[_Planned] = collections.deque()
        self._in_flight = 0
        threads = sum(self._client.nthreads().values()) or 1
        self._window = max(4 * threads, 8)

    def results(
        self,
        path: str,
        capture_format: CaptureFormat,
        progress: Any,
        full_problems: Callable[[], Wanted],
    ) -> Iterator[tuple[bytes | None, Any, int]]:
        """(its bytes, for a repair that needs them; result; number to add to its line numbers)
        for each chunk or segment of capture `path` (the next one of the run), in order. Raises
        WsfixError naming the capture when a task fails."""
        if not self._planned:
            self._plan()
        planned = self._planned[0]
        if planned.path != path:
            raise AssertionError(f"{path}: not the next capture of the run ({planned.path})")
        first_line = 1  # of the next byte range: a range's results are numbered from 1
        try:
            self._top_up(full_problems)
            with _progress(progress, path, planned.size) as bar:
                while planned.futures:
                    covered, future = planned.futures.popleft()
                    self._in_flight -= 1
                    for data, result, offset in self._result(path, future):
                        if planned.ranges:
                            yield data, result, first_line - 1
                            first_line += result.lines
                        else:  # the whole capture, numbered in the worker
                            yield data, result, offset
                    if bar is not None and covered:
                        bar.advance(covered)
                    self._top_up(full_problems)
        except BaseException:
            self._cancel()
            raise
        self._planned.popleft()

    def _result(self, path: str, future: Any) -> list[tuple[bytes | None, Any, int]]:
        try:
            return future.result()  # type: ignore[no-any-return]
        except WsfixError as error:
            if str(error).startswith(f"{path}: "):
                raise  # the worker's own message names the capture
            raise type(error)(f"{path}: on the Dask cluster: {error}") from None
        except Exception as error:  # noqa: BLE001 - whatever a task or Dask raises ends the run here, named
            raise WsfixError(f"{path}: failed on the Dask cluster, the run is incomplete: {_describe(error)}") from None

    def _top_up(self, full_problems: Callable[[], Wanted]) -> None:
        """Submit tasks in file order while the window has room: the planned captures' first, then
        the next captures'."""
        for planned in self._planned:
            while planned.pending and self._in_flight < self._window:
                self._submit(planned, full_problems())
            if planned.pending:
                return
        while self._paths and self._in_flight < self._window:
            planned = self._plan()
            while planned.pending and self._in_flight < self._window:
                self._submit(planned, full_problems())

    def _plan(self) -> _Planned:
        """Find the format and the byte ranges of the next capture (its tasks are submitted later)."""
        from wsfix.run import choose_format

        path = self._paths.popleft()
        with open_capture(path) as stream:
            capture_format = choose_format(self._settings, path, stream)
            size = stream.stored_size()
            ranges = None
            if capture_format.line_based and size is not None and size > self._cluster.chunk_bytes:
                ranges = list(self._ranges(path, size))
        planned = _Planned(path, size, capture_format, ranges)
        self._planned.append(planned)
        return planned

    def _submit(self, planned: _Planned, full_problems: Wanted) -> None:
        start, end = planned.pending.popleft()
        future = self._client.submit(
            run_task,
            self._recipe,
            self._kind,
            planned.capture_format,
            Task(planned.path, planned.location, start, end),
            full_problems,
            self._with_data,
            pure=False,
            key=_key(planned.path, start),
        )
        covered = (end - start) if start is not None and end is not None else (planned.size or 0)
        planned.futures.append((covered, future))
        self._in_flight += 1

    def _ranges(self, path: str, size: int) -> Iterator[tuple[int, int]]:
        if "://" in path:
            from wsfix.remote import open_object

            with open_object(path) as (raw, _):
                yield from file_ranges(raw, path, size, self._cluster.chunk_bytes)
            return
        with open(path, "rb") as raw:
            yield from file_ranges(raw, path, size, self._cluster.chunk_bytes)

    def _cancel(self) -> None:
        """Cancel every task submitted and not read (a run that ends early)."""
        futures = [future for planned in self._planned for _, future in planned.futures]
        with contextlib.suppress(Exception):
            self._client.cancel(futures)


_serial = iter(range(1 << 62))


def _key(path: str, start: int | None) -> str:
    # Named for Dask's dashboard and logs; unique within the client (`pure=False` is not enough
    # when a key is given).
    return f"wsfix-{os.path.basename(path)}-{start or 0}-{next(_serial)}-{os.getpid()}"


def _describe(error: BaseException) -> str:
    name = type(error).__name__
    if name == "KilledWorker":
        return "its worker died more often than Dask retries a task (out of memory, or killed)"
    text = " ".join(str(error).split())
    return f"{name}: {text}" if text else name


def _progress(progress: Any, path: str, size: int | None) -> Any:
    if progress is None or size is None:
        return contextlib.nullcontext()
    return progress(path, size)
