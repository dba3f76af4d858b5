"""A field other than a timestamp fails the message model.

Reported with pydantic's own error type and location, exactly as the backend's lax validation
gives them: an unknown `type` (`enum`), a `payload` that is not an object (`dict_type`), a
`message_id` that is a number (`string_type`), a missing `type` (`missing`). The backend drops
such a message.

No automatic fix: wsfix does not guess the intended value.
"""

from __future__ import annotations

import re
from typing import Any

from wsfix import jsontext
from wsfix.paths import format_path
from wsfix.problems import Example, Problem, Rule, Severity
from wsfix.rules._verdict import noted

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
# Messages once shortened, by (error type, pydantic's message): an enum's is long to read.
_MESSAGES: dict[tuple[str, str], str] = {}
_MESSAGES_KEPT = 1024

RULE = Rule(
    code="WS004",
    name="schema-violation",
    severity=Severity.ERROR,
    summary="A non-timestamp field fails the message model",
    explanation=__doc__,
    example=Example(bad='{"type":"ping!","timestamp":1757350201.447585}', repaired=None),
)


def check(line: bytes, line_no: int, path: str, error: Any) -> Problem:
    """The problem behind a lax validation error (`error`, one of pydantic's error dicts) in a
    field that is not a timestamp. Its value is the last of a repeated key, as pydantic reads."""
    loc = tuple(error["loc"])
    repeated = 0
    if error["type"] == "missing":
        span = None
    elif len(loc) == 1:
        span, repeated = jsontext.last_member(line, loc[0])  # pydantic saw it at the top level
    else:
        span = jsontext.find_span(line, loc)
    column = jsontext.column_of(line, span[0]) if span else None
    value = jsontext.value_text(line[span[0] : span[1]], 200) if span else None
    return Problem(
        path,
        line_no,
        column,
        format_path(loc),
        RULE.code,
        noted(_message(error), repeated),
        value=value,
        pydantic_type=error["type"],
        repeated=repeated,
    )


def raised(line_no: int, path: str, error: Exception) -> Problem:
    """The problem of a record on which the model's own validation raised `error` (not a
    validation error): the model's fault, but the backend drops the message too."""
    return Problem(path, line_no, None, "", RULE.code, f"the model's validation raised {type(error).__name__}: {error}")


def _message(error: Any) -> str:
    """pydantic's message, shortened; once per distinct message."""
    key = (error["type"], error["msg"])
    message = _MESSAGES.get(key)
    if message is None:
        message = _shorten(error)
        if len(_MESSAGES) < _MESSAGES_KEPT:
            _MESSAGES[key] = message
    return message


def _shorten(error: Any) -> str:
    # An enum's message lists every allowed value (51 for MessageType): name a few and the count.
    if error["type"] == "enum":
        allowed = _QUOTED.findall(error.get("ctx", {}).get("expected", ""))
        if len(allowed) > 4:
            return f"Input should be one of {len(allowed)} values ({', '.join(allowed[:3])}, ...)"
    message: str = error["msg"]
    return message if len(message) <= 160 else f"{message[:157]}..."
