"""The record is not JSON.

pydantic's `validate_json` rejects the whole message with `json_invalid` before it looks at any
field, so the backend drops it. Typical causes: a capture cut mid-write, two messages on one line,
a byte order mark, text that is not UTF-8. NaN and Infinity literals are not reported here:
pydantic's parser accepts them (see WS107 for a timestamp that holds one).

No automatic fix: wsfix cannot know what the record was meant to say, so `repair` copies the
line unchanged.
"""

from wsfix.problems import Example, Rule, Severity

RULE = Rule(
    code="WS001",
    name="invalid-json",
    severity=Severity.ERROR,
    summary="The record is not valid JSON",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","timestamp":1757350201.4', repaired=None),
)
