"""Running check and repair over captures: the one loop between the command line and the linter.

Every capture, whatever its format, goes the same way: its format cuts it into segments, one
`SegmentLinter` lints them (in chunks, by several processes for a large line-based file:
`wsfix.parallel`; or by the tasks of a Dask cluster: `wsfix.cluster`), and the results come back
in file order. `check_captures` feeds every selected
problem to a reporter and returns the summary; `repair_capture` splices each segment's edits into
its bytes (`wsfix.repair.splice`) and writes the repaired copy where a `RepairTarget` says. No
option parsing, no printing of its own (the diff hook, progress bars and reporters print), no
exiting.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple

from wsfix import formats
from wsfix.capture import CHUNK_BYTES, STDIN, CaptureStream, open_capture
from wsfix.errors import OutputError, UsageError
from wsfix.formats import CaptureFormat
from wsfix.observations import Observations, merge
from wsfix.output import STDOUT, atomic_output
from wsfix.parallel import Chunk, ChunkReader, ChunkRunner, Progress, renumbered, resolve_jobs
from wsfix.paths import format_path
from wsfix.problems import Wanted
from wsfix.repair import ChangeHook, Part, RepairTally, report_changes, splice
from wsfix.reporters import FindingText, Reporter
from wsfix.segment_linter import Checked, ChunkJob, Repaired, SegmentLinter, Written
from wsfix.settings import Settings
from wsfix.summary import Summary, Tally

if TYPE_CHECKING:
    from wsfix.cluster import DaskCluster
    from wsfix.senders import Sender

# Shows progress through one capture of a known size: (path, size in bytes) -> a context
# manager giving something to `advance`, or None (e.g. a capture too small to bother).
ProgressFactory = Callable[[str, int], AbstractContextManager[Progress | None]]


def choose_format(settings: Settings, path: str, stream: CaptureStream) -> CaptureFormat:
    """The format to read capture `path` in (`--format`, else detected; in an envelope if asked)."""
    name = _format_name(settings, path, stream)
    capture_format = formats.build_format(name)
    if name == "prefixed":
        from wsfix.formats.prefixed import PrefixedLines, has_capture_times

        assert isinstance(capture_format, PrefixedLines)
        capture_format.capture_times = has_capture_times(stream.head())
    if settings.capture_time is not None or settings.group_by is not None:
        from wsfix.formats.timed import Timed

        # Inside the envelope: the paths are read in the record as the file has it.
        capture_format = Timed(capture_format, settings.capture_time, settings.group_by)
    if settings.message_path:
        from wsfix.formats.envelope import Enveloped

        capture_format = Enveloped(capture_format, settings.message_path)
    return capture_format


def _format_name(settings: Settings, path: str, stream: CaptureStream) -> str:
    name = settings.capture_format
    return formats.detect(path, stream.head()) if name == formats.AUTO else name


def how_read(settings: Settings, path: str, stream: CaptureStream) -> str:
    """For `-v`: the format a capture is read in, and what chose it."""
    name = _format_name(settings, path, stream)
    if settings.capture_format != formats.AUTO:
        why = "--format"
    elif formats.named_format(path) is not None:
        why = "by its name"
    else:
        why = "by its content"
    envelope = f", each message at {format_path(settings.message_path)}" if settings.message_path else ""
    return f"{formats.DESCRIPTIONS[name]} ({why}){envelope}"


def detected_by_content(settings: Settings, path: str, stream: CaptureStream) -> str | None:
    """How a summary names the capture's format when only its content told it (not JSON Lines)."""
    if settings.capture_format != formats.AUTO or formats.named_format(path) is not None:
        return None
    name = formats.detect(path, stream.head())
    return None if name == "jsonl" else formats.DESCRIPTIONS[name]


def _runner(settings: Settings, chunk_bytes: int) -> ChunkRunner[SegmentLinter]:
    return ChunkRunner(lambda: SegmentLinter(settings), chunk_bytes)


