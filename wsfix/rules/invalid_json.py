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


def check(line: bytes, line_no: int, path: str, error: Any) -> Problem:
    """The problem of a record that is not JSON; `error` is pydantic's `json_invalid` error."""
    column, _ = _position(line, error["msg"])
    reason = _POSITION.sub("", error["msg"].removeprefix(_PREFIX))
    if line.startswith(_BOM):
        reason = f"the line starts with a UTF-8 byte order mark; {reason}"
    return Problem(path, line_no, column, "", RULE.code, f"not valid JSON: {reason}", pydantic_type="json_invalid")


def _position(line: bytes, message: str) -> tuple[int | None, int | None]:
    """The 1-based character column of a pydantic JSON error, and its byte offset in `line`
    (pydantic gives a line within the record and a 1-based byte column)."""
    position = _POSITION.search(message)
    if position is None:
        return None, None
    if position[1] != "1" or message.startswith(f"{_PREFIX}EOF"):
        end = len(line.rstrip(b"\r\n"))  # past the record's last character
        return column_of(line, end), None
    offset = max(int(position[2]) - 1, 0)
    return column_of(line, offset), offset
