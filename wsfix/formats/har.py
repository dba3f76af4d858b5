"""`har`: HTTP Archive files (Chrome DevTools, mitmproxy) with WebSocket messages.

Each `log.entries[i]._webSocketMessages[j]` whose `data` is text (opcode 1) holding JSON is one
message, named `entry i+1, message j+1 (send|receive)` (1-based, as lines are); its line and
column in reports point at the value inside the `data` string in the file. Binary messages and
text that is not JSON are counted, never findings. A repair changes only the bytes of the
repaired values inside the `data` strings, escaped as the string needs: the rest of the file,
its formatting included, is copied as is.

A HAR is one JSON document, so it is read whole (unlike line formats, which stream). A UTF-8
byte order mark before it is skipped. A message whose text is not UTF-8 (a byte that is not, or
a lone surrogate escaped in `data`) does not make the file unreadable: if it is JSON but for
that, it is linted, and reported as invalid JSON (WS001) like such a line; the others are checked
as usual.

Each message's capture time is its `time` (epoch seconds, as browsers write it); its group, the
sender whose clock its timestamps are judged against, is its entry (one connection).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic_core import from_json

from wsfix.capture import CaptureStream
from wsfix.errors import InputError
from wsfix.formats import CaptureFormat
from wsfix.formats.timed import instant
from wsfix.jsonstring import StringMap
from wsfix.jsontext import Path, RepeatedKey, iter_spans, iter_spans_once, member_span
from wsfix.paths import ITEMS
from wsfix.segments import Layer, Locator, Record, Segment

_MESSAGES = ("log", "entries", ITEMS, "_webSocketMessages", ITEMS)
_TEXT_OPCODE = 1
_BOM = b"\xef\xbb\xbf"


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
        segment = Segment(data, 1, _messages(data, path))
        # A record per message, alive until the capture is linted: each collection meanwhile
        # walked them all (a sixth of a 100 MB HAR's check, measured). None is in a cycle, so
        # they are set aside (`gc.freeze`) while the segment is out, and given back after;
        # not if the program froze objects of its own (before forking): those stay frozen.
        setting_aside = gc.get_freeze_count() == 0
        if setting_aside:
            gc.freeze()
        try:
            yield segment
        finally:
            if setting_aside:
                gc.unfreeze()


def _messages(data: bytes, path: str) -> tuple[Record, ...]:
    """The records of the HAR `data`.

    Memory: the file, then the parsed document while the records are made (dropped on return:
    held while they were linted, it doubled what the file takes), and in the records each text
    message twice, as escaped in the file and decoded.
    """
    # Nothing made here is in a cycle: a collection meanwhile would only walk the parsed
    # document and the records made so far, again and again (a sixth of the time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(data, path)
    finally:
        if collecting:
            gc.enable()


def _read(data: bytes, path: str) -> tuple[Record, ...]:
    begin = len(_BOM) if data.startswith(_BOM) else 0
    document, strictly = _document(data, begin, path)
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: not a HAR file: it has no log.entries list")
    locator = Locator(Segment(data, 1, ()))
    try:
        records = _records(data, iter_spans_once(data, _MESSAGES, begin), entries, locator, strictly)
    except RepeatedKey:  # a key named twice on the way: the parser read the last one
        records = _records(data, iter_spans(data, _MESSAGES, begin), entries, locator, strictly)
    return tuple(records)


def _records(
    data: bytes, spans: Iterable[tuple[Path, int, int]], entries: list[Any], locator: Locator, strictly: bool
) -> list[Record]:
    """`strictly`: the document was parsed by the strict parser, whose `data` strings are then
    the messages' texts as decoded from the file's bytes."""
    records = []
    groups: dict[int, str] = {}
    for where, start, end in spans:
        entry, index = where[2], where[4]
        assert isinstance(entry, int) and isinstance(index, int)
        message = entries[entry]["_webSocketMessages"][index]
        group = groups.get(entry)
        if group is None:
            group = groups[entry] = _group(entries[entry], entry)
        records.append(_record(data, start, end, message, entry, index, group, locator, strictly))
    return records


def _group(entry: Any, index: int) -> str:
    """A connection's name, the group its messages' clock is judged in: `entry 2 (wss://host/feed)`."""
    request = entry.get("request") if isinstance(entry, dict) else None
    url = request.get("url") if isinstance(request, dict) else None
    if not isinstance(url, str) or not url:
        return f"entry {index + 1}"
    # Without its query: where the connection went, not its parameters (often an API key).
    return f"entry {index + 1} ({url.split('?', 1)[0].split('#', 1)[0]})"


def _document(data: bytes, start: int, path: str) -> tuple[Any, bool]:
    """The parsed HAR (from byte `start`, after a byte order mark), and whether the strict parser
    read it. Raises InputError."""
    text = data[start:] if start else data
    try:
        return from_json(text), True
    except ValueError as error:
        failure = error
    try:
        # A byte that is not UTF-8 or a lone surrogate escape (in a message, most likely) fails
        # the strict parser; the document's shape is all that is needed here (each message's
        # text is read from the bytes, below), and Python's parser reads it past them.
        return json.loads(text.decode("utf-8", "replace")), False
    except (ValueError, RecursionError):
        raise InputError(f"{path}: not a HAR file: not valid JSON ({failure})") from None


def _record(
    data: bytes,
    start: int,
    end: int,
    message: Any,
    entry: int,
    index: int,
    group: str,
    locator: Locator,
    strictly: bool,
) -> Record:
    """The record of the message at `data[start:end]`, parsed as `message`; `entry` and `index`
    0-based."""
    line = locator.line_of(start)
    if not isinstance(message, dict):
        return Record(line, None, label=f"entry {entry + 1}, message {index + 1} (?)", group=group)
    label = f"entry {entry + 1}, message {index + 1} ({message.get('type', '?')})"
    captured = instant(message.get("time"))
    text = message.get("data")
    if message.get("opcode", _TEXT_OPCODE) != _TEXT_OPCODE or not isinstance(text, str):
        return Record(line, None, (), label, captured, group)
    found = member_span(data, "data", start, end)  # the message's bytes are scanned once, above
    if found is None:  # the scanner and the parser disagree: not a message to trust
        return Record(line, None, (), label, captured, group)
    value_start, value_end = found
    line = locator.line_of(value_start)
    try:
        # A lone surrogate: decoded to bytes that are not UTF-8, as an invalid byte stays.
        string = StringMap(data[value_start + 1 : value_end - 1], "surrogatepass", text if strictly else None)
    except ValueError:  # a bad escape, which the parsers did not see: not a message to trust
        return Record(line, None, (), label, captured, group)
    try:
        from_json(string.decoded)
    except ValueError:
        if not _json_but_for_encoding(string.decoded):
            return Record(line, None, (), label, captured, group)  # text that is not JSON: counted, no finding
    return Record(line, string.decoded, (Layer(value_start + 1, string),), label, captured, group)


def _json_but_for_encoding(message: bytes) -> bool:
    """Whether `message` is not UTF-8 but would be JSON with its bad bytes replaced: a JSON
    message damaged (the linter reports it, WS001), not text of another kind."""
    try:
        message.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return False  # UTF-8, and not JSON
    try:
        from_json(message.decode("utf-8", "replace").encode())
    except ValueError:
        return False
    return True
