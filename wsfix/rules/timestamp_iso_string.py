"""An ISO 8601 / RFC 3339 string with a UTC offset where epoch seconds are expected.

`"2025-09-08T16:50:01.447585Z"` names one instant, but the field is a float of Unix epoch
seconds: pydantic fails with `float_parsing` and the backend drops the message.

Fix (safe): the exact epoch seconds of that instant, rounded once to the nearest float and
written with the shortest spelling that reads back to it. Fractions of any length, `,` decimal
marks, basic format, U+2212 minus signs, 24:00 and leap seconds are all read exactly.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form

RULE = Rule(
    code="WS101",
    name="timestamp-iso-string",
    severity=Severity.ERROR,
    summary="ISO 8601 string with an offset where epoch seconds are expected",
    explanation=__doc__,
    example=Example(
        bad='{"type":"ping","timestamp":"2025-09-08T16:50:01.447585Z"}',
        repaired='{"type":"ping","timestamp":1757350201.447585}',
    ),
    fix="exact epoch seconds of the instant",
    claims=lambda r: r.form is Form.ISO_OFFSET and not r.out_of_range,
    describe=lambda r: "ISO 8601 string where epoch seconds are expected",
)
