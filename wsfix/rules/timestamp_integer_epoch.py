"""A field that takes a whole number of an epoch unit holds something else.

`int` fields named like a time take whole epoch seconds; a field declared with a unit
(`--timestamp-field E:ms`, JavaScript's `Date.now()`) takes whole milliseconds (or microseconds,
nanoseconds). This rule reports, in such a field: another unit (`1757350201` seconds where
milliseconds are expected: pydantic accepts it, 1000 times too small), an ISO 8601 or RFC 2822
string (naive ones read in `--naive-tz`, which the report names), a numeric string, or a number
with a fraction part or an exponent (`1757350201447.0`: lax validation accepts it, strict does
not).

Fix (safe, exact): the same instant as a whole number of the field's unit, e.g. `1757350201447`. An
instant that is no whole number of the unit (`"2025-09-08T16:50:01.447585Z"` in a millisecond
field) is reported without a fix: rounding it would lose data.
"""

from __future__ import annotations

from wsfix.fields import Target
from wsfix.problems import Example, Rule, Severity
from wsfix.rules._verdict import Verdict, not_repaired_note
from wsfix.timestamps import Form, Policy, Reading, Unit, rereading

_FORMS = {
    Form.ISO_OFFSET: "ISO 8601 string",
    Form.ISO_NAIVE: "ISO 8601 string without UTC offset",
    Form.DATE_STRING: "RFC 2822 date string",
}


def describe(reading: Reading, unit: Unit, integer_token: bool, fixed: bool) -> str:
    """The message for `reading` in a field of whole `unit`s; `integer_token`: the value is written
    as a JSON integer; `fixed`: a repair has an exact whole number to write."""
    expected = f"whole epoch {unit.word}"
    if reading.form in _FORMS:
        text = f"{_FORMS[reading.form]} where {expected} are expected"
    elif reading.form is Form.NUMERIC_STRING:
        text = f"numeric string of epoch {(reading.unit or Unit.S).word} where {expected} are expected"
    elif reading.unit is not unit:
        text = f"epoch {(reading.unit or Unit.S).word} where {expected} are expected"
    elif not integer_token:
        text = f"number with a fraction part or exponent where {expected} are expected"
    else:
        text = f"not {expected}"
    if reading.reason is not None:
        return f"{text}: {reading.reason}"
    if reading.zone is not None:
        text += f"; read as {reading.zone}"
    if not fixed:
        text += f"; the instant is no whole number of {unit.word}, so there is no exact fix"
    return text


RULE = Rule(
    code="WS110",
    name="timestamp-integer-epoch",
    severity=Severity.ERROR,
    summary="Value other than a whole number of the field's epoch unit in an integer timestamp field",
    explanation=__doc__,
    example=Example(
        bad='{"E":1757350201}',
        repaired='{"E":1757350201000}',
        field="E: int, declared --timestamp-field E:ms",
    ),
    fix="the exact instant as a whole number of the field's unit",
)


def judge(reading: Reading, target: Target, token: bytes, policy: Policy) -> Verdict | None:
    """The verdict on a value (JSON text `token`) in a field of whole epoch `target.unit`s, or None
    when it is one; `reading` from `classify(exact=True)`, a form that names an instant."""
    assert target.unit is not None
    integer_token = reading.form is Form.NUMBER and not any(c in token for c in b".eE")
    # Zero reads as seconds, and is zero in every unit.
    if reading.form is Form.NUMBER and integer_token and (reading.unit is target.unit or reading.seconds == 0):
        return None
    fix = target.render(reading) if reading.reason is None else None
    again = None
    if fix is not None:
        assert reading.seconds is not None
        again = rereading(reading.seconds, policy, fix, target.unit)
    message = describe(reading, target.unit, integer_token, fix is not None or reading.reason is not None)
    if again is not None:
        assert fix is not None
        return Verdict(RULE, message + not_repaired_note(fix, again), None)
    return Verdict(RULE, message, fix)
