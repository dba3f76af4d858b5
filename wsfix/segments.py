"""Segments and records: the message to lint, where it sits, and how its fixes go back.

Every capture format cuts its capture into `Segment`s: consecutive bytes which, joined, are the
capture byte for byte (a chunk of whole lines; or a whole HAR file). A segment holds `Record`s: a
message (the JSON text the linter sees) and the `Layer`s that embed it in the segment, outermost
first: a message after a log prefix is its line from some offset on; a HAR message or a string
envelope is the *decoded* contents of a JSON string, mapped back by an escape-aware `StringMap`.
A segment of JSON Lines has no record list (`records` is None): each of its lines is a record
as it stands, and the linter reads the lines directly, its fast path.

`record_problems` lints each record and moves its problems into the segment: line and column
point at the value in the file, and a fix's offsets and replacement (escaped once per string
layer) apply to the segment's bytes. Only the replaced values' bytes change.

No I/O.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from pydantic_core import from_json

from wsfix.jsonstring import StringMap, escape
from wsfix.jsontext import column_of
from wsfix.problems import Fix, Problem

_new = tuple.__new__  # a finding moved into the file: without the named tuples' Python-level __new__


class Layer(NamedTuple):
    """One level of embedding: the inner text starts at byte `start` of the outer text, verbatim,
    or (with `string`) as the escaped contents of a JSON string."""

    start: int
    string: StringMap | None = None


class Record(NamedTuple):
    """One message of a segment. `line` (1-based) is where it starts in the capture; `message` is
    None where the segment holds no JSON to lint (counted, never a finding); `label` names the
    record where a line does not (`entry 3, message 17 (send)`). `captured` is when the capture
    saw the message (epoch seconds: a HAR message's `time`, a log line's leading timestamp,
    `--capture-time`), None where it does not say; `group` names the sender whose clock the
    record's timestamps share (a HAR entry, `--group-by`), None for the capture as a whole.
    `may_be_text`: the message may be text that is not JSON, which its format counts and never
    reports (a HAR's text message): the lint finds out (`is_json`), where the message fails to
    parse, instead of every message being parsed once more to know."""

    line: int
    message: bytes | None
    layers: tuple[Layer, ...] = ()
    label: str | None = None
    captured: float | None = None
    group: str | None = None
    may_be_text: bool = False


class Segment(NamedTuple):
    """Consecutive bytes of the capture, starting on 1-based line `line`, and their records
    (None: every line is one record as it stands, JSON Lines), in file order. The records are
    read once: a HAR's are made as they are asked for, each part linted before the next is made
    (`SegmentLinter.check_in_parts`), so that they are never all held at once. `locator`: where
    its lines start, where its format found them already (a HAR's reader, for its records'
    lines); else found when its problems are located."""

    data: bytes
    line: int
    records: Iterable[Record] | None
    locator: Locator | None = None


# Lints one record that has a message (`record.message` is not None) of the capture at a path;
# None: its message is text that is not JSON (`Record.may_be_text`), counted, never a finding.
Lint = Callable[[Record, str], Sequence[Problem] | None]


def is_json(message: bytes) -> bool:
    """Whether a message that may be text (`Record.may_be_text`) is JSON to lint: JSON, or JSON
    but for bytes that are not UTF-8 (a JSON message damaged: the linter reports it, WS001)."""
    try:
        from_json(message)
    except ValueError:
        pass
    else:
        return True
    try:
        message.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return False  # UTF-8, and not JSON
    try:
        from_json(message.decode("utf-8", "replace").encode())
    except ValueError:
        return False
    return True


def record_problems(
    segment: Segment, lint: Lint, path: str, moved: bool = True
) -> Iterator[tuple[Record, tuple[Problem, ...] | None]]:
    """Each record of a segment that has a record list, with its problems in the segment's terms
    (None: no JSON to lint there). Not `moved`, they stay in the record's terms (line, column and
    fix as in its message): enough to count them by code and fix, for a fraction of the cost."""
    assert segment.records is not None
    locator = segment.locator
    for record in segment.records:
        if record.message is None:
            yield record, None
            continue
        problems = lint(record, path)
        if not problems:
            yield record, None if problems is None else ()
            continue
        if not moved:
            yield record, tuple(problems)  # the linter's tuple itself
            continue
        if locator is None:
            locator = Locator(segment)
        yield record, tuple([_moved(problem, record, locator) for problem in problems])


def to_segment(record: Record, offset: int) -> int:
    """The segment offset of byte `offset` of the record's message (on a character boundary)."""
    for layer in reversed(record.layers):
        offset = layer.start + (layer.string.to_raw(offset) if layer.string is not None else offset)
    return offset


