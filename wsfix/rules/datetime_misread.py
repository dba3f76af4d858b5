"""A value that pydantic's `datetime` accepts, but reads as another instant than it denotes.

pydantic reads a number (or numeric string) in a datetime field as seconds when |v| <= 2e10 and
as milliseconds above: a watershed at 2e10, where wsfix infers the unit from the magnitude (|v| <
1e11 seconds, < 1e14 milliseconds, ...; `--unit` forces one). Inside the default plausible window
the two agree, and values outside it are WS109; they part for a wider `--window` (`20000000001`
is 2603-10-11T11:33:21Z in seconds, but pydantic reads 1970-08-20T11:33:20.001Z) or a `--unit`
that pydantic does not know about. Differences below one microsecond (pydantic keeps
microseconds) are not reported.

Fix (safe, exact): the instant wsfix reads, as RFC 3339 text in UTC.
"""

from __future__ import annotations

import datetime as _dt

from wsfix.fields import Target
from wsfix.problems import Example, Rule, Severity
from wsfix.rules._verdict import Verdict
from wsfix.timestamps import Policy, Reading, classify, render_rfc3339

# pydantic keeps microseconds: a difference below one is not a misreading.
_ONE_MICROSECOND = 1e-6


def describe(reading: Reading, pydantic_reads: str | None) -> str:
    """The message for `reading`, which pydantic reads as `pydantic_reads` (RFC 3339)."""
    unit = f" in {reading.unit.label}" if reading.unit is not None else ""
    return (
        f"pydantic's datetime reads it as {pydantic_reads or 'another instant'} (numbers above 2e10 "
        f"as milliseconds), not as the {reading.form.label}{unit} it is"
    )


RULE = Rule(
    code="WS113",
    name="datetime-misread",
    severity=Severity.ERROR,
    summary="Value that pydantic's datetime reads as another instant (its ms/s watershed at 2e10)",
    explanation=__doc__,
    example=Example(
        bad='{"created_at":20000000001}',
        repaired='{"created_at":"2603-10-11T11:33:21Z"}',
        field="created_at: datetime, checked with --window none",
    ),
    fix="the instant as RFC 3339 text in UTC",
)


def judge(reading: Reading, target: Target, policy: Policy, lax_error: str | None, lax_value: object) -> Verdict | None:
    """The verdict on a value in a `datetime` field that pydantic accepts as `lax_value` but as
    another instant than `reading` names, else None. Asked after `datetime_naive.judge` and
    `datetime_rejected.judge`, for a value they leave: `reading` (from `classify(exact=True)`)
    names an instant, and pydantic accepts it (`lax_error` None)."""
    if lax_error is not None or not isinstance(lax_value, _dt.datetime):
        return None  # rejected (another rule's), or None in a nullable field: no instant to compare
    assert reading.exact is not None
    read = classify(lax_value, policy, exact=True).exact
    if read is None or abs(read - reading.exact) < _ONE_MICROSECOND:
        return None
    return Verdict(RULE, describe(reading, render_rfc3339(read)), target.render(reading))
