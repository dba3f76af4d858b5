"""Running check and repair over captures: the loops between the command line and the linter.

`check_captures` feeds every selected problem to a reporter and returns the summary;
`repair_capture` writes the repaired copy where a `RepairTarget` says (gzip-compressed when its
name ends in `.gz`). Plain JSON Lines go straight to the linter's record loop; other capture
formats and envelopes go through `wsfix.formats` and `wsfix.records`. No option parsing, no
printing of its own (the diff hook and reporters print), no exiting.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wsfix.capture import STDIN, CaptureStream, iter_records, open_capture
from wsfix.linter import Linter
from wsfix.problems import Problem
from wsfix.records import segment_problems
from wsfix.report import Summary, Tally
from wsfix.repair import ChangeHook, RepairResult, atomic_output, repair_records, repair_segments
from wsfix.reporters import Reporter
from wsfix.settings import Settings

if TYPE_CHECKING:
    from wsfix.formats import CaptureFormat


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


def check_captures(paths: Sequence[str], settings: Settings, reporter: Reporter) -> Summary:
    """Lint every capture in order, report each selected problem, and summarise."""
    linter = build_linter(settings)
    selects = settings.selects
    tally = Tally()
    lines = skipped = 0
    nouns = set()
    for path in paths:
        with open_capture(path) as stream:
            capture_format = choose_format(settings, path, stream)
            if capture_format is None:
                nouns.add("line")
                records = _Counted(iter_records(stream, path))
                for problem in linter.iter_problems(records, path):
                    if selects(problem.code):
                        tally.add(problem)
                        reporter.add(problem)
                lines += records.count
                continue
            nouns.add(capture_format.noun)
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
    summary = Summary.of_run(tuple(paths), lines, tally, settings, skipped=skipped,
                             noun=nouns.pop() if len(nouns) == 1 else "record")
    reporter.finish(summary)
    return summary


class _Counted:
    """Counts the records of a capture as the linter consumes them."""

    def __init__(self, records: Iterator[bytes]) -> None:
        self._records = records
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        count = 0
        for count, record in enumerate(self._records, 1):  # noqa: B007 - counted below
            self.count = count
            yield record


@dataclass(frozen=True)
class RepairTarget:
    """Where a repair goes: a file (`path`), standard output (`-`), back into the input
    (`in_place`, with an optional backup), or nowhere (`dry_run`)."""

    path: str | None = None
    in_place: bool = False
    backup_suffix: str = ""
    dry_run: bool = False


def repair_capture(source: str, target: RepairTarget, settings: Settings,
                   on_change: ChangeHook | None = None, stdout: object = None) -> RepairResult:
    """Repair `source` into `target`; `stdout` is the binary stream `-` writes to. A target
    file named `*.gz` is written gzip-compressed; anything else uncompressed."""
    linter = build_linter(settings)
    lint = _selected_lint(linter, settings)
    result = RepairResult()
    with open_capture(source) as stream:
        capture_format = choose_format(settings, source, stream)
        if capture_format is None:
            def write(out: Any) -> None:
                repair_records(iter_records(stream, source),
                               lambda record, line_no: lint(record, line_no, source), out, result, on_change)
        else:
            result.noun = capture_format.noun
            segments = capture_format.segments(stream, source)

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
    return result


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
