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

import array
import gc
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias

from orjson import JSONEncodeError, dumps
from pydantic_core import from_json

from wsfix.capture import CaptureStream
from wsfix.errors import InputError
from wsfix.formats import CaptureFormat
from wsfix.formats.timed import instant
from wsfix.jsonstring import StringMap
from wsfix.jsontext import Path, RepeatedKey, iter_spans, iter_spans_once, member_span
from wsfix.paths import ITEMS
from wsfix.segments import Layer, Locator, Record, Segment

_ARRAYS = ("log", "entries", ITEMS, "_webSocketMessages")
_MESSAGES = (*_ARRAYS, ITEMS)
_TEXT_OPCODE = 1
_new = tuple.__new__
_BOM = b"\xef\xbb\xbf"
_OPEN_ARRAY, _CLOSE_ARRAY, _COMMA = 0x5B, 0x5D, 0x2C
_NEVER = 1 << 30  # a collector threshold never reached
_YOUNG_OBJECTS = 700  # Python's default threshold of young collections (see `segments`)
_SPACE = re.compile(rb"[ \t\n\r]*+")
_STRING_TEXT = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
_STRING = re.compile(_STRING_TEXT, re.DOTALL)
_DATA_KEY = b'"data"'
# A message from its `{` to its `data` member's value, the members before it holding no bracket
# but in their strings (`"type": "send", "time": 1757350201.1, "opcode": 1, "data": `).
_TO_DATA = re.compile(
    rb'\{(?:[^"\[\]{}]++|(?!"data"[ \t\n\r]*+:)' + _STRING_TEXT + rb')*+"data"[ \t\n\r]*+:[ \t\n\r]*+', re.DOTALL
)
# The rest of a message after its `data` member's value, likewise, to its `}`.
_TO_END = re.compile(rb'(?:[^"\[\]{}]++|' + _STRING_TEXT + rb")*+\}", re.DOTALL)
# Each message's span and its `data` string's, in the file: four numbers a message, in a flat
# array (as tuples, they would take 200 bytes a message while the parsed document is held too).
_Spans: TypeAlias = "array.array[int]"
# (entry, index) of a message, 0-based; its span; its `data` string's span if known.
_Message = tuple[int, int, int, int, "tuple[int, int] | None"]


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
        segment = _segment(data, path)
        # The parsed document, alive until the last record is made, as the lint asks for them:
        # each collection meanwhile would walk it all (a sixth of a 100 MB HAR's check, measured,
        # when the records were held instead). Nothing in it is in a cycle, so it is set aside
        # (`gc.freeze`) while the segment is out, and given back after; not if the program froze
        # objects of its own (before forking): those stay frozen. A repair's edits pile up (3.8
        # million in a 1.5 GB HAR whose every message is broken), and none is in a cycle either:
        # meanwhile only the youngest generation is collected, which still frees what dies young
        # (the older generations' walks took a tenth of a 145 MB HAR's check, measured). Young
        # collections come at Python's default pace here, whatever the program set: the records,
        # problems and edits that live on are walked once each, and the fewer at a time, the more
        # of them still in the cache (100 MB HAR, check: 0.26 s of young collections at 700, 0.43 s
        # at 10,000).
        setting_aside = gc.get_freeze_count() == 0
        if setting_aside:
            gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(_YOUNG_OBJECTS, _NEVER, _NEVER)
        try:
            yield segment
        finally:
            gc.set_threshold(*thresholds)
            if setting_aside:
                gc.unfreeze()


def _segment(data: bytes, path: str) -> Segment:
    """The HAR `data` as one segment: its records, made as they are asked for, and where its
    lines start (found for the records' lines, and kept for their problems').

    Memory: the file, and the parsed document until the records are made, each message dropped
    from it as its record is made; the records, each message's text decoded, only a part at a
    time (`SegmentLinter.check_in_parts`). All made before they were linted, the records took
    more than the document (1.5 GB HAR, every message broken: check 5.3 -> 3.8 GB peak).
    """
    # Nothing made here is in a cycle: a collection meanwhile would only walk the parsed
    # document again and again (a sixth of the time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(data, path)
    finally:
        if collecting:
            gc.enable()


def _read(data: bytes, path: str) -> Segment:
    begin = len(_BOM) if data.startswith(_BOM) else 0
    document, strictly = _document(data, begin, path)
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: not a HAR file: it has no log.entries list")
    locator = Locator(Segment(data, 1, ()))
    reader = _ArrayReader(entries)
    try:
        arrays = [(_index(where[2]), start) for where, start, _ in iter_spans_once(data, _ARRAYS, begin, reader)]
    except RepeatedKey:  # a key named twice on the way: the parser read the last one
        spans = (
            (_index(where[2]), _index(where[4]), start, end, None)
            for where, start, end in iter_spans(data, _MESSAGES, begin)
        )
        return Segment(data, 1, _records(data, spans, entries, locator, strictly, once=False), locator)
    return Segment(
        data, 1, _records(data, _array_messages(data, arrays, reader.read), entries, locator, strictly), locator
    )


def _index(step: str | int) -> int:
    assert isinstance(step, int)  # the pattern's ITEMS steps
    return step


def _array_messages(data: bytes, arrays: list[tuple[int, int]], read: dict[int, _Spans]) -> Iterator[_Message]:
    """(entry, index, start, end, `data` span) of each message of the arrays at (entry, start):
    as `_ArrayReader` read them, or by the scanner (where it did not; the `data` span then None)."""
    for entry, start in arrays:
        spans = read.get(start)
        if spans is not None:
            for index, at in enumerate(range(0, len(spans), 4)):
                yield entry, index, spans[at], spans[at + 1], (spans[at + 2], spans[at + 3])
            continue
        for (step,), message_start, message_end in iter_spans_once(data, (ITEMS,), start):
            yield entry, _index(step), message_start, message_end, None


