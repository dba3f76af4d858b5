"""A date-time without a UTC offset in a `datetime` field.

pydantic accepts `"2025-09-08T16:50:01.447585"` into a `datetime` field, but as a *naive*
datetime: which instant it is depends on whoever reads it next (the server's zone? UTC?), and
comparing it with an aware datetime raises `TypeError`. wsfix reads the wall time in the zone
`--naive-tz` names (default UTC) and every report says which one; with `--naive-tz reject`, or
for a wall time a DST change skips or repeats, there is no fix.

Fix (safe under the stated zone): the instant as RFC 3339 text in UTC, e.g.
`"2025-09-08T16:50:01.447585Z"`.
"""

from __future__ import annotations

import datetime as _dt

from wsfix.fields import Target
from wsfix.problems import Example, Rule, Severity
from wsfix.rules._verdict import Verdict
from wsfix.timestamps import Form, Policy, Reading


def describe(reading: Reading, rejected: bool) -> str:
    """The message for a naive `reading`; `rejected`: pydantic rejects the text outright."""
    taken = "pydantic's datetime rejects it" if rejected else "pydantic makes a naive datetime of it"
    if reading.seconds is None:
        return f"date-time without UTC offset ({taken}): {reading.reason}"
    return f"date-time without UTC offset ({taken}); read as {reading.zone}"


RULE = Rule(
    code="WS112",
    name="datetime-naive",
    severity=Severity.ERROR,
    summary="Date-time without a UTC offset in a datetime field (pydantic makes it naive)",
    explanation=__doc__,
    example=Example(
        bad='{"created_at":"2025-09-08T16:50:01.447585"}',
        repaired='{"created_at":"2025-09-08T16:50:01.447585Z"}',
        field="created_at: datetime",
    ),
    fix="the instant as RFC 3339 text in UTC, reading the wall time in --naive-tz",
)


def judge(reading: Reading, target: Target, policy: Policy, lax_error: str | None, lax_value: object) -> Verdict | None:
    """The verdict on a value in a `datetime` field if it has no UTC offset (written so, or as
    pydantic reads it: `lax_value`; `lax_error` is pydantic's error type, None when it accepts
    the value), else None. `reading` from `classify(exact=True)`."""
    naive = isinstance(lax_value, _dt.datetime) and lax_value.tzinfo is None
    if reading.form is not Form.ISO_NAIVE and not naive:
        return None
    fix = target.render(reading) if reading.reason is None else None
    return Verdict(RULE, describe(reading, lax_error is not None), fix)
