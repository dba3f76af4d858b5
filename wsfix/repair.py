"""Surgical repair: splice fixes into records and write the result atomically.

Only the bytes of a replaced value change. Records are never re-serialised: key order, spacing,
escapes, number spellings, CRLF, a missing final newline and a byte order mark all survive, and a
record without fixes is copied byte for byte.

No printing; the caller reports.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from wsfix.errors import OutputError
from wsfix.problems import Fix, Problem


def apply_fixes(record: bytes, fixes: Sequence[Fix]) -> bytes:
    """`record` with every fix spliced in. Raises ValueError if two fixes overlap."""
    if len(fixes) == 1:  # nearly always: one timestamp per record
        start, end, replacement = fixes[0]
        return record[:start] + replacement.encode() + record[end:]
    ordered = sorted(fixes, key=lambda fix: fix.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise ValueError(f"overlapping fixes at bytes {before.start}-{before.end} and "
                             f"{after.start}-{after.end}")
    result = record
    for fix in reversed(ordered):  # right to left, so earlier offsets stay valid
        result = result[:fix.start] + fix.replacement.encode() + result[fix.end:]
    return result


@dataclass
class RepairResult:
    """What a repair did: fixed and remaining findings per code, with the first lines left."""

    lines: int = 0
    lines_changed: int = 0
    fixed: Counter[str] = field(default_factory=Counter)
    remaining: Counter[str] = field(default_factory=Counter)
    remaining_lines: dict[str, list[int]] = field(default_factory=dict)

    FIRST_LINES_KEPT = 5

    def add_remaining(self, problem: Problem) -> None:
        self.remaining[problem.code] += 1
        lines = self.remaining_lines.setdefault(problem.code, [])
        if len(lines) < self.FIRST_LINES_KEPT and (not lines or lines[-1] != problem.line):
            lines.append(problem.line)

    def merge(self, later: RepairResult, line_offset: int) -> None:
        """Add the counts of `later`, a result for the lines after these (its line numbers
        shifted by `line_offset`); `lines` is left to the caller."""
        self.lines_changed += later.lines_changed
        self.fixed.update(later.fixed)
        self.remaining.update(later.remaining)
        for code, later_lines in later.remaining_lines.items():
            lines = self.remaining_lines.setdefault(code, [])
            for line in later_lines[:max(self.FIRST_LINES_KEPT - len(lines), 0)]:
                lines.append(line + line_offset)


ChangeHook = Callable[[int, bytes, bytes], None]


def repair_records(records: Iterable[bytes], lint: Callable[[bytes, int], Sequence[Problem]],
                   out: Any, result: RepairResult, on_change: ChangeHook | None = None) -> None:
    """Write every record to `out` (anything with `write(bytes)`), fixed where `lint` offers fixes;
    tally into `result`.

    `lint(record, line_no)` returns the (already selected) problems of a record.
    """
    write = out.write
    line_no = 0
    for line_no, record in enumerate(records, 1):
        problems = lint(record, line_no)
        if problems:
            fixes = [problem.fix for problem in problems if problem.fix is not None]
            for problem in problems:
                if problem.fix is None:
                    result.add_remaining(problem)
                else:
                    result.fixed[problem.code] += 1
            if fixes:
                repaired = apply_fixes(record, fixes)
                if repaired != record:
                    result.lines_changed += 1
                    if on_change is not None:
                        on_change(line_no, record, repaired)
                    record = repaired
        write(record)
    result.lines = line_no


def refuse_same_file(source: str, target: str) -> None:
    """Raise OutputError if `target` is `source` under another name (symlink, hard link)."""
    try:
        same = os.path.samefile(source, target)
    except OSError:
        return  # the target does not exist yet
    if same:
        raise OutputError(f"{target}: is the input file {source} (use --in-place to repair it in place)")


class AtomicFile:
    """The temp file behind `atomic_output`: write to it, or `discard()` it to keep the target."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.write = stream.write
        self.discarded = False

    def discard(self) -> None:
        self.discarded = True


@contextlib.contextmanager
def atomic_output(target: str, mode_from: str | None = None) -> Iterator[AtomicFile]:
    """Write `target` all or nothing: a temp file in its folder, fsync, then `os.replace`.

    The new file gets the mode of `mode_from` (the input) when given. If the body raises or
    discards, the temp file is removed and `target` is untouched. Raises OutputError for OS
    failures.
    """
    import tempfile  # here, not at the top: `check` never writes, and tempfile costs start-up time

    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise OutputError(f"{target}: folder {folder} does not exist")
    try:
        descriptor, temp_path = tempfile.mkstemp(
            dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".wsfix-tmp")
    except OSError as error:
        raise OutputError(f"{target}: cannot write in {folder}: {error.strerror or error}") from error
    try:
        with os.fdopen(descriptor, "wb") as stream:
            handle = AtomicFile(stream)
            yield handle
            if not handle.discarded:
                stream.flush()
                os.fsync(stream.fileno())
        if handle.discarded:
            os.unlink(temp_path)
            return
        if mode_from is not None:
            os.chmod(temp_path, stat.S_IMODE(os.stat(mode_from).st_mode))
        os.replace(temp_path, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        if isinstance(error, OSError):
            raise OutputError(f"{target}: write failed: {error.strerror or error}") from error
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    # Make the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
