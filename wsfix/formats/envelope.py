"""Envelopes (`--message-path data`): records that wrap the message at a path.

Wraps any format. The message at the path may be an object or array (linted in place) or a JSON
string holding JSON text (linted decoded; a repair writes its replacement escaped, so only the
repaired value's bytes change inside the string). A record that is not JSON is linted as it is,
so that it is reported; one without a message at the path, or whose string there is not JSON, is
counted, never a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic_core import from_json

from wsfix.capture import CaptureStream
from wsfix.formats import CaptureFormat
from wsfix.jsonstring import StringMap
from wsfix.jsontext import find_span
from wsfix.paths import Path, concrete
from wsfix.segments import Layer, Record, Segment


class Enveloped(CaptureFormat):
    """`inner` with each record's message replaced by the message at `message_path` inside it."""

    def __init__(self, inner: CaptureFormat, message_path: Path) -> None:
        self.inner = inner
        self.message_path = message_path
        self.name = inner.name  # type: ignore[misc]
        self.noun = inner.noun  # type: ignore[misc]
        self.line_based = inner.line_based  # type: ignore[misc]

    def segments(self, stream: CaptureStream, path: str) -> Iterator[Segment]:
        if self.line_based:
            yield from super().segments(stream, path)
            return
        for segment in self.inner.segments(stream, path):
            assert segment.records is not None
            yield segment._replace(records=tuple(unwrap(record, self.message_path) for record in segment.records))

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        return tuple(unwrap(record, self.message_path) for record in self.inner.records_of(data, first_line))


def unwrap(record: Record, message_path: Path) -> Record:
    """The record of the message at `message_path` in `record`'s message."""
    outer = record.message
    if outer is None:
        return record
    try:
        from_json(outer)
    except ValueError:
        return record  # not JSON: the linter reports it as such
    span = find_span(outer, concrete(message_path))
    if span is None:
        return record._replace(message=None)
    start, end = span
    first = outer[start]
    if first == 0x22:  # a string: its decoded contents are the message
        try:
            string = StringMap(outer[start + 1 : end - 1])
            from_json(string.decoded)
        except ValueError:
            return record._replace(message=None)
        return record._replace(message=string.decoded, layers=(*record.layers, Layer(start + 1, string)))
    if first in b"{[":
        return record._replace(message=outer[start:end], layers=(*record.layers, Layer(start)))
    return record._replace(message=None)
