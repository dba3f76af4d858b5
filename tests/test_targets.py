"""Fields whose target is not float seconds: whole epoch units (`E: int`, `E:ms`) and `datetime`.

One record in, (code, fix, pydantic type) out, worked out by hand; 2025-09-08T16:50:01Z is
1757350201 s. Plus the built-in schemas whose timestamp is required.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pytest
from pydantic import create_model

from tests.conftest import lint_bytes, repair_bytes
from wsfix.fields import FieldSpec, discover_fields
from wsfix.schema import SCHEMAS, Schema
from wsfix.timestamps import DEFAULT_POLICY, Policy, Unit, parse_naive_zone


def schema_of(model, *declared: str) -> Schema:
    return Schema("test", model, discover_fields(model, declared=[FieldSpec.parse(d) for d in declared]))


CREATED = schema_of(create_model("Created", created_at=(dt.datetime, ...)))
EVENT_MS = schema_of(create_model("EventMs", E=(int, ...)), "E:ms")
TS_INT = schema_of(create_model("TsInt", ts=(Optional[int], None)))


def terse(problems):
    return [(p.code, p.fix.replacement if p.fix else None, p.pydantic_type) for p in problems]


def record(key: str, value: str) -> bytes:
    return b'{"%s":%s}\n' % (key.encode(), value.encode())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param('"2025-09-08T16:50:01Z"', [], id="rfc3339-z"),
        pytest.param('"2025-09-08T18:50:01+02:00"', [], id="offset-read-right"),
        pytest.param("1757350201", [], id="seconds-read-right"),
        pytest.param("1757350201447", [], id="ms-read-right"),
        pytest.param('"1757350201"', [], id="numeric-string-read-right"),
        pytest.param('"2025-09-08T16:50:01.123456789Z"', [], id="sub-microsecond-digits-are-not-misread"),
        pytest.param('"2025-09-08T16:50:01.447585"', [("WS112", '"2025-09-08T16:50:01.447585Z"', None)], id="naive"),
        pytest.param(
            '"20250908T165001"', [("WS112", '"2025-09-08T16:50:01Z"', "datetime_from_date_parsing")], id="naive-basic"
        ),
        pytest.param(
            '"20250908T165001Z"', [("WS111", '"2025-09-08T16:50:01Z"', "datetime_from_date_parsing")], id="basic-format"
        ),
        pytest.param(
            '" 2025-09-08T16:50:01Z"',
            [("WS111", '"2025-09-08T16:50:01Z"', "datetime_from_date_parsing")],
            id="white-space",
        ),
        pytest.param(
            '"Mon, 08 Sep 2025 16:50:01 GMT"',
            [("WS111", '"2025-09-08T16:50:01Z"', "datetime_from_date_parsing")],
            id="rfc2822",
        ),
        pytest.param(
            '"2016-12-31T23:59:60Z"',
            [("WS111", '"2017-01-01T00:00:00Z"', "datetime_from_date_parsing")],
            id="leap-second",
        ),
        pytest.param(
            "1757350201447585", [("WS111", '"2025-09-08T16:50:01.447585Z"', "datetime_parsing")], id="microseconds"
        ),
        pytest.param('"2025-09-08"', [("WS106", None, None)], id="date-only-pydantic-makes-midnight"),
        pytest.param('"yesterday"', [("WS106", None, "datetime_from_date_parsing")], id="unparseable"),
        pytest.param("null", [("WS108", None, "datetime_type")], id="null-where-required"),
        pytest.param("true", [("WS108", None, "datetime_type")], id="boolean"),
        pytest.param("0", [("WS109", None, None)], id="epoch-zero"),
    ],
)
def test_datetime_field(value, expected):
    assert terse(lint_bytes(record("created_at", value), schema=CREATED)) == expected


@pytest.mark.parametrize(
    ("policy", "value", "expected"),
    [
        pytest.param(Policy(window=None), "1757350201", [("WS110", "1757350201000", None)], id="inferred"),
        # Zero is zero milliseconds too: nothing to say (its "fix", 0, would be found again).
        pytest.param(Policy(window=None), "0", [], id="zero"),
        pytest.param(Policy(unit=Unit.S, window=None), "0", [], id="zero-forced-seconds"),
        # Read as seconds (forced), whole ms written back would read as seconds again: 1757350201000
        # s, converted again by the next repair. No window stops it, so no fix.
        pytest.param(
            Policy(unit=Unit.S, window=None), "1757350201", [("WS110", None, None)], id="forced-seconds-no-window"
        ),
        pytest.param(Policy(unit=Unit.S), "1757350201", [("WS110", "1757350201000", None)], id="forced-seconds-window"),
    ],
)
def test_whole_unit_fix_only_when_final(policy, value, expected):
    problems = lint_bytes(record("E", value), policy, schema=EVENT_MS)
    assert terse(problems) == expected
    for problem, (_, fix, _) in zip(problems, expected, strict=True):
        assert ("not repaired: written as 1757350201000, it would read as epoch seconds" in problem.message) == (
            fix is None
        )


def test_datetime_misread_across_pydantics_watershed():
    # 20000000001 is seconds to wsfix (|v| < 1e11): 2603-10-11T11:33:21Z (20000000000 s is
    # 231481 days + 41600 s); pydantic reads it as milliseconds, 1970-08-20T11:33:20.001Z.
    problems = lint_bytes(record("created_at", "20000000001"), Policy(window=None), schema=CREATED)
    assert terse(problems) == [("WS113", '"2603-10-11T11:33:21Z"', None)]
    assert "1970-08-20T11:33:20.001Z" in problems[0].message


def test_naive_datetime_in_another_zone_and_rejected():
    los_angeles = Policy(naive_zone=parse_naive_zone("America/Los_Angeles"))
    problems = lint_bytes(record("created_at", '"2025-09-08T09:50:01"'), los_angeles, schema=CREATED)
    assert terse(problems) == [("WS112", '"2025-09-08T16:50:01Z"', None)]  # PDT is UTC-7
    assert problems[0].message.endswith("read as America/Los_Angeles")
    rejected = Policy(naive_zone=parse_naive_zone("reject"))
    assert terse(lint_bytes(record("created_at", '"2025-09-08T09:50:01"'), rejected, schema=CREATED)) == [
        ("WS112", None, None)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1757350201447", [], id="whole-ms"),
        pytest.param("1757350201", [("WS110", "1757350201000", None)], id="seconds"),
        pytest.param('"2025-09-08T16:50:01.447Z"', [("WS110", "1757350201447", "int_parsing")], id="iso"),
        pytest.param('"2025-09-08T16:50:01.447"', [("WS110", "1757350201447", "int_parsing")], id="naive-iso"),
        pytest.param('"2025-09-08T16:50:01.447585Z"', [("WS110", None, "int_parsing")], id="sub-ms-no-fix"),
        pytest.param('"1757350201447"', [("WS110", "1757350201447", None)], id="numeric-string"),
        pytest.param("1757350201447.0", [("WS110", "1757350201447", None)], id="float-token"),
        pytest.param("1.757350201447e12", [("WS110", "1757350201447", None)], id="exponent"),
        pytest.param("1757350201447.5", [("WS110", None, "int_from_float")], id="fraction-no-fix"),
        pytest.param("1757350201447000", [("WS110", "1757350201447", None)], id="whole-ms-in-us"),
        pytest.param("1757350201447585", [("WS110", None, None)], id="us-not-whole-ms"),
        pytest.param('"Mon, 08 Sep 2025 16:50:01 GMT"', [("WS110", "1757350201000", "int_parsing")], id="rfc2822"),
        pytest.param("null", [("WS108", None, "int_type")], id="null-where-required"),
        pytest.param("100000000000", [("WS109", None, None)], id="ms-in-1973"),
        pytest.param('"soon"', [("WS106", None, "int_parsing")], id="unparseable"),
    ],
)
def test_whole_millisecond_field(value, expected):
    assert terse(lint_bytes(record("E", value), schema=EVENT_MS)) == expected


def test_whole_unit_messages_name_the_units():
    [problem] = lint_bytes(record("E", "1757350201"), schema=EVENT_MS)
    assert problem.message == "epoch seconds where whole epoch milliseconds are expected"
    [problem] = lint_bytes(record("E", '"2025-09-08T16:50:01.447"'), schema=EVENT_MS)
    assert problem.message == (
        "ISO 8601 string without UTC offset where whole epoch milliseconds are expected; read as UTC"
    )
    [problem] = lint_bytes(record("E", '"2025-09-08T16:50:01.447585Z"'), schema=EVENT_MS)
    assert problem.message.endswith("the instant is no whole number of milliseconds, so there is no exact fix")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1757350201", [], id="whole-seconds"),
        pytest.param("null", [], id="null-optional"),
        pytest.param("1757350201.5", [("WS110", None, "int_from_float")], id="fraction"),
        pytest.param("1757350201000", [("WS110", "1757350201", None)], id="whole-seconds-in-ms"),
    ],
)
def test_int_field_named_like_a_time_takes_whole_seconds(value, expected):
    assert terse(lint_bytes(record("ts", value), schema=TS_INT)) == expected


def test_repairs_of_other_targets_are_idempotent():
    data = (
        record("created_at", '"2025-09-08T16:50:01.447585"')
        + record("created_at", "1757350201447585")
        + record("created_at", '"Mon, 08 Sep 2025 16:50:01 GMT"')
    )
    once, _ = repair_bytes(data, schema=CREATED)
    assert once == (
        b'{"created_at":"2025-09-08T16:50:01.447585Z"}\n{"created_at":"2025-09-08T16:50:01.447585Z"}\n'
        b'{"created_at":"2025-09-08T16:50:01Z"}\n'
    )
    assert repair_bytes(once, schema=CREATED)[0] == once
    assert lint_bytes(once, schema=CREATED) == []


@pytest.mark.parametrize("name", ["server-message", "error-message"])
@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        pytest.param(',"timestamp":1757350201.5', [], id="present"),
        pytest.param("", [("WS108", None, "missing")], id="missing"),
        pytest.param(',"timestamp":null', [("WS108", None, "float_type")], id="null"),
        pytest.param(',"timestamp":"2025-09-08T16:50:01Z"', [("WS101", "1757350201.0", "float_parsing")], id="iso"),
    ],
)
def test_builtin_schemas_require_the_timestamp(name, timestamp, expected):
    body = b'{"type":"ping"' if name == "server-message" else b'{"error":"bad key"'
    problems = lint_bytes(body + timestamp.encode() + b"}\n", DEFAULT_POLICY, schema=SCHEMAS[name])
    assert terse(problems) == expected