def _results(
    runner: ChunkRunner[SegmentLinter],
    kind: str,
    capture_format: CaptureFormat,
    stream: CaptureStream,
    path: str,
    jobs: int | None,
    progress: ProgressFactory | None,
    full_problems: Callable[[], Wanted] = lambda: None,
    text_of: FindingText | None = None,
    noted: frozenset[str] = frozenset(),
) -> Iterator[tuple[bytes | Chunk, Any, int]]:
    """(what was linted, its result, the number to add to its line numbers) for each chunk (a
    line-based capture) or segment (a HAR), in file order. What was linted is a chunk to read
    back (`ChunkReader`) or a segment's bytes. With `text_of`, a chunk whose line numbers were
    known where it was linted comes with its findings written (`Checked.written`; the number to
    add is then 0)."""
    if not capture_format.line_based:
        linter = runner.prepare()
        for segment in capture_format.segments(stream, path):
            if kind == "check":
                for checked in linter.check_in_parts(segment, path, full_problems, True):
                    yield segment.data, checked, 0
            else:
                yield segment.data, linter.repair(segment, path, True), 0
        return
    job_count = resolve_jobs(jobs, stream.size_hint(), runner.chunk_bytes)
    with _progress(progress, path, stream.stored_size()) as bar:
        first_line = 1
        task = ChunkJob(capture_format, kind, text_of, noted)
        # Findings' text is written in the workers, whose chunks' lines are counted here, while
        # chunks come back with findings (`parallel._Numbering`): a clean capture's are not.
        count_lines = None if text_of is None else _has_findings
        for chunk, result in runner.run(
            task, stream, path, job_count, stream.local_size(), bar, full_problems, count_lines
        ):
            yield chunk, result, first_line - chunk.first_line
            first_line += result.lines


def _has_findings(checked: Checked) -> bool:
    return bool(checked.problems) or checked.written is not None


def _read_naive_by_evidence(runner: ChunkRunner[SegmentLinter], settings: Settings, path: str) -> None:
    """`--naive-tz auto`, first pass: read the capture once for its capture-time evidence, and
    tell the linter the zone each record's naive values are to be read in (its sender's)."""
    if path == STDIN:
        raise UsageError("--naive-tz auto reads a capture twice: not standard input (save it to a file first)")
    linter = runner.prepare()
    linter.naive_offsets = None
    found: Observations = {}
    with open_capture(path) as stream:
        capture_format = choose_format(settings, path, stream)
        for *_, result, line_offset in _results(runner, "check", capture_format, stream, path, 1, None):
            merge(found, result.observations, line_offset)
    from wsfix import senders as senders_

    linter.naive_offsets = senders_.naive_offsets(senders_.infer(found, settings.max_skew, statistics_of_skews=False))


def _senders(
    observed: dict[str, Observations], settings: Settings, statistics_of_skews: bool
) -> dict[str, list[Sender]]:
    """Each capture's senders; with more than one capture, a group is named with its capture."""
    if not observed:  # no capture time anywhere: nothing to infer (nor its modules to load)
        return {}
    from wsfix import senders as senders_

    several = len(observed) > 1
    return {
        path: senders_.infer(
            found, settings.max_skew, path if several else None, statistics_of_skews=statistics_of_skews
        )
        for path, found in observed.items()
    }


def _evidence_note(senders: list[Sender], settings: Settings) -> str | None:
    """What the summary says of the senders' evidence (`senders.evidence_note`), if any."""
    if not senders:
        return None
    from wsfix import senders as senders_

    return senders_.evidence_note(senders, settings.naive_auto)


