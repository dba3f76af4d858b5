"""What is wrong with a timestamp value in a field whose target is not float seconds, and its fix.

Float seconds (the default schema's `timestamp`) are judged by the rules' claims on the reading
alone, in the linter. Two targets need more: a field of whole epoch units (`int`, or declared
`E:ms`) also asks how the value is written, and a `datetime` field asks what pydantic itself reads
(naive? another instant? rejected?). Values that name no usable instant (unparseable, non-finite,
wrong type, outside the window) keep their own rules (WS106-WS109) whatever the target.

Pure functions of readings from the conversion core; no I/O.
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

from wsfix import rules
from wsfix.fields import Target
from wsfix.problems import Rule
from wsfix.rules import datetime_misread, datetime_naive, datetime_rejected, timestamp_integer_epoch
from wsfix.timestamps import Form, Policy, Reading, classify, render, render_rfc3339, rereading

# Forms that name no instant whatever the target: their rules speak of the value alone.
_NEUTRAL_FORMS = frozenset(
    {Form.UNPARSEABLE, Form.NON_FINITE, Form.BOOLEAN, Form.NULL, Form.OBJECT, Form.ARRAY, Form.OTHER, Form.DATETIME}
)
_ONE_MICROSECOND = 1e-6


class Verdict(NamedTuple):
    rule: Rule
    message: str
    fix: str | None  # the JSON text a repair writes, or None


def neutral(reading: Reading) -> Verdict | None:
    """The verdict of the value-only rules (WS106-WS109), or None when the reading is for the
    target's own rule."""
    if reading.form not in _NEUTRAL_FORMS and not reading.out_of_range:
        return None
    rule = rules.rule_for(reading)
    if rule is None:
        return None
    assert rule.describe is not None
    return Verdict(rule, rule.describe(reading), None)


def not_repaired_note(written: str, again: Reading) -> str:
    """Why a value is not repaired: `written` in its place would be read as `again` (see
    `wsfix.timestamps.rereading`), and a second repair would convert it again."""
    assert again.seconds is not None and again.unit is not None
    return (
        f"; not repaired: written as {written}, it would read as epoch {again.unit.word} "
        f"({render(again.seconds)} s) and be converted again"
    )


def judge_count(reading: Reading, target: Target, token: bytes, policy: Policy) -> Verdict | None:
    """A value in a field of whole epoch `target.unit`s; `reading` from `classify(exact=True)`."""
    assert target.unit is not None
    verdict = neutral(reading)
    if verdict is not None:
        return verdict
    integer_token = reading.form is Form.NUMBER and not any(c in token for c in b".eE")
    # Zero reads as seconds, and is zero in every unit.
    if reading.form is Form.NUMBER and integer_token and (reading.unit is target.unit or reading.seconds == 0):
        return None
    fix = target.render(reading) if reading.reason is None else None
    again = None
    if fix is not None:
        assert reading.seconds is not None
        again = rereading(reading.seconds, policy, fix, target.unit)
    message = timestamp_integer_epoch.describe(
        reading, target.unit, integer_token, fix is not None or reading.reason is not None
    )
    if again is not None:
        assert fix is not None
        return Verdict(timestamp_integer_epoch.RULE, message + not_repaired_note(fix, again), None)
    return Verdict(timestamp_integer_epoch.RULE, message, fix)


def judge_datetime(
    reading: Reading, target: Target, policy: Policy, lax_error: str | None, lax_value: object
) -> Verdict | None:
    """A value in a `datetime` field. `lax_error` is pydantic's error type for it (None: it
    accepts it as `lax_value`); `reading` from `classify(exact=True)`."""
    verdict = neutral(reading)
    if verdict is not None:
        return verdict
    naive = isinstance(lax_value, _dt.datetime) and lax_value.tzinfo is None
    fix = target.render(reading) if reading.reason is None else None
    if reading.form is Form.ISO_NAIVE or naive:
        return Verdict(datetime_naive.RULE, datetime_naive.describe(reading, lax_error is not None), fix)
    if reading.reason is not None:  # names no instant, yet not neutral: say why, no fix
        return Verdict(datetime_rejected.RULE, f"{reading.form.label}: {reading.reason}", None)
    assert reading.exact is not None
    if lax_error is not None:
        return Verdict(datetime_rejected.RULE, datetime_rejected.describe(reading, render_rfc3339(reading.exact)), fix)
    if not isinstance(lax_value, _dt.datetime):
        return None  # None for a nullable field: no instant to compare
    read = classify(lax_value, policy, exact=True).exact
    if read is None or abs(read - reading.exact) < _ONE_MICROSECOND:
        return None  # pydantic keeps microseconds: finer digits are not a misreading
    return Verdict(datetime_misread.RULE, datetime_misread.describe(reading, render_rfc3339(read)), fix)
