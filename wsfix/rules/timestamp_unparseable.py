"""A string that is not a timestamp wsfix can read exactly.

Empty strings, words (`"yesterday"`), hex (`"0x65"`), `_` separators (`"1_757_350_201"`, which
pydantic's lax float does accept), dates without a time of day (`"2025-09-08"`: which instant of
that day?), times without a date, and impossible date-times (`"2025-02-30T10:00:00Z"`, hour 25,
offset +24:00). The message says which.

No automatic fix: there is no exact value to put back, and wsfix never substitutes the current
time.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form

RULE = Rule(
    code="WS106",
    name="timestamp-unparseable",
    severity=Severity.ERROR,
    summary="String that is not a readable timestamp (empty, impossible, date-only, ...)",
    explanation=__doc__,
    example=Example(bad='{"type":"ping","timestamp":"2025-09-08"}', repaired=None),
    claims=lambda r: r.form is Form.UNPARSEABLE,
    describe=lambda r: str(r.reason),
)
