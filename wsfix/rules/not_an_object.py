"""The record is JSON but not an object.

A WebSocket message is a JSON object (`{"type": ...}`); pydantic rejects an array, a string, a
number or null at the top level with `model_type`, and the backend drops the message.

No automatic fix: the line is copied unchanged.
"""

from wsfix.problems import Example, Rule, Severity

RULE = Rule(
    code="WS002",
    name="not-an-object",
    severity=Severity.ERROR,
    summary="The record is JSON but not an object",
    explanation=__doc__,
    example=Example(bad='["ping", 1757350201.447585]', repaired=None),
)
