"""`jsonl`: JSON Lines, one message per line (the default schema's own format).

Its segments carry no record list: the linter reads their lines directly, its fast path. The
records are spelled out only when an envelope has to be unwrapped from each line.
"""

from __future__ import annotations

import io

from wsfix.formats import CaptureFormat
from wsfix.segments import Layer, Record, Segment


class JsonLines(CaptureFormat):
    name = "jsonl"

    def segment_of(self, data: bytes, first_line: int) -> Segment:
        return Segment(data, first_line, None)

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        records = []
        start = 0
        # BytesIO splits at \n only, as JSON Lines does (bytes.splitlines would split at \r too).
        for line_no, line in enumerate(io.BytesIO(data), first_line):
            records.append(Record(line_no, line, (Layer(start),)))
            start += len(line)
        return tuple(records)
