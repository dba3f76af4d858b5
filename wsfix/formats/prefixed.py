"""`prefixed`: log lines where the JSON message follows some text.

`2025-09-08 16:50:01,447 INFO ws recv: {...}`, `1618677817.118783: {...}` (cryptofeed's captures),
`wss://host <- 1618677817.02: {...}`. The message starts at the first `{` or `[` from which the
rest of the line parses as JSON (trailing white space allowed); the prefix is kept byte for byte.
To bound the work on hostile lines, only the first 16 candidates within the first 4 KiB are
tried. Lines without JSON (connection notes, blank lines) are counted, never findings; a message
the line's end cuts short is a record, reported as not valid JSON and copied unchanged. A line's
capture time is the last date-time or epoch number of its prefix that reads as an instant
(`formats.timed.prefix_instant`), where the capture's first lines show it has them
(`has_capture_times`).
"""

from __future__ import annotations

import io
import re

from pydantic_core import from_json

from wsfix.formats import CaptureFormat
from wsfix.formats.timed import instant, prefix_instant
from wsfix.segments import Layer, Record

_new = tuple.__new__  # a record per line: without the named tuples' Python-level __new__
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
    for attempts, match in enumerate(_CANDIDATE.finditer(line, 0, min(end, _MAX_PREFIX)), 1):
        start = match.start()
        if attempts > _MAX_ATTEMPTS:
            return None
        if _message_at(line, start, end):
            return start
    return None


def _message_at(line: bytes, start: int, end: int) -> bool:
    """Whether the line's message can start at `start`: the rest of the line (to `end`) is JSON,
    or the start of a JSON value that the line's end cuts off."""
    try:
        from_json(line[start:end])
    except ValueError as error:
        return str(error).startswith("EOF while parsing")
    return True


_SNIFFED_LINES = 200


def has_capture_times(head: bytes) -> bool:
    """Whether a prefixed log's lines carry capture times: whether any of its first 200 lines (in
    `head`, its first bytes) has a time before its JSON. Decided once per capture, so that a log
    without them pays nothing per line for looking."""
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines.pop()  # the last line may be cut short by the end of the head
    for line in lines[:_SNIFFED_LINES]:
        start = json_start(line)
        if start and prefix_instant(line[:start]) is not None:
            return True
    return False


class PrefixedLines(CaptureFormat):
    name = "prefixed"
    # Whether to read each line's prefix for its capture time (`has_capture_times`, per capture).
    capture_times = True

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        records = []
        line_start = 0
        timed = self.capture_times
        for line_no, line in enumerate(io.BytesIO(data), first_line):  # split at \n only
            # The commonest timed prefix, a receipt time alone (`1618678132.831468: {...}`), is
            # read once for both what it says and where the message starts: a prefix that
            # float() reads (as `prefix_instant` reads it; float() also takes `1e9`, `1_000` and
            # spaces around a number) holds no `{` or `[`, so the message's first candidate is
            # right after its `: `. Any other line is searched.
            start = captured = None
            if timed and (cut := line.find(b": {", 0, _MAX_PREFIX)) > 0:
                try:
                    number = float(line[:cut])
                except ValueError:
                    pass
                else:
                    if _message_at(line, cut + 2, len(line.rstrip(b" \t\r\n"))):
                        start, captured = cut + 2, instant(number)
            if start is None:
                start = json_start(line)
                # A line without prefix pays nothing for capture times.
                if timed and start:
                    captured = prefix_instant(line[:start])
            if start is None:
                records.append(_new(Record, (line_no, None, (), None, None, None, False)))
            else:
                layers = (_new(Layer, (line_start + start, None)),)
                records.append(_new(Record, (line_no, line[start:], layers, None, captured, None, False)))
            line_start += len(line)
        return tuple(records)
