"""The rule catalog: every rule wsfix knows, in code order. The one place to add a rule.

A rule is a module in this package defining `RULE` (see `wsfix.problems.Rule`); its docstring is
its user documentation. Timestamp rules claim `Reading`s from the conversion core; the claims are
mutually exclusive, so the order below is only the listing order. The rules for fields whose
target is not float seconds (WS110-WS113) claim nothing: `wsfix.verdicts` picks them, since they
depend on the field and on pydantic's own reading. Codes are never reused.
"""

from __future__ import annotations

from wsfix.problems import Rule
from wsfix.rules import (
    blank_line,
    datetime_misread,
    datetime_naive,
    datetime_rejected,
    invalid_json,
    not_an_object,
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
from wsfix.timestamps import Reading

RULES: tuple[Rule, ...] = (
    invalid_json.RULE,
    not_an_object.RULE,
    blank_line.RULE,
    schema_violation.RULE,
    unreadable_input.RULE,
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
)
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
TIMESTAMP_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.claims is not None)

INVALID_JSON = invalid_json.RULE.code
NOT_AN_OBJECT = not_an_object.RULE.code
BLANK_LINE = blank_line.RULE.code
SCHEMA_VIOLATION = schema_violation.RULE.code
# Found for a path as a whole by the command line, never by linting a record.
UNREADABLE_INPUT = unreadable_input.RULE.code
RECORD_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.code != UNREADABLE_INPUT)


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
