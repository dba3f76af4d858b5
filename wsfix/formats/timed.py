"""Capture times and sender groups: when the capture saw each record, and whose clock wrote it.

A capture time is read through the conversion core like any timestamp (`instant`), in its
default policy: a number's unit inferred from its magnitude, a time without a UTC offset read as
UTC (a log's `2025-09-08 16:50:01,447` prefix: the capture machine's logging clock is taken to
be UTC; a machine logging local time shows as a whole-hour skew in every group), the plausible
window 2000-2100. A value that reads as no instant there is no capture time.

Where capture times come from: a HAR message's `time` (`formats.har`), the leading timestamp of
a prefixed log line (`prefix_instant`, for `formats.prefixed`), and `--capture-time PATH`, a
field of each record (of the envelope when `--message-path` is given: `received_at`, or
`data.E` inside the message). `--group-by PATH` names each record's sender by a field likewise
(`user_id=42`). `Timed` wraps a format to add both; it goes inside an envelope (`Enveloped`),
so that its paths are read in the record as the file has it.

Reads bytes only; never lints, reports or prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wsfix.capture import CaptureStream
from wsfix.formats import CaptureFormat
from wsfix.jsontext import find_span, token_value
from wsfix.paths import Path, concrete, format_path
from wsfix.segments import Record, Segment
from wsfix.timestamps import DEFAULT_POLICY, classify

# A date-time (`2025-09-08 16:50:01,447`, `2025-09-08T16:50:01.447Z`) or an epoch number of 9 to
# 19 digits (`1641343691.067583`) standing alone in a log line's prefix; ports and stream names
# (`:9443`, `@100ms`) are too short or glued to a word.
_PREFIX_TIME = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
    rb"|(?<![\w.@:/])\d{9,19}(?:\.\d{1,9})?(?![\w.])"
)


def instant(value: object) -> float | None:
    """The epoch seconds a capture-time value denotes (see the module docstring), or None."""
    reading = classify(value, DEFAULT_POLICY)
    return reading.seconds if reading.reason is None else None


def prefix_instant(prefix: bytes) -> float | None:
    """The capture time a log line's prefix (the text before its JSON) holds: its last
    date-time or epoch number that reads as an instant, or None."""
    found = None
    for match in _PREFIX_TIME.finditer(prefix):
        found = match.group()
    if found is None:
        return None
    return instant(found.decode("ascii"))


def field_value(message: bytes, path: Path) -> object:
    """The JSON value at `path` in `message` (numbers as exact Decimals), or None when absent."""
    try:
        span = find_span(message, concrete(path))
        return None if span is None else token_value(message[span[0] : span[1]])
    except (ValueError, IndexError, RecursionError):
        return None


def group_name(message: bytes | None, path: Path) -> str:
    """`user_id=42`: the group a record's field at `path` names (`user_id=?` without one)."""
    value = field_value(message, path) if message is not None else None
    name = format_path(path)
    if value is None:
        return f"{name}=?"
    if isinstance(value, str):
        return f"{name}={value}"
    return f"{name}={value if not isinstance(value, (dict, list)) else '…'}"


class Timed(CaptureFormat):
    """`inner` with each record's capture time read at `capture_path` and its group named by the
    field at `group_path` (either may be None: the inner format's own, if any)."""

    def __init__(self, inner: CaptureFormat, capture_path: Path | None, group_path: Path | None) -> None:
        self.inner = inner
        self.capture_path = capture_path
        self.group_path = group_path
        self.name = inner.name  # type: ignore[misc]
        self.noun = inner.noun  # type: ignore[misc]
        self.line_based = inner.line_based  # type: ignore[misc]

    def segments(self, stream: CaptureStream, path: str) -> Iterator[Segment]:
        if self.line_based:
            yield from super().segments(stream, path)
            return
        for segment in self.inner.segments(stream, path):
            assert segment.records is not None
            yield segment._replace(records=tuple(self.timed(record) for record in segment.records))

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        return tuple(self.timed(record) for record in self.inner.records_of(data, first_line))

    def timed(self, record: Record) -> Record:
        """`record` with its capture time and group read from its fields, where asked."""
        message = record.message
        captured, group = record.captured, record.group
        if self.capture_path is not None:
            captured = instant(field_value(message, self.capture_path)) if message is not None else None
        if self.group_path is not None:
            group = group_name(message, self.group_path)
        return record._replace(captured=captured, group=group)
