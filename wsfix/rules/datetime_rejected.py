"""A value in a `datetime` field that pydantic rejects, although it names one instant.

pydantic's datetime takes RFC 3339 text and numbers; it rejects ISO 8601 basic format
(`"20250908T165001Z"`), week and ordinal dates, offsets without minutes (`+02`), RFC 2822 / HTTP
dates, leap seconds (`23:59:60`), `24:00`, white space around the text, and epoch microseconds or
nanoseconds ("dates after 9999"). wsfix reads each of them exactly (see WS101-WS105), so the
record need not be lost.

Fix (safe, exact): the instant as RFC 3339 text in UTC, with exactly the fraction digits it needs, e.g.
`"2025-09-08T16:50:01Z"`.
"""

from __future__ import annotations

from wsfix.fields import Target
from wsfix.problems import Example, Rule, Severity
from wsfix.rules._verdict import Verdict
from wsfix.timestamps import Form, Policy, Reading, Unit, render_rfc3339

_FORMS = {
    Form.NUMBER: "epoch number",
    Form.NUMERIC_STRING: "numeric string",
    Form.ISO_OFFSET: "ISO 8601 string",
    Form.ISO_NAIVE: "ISO 8601 string",
    Form.DATE_STRING: "RFC 2822 date string",
}


def describe(reading: Reading, rfc3339: str | None) -> str:
    """The message for `reading`, rejected by pydantic; `rfc3339` is the instant it names."""
    what = _FORMS.get(reading.form, reading.form.label)
    if reading.unit is not None and reading.unit is not Unit.S:
        what = f"{what} in {reading.unit.label}"
    if rfc3339 is None:
        return f"{what} that pydantic's datetime rejects; its instant cannot be written as RFC 3339"
    return f"{what} that pydantic's datetime rejects; it denotes {rfc3339}"


RULE = Rule(
    code="WS111",
    name="datetime-rejected",
    severity=Severity.ERROR,
    summary="Value that pydantic's datetime rejects although it names one instant",
    explanation=__doc__,
    example=Example(
        bad='{"created_at":"20250908T165001Z"}',
        repaired='{"created_at":"2025-09-08T16:50:01Z"}',
        field="created_at: datetime",
    ),
    fix="the instant as RFC 3339 text in UTC",
)


def judge(reading: Reading, target: Target, policy: Policy, lax_error: str | None, lax_value: object) -> Verdict | None:
    """The verdict on a value in a `datetime` field that pydantic rejects (`lax_error`, its error
    type) or that names no instant wsfix can write (`reading.reason`), else None. Asked after
    `datetime_naive.judge`; `reading` from `classify(exact=True)`."""
    if reading.reason is not None:  # names no instant, yet no value-only rule's: say why, no fix
        return Verdict(RULE, f"{reading.form.label}: {reading.reason}", None)
    if lax_error is None:
        return None
    assert reading.exact is not None
    return Verdict(RULE, describe(reading, render_rfc3339(reading.exact)), target.render(reading))
