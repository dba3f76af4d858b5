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

from pydantic_core import from_json

from wsfix.formats import CaptureFormat, WrappedFormat
from wsfix.paths import Concrete, Path, concrete, format_path
from wsfix.segments import Record
from wsfix.timestamps import DEFAULT_POLICY, TimestampError, seconds_converter

# A date-time (`2025-09-08 16:50:01,447`, `2025-09-08T16:50:01.447Z`) or an epoch number of 9 to
# 19 digits (`1641343691.067583`) standing alone in a log line's prefix; ports and stream names
# (`:9443`, `@100ms`) are too short or glued to a word.
_PREFIX_TIME = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
    rb"|(?<![\w.@:/])\d{9,19}(?:\.\d{1,9})?(?![\w.])"
)


_to_seconds = seconds_converter(DEFAULT_POLICY)
# The prefix's last word as cryptofeed writes it (`1618678132.831468`), read as a JSON number is.
_PLAIN_NUMBER = re.compile(rb"\d{9,19}(?:\.\d{1,9})?")


def instant(value: object) -> float | None:
    """The epoch seconds a capture-time value denotes (see the module docstring), or None."""
    try:
        return _to_seconds(value)  # a float in the window: itself, at once
    except TimestampError:
        return None


def prefix_instant(prefix: bytes) -> float | None:
    """The capture time a log line's prefix (the text before its JSON) holds: its last
    date-time or epoch number that reads as an instant, or None.

    Runs for every line of a prefixed log: a prefix that is one number (a cryptofeed receipt
    time, `1618678132.831468: `) is read at once, as float() reads it (the float nearest it, as a
    JSON parser reads a HAR's `time`), then through the core; other prefixes are searched.
    `formats.prefixed` reads the first case inline by the same rule, before calling this.
    """
    word = prefix.rstrip(b": \t")
    try:
        seconds = float(word)
    except ValueError:
        pass
    else:
        return instant(seconds)  # in the window, a float is itself (the core's first test)
    word = word.rpartition(b" ")[2]
    if _PLAIN_NUMBER.fullmatch(word):
        return instant(float(word))
    found = None
    for match in _PREFIX_TIME.finditer(prefix):
        found = match.group()
    if found is None:
        return None
    return instant(found.decode("ascii"))


def field_value(document: object, path: Concrete) -> object:
    """The value at `path` in a parsed JSON document, or None when absent."""
    for step in path:
        if isinstance(step, str) and isinstance(document, dict):
            document = document.get(step)
        elif isinstance(step, int) and isinstance(document, list) and -len(document) <= step < len(document):
            document = document[step]
        else:
            return None
    return document


def group_name(document: object, path: Concrete) -> str:
    """`user_id=42`: the group a record's field at `path` names (`user_id=?` without one)."""
    value = field_value(document, path)
    name = format_path(path)
    if value is None:
        return f"{name}=?"
    if isinstance(value, (dict, list)):
        return f"{name}=…"
    return f"{name}={value}"


class Timed(WrappedFormat):
    """`inner` with each record's capture time read at `capture_path` and its group named by the
    field at `group_path` (either may be None: the inner format's own, if any)."""

    def __init__(self, inner: CaptureFormat, capture_path: Path | None, group_path: Path | None) -> None:
        super().__init__(inner)
        self.capture_path = None if capture_path is None else concrete(capture_path)
        self.group_path = None if group_path is None else concrete(group_path)

    def wrap(self, record: Record) -> Record:
        """`record` with its capture time and group read from its fields, where asked. The
        record is parsed once for both (pydantic's parser: a number as the float nearest it, as
        a HAR's `time` is read); a record that is not JSON has neither."""
        message = record.message
        try:
            document = from_json(message) if message is not None else None
        except ValueError:
            document = None
        captured, group = record.captured, record.group
        if self.capture_path is not None:
            value = field_value(document, self.capture_path)
            captured = None if value is None else instant(value)
        if self.group_path is not None:
            group = group_name(document, self.group_path)
        return record._replace(captured=captured, group=group)