def check_captures(
    paths: Sequence[str],
    settings: Settings,
    reporter: Reporter,
    *,
    jobs: int | None = None,
    progress: ProgressFactory | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    on_format: Callable[[str, str], None] | None = None,
    cluster: DaskCluster | None = None,
    senders: dict[str, list[Sender]] | None = None,
) -> Summary:
    """Lint every capture in order, report each selected problem, and summarise.

    `jobs`: processes per line-based file (None: automatic, see `parallel.resolve_jobs`); the
    findings and their order do not depend on it. `progress` shows progress through each file
    that can tell its size. `chunk_bytes` is for tests, to force many chunks. `on_format(path,
    description)` is told how each capture is read (`how_read`). `cluster`: the captures are
    linted there instead (`wsfix.cluster`; `jobs` is then not used), with the same findings in
    the same order. `senders` is given each capture's senders (capture-time evidence per group).

    Under `--naive-tz auto` each capture is read twice, in this process: first for the evidence,
    then linted with each record's naive values read in its sender's inferred zone.
    """
    if settings.naive_auto:
        jobs, cluster = 1, None  # the zones found in the first pass live in this process
    tally = Tally()
    observed: dict[str, Observations] = {}
    add, report = tally.add, reporter.add
    text_of, noted = reporter.finding_text(), reporter.noted_codes()
    records = skipped = 0
    nouns = set()
    detected: dict[str, None] = {}
    # Standard input is read here, even with a cluster: no worker can read it.
    work = cluster.work([path for path in paths if path != STDIN], settings, "check") if cluster is not None else None
    with _runner(settings, chunk_bytes) as runner:
        for path in paths:
            if settings.naive_auto:
                _read_naive_by_evidence(runner, settings, path)
            with open_capture(path) as stream:
                capture_format = choose_format(settings, path, stream)
                if on_format is not None:
                    on_format(path, how_read(settings, path, stream))
                nouns.add(capture_format.noun)
                description = detected_by_content(settings, path, stream)
                if description is not None:
                    detected[description] = None
                checked: Checked
                # Past the rows a table shows, findings are only counted.
                results = (
                    _results(
                        runner,
                        "check",
                        capture_format,
                        stream,
                        path,
                        jobs,
                        progress,
                        reporter.problems_wanted,
                        text_of,
                        noted,
                    )
                    if work is None or path == STDIN
                    else work.results(path, capture_format, progress, reporter.problems_wanted)
                )
                for *_, checked, line_offset in results:
                    written = checked.written
                    if written is not None:  # the findings' text, written where they were found
                        assert not line_offset
                    elif text_of is not None and checked.problems:
                        # Problems that came here (a HAR's part, a chunk sent before its line
                        # numbers were known, a cluster's): written here, as a worker writes them.
                        written = Written.of(renumbered(checked.problems, line_offset), text_of, noted)
                    if written is not None:
                        tally.add_counts(written.counted)
                        reporter.add_texts(
                            written.texts, path, sum(count for (_, fixed), count in written.counted.items() if fixed)
                        )
                        for problem in written.noted:
                            reporter.note(problem)
                    else:
                        for problem in renumbered(checked.problems, line_offset):
                            add(problem)
                            report(problem)
                    if checked.counted:
                        tally.add_counts(checked.counted)
                        reporter.add_unshown(sum(checked.counted.values()), path)
                    records += checked.records
                    skipped += checked.skipped
                    if checked.observations:
                        merge(observed.setdefault(path, {}), checked.observations, line_offset)
    by_capture = _senders(observed, settings, statistics_of_skews=senders is not None)
    if senders is not None:
        senders.update(by_capture)
    summary = Summary.of_run(
        tuple(paths),
        records,
        tally,
        settings,
        skipped=skipped,
        noun=nouns.pop() if len(nouns) == 1 else "record",
        detected=tuple(detected),
        evidence=_evidence_note([s for found in by_capture.values() for s in found], settings),
    )
    reporter.finish(summary)
    return summary


def _progress(progress: ProgressFactory | None, path: str, size: int | None) -> AbstractContextManager[Progress | None]:
    if progress is None or size is None:
        return contextlib.nullcontext()
    return progress(path, size)


class RepairTarget(NamedTuple):
    """Where a repair goes: a file (`path`), standard output (`-`), back into the input
    (`in_place`, with an optional backup), or nowhere (`dry_run`)."""

    path: str | None = None
    in_place: bool = False
    backup_suffix: str = ""
    dry_run: bool = False
    # An existing backup is replaced only with this (--force); without it, a repair that would
    # change the input stops (OutputError), leaving it and the backup as they are. A repair that
    # changes nothing needs no backup, and does not stop.
    overwrite_backup: bool = False


