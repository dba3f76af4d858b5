"""Epoch milliseconds, microseconds or nanoseconds where seconds are expected.

`1757350201447` (JavaScript's `Date.now()`) validates as a float, so pydantic accepts it, but it is
1000 times too large: read as seconds it lies in the year 57,657. The unit is inferred from the
magnitude: |v| < 1e11 is seconds, < 1e14 milliseconds, < 1e17 microseconds, < 1e20 nanoseconds
(`--unit` overrides the inference). A numeric string in such a unit is reported here too.

Fix (safe): the value divided exactly by 10^3, 10^6 or 10^9 and rounded once, so a nanosecond
integer beyond 2^53 keeps its low digits until that rounding.
"""

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Form, Reading, Unit


def _describe(reading: Reading) -> str:
    assert reading.unit is not None
    written = "numeric string of epoch" if reading.form is Form.NUMERIC_STRING else "epoch"
    return f"{written} {reading.unit.word} where seconds are expected"


RULE = Rule(
    code="WS104",
    name="timestamp-epoch-unit",
    severity=Severity.WARNING,
    summary="Epoch milliseconds, microseconds or nanoseconds where seconds are expected",
    explanation=__doc__,
    example=Example(
        bad='{"type":"ping","timestamp":1757350201447}',
        repaired='{"type":"ping","timestamp":1757350201.447}',
    ),
    fix="the value divided exactly into seconds",
    claims=lambda r: (
        r.form in (Form.NUMBER, Form.NUMERIC_STRING) and r.unit not in (None, Unit.S) and not r.out_of_range
    ),
    describe=_describe,
)
