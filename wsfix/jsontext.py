"""Where a value sits in one line of JSON text, in bytes, without parsing the line into objects.

Repairs replace exactly the bytes of one value, so wsfix must know where a field's value starts and
ends in the raw line; reports use the same spans for columns and for the value "as written". The
scanner accepts the same texts as pydantic's parser (NaN and Infinity literals included) and, like
it, takes the last of duplicate keys. It is only run on lines pydantic has already parsed, and it
returns None rather than raising on anything else. One shortcut (`last_container_member`) guesses
a span instead of scanning to it, and confirms the guess with pydantic's parser.

No I/O, no conversion of timestamps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterator, Sequence

import orjson
from pydantic_core import from_json

from wsfix.paths import ITEMS, MEMBERS, Concrete, Step
from wsfix.timestamps import parse_decimal

Path = Concrete

_WS = re.compile(rb"[ \t\n\r]*+")
# "Unrolled" so the engine scans runs of plain characters at C speed, not one alternation per byte.
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_SCALAR = re.compile(rb"[^,:\]}\s]++")
_STRING_TEXT = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
# An object or array with no bracket inside but in its strings (a HAR message: its `data` is a
# string): its end in one match.
_FLAT_OBJECT = re.compile(rb"\{(?:[^\"\[\]{}]++|" + _STRING_TEXT + rb")*+\}", re.DOTALL)
_FLAT_ARRAY = re.compile(rb"\[(?:[^\"\[\]{}]++|" + _STRING_TEXT + rb")*+\]", re.DOTALL)
# Everything up to the next bracket that opens a container with brackets in it, or closes one:
# strings, scalars and flat containers are skipped whole.
_TO_BRACKET = re.compile(
    rb"(?:[^\"\[\]{}]++|" + _STRING_TEXT + rb"|" + _FLAT_OBJECT.pattern + rb"|" + _FLAT_ARRAY.pattern + rb")*+",
    re.DOTALL,
)
_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][+-]?[0-9]++)?")
_QUOTE, _OPEN_OBJECT, _OPEN_ARRAY, _COMMA, _COLON = 0x22, 0x7B, 0x5B, 0x2C, 0x3A
_CLOSE_OBJECT, _CLOSE_ARRAY = 0x7D, 0x5D


def last_member(line: bytes, key: str) -> tuple[tuple[int, int] | None, int]:
    """Byte span of the value of top-level member `key` (the last one, if repeated), and how many
    top-level members are named `key` (more than one: a repeated key, of which pydantic reads the
    last).

    Only for keys known to be present at the top level (pydantic reported or validated them): then
    a key written literally exactly once, with no `\\u` escape anywhere in the line, can only be
    that member, because a quote inside a string is always escaped. Anything else is settled by the
    full scanner; it
    scans the line at most once."""
    quoted = _QUOTED_KEYS.get(key)
    if quoted is None:
        quoted = _quoted_key(key)
    first = line.find(quoted) if quoted else -1
    # A line without a backslash (nearly every line) has no `\\u` escape and no escape in the value.
    escapes = first >= 0 and b"\\" in line
    if first >= 0 and line.find(quoted, first + 1) < 0 and (not escapes or line.find(b"\\u") < 0):
        # This runs for every bad timestamp: the common spelling `"key":value` is taken without
        # regular expressions, anything else with them.
        try:
            start = first + len(quoted)
            if line[start] != _COLON:
                start = _WS.match(line, start).end()  # type: ignore[union-attr]
                if line[start] != _COLON:
                    return find_member(line, key)
            start += 1
            if line[start] in _WS_BYTES:
                start = _WS.match(line, start).end()  # type: ignore[union-attr]
            first_byte = line[start]
            if first_byte == _QUOTE:
                end = line.find(b'"', start + 1)
                # No escape in the value: this quote closes it.
                if end > 0 and (not escapes or line.find(b"\\", start, end) < 0):
                    return (start, end + 1), 1
            elif first_byte != _OPEN_OBJECT and first_byte != _OPEN_ARRAY:  # a number, a literal
                return (start, _SCALAR.match(line, start).end()), 1  # type: ignore[union-attr]
            return (start, _value_end(line, start)), 1
        except (IndexError, TypeError, AttributeError):  # not JSON after all
            return None, 0
    return find_member(line, key)


_QUOTED_KEYS: dict[str, bytes] = {}
_WS_BYTES = frozenset(b" \t\n\r")


def _quoted_key(key: str) -> bytes:
    """The key as JSON text if that spelling is the only one without `\\u` escapes, else b"".

    `/` may also be written `\\/`; quotes, backslashes and control characters must be escaped.
    Kept for the next time (`_QUOTED_KEYS`).
    """
    quoted = b"" if any(char in '/"\\' or char < " " for char in key) else b'"' + key.encode() + b'"'
    if len(_QUOTED_KEYS) < 256:  # keys come from the schema, but pydantic may name extra ones
        _QUOTED_KEYS[key] = quoted
    return quoted


def member_span(text: bytes, key: str, start: int, end: int) -> tuple[int, int] | None:
    """Byte span of the value of member `key` (the last, if repeated) of the object `text[start:end]`.

    Only for a member known to be present (the parsed document has it). Then, as in
    `last_member`, a key written literally exactly once in the object can only be that member,
    unless some other key is spelled with a `\\u` escape: with none outside the value found,
    it is taken without scanning the object (a HAR message, whose `data` holds a whole message).
    Anything else is settled by the full scanner. None if it is not JSON after all.
    """
    quoted = _QUOTED_KEYS.get(key)
    if quoted is None:
        quoted = _quoted_key(key)
    first = text.find(quoted, start, end) if quoted else -1
    try:
        if first >= 0 and text.find(quoted, first + 1, end) < 0:
            position = _WS.match(text, first + len(quoted)).end()  # type: ignore[union-attr]
            if text[position] == _COLON:
                value_start = _WS.match(text, position + 1).end()  # type: ignore[union-attr]
                value_end = _value_end(text, value_start)
                if text.find(b"\\u", start, first) < 0 and text.find(b"\\u", value_end, end) < 0:
                    return value_start, value_end
        begin = _WS.match(text, start).end()  # type: ignore[union-attr]
        if text[begin] != _OPEN_OBJECT:
            return None
        span = None
        for name, value_start, value_end in _members(text, begin):
            if name == key:
                span = (value_start, value_end)
        return span
    except (IndexError, TypeError, AttributeError, ValueError):  # not JSON after all
        return None


def last_container_member(text: bytes, key: str) -> tuple[int, int] | None:
    """Byte span of the value of top-level member `key` of the object `text`, when that value is
    an object or an array and the member comes last (an envelope's message, nearly always):
    found without scanning the value, which is most of the record. None when it cannot be
    settled so; the caller then scans (`find_span`).

    Only for text that is JSON, an object with a member `key` (the parsed document has it). As in
    `member_span`, the key written literally exactly once, with no `\\u` escape before it, is
    that member. The value then starts after its colon; if the member comes last, the value
    ends where the object does, before its closing brace. That is checked by parsing the bytes
    between as one JSON value: from anywhere but the last member's value, they would hold the
    closing bracket of a container they do not open, or more than one value.
    """
    quoted = _QUOTED_KEYS.get(key)
    if quoted is None:
        quoted = _quoted_key(key)
    first = text.find(quoted) if quoted else -1
    if first < 0 or text.find(quoted, first + 1) >= 0 or text.find(b"\\u", 0, first) >= 0:
        return None
    position = _WS.match(text, first + len(quoted)).end()  # type: ignore[union-attr]
    if text[position] != _COLON:
        return None
    start = _WS.match(text, position + 1).end()  # type: ignore[union-attr]
    end = len(text) - 1
    while text[end] in _WS_BYTES:  # white space after the object: rare, and short
        end -= 1
    if text[end] != _CLOSE_OBJECT or text[start] not in (_OPEN_OBJECT, _OPEN_ARRAY):
        return None
    while text[end - 1] in _WS_BYTES:  # before its closing brace
        end -= 1
    try:
        from_json(text[start:end])
    except ValueError:
        return None
    return start, end


def find_span(line: bytes, path: Path) -> tuple[int, int] | None:
    """Byte span of the value at `path` (keys and list indexes from the top), or None."""
    try:
        start = _WS.match(line, 0).end()  # type: ignore[union-attr]
        end = -1  # found lazily: scanning the whole record just for its end would be wasted work
        for step in path:
            found = None
            if isinstance(step, str):
                if line[start] != _OPEN_OBJECT:
                    return None
                for key, value_start, value_end in _members(line, start):
                    if key == step:
                        found = (value_start, value_end)  # the last duplicate wins, as in pydantic
            else:
                if line[start] != _OPEN_ARRAY:
                    return None
                for index, span in enumerate(_elements(line, start)):
                    if index == step:
                        found = span
                        break
            if found is None:
                return None
            start, end = found
        return start, end if end >= 0 else _value_end(line, start)
    except (IndexError, TypeError, AttributeError, ValueError):  # not JSON after all
        return None


def iter_spans(
    text: bytes,
    pattern: Sequence[Step],
    start: int = 0,
) -> Iterator[tuple[Path, int, int]]:
    """(concrete path, start, end) of every value matching `pattern` in document order, in the
    value that begins at (or after white space from) byte `start`.

    Keys and indexes select one value (of duplicate keys, the last, as pydantic reads them);
    `ITEMS` every element of an array, `MEMBERS` every member of an object. A step that meets a
    value of another kind matches nothing there. Yields nothing rather than raising on text that
    is not JSON after all.
    """
    try:
        begin = _WS.match(text, start).end()  # type: ignore[union-attr]
        yield from _spans_below(text, begin, tuple(pattern), ())
    except (IndexError, TypeError, AttributeError, ValueError):  # not JSON after all
        return


def _spans_below(
    text: bytes,
    start: int,
    pattern: tuple[Step, ...],
    prefix: Path,
) -> Iterator[tuple[Path, int, int]]:
    if not pattern:
        yield prefix, start, _value_end(text, start)
        return
    step, rest = pattern[0], pattern[1:]
    if step is ITEMS or isinstance(step, int):
        if text[start] != _OPEN_ARRAY:
            return
        for index, (value_start, value_end) in enumerate(_elements(text, start)):
            if not rest and step is ITEMS:  # the elements themselves: their ends are known
                yield (*prefix, index), value_start, value_end
            elif step is ITEMS:
                yield from _spans_below(text, value_start, rest, (*prefix, index))
            elif index == step:  # one position (`trades[*][0]`): the rest of the array is not read
                yield from _spans_below(text, value_start, rest, (*prefix, index))
                return
        return
    if text[start] != _OPEN_OBJECT:
        return
    chosen: dict[str, int] = {}  # the last of duplicate keys wins, in the place of the first
    for key, value_start, _ in _members(text, start):
        if step is MEMBERS or key == step:
            chosen[key] = value_start
    for key, value_start in chosen.items():
        yield from _spans_below(text, value_start, rest, (*prefix, key))


class RepeatedKey(Exception):
    """`iter_spans_once` met an object naming a key of its pattern twice."""


# Reads a value a pattern selects, at byte `start` of `text` (its concrete path given): where it
# ends, or None to have it scanned as any value is.
Leaf = Callable[[bytes, int, Path], "int | None"]


def iter_spans_once(
    text: bytes,
    pattern: Sequence[Step],
    start: int = 0,
    leaf: Leaf | None = None,
) -> Iterator[tuple[Path, int, int]]:
    """`iter_spans` in one pass: each byte is read once, where `iter_spans` first reads past each
    object on the way to choose among repeated keys, then again to descend (a HAR: five passes
    over every message). `leaf`, if given, reads each value the pattern selects (a HAR's message
    arrays: once, for its own purposes) and says where it ends, in place of the scan.

    Raises RepeatedKey, after yielding what it found before, if an object on the way names a key
    of the pattern twice: some values yielded may be ones a parser does not read (it takes the
    last); start over with `iter_spans`, which chooses.
    """
    try:
        begin = _WS.match(text, start).end()  # type: ignore[union-attr]
        yield from _walk(text, begin, tuple(pattern), (), leaf)
    except (IndexError, TypeError, AttributeError, ValueError):  # not JSON after all
        return


def _leaf_end(text: bytes, start: int, where: Path, leaf: Leaf | None) -> int:
    end = leaf(text, start, where) if leaf is not None else None
    return _value_end(text, start) if end is None else end


def _walk(
    text: bytes,
    start: int,
    pattern: tuple[Step, ...],
    prefix: Path,
    leaf: Leaf | None,
) -> Generator[tuple[Path, int, int], None, int]:
    """Yield the spans matching `pattern` in the value at `start`; return where that value ends."""
    if not pattern:
        end = _leaf_end(text, start, prefix, leaf)
        yield prefix, start, end
        return end
    step, rest = pattern[0], pattern[1:]
    first = text[start]
    if first == _OPEN_ARRAY and (step is ITEMS or isinstance(step, int)):
        position = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
        if text[position] == _CLOSE_ARRAY:
            return position + 1
        index = 0
        while True:
            if step is ITEMS or index == step:
                if rest:
                    end = yield from _walk(text, position, rest, (*prefix, index), leaf)
                else:  # the elements themselves: no generator each
                    where = (*prefix, index)
                    end = _leaf_end(text, position, where, leaf)
                    yield where, position, end
            else:
                end = _value_end(text, position)
            position = _WS.match(text, end).end()  # type: ignore[union-attr]
            if text[position] != _COMMA:
                return position + 1
            position = _WS.match(text, position + 1).end()  # type: ignore[union-attr]
            index += 1
    if first != _OPEN_OBJECT or step is ITEMS or isinstance(step, int):
        return _value_end(text, start)
    position = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
    if text[position] == _CLOSE_OBJECT:
        return position + 1
    chosen: set[str] = set()
    while True:
        key_match = _STRING.match(text, position)
        key = _decode_key(key_match[0])  # type: ignore[index]
        position = _WS.match(text, key_match.end()).end()  # type: ignore[union-attr]
        if text[position] != _COLON:
            raise ValueError("expected ':'")
        value_start = _WS.match(text, position + 1).end()  # type: ignore[union-attr]
        if step is MEMBERS or key == step:
            if key in chosen:
                raise RepeatedKey(key)
            chosen.add(key)
            end = yield from _walk(text, value_start, rest, (*prefix, key), leaf)
        else:
            end = _value_end(text, value_start)
        position = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text[position] != _COMMA:
            return position + 1
        position = _WS.match(text, position + 1).end()  # type: ignore[union-attr]


def find_member(line: bytes, key: str) -> tuple[tuple[int, int] | None, int]:
    """Byte span of the value of top-level member `key` (the last, as pydantic reads it) and how
    many members are named `key`, by the full scanner; (None, 0) if absent or not JSON."""
    try:
        start = _WS.match(line, 0).end()  # type: ignore[union-attr]
        if line[start] != _OPEN_OBJECT:
            return None, 0
        span = None
        count = 0
        for name, value_start, value_end in _members(line, start):
            if name == key:
                span = (value_start, value_end)
                count += 1
        return span, count
    except (IndexError, TypeError, AttributeError, ValueError):  # not JSON after all
        return None, 0


def _value_end(line: bytes, start: int) -> int:
    first = line[start]
    if first == _QUOTE:
        return _STRING.match(line, start).end()  # type: ignore[union-attr]
    if first in (_OPEN_OBJECT, _OPEN_ARRAY):
        return _container_end(line, start)
    return _SCALAR.match(line, start).end()  # type: ignore[union-attr]


def _container_end(line: bytes, start: int) -> int:
    # Iterative, so that 10,000 levels of nesting cost no recursion; one match per bracket of a
    # container with brackets in it, what lies between skipped by the engine at C speed (a HAR
    # message, a string of escaped JSON included, is one match).
    flat = (_FLAT_OBJECT if line[start] == _OPEN_OBJECT else _FLAT_ARRAY).match(line, start)
    if flat is not None:
        return flat.end()
    depth = 0
    position = start
    while True:
        position = _TO_BRACKET.match(line, position).end()  # type: ignore[union-attr]
        char = line[position]
        position += 1
        if char in (_OPEN_OBJECT, _OPEN_ARRAY):
            depth += 1
        elif char == _QUOTE:  # a string that does not end: not JSON after all
            raise ValueError("unterminated string")
        else:
            depth -= 1
            if depth == 0:
                return position


def _members(line: bytes, start: int):  # type: ignore[no-untyped-def]
    """Yield (key, value_start, value_end) for the object opening at `start`."""
    position = _WS.match(line, start + 1).end()  # type: ignore[union-attr]
    if line[position] == 0x7D:
        return
    while True:
        key_match = _STRING.match(line, position)
        raw_key = key_match[0]  # type: ignore[index]
        position = _WS.match(line, key_match.end()).end()  # type: ignore[union-attr]
        if line[position] != _COLON:
            raise ValueError("expected ':'")
        value_start = _WS.match(line, position + 1).end()  # type: ignore[union-attr]
        value_end = _value_end(line, value_start)
        yield _decode_key(raw_key), value_start, value_end
        position = _WS.match(line, value_end).end()  # type: ignore[union-attr]
        if line[position] != _COMMA:
            return
        position = _WS.match(line, position + 1).end()  # type: ignore[union-attr]


def _elements(line: bytes, start: int):  # type: ignore[no-untyped-def]
    """Yield (value_start, value_end) for the array opening at `start`."""
    position = _WS.match(line, start + 1).end()  # type: ignore[union-attr]
    if line[position] == 0x5D:
        return
    while True:
        value_end = _value_end(line, position)
        yield position, value_end
        position = _WS.match(line, value_end).end()  # type: ignore[union-attr]
        if line[position] != _COMMA:
            return
        position = _WS.match(line, position + 1).end()  # type: ignore[union-attr]


def _decode_key(raw: bytes) -> str:
    if b"\\" not in raw:
        return raw[1:-1].decode("utf-8", "surrogateescape")
    return json.loads(raw.decode("utf-8", "surrogateescape"))  # type: ignore[no-any-return]


_LITERALS: dict[bytes, object] = {
    b"true": True,
    b"false": False,
    b"null": None,
    b"NaN": float("nan"),
    b"Infinity": float("inf"),
    b"-Infinity": float("-inf"),
}


def token_value(token: bytes) -> object:
    """The JSON value of one token, with numbers as exact `Decimal`s (never through a float).

    Objects and arrays come back empty: callers only need their type. Raises ValueError for a
    token that is not JSON.
    """
    first = token[:1]
    if first == b'"':
        try:
            return orjson.loads(token)
        except orjson.JSONDecodeError:  # lone surrogates: orjson refuses them, json keeps them
            return json.loads(token.decode("utf-8", "surrogateescape"))
    if first == b"{":
        return {}
    if first == b"[":
        return []
    if token in _LITERALS:
        return _LITERALS[token]
    if _NUMBER.fullmatch(token) is None:
        raise ValueError(f"not a JSON token: {token[:40]!r}")
    return parse_decimal(token.decode("ascii"))


def column_of(line: bytes, offset: int) -> int:
    """1-based character column of byte `offset` (invalid UTF-8 bytes count one each)."""
    prefix = line[:offset]
    if prefix.isascii():
        return offset + 1
    return len(prefix.decode("utf-8", "surrogateescape")) + 1


def value_text(token: bytes, limit: int = 2000) -> str:
    """A token as written, for reports; invalid UTF-8 shown as \\xNN; cut after `limit` characters."""
    text = token.decode("utf-8", "backslashreplace")
    if len(text) > limit:
        return f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text
