"""`har`: HTTP Archive files (Chrome DevTools, mitmproxy) with WebSocket messages.

Each `log.entries[i]._webSocketMessages[j]` whose `data` is text (opcode 1) holding JSON is one
message, named `entry i+1, message j+1 (send|receive)` (1-based, as lines are); its line and
column in reports point at the value inside the `data` string in the file. Binary messages and
text that is not JSON are counted, never findings. A repair changes only the bytes of the
repaired values inside the `data` strings, escaped as the string needs: the rest of the file,
its formatting included, is copied as is.

A HAR is one JSON document, so it is read whole (unlike line formats, which stream).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_core import from_json

from wsfix.capture import CaptureStream
from wsfix.errors import InputError
from wsfix.formats import CaptureFormat
from wsfix.jsonstring import StringMap
from wsfix.jsontext import iter_spans
from wsfix.paths import ITEMS
from wsfix.segments import Layer, Locator, Record, Segment

_MESSAGES = ("log", "entries", ITEMS, "_webSocketMessages", ITEMS)
_TEXT_OPCODE = 1


class Har(CaptureFormat):
    name = "har"
    noun = "message"
    # One JSON document: where a message starts is known only by parsing from the top, so a
    # HAR cannot be cut into byte ranges for worker processes; it is read whole, by one.
    line_based = False

    def segments(self, stream: CaptureStream, path: str) -> Iterator[Segment]:
        try:
            data = stream.read()
        except OSError as error:
            raise InputError(f"{path}: read failed: {error.strerror or error}") from error
        try:
            document = from_json(data)
        except ValueError as error:
            raise InputError(f"{path}: not a HAR file: not valid JSON ({error})") from None
        log = document.get("log") if isinstance(document, dict) else None
        entries = log.get("entries") if isinstance(log, dict) else None
        if not isinstance(entries, list):
            raise InputError(f"{path}: not a HAR file: it has no log.entries list")
        locator = Locator(Segment(data, 1, ()))
        records = []
        for where, start, _ in iter_spans(data, _MESSAGES):
            entry, index = where[2], where[4]
            assert isinstance(entry, int) and isinstance(index, int)
            message = entries[entry]["_webSocketMessages"][index]
            kind = message.get("type", "?") if isinstance(message, dict) else "?"
            label = f"entry {entry + 1}, message {index + 1} ({kind})"
            records.append(_record(data, start, message, label, locator))
        yield Segment(data, 1, tuple(records))


def _record(data: bytes, start: int, message: Any, label: str, locator: Locator) -> Record:
    line = locator.line_of(start)
    if (
        not isinstance(message, dict)
        or message.get("opcode", _TEXT_OPCODE) != _TEXT_OPCODE
        or not isinstance(message.get("data"), str)
    ):
        return Record(line, None, label=label)
    found = next(iter_spans(data, ("data",), start), None)
    if found is None:  # the scanner and the parser disagree: not a message to trust
        return Record(line, None, label=label)
    _, value_start, value_end = found
    try:
        string = StringMap(data[value_start + 1 : value_end - 1])
        from_json(string.decoded)
    except ValueError:
        return Record(locator.line_of(value_start), None, label=label)
    return Record(locator.line_of(value_start), string.decoded, (Layer(value_start + 1, string),), label)
