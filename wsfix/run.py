"""Running check and repair over captures: the loops between the command line and the linter.

`check_captures` feeds every selected problem to a reporter and returns the summary;
`repair_capture` writes the repaired copy where a `RepairTarget` says (gzip-compressed when its
name ends in `.gz`). Plain JSON Lines are linted in chunks (`wsfix.parallel`), by several
processes for a large file; other capture formats and envelopes go through `wsfix.formats` and
`wsfix.records`, in this process. No option parsing, no printing of its own (the diff hook,
progress bars and reporters print), no exiting.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple

from wsfix.capture import STDIN, CaptureStream, open_capture
from wsfix.errors import OutputError
from wsfix.linter import Linter
from wsfix.output import atomic_output
from wsfix.parallel import CHUNK_BYTES, ChunkReader, ChunkRunner, Progress, renumbered, resolve_jobs
from wsfix.problems import Fix, Problem
from wsfix.records import segment_problems
from wsfix.repair import ChangeHook, RepairResult, apply_fixes, repair_segments
from wsfix.report import Summary, Tally
from wsfix.reporters import Reporter
from wsfix.settings import Settings

if TYPE_CHECKING:
    from wsfix.formats import CaptureFormat

# Shows progress through one capture of a known size: (path, size in bytes) -> a context
# manager giving something to `advance`, or None (e.g. a capture too small to bother).
ProgressFactory = Callable[[str, int], AbstractContextManager[Progress | None]]


def build_linter(settings: Settings) -> Linter:
    return Linter(settings.schema, settings.policy)


def choose_format(settings: Settings, path: str, stream: CaptureStream) -> CaptureFormat | None:
    """The format to read capture `path` in, or None for plain JSON Lines (the linter's own loop)."""
    name = settings.capture_format
    if name == "jsonl" and not settings.message_path:
        return None
    from wsfix import formats

    if name == formats.AUTO:
        name = formats.detect(path, stream.head())
        if name == "jsonl" and not settings.message_path:
            return None
    capture_format = formats.build_format(name)
    if settings.message_path:
        from wsfix.formats.envelope import Enveloped

        capture_format = Enveloped(capture_format, settings.message_path)
    return capture_format


def check_captures(
    paths: Sequence[str],
    settings: Settings,
    reporter: Reporter,
    *,
    jobs: int | None = None,
    progress: ProgressFactory | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Summary:
    """Lint every capture in order, report each selected problem, and summarise.

    `jobs`: processes per JSON Lines file (None: automatic, see `parallel.resolve_jobs`); the
    findings and their order do not depend on it. `progress` shows progress through each file
    that can tell its size. `chunk_bytes` is for tests, to force many chunks.
    """
    selects = settings.selects
    tally = Tally()
    lines = skipped = 0
    nouns = set()
    linter: Linter | None = None
    with ChunkRunner(settings, chunk_bytes) as runner:
        for path in paths:
            with open_capture(path) as stream:
                capture_format = choose_format(settings, path, stream)
                if capture_format is None:
                    nouns.add("line")
                    lines += _check_lines(runner, stream, path, reporter, tally, jobs, progress)
                    continue
                nouns.add(capture_format.noun)
                if linter is None:
                    linter = build_linter(settings)
                for segment in capture_format.segments(stream, path):
                    for _, problems in segment_problems(segment, linter.lint, path):
                        if problems is None:
                            skipped += 1
                            continue
                        lines += 1
                        for problem in problems:
                            if selects(problem.code):
                                tally.add(problem)
                                reporter.add(problem)
    summary = Summary.of_run(
        tuple(paths), lines, tally, settings, skipped=skipped, noun=nouns.pop() if len(nouns) == 1 else "record"
    )
    reporter.finish(summary)
    return summary


def _check_lines(
    runner: ChunkRunner,
    stream: CaptureStream,
    path: str,
    reporter: Reporter,
    tally: Tally,
    jobs: int | None,
    progress: ProgressFactory | None,
) -> int:
    """Lint a JSON Lines capture chunk by chunk, reporting its selected problems; its line count."""
    add = tally.add
    report = reporter.add

    size = stream.stored_size()
    first_line = 1
    with _progress(progress, path, size) as bar:
        # Past the rows a table shows, findings are only counted.
        for chunk, checked in runner.run(
            "check", stream, path, resolve_jobs(jobs, size), size, bar, reporter.problems_wanted
        ):
            for problem in renumbered(checked.problems, first_line - chunk.first_line):
                add(problem)  # already selected by the chunk's linter
                report(problem)
            if checked.counted:
                tally.add_counts(checked.counted)
                reporter.add_unshown(sum(checked.counted.values()))
            first_line += checked.lines
    return first_line - 1


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
) -> RepairResult:
    """Repair `source` into `target`; `stdout` is the binary stream `-` writes to. A target
    file named `*.gz` is written gzip-compressed; anything else uncompressed.

    `jobs`, `progress` and `chunk_bytes` as for `check_captures`: the output does not depend on them.
    """
    result = RepairResult()
    with open_capture(source) as stream, ChunkRunner(settings, chunk_bytes) as runner:
        capture_format = choose_format(settings, source, stream)
        size = stream.stored_size() if capture_format is None else None
        with _progress(progress, source, size) as bar:
            if capture_format is None:
                runner.prepare()
                chunks = runner.run("repair", stream, source, resolve_jobs(jobs, size), size, bar)

                def write(out: Any) -> None:
                    _write_repaired(chunks, out, result, on_change)
            else:
                result.noun = capture_format.noun
                segments = capture_format.segments(stream, source)
                lint = _selected_lint(build_linter(settings), settings)

                def write(out: Any) -> None:
                    repair_segments(segments, lint, source, out, result, on_change)

            if target.dry_run:
                write(_NullSink())
            elif target.path == STDIN:
                write(stdout)
                stdout.flush()  # type: ignore[attr-defined]
            else:
                # In place through a symlink: repair the file it points to, and keep the link.
                final = os.path.realpath(source) if target.in_place else target.path
                assert final is not None
                backup = source + target.backup_suffix if target.in_place and target.backup_suffix else None
                with atomic_output(final, mode_from=None if source == STDIN else source, backup=backup) as out:
                    with _compressed_if_named(final, out) as sink:
                        write(sink)
                    if target.in_place and not result.lines_changed:
                        out.discard()  # nothing changed: leave the file (and its mtime) alone
                    elif backup is not None and not target.overwrite_backup and os.path.lexists(backup):
                        raise OutputError(
                            f"{backup}: backup already exists (use --force to overwrite it, "
                            f"or --backup-suffix '' for no backup); {source} is unchanged"
                        )
    return result


def _write_repaired(
    chunks: Iterable[tuple[Any, Any]], out: Any, result: RepairResult, on_change: ChangeHook | None
) -> None:
    """Write each chunk with its edits spliced in; every other byte is copied as is."""
    write_parts = _parts_writer(out)
    # A dry run without a diff needs only the counts: chunks linted by workers are not read again.
    needs_bytes = on_change is not None or not isinstance(out, _NullSink)
    first_line = 1
    with ChunkReader() as reader:
        for chunk, repaired in chunks:
            if needs_bytes:
                _write_chunk(reader.read(chunk), repaired.edits, write_parts, first_line, on_change)
            result.merge(repaired.result, first_line - 1)
            first_line += repaired.lines
    result.lines = first_line - 1


def _write_chunk(
    data: bytes | memoryview,
    edits: list[tuple[int, int, int, bytes]],
    write_parts: Callable[[Sequence[bytes | memoryview]], None],
    first_line: int,
    on_change: ChangeHook | None,
) -> None:
    if not edits:
        write_parts((data,))
        return
    # The stretches between the edits and the replacements, handed over together (no joined copy).
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    position = 0
    for _, start, end, replacement in edits:
        parts.append(view[position:start])
        parts.append(replacement)
        position = end
    parts.append(view[position:])
    write_parts(parts)
    if on_change is not None:
        _report_changes(bytes(data), edits, first_line, on_change)


def _parts_writer(out: Any) -> Callable[[Sequence[bytes | memoryview]], None]:
    """A function writing a sequence of byte strings to `out` in order: its own `write_parts`
    (a temp file: gathered by the operating system), else one `write` of them joined."""
    write_parts = getattr(out, "write_parts", None)
    if write_parts is not None:
        return write_parts  # type: ignore[no-any-return]
    write = out.write

    def write_joined(parts: Sequence[bytes | memoryview]) -> None:
        write(parts[0] if len(parts) == 1 else b"".join(parts))

    return write_joined


def _report_changes(
    data: bytes, edits: list[tuple[int, int, int, bytes]], first_line: int, on_change: ChangeHook
) -> None:
    """Call `on_change(line, record, repaired record)` for each record the edits change."""
    index = 0
    while index < len(edits):
        line, start, _, _ = edits[index]
        record_start = data.rfind(b"\n", 0, start) + 1
        record_end = data.find(b"\n", start) + 1 or len(data)
        fixes = []
        while index < len(edits) and edits[index][0] == line:
            _, fix_start, fix_end, replacement = edits[index]
            fixes.append(Fix(fix_start - record_start, fix_end - record_start, replacement.decode()))
            index += 1
        record = data[record_start:record_end]
        on_change(first_line + line - 1, record, apply_fixes(record, fixes))


@contextlib.contextmanager
def _compressed_if_named(final: str, out: Any) -> Iterator[Any]:
    if not final.endswith(".gz"):
        yield out
        return
    # mtime 0 and the target's own name in the header: the same input gives the same bytes.
    name = os.path.basename(final)[:-3]
    with gzip.GzipFile(filename=name, mode="wb", fileobj=out.stream, mtime=0) as compressed:
        yield compressed


def _selected_lint(linter: Linter, settings: Settings) -> Callable[[bytes, int, str], Sequence[Problem]]:
    """`lint(message, line_no, path)` keeping only the selected rules' problems (and so their fixes)."""
    lint = linter.lint
    selects = settings.selects

    def lint_record(record: bytes, line_no: int, path: str) -> Sequence[Problem]:
        problems = lint(record, line_no, path)
        if problems:
            return tuple(problem for problem in problems if selects(problem.code))
        return problems

    return lint_record


class _NullSink:
    def write(self, data: bytes) -> int:
        return len(data)

    def write_parts(self, parts: Sequence[bytes | memoryview]) -> None:
        pass
