"""Surgical repair: splice fixes into records, and tally what was fixed.

Only the bytes of a replaced value change. Records are never re-serialised: key order, spacing,
escapes, number spellings, CRLF, a missing final newline and a byte order mark all survive, and a
record without fixes is copied byte for byte.

No printing; the caller reports.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wsfix.problems import Fix, Problem
from wsfix.records import Lint, Segment, segment_problems


def apply_fixes(record: bytes, fixes: Sequence[Fix]) -> bytes:
    """`record` with every fix spliced in. Raises ValueError if two fixes overlap."""
    if len(fixes) == 1:  # nearly always: one timestamp per record
        start, end, replacement = fixes[0]
        return record[:start] + replacement.encode() + record[end:]
    ordered = sorted(fixes, key=lambda fix: fix.start)
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise ValueError(f"overlapping fixes at bytes {before.start}-{before.end} and {after.start}-{after.end}")
    result = record
    for fix in reversed(ordered):  # right to left, so earlier offsets stay valid
        result = result[: fix.start] + fix.replacement.encode() + result[fix.end :]
    return result


@dataclass
class RepairResult:
    """What a repair did: fixed and remaining findings per code, with the first lines left."""

    lines: int = 0  # records read: lines, or messages of a HAR
    lines_changed: int = 0
    fixed: Counter[str] = field(default_factory=Counter)
    remaining: Counter[str] = field(default_factory=Counter)
    remaining_lines: dict[str, list[int]] = field(default_factory=dict)
    skipped: int = 0  # records without a JSON message: copied as they are
    noun: str = "line"
    # Fixes of a key the record repeats (pydantic reads the last; that one was replaced).
    repeated_keys: int = 0
    repeated_key_lines: list[int] = field(default_factory=list)

    FIRST_LINES_KEPT = 5

    def add_remaining(self, problem: Problem) -> None:
        self.remaining[problem.code] += 1
        lines = self.remaining_lines.setdefault(problem.code, [])
        if len(lines) < self.FIRST_LINES_KEPT and (not lines or lines[-1] != problem.line):
            lines.append(problem.line)

    def add_repeated_key(self, line_no: int) -> None:
        self.repeated_keys += 1
        if len(self.repeated_key_lines) < self.FIRST_LINES_KEPT:
            self.repeated_key_lines.append(line_no)

    def merge(self, later: RepairResult, line_offset: int) -> None:
        """Add the counts of `later`, a result for the lines after these (its line numbers
        shifted by `line_offset`); `lines` is left to the caller."""
        self.lines_changed += later.lines_changed
        self.fixed.update(later.fixed)
        self.remaining.update(later.remaining)
        for code, later_lines in later.remaining_lines.items():
            lines = self.remaining_lines.setdefault(code, [])
            for line in later_lines[: max(self.FIRST_LINES_KEPT - len(lines), 0)]:
                lines.append(line + line_offset)
        self.repeated_keys += later.repeated_keys
        for line in later.repeated_key_lines[: max(self.FIRST_LINES_KEPT - len(self.repeated_key_lines), 0)]:
            self.repeated_key_lines.append(line + line_offset)


ChangeHook = Callable[[int, bytes, bytes], None]


def repair_records(
    records: Iterable[bytes],
    lint: Callable[[bytes, int], Sequence[Problem]],
    out: Any,
    result: RepairResult,
    on_change: ChangeHook | None = None,
) -> None:
    """Write every record to `out` (anything with `write(bytes)`), fixed where `lint` offers fixes;
    tally into `result`.

    `lint(record, line_no)` returns the (already selected) problems of a record.
    """
    write = out.write
    line_no = 0
    for line_no, record in enumerate(records, 1):
        problems = lint(record, line_no)
        if problems:
            fixes = _tally(problems, result)
            if fixes:
                repaired = apply_fixes(record, fixes)
                if repaired != record:
                    result.lines_changed += 1
                    if on_change is not None:
                        on_change(line_no, record, repaired)
                    record = repaired
        write(record)
    result.lines = line_no


def repair_segments(
    segments: Iterable[Segment],
    lint: Lint,
    path: str,
    out: Any,
    result: RepairResult,
    on_change: ChangeHook | None = None,
) -> None:
    """As `repair_records`, for the segments of a capture format: each record's fixes land in
    its segment's bytes (escaped where the message sits inside a JSON string), every other byte
    is copied. `on_change` sees each changed line of the file."""
    write = out.write
    for segment in segments:
        fixes: list[Fix] = []
        for _, problems in segment_problems(segment, lint, path):
            if problems is None:
                result.skipped += 1
                continue
            result.lines += 1
            found = _tally(problems, result) if problems else []
            if found:
                result.lines_changed += 1
                fixes.extend(found)
        data = segment.data
        if fixes:
            repaired = apply_fixes(data, fixes)
            if on_change is not None:
                _changed_lines(segment.line, data, repaired, on_change)
            data = repaired
        write(data)


def _tally(problems: Sequence[Problem], result: RepairResult) -> list[Fix]:
    """Count a record's problems as fixed or remaining; return the fixes."""
    fixes = []
    for problem in problems:
        if problem.fix is None:
            result.add_remaining(problem)
        else:
            result.fixed[problem.code] += 1
            fixes.append(problem.fix)
            if problem.on_repeated_key:
                result.add_repeated_key(problem.line)
    return fixes


def _changed_lines(first_line: int, old: bytes, new: bytes, on_change: ChangeHook) -> None:
    # Replacements hold no line breaks (numbers, date-times, escaped text), so lines pair up.
    for line_no, (before, after) in enumerate(zip(old.split(b"\n"), new.split(b"\n"), strict=True), first_line):
        if before != after:
            on_change(line_no, before, after)
