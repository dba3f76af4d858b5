"""Running check and repair over captures: the loops between the command line and the linter.

`check_captures` feeds every selected problem to a reporter and returns the summary;
`repair_capture` writes the repaired copy where a `RepairTarget` says. No option parsing, no
printing of its own (the diff hook and reporters print), no exiting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from wsfix.capture import STDIN, iter_records, open_capture
from wsfix.linter import Linter
from wsfix.problems import Problem
from wsfix.report import Summary, Tally
from wsfix.repair import ChangeHook, RepairResult, atomic_output, repair_records
from wsfix.reporters import Reporter
from wsfix.settings import Settings


def build_linter(settings: Settings) -> Linter:
    return Linter(settings.schema, settings.policy)


def check_captures(paths: Sequence[str], settings: Settings, reporter: Reporter) -> Summary:
    """Lint every capture in order, report each selected problem, and summarise."""
    linter = build_linter(settings)
    selects = settings.selects
    tally = Tally()
    lines = 0
    for path in paths:
        with open_capture(path) as stream:
            records = _Counted(iter_records(stream, path))
            for problem in linter.iter_problems(records, path):
                if selects(problem.code):
                    tally.add(problem)
                    reporter.add(problem)
            lines += records.count
    summary = Summary(files=tuple(paths), lines=lines, tally=tally,
                      naive_zone=settings.policy.naive_zone.name, schema=settings.schema.name)
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
    """Repair `source` into `target`; `stdout` is the binary stream `-` writes to."""
    linter = build_linter(settings)
    lint = _selected_lint(linter, settings, source)
    result = RepairResult()
    with open_capture(source) as stream:
        records = iter_records(stream, source)
        if target.dry_run:
            repair_records(records, lint, _NullSink(), result, on_change)
        elif target.path == STDIN:
            repair_records(records, lint, stdout, result, on_change)
            stdout.flush()  # type: ignore[attr-defined]
        else:
            # In place through a symlink: repair the file it points to, and keep the link.
            final = os.path.realpath(source) if target.in_place else target.path
            assert final is not None
            backup = source + target.backup_suffix if target.in_place and target.backup_suffix else None
            with atomic_output(final, mode_from=None if source == STDIN else source, backup=backup) as out:
                repair_records(records, lint, out, result, on_change)
                if target.in_place and not result.lines_changed:
                    out.discard()  # nothing changed: leave the file (and its mtime) alone
    return result


def _selected_lint(linter: Linter, settings: Settings, path: str) -> Callable[[bytes, int], Sequence[Problem]]:
    """`lint(record, line_no)` keeping only the selected rules' problems (and so their fixes)."""
    lint = linter.lint
    selects = settings.selects

    def lint_record(record: bytes, line_no: int) -> Sequence[Problem]:
        problems = lint(record, line_no, path)
        if problems:
            return tuple(problem for problem in problems if selects(problem.code))
        return problems

    return lint_record


class _NullSink:
    def write(self, data: bytes) -> int:
        return len(data)
