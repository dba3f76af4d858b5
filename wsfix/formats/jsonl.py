"""`jsonl`: JSON Lines, one message per line (the default schema's own format).

Without `--message-path` the runner skips formats for JSON Lines altogether and lints lines
directly; this module serves the same lines as records when an envelope has to be unwrapped.
"""

from __future__ import annotations

from collections.abc import Iterator

from wsfix.capture import CaptureStream, iter_records
from wsfix.formats import CaptureFormat
from wsfix.records import Record, Segment


class JsonLines(CaptureFormat):
    name = "jsonl"

    def segments(self, stream: CaptureStream, path: str) -> Iterator[Segment]:
        for line_no, line in enumerate(iter_records(stream, path), 1):
            yield Segment(line, line_no, (Record(line_no, line),))
