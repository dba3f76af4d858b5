"""An ISO 8601 string without a UTC offset where epoch seconds are expected.

`"2025-09-08T16:50:01.447585"` fails pydantic with `float_parsing`, and even read as a date it
does not say which zone its wall time is in. wsfix reads it in the zone `--naive-tz` names
(default UTC; `local`, an IANA name such as `America/Los_Angeles`, or an offset such as `-07:00`)
and every report says which zone it assumed. With `--naive-tz reject` it converts none; in an IANA
zone a wall time that the clocks skip or repeat is not converted either.

Fix (safe under the stated zone): the exact epoch seconds, e.g. `1757350201.447585` read as UTC.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form, Reading


def _describe(reading: Reading) -> str:
    if reading.seconds is None:
        return f"ISO 8601 string without UTC offset: {reading.reason}"
    return f"ISO 8601 string without UTC offset where epoch seconds are expected; read as {reading.zone}"


RULE = Rule(
    code="WS102",
    name="timestamp-naive-iso",
    severity=Severity.ERROR,
    summary="ISO 8601 string without an offset where epoch seconds are expected",
    explanation=__doc__,
    example=Example(
        bad='{"type":"start_agent","timestamp":"2025-09-08T16:50:01.447585"}',
        repaired='{"type":"start_agent","timestamp":1757350201.447585}',
    ),
    fix="exact epoch seconds, reading the wall time in --naive-tz",
    claims=lambda r: r.form is Form.ISO_NAIVE and not r.out_of_range,
    describe=_describe,
)
