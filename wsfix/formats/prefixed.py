"""`prefixed`: log lines where the JSON message follows some text.

`2025-09-08 16:50:01,447 INFO ws recv: {...}`, `1618677817.118783: {...}` (cryptofeed's captures),
`wss://host <- 1618677817.02: {...}`. The message starts at the first `{` or `[` from which the
rest of the line parses as JSON (trailing white space allowed); the prefix is kept byte for byte.
To bound the work on hostile lines, only the first 16 candidates within the first 4 KiB are
tried. Lines without JSON (connection notes, blank lines, truncated messages) are counted, never
findings.
"""

from __future__ import annotations

import io
import re

from pydantic_core import from_json

from wsfix.formats import CaptureFormat
from wsfix.segments import Layer, Record

_CANDIDATE = re.compile(rb"[{\[]")
_CLOSING = {ord("{"): ord("}"), ord("["): ord("]")}
_MAX_ATTEMPTS = 16
_MAX_PREFIX = 4096


def json_start(line: bytes) -> int | None:
    """The offset where the line's JSON message starts, or None when it holds none."""
    end = len(line.rstrip(b" \t\r\n"))
    if not end:
        return None
    last = line[end - 1]
    attempts = 0
    for match in _CANDIDATE.finditer(line, 0, min(end, _MAX_PREFIX)):
        start = match.start()
        if _CLOSING[line[start]] != last:
            continue  # a value opened here cannot end where the line ends
        attempts += 1
        if attempts > _MAX_ATTEMPTS:
            return None
        try:
            from_json(line[start:end])
        except ValueError:
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
                records.append(Record(line_no, line[start:], (Layer(line_start + start),)))
            line_start += len(line)
        return tuple(records)