class _ArrayReader:
    """Reads each `_webSocketMessages` array that `iter_spans_once` reaches, in one pass, beside
    the parsed document: each message's span and its `data` string's, in `read` by the array's
    start (an array it cannot read so is left to the scanner: `__call__` returns None).

    A message is read by two short regular-expression matches (its members before `data`, and
    after it; none may hold a bracket but in a string) and the `data` string by comparison with
    the parsed text written as JSON writes it (its escapes as short as can be, as browsers write
    them): no scan of the long string, escape by escape. Another spelling of the string (`\\u`
    escapes, `\\/`) is scanned. As `member_span` has it, `data` must be the only member so
    spelled, and no key spelled with a `\\u` escape.
    """

    def __init__(self, entries: list[Any]) -> None:
        self._entries = entries
        self.read: dict[int, _Spans] = {}

    def __call__(self, text: bytes, start: int, where: Path) -> int | None:
        entry = self._entries[where[2]] if isinstance(where[2], int) and where[2] < len(self._entries) else None
        messages = entry.get("_webSocketMessages") if isinstance(entry, dict) else None
        if not isinstance(messages, list) or text[start] != _OPEN_ARRAY:
            return None
        spans = array.array("q")
        position = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        for message in messages:
            before = _TO_DATA.match(text, position)
            value = message.get("data") if message.__class__ is dict else None
            if before is None or value.__class__ is not str:
                return None
            value_start = before.end()
            try:
                token = dumps(value)
            except JSONEncodeError:  # a lone surrogate
                token = b""
            if token and text.startswith(token, value_start):
                value_end = value_start + len(token)
            else:
                string = _STRING.match(text, value_start)
                if string is None:
                    return None
                value_end = string.end()
            after = _TO_END.match(text, value_end)
            if after is None:
                return None
            end = after.end()
            if (
                text.find(b"\\u", position, value_start) >= 0
                or text.find(b"\\u", value_end, end) >= 0
                or text.find(_DATA_KEY, value_end, end) >= 0
            ):
                return None
            spans.extend((position, end, value_start, value_end))
            position = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if text[position] == _COMMA:
                position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        if text[position] != _CLOSE_ARRAY or len(spans) != 4 * len(messages):
            return None
        self.read[start] = spans
        return position + 1


def _records(
    data: bytes,
    messages: Iterable[_Message],
    entries: list[Any],
    locator: Locator,
    strictly: bool,
    once: bool = True,
) -> Iterator[Record]:
    """Each message's record, made as it is asked for (see `Segment.records`). `strictly`: the
    document was parsed by the strict parser, whose `data` strings are then the messages' texts
    as decoded from the file's bytes. `once`: each parsed message is met once, as the arrays'
    reader finds them; the walk taken where a key is repeated on the way is not relied on for
    that (a message met again there has lost its text, and reads as having none)."""
    groups: dict[int, str] = {}
    for entry, index, start, end, value_span in messages:
        listed = entries[entry]["_webSocketMessages"]
        message = listed[index]
        group = groups.get(entry)
        if group is None:
            group = groups[entry] = _group(entries[entry], entry)
        record = _record(data, start, end, value_span, message, entry, index, group, locator, strictly)
        # Its record is all that is needed of it from here on: the parsed message goes at once,
        # not with the whole document, and the next records take the memory it had.
        if once:
            listed[index] = None
        elif message.__class__ is dict:
            message.pop("data", None)
        del message
        yield record


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
    value_span: tuple[int, int] | None,
    message: Any,
    entry: int,
    index: int,
    group: str,
    locator: Locator,
    strictly: bool,
) -> Record:
    """The record of the message at `data[start:end]`, parsed as `message`, its `data` string at
    `value_span` (None: not known yet); `entry` and `index` 0-based."""
    if not isinstance(message, dict):
        label = f"entry {entry + 1}, message {index + 1} (?)"
        return Record(locator.line_of(start), None, label=label, group=group)
    label = f"entry {entry + 1}, message {index + 1} ({message.get('type', '?')})"
    captured = instant(message.get("time"))
    text = message.get("data")
    if message.get("opcode", _TEXT_OPCODE) != _TEXT_OPCODE or not isinstance(text, str):
        return Record(locator.line_of(start), None, (), label, captured, group)
    found = value_span or member_span(data, "data", start, end)
    if found is None:  # the scanner and the parser disagree: not a message to trust
        return Record(locator.line_of(start), None, (), label, captured, group)
    value_start, value_end = found
    line = locator.line_of(value_start)
    try:
        # A lone surrogate: decoded to bytes that are not UTF-8, as an invalid byte stays.
        string = StringMap(data, "surrogatepass", text if strictly else None, value_start + 1, value_end - 1)
    except ValueError:  # a bad escape, which the parsers did not see: not a message to trust
        return Record(line, None, (), label, captured, group)
    # Text that is not JSON is counted, never a finding: the lint finds it out where the message
    # fails to parse (`may_be_text`). Made without the named tuples' Python-level __new__ (every
    # text message; the field order is pinned by tests/test_field_order.py).
    layers = (_new(Layer, (value_start + 1, string)),)
    return _new(Record, (line, string.decoded, layers, label, captured, group, True))
