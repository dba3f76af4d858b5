"""The record is not JSON.

pydantic's `validate_json` rejects the whole message with `json_invalid` before it looks at any
field, so the backend drops it. Typical causes: a capture cut mid-write, two messages on one line,
a byte order mark, text that is not UTF-8. NaN and Infinity literals are not reported here:
pydantic's parser accepts them (see WS107 for a timestamp that holds one).

No automatic fix: wsfix cannot know what the record was meant to say, so `repair` copies the
line unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from wsfix.jsontext import column_of
from wsfix.problems import Example, Problem, Rule, Severity

RULE = Rule(
    code="WS001",
    name="invalid-json",
    severity=Severity.ERROR,
    summary="The record is not valid JSON",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","timestamp":1757350201.4', repaired=None),
)

_BOM = b"\xef\xbb\xbf"
_PREFIX = "Invalid JSON: "
# pydantic (jiter) ends its message with the position in the record: line, then 1-based byte column.
_POSITION = re.compile(r" at line (\d+) column (\d+)$")
_EOF = "the record ends before the JSON does"

# jiter's reasons, in words: `{found}` names what stands where the parser stopped (`'x'`, `U+0001`,
# `byte 0xFF (not UTF-8)`), `{character}` the same as a noun; the second phrase is for a record
# that ends there. A reason not listed keeps jiter's own words.
_PHRASES: dict[str, tuple[str, str]] = {
    "EOF while parsing an object": (f"{_EOF} (an object is not closed)",) * 2,
    "EOF while parsing a list": (f"{_EOF} (an array is not closed)",) * 2,
    "EOF while parsing a value": (f"{_EOF} (a value is missing)",) * 2,
    "EOF while parsing a string": ("a string is not closed",) * 2,
    "expected value": ("unexpected {character}", "a value is missing"),
    "expected ident": ("a word that is not true, false or null", f"{_EOF} (a true, false or null is cut short)"),
    "expected `,` or `}`": (
        "expected ',' or '}' after an object member, found {found}",
        "expected ',' or '}' after an object member",
    ),
    "expected `,` or `]`": (
        "expected ',' or ']' after an array item, found {found}",
        "expected ',' or ']' after an array item",
    ),
    "expected `:`": ("expected ':' after an object key, found {found}", "expected ':' after an object key"),
    "key must be a string": (
        "expected an object key in double quotes, found {found}",
        "expected an object key in double quotes",
    ),
    "trailing comma": ("a trailing comma before {found}", "a trailing comma"),
    "trailing characters": ("more text after the end of the JSON value",) * 2,
    "invalid escape": ("an invalid backslash escape in a string",) * 2,
    "invalid number": ("a malformed number",) * 2,
    "number out of range": ("a number with too many digits",) * 2,
    "invalid unicode code point": ("bytes that are not UTF-8 in a string",) * 2,
    # The line's own end inside a string is a control character to jiter: the string is not closed.
    "control character (\\u0000-\\u001F) found while parsing a string": (
        "a control character ({found}) in a string, where JSON needs an escape",
        "a string is not closed",
    ),
    "unexpected end of hex escape": ("a \\u escape of half a surrogate pair, without its other half",) * 2,
    "lone leading surrogate in hex escape": ("a \\u escape of half a surrogate pair, without its other half",) * 2,
    "recursion limit exceeded": ("nested deeper than pydantic's parser allows",) * 2,
}


def check(line: bytes, line_no: int, path: str, error: Any) -> Problem:
    """The problem of a record that is not JSON; `error` is pydantic's `json_invalid` error."""
    column, offset = _position(line, error["msg"])
    reason = _POSITION.sub("", error["msg"].removeprefix(_PREFIX))
    if reason == "invalid unicode code point":
        # Parsers place it differently (the string's start or the byte; pydantic-core changed
        # between releases): the column is the first byte that is not UTF-8, found here.
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as bad:
            column, offset = column_of(line, bad.start), bad.start
    if line.startswith(_BOM):  # the parser stops at its first byte, which says nothing more
        reason = "the line starts with a UTF-8 byte order mark"
    else:
        reason = describe(reason, line, offset)
    where = "" if column is None else f" at column {column}"
    return Problem(
        path, line_no, column, "", RULE.code, f"not valid JSON{where}: {reason}", pydantic_type="json_invalid"
    )


def describe(reason: str, line: bytes, offset: int | None) -> str:
    """jiter's `reason` in words; `offset`: the byte of `line` where the parser stopped (None: at
    the record's end, or unknown)."""
    phrases = _PHRASES.get(reason)
    if phrases is None:
        return reason
    found = _found(line, offset)
    if found is None:
        return phrases[1]
    text, is_character = found
    return phrases[0].replace("{found}", text).replace("{character}", f"character {text}" if is_character else text)


def _position(line: bytes, message: str) -> tuple[int | None, int | None]:
    """The 1-based character column of a pydantic JSON error, and its byte offset in `line`
    (pydantic gives a line within the record and a 1-based byte column)."""
    position = _POSITION.search(message)
    if position is None:
        return None, None
    if position[1] != "1" or message.startswith(f"{_PREFIX}EOF"):
        # A record cut short: pydantic may place that past its newline ("line 2 column 0"); the
        # finding points just past the record's last character, on the record's own line.
        end = len(line.rstrip(b"\r\n"))
        return column_of(line, end), None
    offset = max(int(position[2]) - 1, 0)
    return column_of(line, offset), offset


def _found(line: bytes, offset: int | None) -> tuple[str, bool] | None:
    """What stands at byte `offset` of `line`, as a person can read it, and whether it is a
    character: `'x'`, `"'"`, `U+0001` (unprintable or a space), else `byte 0xFF (not UTF-8)`;
    None at the record's end."""
    if offset is None or offset >= len(line.rstrip(b"\r\n")):
        return None
    lead = line[offset]
    size = 1 if lead < 0x80 else 2 if 0xC2 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if lead < 0xF5 else 0
    try:
        character = line[offset : offset + size].decode("utf-8") if size else ""
    except UnicodeDecodeError:
        character = ""
    if not character:
        return f"byte 0x{lead:02X} (not UTF-8)", False
    if not character.isprintable() or unicodedata.category(character) in ("Zs", "Cf"):
        return f"U+{ord(character):04X}", True
    return ('"\'"' if character == "'" else f"'{character}'"), True
