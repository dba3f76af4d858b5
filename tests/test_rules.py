"""The rule catalog: codes, names, docs, and examples that really trigger their rule."""

from __future__ import annotations

import datetime as dt
import pathlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import create_model

from tests.conftest import lint_bytes, repair_bytes
from wsfix import linter, rules
from wsfix.fields import FieldSpec, discover_fields
from wsfix.problems import Severity
from wsfix.schema import DEFAULT_SCHEMA, Schema
from wsfix.timestamps import DEFAULT_POLICY, Policy, classify

# The model (and policy) each example's `field` names, built here by hand from its words.
EXAMPLE_SCHEMAS = {
    None: (DEFAULT_SCHEMA, DEFAULT_POLICY),
    "E: int, declared --timestamp-field E:ms": (
        (create_model("EventMs", E=(int, ...)), [FieldSpec.parse("E:ms")]),
        DEFAULT_POLICY,
    ),
    "created_at: datetime": ((create_model("Created", created_at=(dt.datetime, ...)), []), DEFAULT_POLICY),
    "created_at: datetime, checked with --window none": (
        (create_model("Created", created_at=(dt.datetime, ...)), []),
        Policy(window=None),
    ),
}


def example_schema(field):
    schema, policy = EXAMPLE_SCHEMAS[field]
    if not isinstance(schema, Schema):
        model, specs = schema
        schema = Schema("example", model, discover_fields(model, declared=specs))
    return schema, policy


EXPECTED_CATALOG = [
    ("WS001", "invalid-json", Severity.ERROR, False),
    ("WS002", "not-an-object", Severity.ERROR, False),
    ("WS003", "blank-line", Severity.WARNING, False),
    ("WS004", "schema-violation", Severity.ERROR, False),
    ("WS005", "unreadable-input", Severity.ERROR, False),
    ("WS006", "record-too-large", Severity.ERROR, False),
    ("WS101", "timestamp-iso-string", Severity.ERROR, True),
    ("WS102", "timestamp-naive-iso", Severity.ERROR, True),
    ("WS103", "timestamp-numeric-string", Severity.WARNING, True),
    ("WS104", "timestamp-epoch-unit", Severity.WARNING, True),
    ("WS105", "timestamp-date-string", Severity.ERROR, True),
    ("WS106", "timestamp-unparseable", Severity.ERROR, False),
    ("WS107", "timestamp-non-finite", Severity.ERROR, False),
    ("WS108", "timestamp-wrong-type", Severity.ERROR, False),
    ("WS109", "timestamp-out-of-range", Severity.WARNING, False),
    ("WS110", "timestamp-integer-epoch", Severity.ERROR, True),
    ("WS111", "datetime-rejected", Severity.ERROR, True),
    ("WS112", "datetime-naive", Severity.ERROR, True),
    ("WS113", "datetime-misread", Severity.ERROR, True),
    ("WS120", "clock-skew", Severity.WARNING, False),
]


def test_catalog_matches_the_specification():
    assert [(r.code, r.name, r.severity, r.fixable) for r in rules.RULES] == EXPECTED_CATALOG
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name) for r in rules.RULES)


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert len(rule.explanation.strip().splitlines()) >= 3
    assert rule.summary and not rule.summary.endswith(".")


# WS005 is about a path, not a record: tests/test_rule_command.py runs its example.
@pytest.mark.parametrize("rule", rules.RECORD_RULES, ids=lambda r: r.code)
def test_rule_example_triggers_the_rule(rule):
    schema, policy = example_schema(rule.example.field)
    problems = lint_bytes(rule.example.bad.encode() + b"\n", policy, schema=schema)
    assert [p.code for p in problems] == [rule.code]
    repaired, _ = repair_bytes(rule.example.bad.encode() + b"\n", policy, schema=schema)
    expected = rule.example.repaired if rule.example.repaired is not None else rule.example.bad
    assert repaired == expected.encode() + b"\n"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2025-09-08T16:50:01Z",
            "2025-09-08T16:50:01",
            "1757350201447",
            "0",
            "nan",
            "Mon, 08 Sep 2025 16:50:01 GMT",
            "2025-09-08",
            " 1757350201.5 ",
        ]
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5,
)


@given(json_values)
def test_at_most_one_timestamp_rule_claims_any_reading(value):
    reading = classify(value)
    claiming = [rule.code for rule in rules.TIMESTAMP_RULES if rule.claims(reading)]
    assert len(claiming) <= 1
    if not claiming:  # only usable seconds (and null, which the linter treats per field) go unclaimed
        assert (reading.reason is None) and reading.unit is not None and reading.unit.label == "s"


@given(json_values, st.floats(allow_nan=False, allow_infinity=False))
def test_a_timestamp_rule_describes_a_reading_without_its_instant(value, other):
    # The linter words a problem once per kind of reading (everything but the instant it names):
    # a description that read the instant would be wrong for every other value of that kind.
    reading = classify(value)
    rule = rules.rule_for(reading)
    if rule is not None and reading.seconds is not None:
        assert rule.describe is not None
        assert rule.describe(reading._replace(seconds=other)) == rule.describe(reading)


# What naming a rule in the linter looks like: a code, a registry constant, a rule module.
NAMING_A_RULE = re.compile(r"WS\d{3}|\brules\.[A-Z][A-Z_]*\b|\brules\.[a-z_]+\.RULE\b|\bfrom wsfix\.rules\b")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('Problem(path, 1, None, "", "WS001", "blank line")', id="code"),
        pytest.param("rules.INVALID_JSON", id="constant"),
        pytest.param("rules.timestamp_wrong_type.RULE.code", id="module"),
        pytest.param("from wsfix.rules import datetime_naive", id="import"),
    ],
)
def test_naming_a_rule_is_recognised(text):
    assert NAMING_A_RULE.search(text)


def test_the_linter_names_no_rule():
    # Rule decisions live in the rule modules; the linter asks `wsfix.rules`, which says who decides.
    source = pathlib.Path(linter.__file__).read_text(encoding="utf-8")
    assert NAMING_A_RULE.findall(source) == []
    assert "rules.record_problem" in source  # the registry, asked (a moved file would fail above)
