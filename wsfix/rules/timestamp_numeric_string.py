"""A number written as a string where a number of epoch seconds is expected.

`"1757350201.447585"` passes pydantic's lax float (which parses strings) but fails strict
validation (`float_type`) and any consumer that expects a JSON number: a warning, since the
backend accepts it. White space around the number is allowed; hex, `_` separators and
`nan`/`inf` spellings are not numeric strings (see WS106 and WS107).

Fix (safe): the same number as a JSON number. A numeric string in milliseconds, microseconds or
nanoseconds is reported as WS104 instead, since the unit is the larger error.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form, Unit

RULE = Rule(
    code="WS103",
    name="timestamp-numeric-string",
    severity=Severity.WARNING,
    summary="Numeric string where a number of epoch seconds is expected",
    explanation=__doc__,
    example=Example(
        bad='{"type":"ping","timestamp":"1757350201.447585"}',
        repaired='{"type":"ping","timestamp":1757350201.447585}',
    ),
    fix="the number itself, as a JSON number",
    claims=lambda r: r.form is Form.NUMERIC_STRING and r.unit is Unit.S and not r.out_of_range,
    describe=lambda r: "numeric string where a number is expected (lax validation accepts it, strict does not)",
)
