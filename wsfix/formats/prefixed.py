"""`prefixed`: log lines where the JSON message follows some text.

`2025-09-08 16:50:01,447 INFO ws recv: {...}`, `1618677817.118783: {...}` (cryptofeed's captures),
`wss://host <- 1618677817.02: {...}`. The message starts at the first `{` or `[` from which the
rest of the line parses as JSON (trailing white space allowed); the prefix is kept byte for byte.
To bound the work on hostile lines, only the first 16 candidates within the first 4 KiB are
tried. Lines without JSON (connection notes, blank lines) are counted, never findings; a message
the line's end cuts short is a record, reported as not valid JSON and copied unchanged. A line's
capture time is the last date-time or epoch number of its prefix that reads as an instant
(`formats.timed.prefix_instant`).
"""

from __future__ import annotations

import io
import re

from pydantic_core import from_json

from wsfix.formats import CaptureFormat
from wsfix.formats.timed import prefix_instant
from wsfix.segments import Layer, Record

_CANDIDATE = re.compile(rb"[{\[]")
_MAX_ATTEMPTS = 16
_MAX_PREFIX = 4096


def json_start(line: bytes) -> int | None:
    """The offset where the line's JSON message starts, or None when it holds none.

    A message cut short (the line ends inside it: `t: {"type":"x","payload":{"a":1}` lacks a
    closing brace) starts where it starts: it is a record that is not whole JSON, reported as
    such (WS001), never the inner object that happens to parse.
    """
    end = len(line.rstrip(b" \t\r\n"))
    if not end:
        return None
    attempts = 0
    for match in _CANDIDATE.finditer(line, 0, min(end, _MAX_PREFIX)):
        start = match.start()
        attempts += 1
        if attempts > _MAX_ATTEMPTS:
            return None
        try:
            from_json(line[start:end])
        except ValueError as error:
            # The rest of the line is the start of a JSON value that the line's end cuts off.
            if str(error).startswith("EOF while parsing"):
                return start
            continue
        return start
    return None


class PrefixedLines(CaptureFormat):
    name = "prefixed"

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        records = []
        line_start = 0
        for line_no, line in enumerate(io.BytesIO(data), first_line):  # split at \n only
            start = json_start(line)
            if start is None:
                records.append(Record(line_no, None))
            else:
                # A line without prefix pays nothing for capture times.
                captured = prefix_instant(line[:start]) if start else None
                records.append(Record(line_no, line[start:], (Layer(line_start + start),), captured=captured))
            line_start += len(line)
        return tuple(records)