def repair_capture(
    source: str,
    target: RepairTarget,
    settings: Settings,
    on_change: ChangeHook | None = None,
    stdout: object = None,
    *,
    jobs: int | None = None,
    progress: ProgressFactory | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    on_format: Callable[[str, str], None] | None = None,
    cluster: DaskCluster | None = None,
    on_end: Callable[[], None] | None = None,
) -> RepairTally:
    """Repair `source` into `target`; `stdout` is the binary stream `-` writes to.

    `on_change` hears each changed line as the repair streams; `on_end` is called once every line
    has been heard and before the output is committed, so that what it raises (a diff's reader
    gone: BrokenPipeError) leaves no output behind.

    A file written in place keeps its compression (gzip'd if the input is, whatever its name);
    another target file is gzip-compressed when its name ends in `.gz`. In place, a capture that
    changes while it is repaired (a live log growing) is left as it is: OutputError.
    `jobs`, `progress`, `chunk_bytes` and `cluster` as for `check_captures`: the output does not
    depend on them. A capture or a target named by URL is read from, or written to, its store
    (a capture there is not repaired in place).
    """
    if "://" in source and target.in_place:
        raise UsageError(f"{source}: a capture in object storage is not repaired in place: --out another object")
    tally = RepairTally()
    observed: Observations = {}  # capture-time evidence, per group
    if settings.naive_auto:
        # Read twice, in this process: the zones found in the first pass live here.
        jobs, cluster = 1, None
    with open_capture(source) as stream, _runner(settings, chunk_bytes) as runner:
        capture_format = choose_format(settings, source, stream)
        if on_format is not None:
            on_format(source, how_read(settings, source, stream))
        tally.noun = capture_format.noun
        if source == STDIN:
            cluster = None  # no worker can read it
        if cluster is None:
            runner.prepare()
        if settings.naive_auto:
            _read_naive_by_evidence(runner, settings, source)
        before = _identity(source) if target.in_place else None

        def write(out: Any) -> None:
            # A dry run without a diff needs only the counts: chunks linted by workers are not read again.
            needs_bytes = on_change is not None or not isinstance(out, _NullSink)
            write_parts = _parts_writer(out)
            with ChunkReader() as reader:
                repaired: Repaired
                results: Iterator[tuple[Any, Repaired, int]] = (
                    _results(runner, "repair", capture_format, stream, source, jobs, progress)
                    if cluster is None
                    # Bytes come back with the results only when they are written or diffed.
                    else cluster.work([source], settings, "repair", needs_bytes).results(
                        source, capture_format, progress, lambda: None
                    )
                )
                for linted, repaired, line_offset in results:
                    if needs_bytes:
                        data = linted if isinstance(linted, bytes) else reader.read(linted)
                        write_parts(splice(data, repaired.edits))
                        if on_change is not None and repaired.edits:
                            report_changes(data, repaired.edits, line_offset + 1, on_change)
                    merge(observed, repaired.observations, line_offset)
                    tally.merge(repaired.tally, line_offset)
            if on_end is not None:
                on_end()

        if target.dry_run:
            write(_NullSink())
        elif target.path == STDOUT:
            write(stdout)
            stdout.flush()  # type: ignore[attr-defined]
        elif target.path is not None and "://" in target.path:
            from wsfix.remote import atomic_object

            with (
                atomic_object(target.path) as written,
                _compressed(target.path, _Object(written), target.path.endswith(".gz")) as sink,
            ):
                write(sink)
        else:
            # In place through a symlink: repair the file it points to, and keep the link.
            final = os.path.realpath(source) if target.in_place else target.path
            assert final is not None
            backup = source + target.backup_suffix if target.in_place and target.backup_suffix else None
            compress = stream.compressed if target.in_place else final.endswith(".gz")
            mode_from = None if source == STDIN or "://" in source else source
            with atomic_output(final, mode_from=mode_from, backup=backup) as out:
                with _compressed(final, out, compress) as sink:
                    write(sink)
                if target.in_place and not tally.lines_changed:
                    out.discard()  # nothing changed: leave the file (and its mtime) alone
                elif backup is not None and not target.overwrite_backup and os.path.lexists(backup):
                    raise OutputError(
                        f"{backup}: backup already exists (use --force to overwrite it, "
                        f"or --backup-suffix '' for no backup); {source} is unchanged"
                    )
                elif before is not None and _identity(source) != before:
                    raise OutputError(
                        f"{source}: changed while it was being repaired (a live log still written to?); "
                        "it is left as it is: repair it again once it is complete"
                    )
    by_capture = _senders({source: observed} if observed else {}, settings, statistics_of_skews=False)
    tally.evidence = _evidence_note(by_capture.get(source, []), settings)
    return tally


def _identity(path: str) -> tuple[int, ...] | None:
    """What tells a file apart from itself a moment later: device, inode, size, modification time."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _parts_writer(out: Any) -> Callable[[Sequence[Part]], None]:
    """A function writing a sequence of byte strings to `out` in order: its own `write_parts`
    (a temp file: gathered by the operating system), else one `write` of them joined."""
    write_parts = getattr(out, "write_parts", None)
    if write_parts is not None:
        return write_parts  # type: ignore[no-any-return]
    write = out.write

    def write_joined(parts: Sequence[Part]) -> None:
        write(parts[0] if len(parts) == 1 else b"".join(parts))

    return write_joined


@contextlib.contextmanager
def _compressed(final: str, out: Any, compress: bool) -> Iterator[Any]:
    if not compress:
        yield out
        return
    # mtime 0 and the target's own name in the header: the same input gives the same bytes.
    name = os.path.basename(final).removesuffix(".gz")
    with gzip.GzipFile(filename=name, mode="wb", fileobj=out.stream, mtime=0) as compressed:
        yield compressed


class _Object:
    """An object being written (`wsfix.remote.atomic_object`), as `_compressed` takes an output."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.write = stream.write


class _NullSink:
    def write(self, data: bytes) -> int:
        return len(data)

    def write_parts(self, parts: Sequence[Part]) -> None:
        pass
