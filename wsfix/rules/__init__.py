"""The rule catalog: every rule wsfix knows, in code order, and which rule decides what. The one
place to add a rule.

A rule is a module in this package defining `RULE` (see `wsfix.problems.Rule`); its docstring is
its user documentation. Timestamp rules claim `Reading`s from the conversion core; the claims are
mutually exclusive, so the order below is only the listing order. The other rules decide in their
own module (a `check` that builds the problem, a `judge` that gives a `Verdict`), and the functions
at the end of this file say which of them the linter asks about what: it names no rule itself.
Codes are never reused.

No I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wsfix.fields import Target
from wsfix.problems import Problem, Rule
from wsfix.rules import (
    blank_line,
    clock_skew,
    datetime_misread,
    datetime_naive,
    datetime_rejected,
    invalid_json,
    not_an_object,
    record_too_large,
    schema_violation,
    timestamp_date_string,
    timestamp_epoch_unit,
    timestamp_integer_epoch,
    timestamp_iso_string,
    timestamp_naive_iso,
    timestamp_non_finite,
    timestamp_numeric_string,
    timestamp_out_of_range,
    timestamp_unparseable,
    timestamp_wrong_type,
    unreadable_input,
)
from wsfix.rules._verdict import Verdict, not_repaired_note, noted
from wsfix.timestamps import Form, Policy, Reading

__all__ = [
    "BY_CODE",
    "CLOCK_SKEW",
    "RECORD_RULES",
    "RECORD_TOO_LARGE",
    "RULES",
    "TIMESTAMP_RULES",
    "UNREADABLE_INPUT",
    "Verdict",
    "field_problem",
    "judge_target",
    "missing_timestamp",
    "model_failure",
    "not_repaired_note",
    "noted",
    "record_problem",
    "rule_for",
    "too_large",
]

RULES: tuple[Rule, ...] = (
    invalid_json.RULE,
    not_an_object.RULE,
    blank_line.RULE,
    schema_violation.RULE,
    unreadable_input.RULE,
    record_too_large.RULE,
    timestamp_iso_string.RULE,
    timestamp_naive_iso.RULE,
    timestamp_numeric_string.RULE,
    timestamp_epoch_unit.RULE,
    timestamp_date_string.RULE,
    timestamp_unparseable.RULE,
    timestamp_non_finite.RULE,
    timestamp_wrong_type.RULE,
    timestamp_out_of_range.RULE,
    timestamp_integer_epoch.RULE,
    datetime_rejected.RULE,
    datetime_naive.RULE,
    datetime_misread.RULE,
    clock_skew.RULE,
)
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
TIMESTAMP_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.claims is not None)

# Found for a path as a whole by the command line, never by linting a record.
UNREADABLE_INPUT = unreadable_input.RULE.code
# Found only over a limit the examples do not reach (tests run its example with a small one).
RECORD_TOO_LARGE = record_too_large.RULE.code
# Found only beside a capture time (wsfix.observations), never in a record alone.
CLOCK_SKEW = clock_skew.RULE.code
RECORD_RULES: tuple[Rule, ...] = tuple(
    rule for rule in RULES if rule.code not in (UNREADABLE_INPUT, RECORD_TOO_LARGE, CLOCK_SKEW)
)

too_large: Callable[[int, int, int, int, int, str], Problem] = record_too_large.check
"""The problem of a record over the size limit, which is not parsed."""


_CLAIMED: dict[tuple[object, object, bool], Rule | None] = {}


def rule_for(reading: Reading) -> Rule | None:
    """The timestamp rule that claims `reading`, or None for a usable epoch-seconds number.

    Claims depend only on a reading's form, unit and out_of_range (tests hold every rule to that),
    so the answer is remembered per combination: this runs for every bad value.
    """
    key = (reading.form, reading.unit, reading.out_of_range)
    try:
        return _CLAIMED[key]
    except KeyError:
        pass
    claiming = None
    for rule in TIMESTAMP_RULES:
        assert rule.claims is not None
        if rule.claims(reading):
            claiming = rule
            break
    _CLAIMED[key] = claiming
    return claiming


# --- which rule decides what: the linter asks these, never a rule by name ---------------------------


def record_problem(line: bytes, line_no: int, path: str, error: Any) -> Problem:
    """The problem of a record pydantic rejects as a whole: `error` is its first error, about the
    JSON text (`json_invalid`: blank, else not JSON) or else the top-level value (not an object)."""
    if error["type"] == "json_invalid":
        return blank_line.check(line, line_no, path) or invalid_json.check(line, line_no, path, error)
    return not_an_object.check(line, line_no, path, error)


field_problem: Callable[[bytes, int, str, Any], Problem] = schema_violation.check
"""The problem behind a lax validation error in a field that is not a timestamp."""

model_failure: Callable[[int, str, Exception], Problem] = schema_violation.raised
"""The problem of a record on which the model's validation raised something else than an error."""

missing_timestamp: Callable[[int, str, str], Problem] = timestamp_wrong_type.missing
"""The problem of a record without a required timestamp."""

# Forms that name no instant whatever the target: their rules speak of the value alone.
_NEUTRAL_FORMS = frozenset(
    {Form.UNPARSEABLE, Form.NON_FINITE, Form.BOOLEAN, Form.NULL, Form.OBJECT, Form.ARRAY, Form.OTHER, Form.DATETIME}
)
_Judge = Callable[[Reading, Target, Policy, str | None, object], Verdict | None]
# A datetime field's judges, asked in this order: each judges the values the ones before it leave.
_DATETIME_JUDGES: tuple[_Judge, ...] = (datetime_naive.judge, datetime_rejected.judge, datetime_misread.judge)


def judge_target(
    reading: Reading, target: Target, token: bytes, policy: Policy, lax_error: str | None, lax_value: object
) -> Verdict | None:
    """The verdict on a value (JSON text `token`) in a field whose target is not float seconds: a
    whole number of an epoch unit, or a `datetime`. `reading` from `classify(exact=True)`;
    `lax_error` is pydantic's error type for it in the field (None: it accepts it as `lax_value`).

    A value that names no usable instant (unparseable, non-finite, wrong type, outside the window)
    keeps its own rule (WS106-WS109), whatever the target; the target's rules judge the rest.
    """
    if reading.form in _NEUTRAL_FORMS or reading.out_of_range:
        rule = rule_for(reading)
        if rule is not None:
            assert rule.describe is not None
            return Verdict(rule, rule.describe(reading), None)
    if target.unit is not None:
        return timestamp_integer_epoch.judge(reading, target, token, policy)
    for judge in _DATETIME_JUDGES:
        verdict = judge(reading, target, policy, lax_error, lax_value)
        if verdict is not None:
            return verdict
    return None
