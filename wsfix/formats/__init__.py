"""Capture formats: the one place to add one. A format cuts a capture into segments and records.

Each format is a module in this package with a `CaptureFormat` subclass, registered in `FORMATS`
by name and loaded on first use. `--format auto` (the default) picks one by file name (`.har`,
`.jsonl`, `.ndjson`; a `.gz` suffix is looked through) and otherwise by the first MiB of content
(`detect`). `--message-path` wraps whichever format is picked (`envelope.py`). Plain JSON Lines
without an envelope never come here: the linter reads their lines directly, its fast path.

Formats read; they never lint, report or print (see `wsfix.segments` for what they yield).
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterator
from typing import ClassVar

from wsfix.capture import PIECE_BYTES, CaptureStream, stream_chunks
from wsfix.registry import load_class
from wsfix.segments import Record, Segment

FORMATS: dict[str, str] = {
    "jsonl": "wsfix.formats.jsonl:JsonLines",
    "har": "wsfix.formats.har:Har",
    "prefixed": "wsfix.formats.prefixed:PrefixedLines",
}
AUTO = "auto"
FORMAT_NAMES = (AUTO, *FORMATS)


class CaptureFormat(abc.ABC):
    """Cuts one capture into segments; `noun` is what summaries call one record."""

    name: ClassVar[str]
    noun: ClassVar[str] = "line"
    # Whether the capture is lines, each holding at most one record (see the module docstring).
    line_based: ClassVar[bool] = True

    def segments(self, stream: CaptureStream, path: str) -> Iterator[Segment]:
        """The capture's segments, in order; joined, their bytes are the capture. Raises
        InputError when the capture cannot be read in this format at all."""
        first_line = 1
        for data in stream_chunks(stream, path, PIECE_BYTES):
            segment = self.segment_of(data, first_line)
            yield segment
            first_line += data.count(b"\n")

    def segment_of(self, data: bytes, first_line: int) -> Segment:
        """The segment of `data`, whole lines of a line-based capture starting on line `first_line`."""
        return Segment(data, first_line, self.records_of(data, first_line))

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        """The records of whole lines of a line-based capture, one per line, in order."""
        raise NotImplementedError(f"{self.name} is not a line-based format")


class WrappedFormat(CaptureFormat):
    """A format that reads another's records and changes each (`wrap`): an envelope's message,
    a record's capture time. It is line-based when the format it wraps is."""

    def __init__(self, inner: CaptureFormat) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[misc]
        self.noun = inner.noun  # type: ignore[misc]
        self.line_based = inner.line_based  # type: ignore[misc]

    @abc.abstractmethod
    def wrap(self, record: Record) -> Record:
        """`record` as this format reads it."""

    def segments(self, stream: CaptureStream, path: str) -> Iterator[Segment]:
        if self.line_based:
            yield from super().segments(stream, path)
            return
        wrap = self.wrap
        for segment in self.inner.segments(stream, path):
            assert segment.records is not None
            yield segment._replace(records=map(wrap, segment.records))  # as they come: see `Segment`

    def records_of(self, data: bytes, first_line: int) -> tuple[Record, ...]:
        return tuple(map(self.wrap, self.inner.records_of(data, first_line)))


def build_format(name: str) -> CaptureFormat:
    """The format registered as `name`. Raises UsageError for an unknown name."""
    format_class: type[CaptureFormat] = load_class(FORMATS, name, "capture format", FORMAT_NAMES)
    return format_class()


_HAR_START = re.compile(rb'\s*\{\s*"log"\s*:')
_SNIFFED_LINES = 50


def named_format(path: str) -> str | None:
    """The format a capture's name gives (`.har`, `.jsonl`, `.ndjson`, `.jsonlines`, each also
    `.gz`), or None."""
    name = path.lower().removesuffix(".gz")
    if name.endswith(".har"):
        return "har"
    if name.endswith((".jsonl", ".ndjson", ".jsonlines")):
        return "jsonl"
    return None


def detect(path: str, head: bytes) -> str:
    """The format of a capture named `path` whose first bytes are `head` (decompressed).

    By name first (`named_format`); else a HAR by its opening, and prefixed log lines when more of
    the first lines hold JSON after some text than hold bare JSON. One line with a prefix among
    JSON Lines does not make the capture a log: read as a log, its lines without JSON would be
    counted and not reported, and detection must never hide a line.
    """
    named = named_format(path)
    if named is not None:
        return named
    if _HAR_START.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "har"
    from wsfix.formats.prefixed import json_start

    lines = head.split(b"\n")
    if len(lines) > 1:
        lines.pop()  # the last line may be cut short by the end of the head
    sniffed = prefixed = bare = 0
    for line in lines:
        stripped = line.lstrip(b" \t\r")
        if not stripped:
            continue
        sniffed += 1
        if sniffed > _SNIFFED_LINES:
            break
        if stripped[:1] in (b"{", b"["):
            bare += 1
        elif json_start(line) is not None:
            prefixed += 1
    return "prefixed" if prefixed > bare else "jsonl"


# What a summary calls a capture read in a format that only its content revealed.
DESCRIPTIONS = {"har": "a HAR file", "prefixed": "prefixed log lines", "jsonl": "JSON Lines"}