def encoded(record: Record, text: str) -> str:
    """A replacement as it must be written in the segment: escaped once per string layer."""
    for layer in reversed(record.layers):
        if layer.string is not None:
            text = escape(text)
    return text


def _moved(problem: Problem, record: Record, locator: Locator) -> Problem:
    # Unpacked and made again without _replace (a third of the cost, for every finding of a HAR):
    # the field order is pinned by tests/test_field_order.py.
    path, _, column, json_path, code, text, value, error_type, fix, _, repeated, evidence = problem
    line = record.line
    fix_at = moved_to = -1  # where the fix starts in the record, and in the segment
    if fix is not None:
        fix_at, fix_end, replacement = fix
        layers = record.layers
        if len(layers) == 1 and (string := layers[0].string) is not None:  # one string (a HAR message)
            start = layers[0].start
            raw_at = string.to_raw(fix_at)
            moved_to = start + raw_at
            # The end counted on from the start: the value's bytes only, not the record's again.
            fix = _new(Fix, (moved_to, start + string.to_raw(fix_end, fix_at, raw_at), escape(replacement)))
        else:
            moved_to = to_segment(record, fix_at)
            fix = _new(Fix, (moved_to, to_segment(record, fix_end), encoded(record, replacement)))
    if column is not None:
        assert record.message is not None
        offset = _byte_offset(record.message, column)
        # A finding's column is nearly always where its fix starts: moved once.
        line, column = locator.position(moved_to if offset == fix_at else to_segment(record, offset))
    label = record.label
    return _new(Problem, (path, line, column, json_path, code, text, value, error_type, fix, label, repeated, evidence))


def _byte_offset(text: bytes, column: int) -> int:
    """The byte offset of 1-based character `column` (the inverse of `jsontext.column_of`)."""
    prefix = text[: column - 1]
    if prefix.isascii():
        return column - 1
    characters = text.decode("utf-8", "surrogateescape")[: column - 1]
    return len(characters.encode("utf-8", "surrogateescape"))


class Locator:
    """Line and column (1-based, columns in characters) of byte offsets in a segment."""

    def __init__(self, segment: Segment) -> None:
        self._data = segment.data
        self._first_line = segment.line
        # Where each line starts: found when first asked (a segment with no problem never is).
        self._line_starts: list[int] = []
        # The last position asked (line index, offset, column): records come in file order, so the
        # next column is counted from there. From the line's start each time, a HAR written on one
        # line would cost time growing with the square of its size.
        self._last = (-1, 0, 1)

    def _starts(self) -> list[int]:
        if not self._line_starts:
            data = self._data
            starts = [0]
            start = data.find(b"\n")
            while start >= 0:
                starts.append(start + 1)
                start = data.find(b"\n", start + 1)
            self._line_starts = starts
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        line_starts = self._line_starts or self._starts()
        index = bisect.bisect_right(line_starts, offset) - 1
        last_index, last_offset, last_column = self._last
        if index == last_index and offset >= last_offset:
            column = last_column + column_of(self._data[last_offset:offset], offset - last_offset) - 1
        else:
            line_start = line_starts[index]
            column = column_of(self._data[line_start:offset], offset - line_start)
        self._last = (index, offset, column)
        return self._first_line + index, column

    def line_of(self, offset: int) -> int:
        return self._first_line + bisect.bisect_right(self._line_starts or self._starts(), offset) - 1
