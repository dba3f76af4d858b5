"""Running check and repair over captures: the loops between the command line and the linter.

`check_captures` feeds every selected problem to a reporter and returns the summary;
`repair_capture` writes the repaired copy where a `RepairTarget` says. No option parsing, no
printing of its own (the diff hook and reporters print), no exiting.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from wsfix.capture import STDIN, open_capture
from wsfix.linter import COUNTS, FULL, Linter
from wsfix.parallel import CHUNK_BYTES, ChunkRunner, Progress, capture_size, renumbered, resolve_jobs
from wsfix.report import Summary, Tally
from wsfix.problems import Fix
from wsfix.repair import ChangeHook, RepairResult, apply_fixes, atomic_output
from wsfix.reporters import Reporter
from wsfix.settings import Settings

# Shows progress through one capture of a known size: (path, size in bytes) -> a context
# manager giving something to `advance`, or None (e.g. a capture too small to bother).
ProgressFactory = Callable[[str, int], AbstractContextManager[Progress | None]]


def build_linter(settings: Settings) -> Linter:
    return Linter(settings.schema, settings.policy)


def check_captures(paths: Sequence[str], settings: Settings, reporter: Reporter, *,
                   jobs: int | None = None, progress: ProgressFactory | None = None,
                   chunk_bytes: int = CHUNK_BYTES) -> Summary:
    """Lint every capture in order, report each selected problem, and summarise.

    `jobs`: processes per capture (None: automatic, see `parallel.resolve_jobs`); the findings
    and their order do not depend on it. `chunk_bytes` is for tests, to force many chunks.
    """
    tally = Tally()
    add = tally.add
    report = reporter.add

    def detail() -> int:  # past the rows a table shows, findings are only counted
        return FULL if reporter.wants_problems() else COUNTS

    lines = 0
    with ChunkRunner(settings, chunk_bytes) as runner:
        for path in paths:
            with open_capture(path) as stream:
                size = capture_size(stream)
                with _progress(progress, path, size) as bar:
                    first_line = 1
                    for chunk, checked in runner.run("check", stream, path, resolve_jobs(jobs, size),
                                                     bar, detail):
                        for problem in renumbered(checked.problems, first_line - chunk.first_line):
                            add(problem)  # already selected by the chunk's linter
                            report(problem)
                        if checked.counted:
                            tally.add_counts(checked.counted)
                            reporter.add_unshown(sum(checked.counted.values()))
                        first_line += checked.lines
                lines += first_line - 1
    summary = Summary(files=tuple(paths), lines=lines, tally=tally,
                      naive_zone=settings.policy.naive_zone.name, schema=settings.schema.name)
    reporter.finish(summary)
    return summary


def _progress(progress: ProgressFactory | None, path: str,
              size: int | None) -> AbstractContextManager[Progress | None]:
    if progress is None or size is None:
        return contextlib.nullcontext()
    return progress(path, size)


@dataclass(frozen=True)
class RepairTarget:
    """Where a repair goes: a file (`path`), standard output (`-`), back into the input
    (`in_place`, with an optional backup), or nowhere (`dry_run`)."""

    path: str | None = None
    in_place: bool = False
    backup_suffix: str = ""
    dry_run: bool = False


def repair_capture(source: str, target: RepairTarget, settings: Settings,
                   on_change: ChangeHook | None = None, stdout: object = None, *,
                   jobs: int | None = None, progress: ProgressFactory | None = None,
                   chunk_bytes: int = CHUNK_BYTES) -> RepairResult:
    """Repair `source` into `target`; `stdout` is the binary stream `-` writes to.

    `jobs`, `progress` and `chunk_bytes` as for `check_captures`: the output does not depend on them.
    """
    result = RepairResult()
    with open_capture(source) as stream, ChunkRunner(settings, chunk_bytes) as runner:
        size = capture_size(stream)
        with _progress(progress, source, size) as bar:
            chunks = runner.run("repair", stream, source, resolve_jobs(jobs, size), bar)
            if target.dry_run:
                _write_repaired(chunks, _NullSink(), result, on_change)
            elif target.path == STDIN:
                _write_repaired(chunks, stdout, result, on_change)
                stdout.flush()  # type: ignore[attr-defined]
            else:
                final = source if target.in_place else target.path
                assert final is not None
                with atomic_output(final, mode_from=None if source == STDIN else source) as out:
                    _write_repaired(chunks, out, result, on_change)
                    if target.in_place:
                        if not result.lines_changed:
                            out.discard()  # nothing changed: leave the file (and its mtime) alone
                        elif target.backup_suffix:
                            shutil.copy2(source, source + target.backup_suffix)
    return result


def _write_repaired(chunks: Iterable[tuple[Any, Any]], out: Any, result: RepairResult,
                    on_change: ChangeHook | None) -> None:
    """Write each chunk with its edits spliced in; every other byte is copied as is."""
    write = out.write
    first_line = 1
    for chunk, repaired in chunks:
        data = chunk.read()
        if not repaired.edits:
            write(data)
        else:  # spliced in memory and written at once: one write call per chunk, not two per edit
            view = memoryview(data)
            parts = []
            position = 0
            for _, start, end, replacement in repaired.edits:
                parts.append(view[position:start])
                parts.append(replacement)
                position = end
            parts.append(view[position:])
            write(b"".join(parts))
            if on_change is not None:
                _report_changes(data, repaired.edits, first_line, on_change)
        result.merge(repaired.result, first_line - 1)
        first_line += repaired.lines
    result.lines = first_line - 1


def _report_changes(data: bytes, edits: list[tuple[int, int, int, bytes]], first_line: int,
                    on_change: ChangeHook) -> None:
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


class _NullSink:
    def write(self, data: bytes) -> int:
        return len(data)
