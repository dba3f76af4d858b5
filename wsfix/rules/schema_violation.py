"""A field other than a timestamp fails the message model.

Reported with pydantic's own error type and location, exactly as the backend's lax validation
gives them: an unknown `type` (`enum`), a `payload` that is not an object (`dict_type`), a
`message_id` that is a number (`string_type`), a missing `type` (`missing`). The backend drops
such a message.

No automatic fix: wsfix does not guess the intended value.
"""

from wsfix.problems import Example, Rule, Severity

RULE = Rule(
    code="WS004",
    name="schema-violation",
    severity=Severity.ERROR,
    summary="A non-timestamp field fails the message model",
    explanation=__doc__,
    example=Example(bad='{"type":"ping!","timestamp":1757350201.447585}', repaired=None),
)
