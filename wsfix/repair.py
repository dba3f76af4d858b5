"""Surgical repair: splice edits into a segment's bytes, and tally what was fixed.

Only the bytes of a replaced value change. Records are never re-serialised: key order, spacing,
escapes, number spellings, CRLF, a missing final newline and a byte order mark all survive, and a
record without fixes is copied byte for byte.

No I/O, no printing; the caller writes and reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wsfix.problems import Edit, Problem

Part = bytes | memoryview
# An edit as it travels: `Edit`'s fields in a plain tuple. Repairs build millions of them and send
# them from worker processes: a named tuple pickles five times slower (measured, 100,000 edits).
EditTuple = tuple[int, int, int, bytes]


def splice(data: bytes | memoryview, edits: Sequence[EditTuple]) -> list[Part]:
    """The parts that, written one after another, are `data` with every edit applied: the
    stretches between the edits (views, not copies) and the replacements. `edits` come in order
    of their offsets (else they are sorted first). Raises ValueError if two edits overlap.

    One pass over all the edits of a segment, as pyupgrade applies its token edits. pyupgrade
    goes right to left because it edits its token list in place; the parts here are new, so
    they are built left to right, and no offset moves either way. Applying edits one at a time,
    each copying the whole segment, would cost a large segment (a HAR) time growing with the
    square of its size.
    """
    if not edits:
        return [data]
    view = memoryview(data)
    parts: list[Part] = []
    position = 0
    for _, start, end, replacement in edits:
        if start < position:
            ordered = sorted(edits, key=lambda edit: (edit[1], edit[2]))
            if ordered != list(edits):
                return splice(data, ordered)
            raise ValueError(f"overlapping edits at byte {start} (the previous one ends at {position})")
        parts.append(view[position:start])
        parts.append(replacement)
        position = end
    parts.append(view[position:])
    return parts


ChangeHook = Callable[[int, bytes, bytes], None]


def report_changes(
    data: bytes | memoryview, edits: Sequence[EditTuple], first_line: int, on_change: ChangeHook
) -> None:
    """Call `on_change(line, old line, new line)` for each line of the file the edits change
    (lines counted from `first_line` for the line `data` starts on; `edits` as for `splice`).
    Replacements hold no line breaks (numbers, date-times, escaped text), so lines pair up."""
    text = data if isinstance(data, bytes) else bytes(data)
    index = 0
    while index < len(edits):
        line, start, _, _ = edits[index]
        line_start = text.rfind(b"\n", 0, start) + 1
        line_end = text.find(b"\n", start) + 1 or len(text)
        group = []
        while index < len(edits) and edits[index][0] == line:
            _, edit_start, edit_end, replacement = edits[index]
            group.append(Edit(line, edit_start - line_start, edit_end - line_start, replacement))
            index += 1
        old = text[line_start:line_end]
        on_change(first_line + line - 1, old, b"".join(splice(old, group)))


@dataclass
class RepairTally:
    """What a repair did: records read and changed, fixed and remaining findings per code, with
    the first lines of each; the one tally of every capture format and every number of jobs."""

    lines: int = 0  # records read: lines, or messages of a HAR
    lines_changed: int = 0  # records whose bytes changed
    fixed: Counter[str] = field(default_factory=Counter)
    remaining: Counter[str] = field(default_factory=Counter)
    remaining_lines: dict[str, list[int]] = field(default_factory=dict)
    skipped: int = 0  # records without a JSON message: copied as they are
    noun: str = "line"
    # What capture times say about naive times where it differs from how they were read (set
    # once the repair is done: `senders.evidence_note`), for the summary.
    evidence: str | None = None
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

    def merge(self, later: RepairTally, line_offset: int) -> None:
        """Add the counts of `later`, a tally of the records after these (its line numbers
        shifted by `line_offset`)."""
        self.lines += later.lines
        self.skipped += later.skipped
        self.lines_changed += later.lines_changed
        # Most tallies merged (a chunk's) have nothing fixed or left: `Counter.update` is Python code.
        if later.fixed:
            self.fixed.update(later.fixed)
        if later.remaining:
            self.remaining.update(later.remaining)
        for code, later_lines in later.remaining_lines.items():
            lines = self.remaining_lines.setdefault(code, [])
            for line in later_lines[: max(self.FIRST_LINES_KEPT - len(lines), 0)]:
                lines.append(line + line_offset)
        self.repeated_keys += later.repeated_keys
        for line in later.repeated_key_lines[: max(self.FIRST_LINES_KEPT - len(self.repeated_key_lines), 0)]:
            self.repeated_key_lines.append(line + line_offset)
