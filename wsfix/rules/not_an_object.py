"""The record is JSON but not an object.

A WebSocket message is a JSON object (`{"type": ...}`); pydantic rejects an array, a string, a
number or null at the top level with `model_type`, and the backend drops the message.

No automatic fix: the line is copied unchanged.
"""

from __future__ import annotations

from typing import Any

from wsfix.jsontext import column_of
from wsfix.problems import Example, Problem, Rule, Severity

# What a record that is JSON but not an object is, by its first character (anything else: a number).
_TOP_LEVEL_KIND = {
    ord("["): "an array",
    ord('"'): "a string",
    ord("n"): "null",
    ord("t"): "a boolean",
    ord("f"): "a boolean",
}

RULE = Rule(
    code="WS002",
    name="not-an-object",
    severity=Severity.ERROR,
    summary="The record is JSON but not an object",
    explanation=__doc__,
    example=Example(bad='["ping", 1757350201.447585]', repaired=None),
)


def check(line: bytes, line_no: int, path: str, error: Any) -> Problem:
    """The problem of a record that parses but is not an object; `error` is the model's
    pydantic error for the whole record (its type says which, e.g. `model_type`)."""
    start = line[:64].lstrip(b" \t\r\n")[:1]
    kind = _TOP_LEVEL_KIND.get(start[0], "a number") if start else "nothing"
    return Problem(
        path,
        line_no,
        column_of(line, line.index(start)),
        "",
        RULE.code,
        f"the record is {kind}, not a JSON object",
        pydantic_type=error["type"],
    )
