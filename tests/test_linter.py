"""Rule tests: one record in, (code, column, fix, pydantic type) out, checked by hand.

The timestamp value in `{"type":"ping","timestamp":VALUE}` starts at column 28.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic import BaseModel

from tests.conftest import lint_bytes
from wsfix.linter import Linter
from wsfix.rules import invalid_json
from wsfix.schema import Schema, TimestampField
from wsfix.timestamps import DEFAULT_POLICY, Policy, Unit, parse_naive_zone


def ping(value: str) -> bytes:
    return b'{"type":"ping","timestamp":' + value.encode() + b"}\n"


def terse(problems):
    return [(p.code, p.column, p.fix.replacement if p.fix else None, p.pydantic_type) for p in problems]


NS_VALUE = 1757350201447585123
NS_EXPECTED = repr(float(Fraction(NS_VALUE, 10**9)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            '"2025-09-08T16:50:01.447585"', ("WS102", 28, "1757350201.447585", "float_parsing"), id="naive-iso"
        ),
        pytest.param('"2025-09-08T16:50:01.447585Z"', ("WS101", 28, "1757350201.447585", "float_parsing"), id="iso-z"),
        pytest.param(
            '"2025-09-08T18:50:01.447585+02:00"', ("WS101", 28, "1757350201.447585", "float_parsing"), id="iso-offset"
        ),
        pytest.param(
            '"2025-09-08T16:50:01.123456789Z"',
            ("WS101", 28, repr(float(Fraction(1757350201123456789, 10**9))), "float_parsing"),
            id="iso-ns",
        ),
        pytest.param("1757350201447", ("WS104", 28, "1757350201.447", None), id="ms-int"),
        pytest.param("1757350201447585", ("WS104", 28, "1757350201.447585", None), id="us-int"),
        pytest.param(str(NS_VALUE), ("WS104", 28, NS_EXPECTED, None), id="ns-int"),
        pytest.param("1757350201447.5", ("WS104", 28, "1757350201.4475", None), id="ms-float"),
        pytest.param('"1757350201.447585"', ("WS103", 28, "1757350201.447585", None), id="numeric-string"),
        pytest.param('" 1757350201 "', ("WS103", 28, "1757350201.0", None), id="numeric-string-spaces"),
        pytest.param('"1757350201447"', ("WS104", 28, "1757350201.447", None), id="numeric-string-ms"),
        pytest.param('"Mon, 08 Sep 2025 16:50:01 GMT"', ("WS105", 28, "1757350201.0", "float_parsing"), id="rfc2822"),
        pytest.param('"yesterday"', ("WS106", 28, None, "float_parsing"), id="word"),
        pytest.param('""', ("WS106", 28, None, "float_parsing"), id="empty-string"),
        pytest.param('"2025-09-08"', ("WS106", 28, None, "float_parsing"), id="date-only"),
        pytest.param('"2025-02-30T10:00:00Z"', ("WS106", 28, None, "float_parsing"), id="impossible-date"),
        pytest.param('"1_757_350_201"', ("WS106", 28, None, None), id="underscores-lax-accepts"),
        pytest.param("NaN", ("WS107", 28, None, None), id="nan-literal"),
        pytest.param("Infinity", ("WS107", 28, None, None), id="infinity-literal"),
        pytest.param("-Infinity", ("WS107", 28, None, None), id="minus-infinity-literal"),
        pytest.param("1e400", ("WS107", 28, None, None), id="overflow"),
        pytest.param("1e9999999999999999999", ("WS107", 28, None, None), id="exponent-past-decimal"),
        pytest.param('"1e9999999999999999999"', ("WS107", 28, None, None), id="exponent-past-decimal-string"),
        pytest.param("1e-9999999999999999999", ("WS109", 28, None, None), id="tiny-exponent-past-decimal"),
        pytest.param("9" * 400, ("WS107", 28, None, None), id="400-digit-int"),
        pytest.param('"nan"', ("WS107", 28, None, None), id="nan-string"),
        pytest.param("true", ("WS108", 28, None, None), id="bool-lax-accepts"),
        pytest.param("{}", ("WS108", 28, None, "float_type"), id="object"),
        pytest.param("[1]", ("WS108", 28, None, "float_type"), id="array"),
        pytest.param("0", ("WS109", 28, None, None), id="zero"),
        pytest.param("-1", ("WS109", 28, None, None), id="minus-one"),
        pytest.param('"1970-01-01T00:00:00Z"', ("WS109", 28, None, "float_parsing"), id="epoch-iso"),
        pytest.param("100000000000", ("WS109", 28, None, None), id="ms-in-1973"),
        pytest.param("18446744073709551617", ("WS109", 28, None, None), id="2**64+1-ns-in-2554"),
        pytest.param("100000000000000000000", ("WS109", 28, None, None), id="too-large-for-any-unit"),
    ],
)
def test_timestamp_rules(value, expected):
    assert terse(lint_bytes(ping(value))) == [expected]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("1757350201.447585", id="float-seconds"),
        pytest.param("1757350201", id="int-seconds"),
        pytest.param("null", id="null-optional"),
        pytest.param("946684800", id="window-start-inclusive"),
        pytest.param("1.757350201447585e9", id="exponent"),
    ],
)
def test_valid_timestamps_have_no_problem(value):
    assert lint_bytes(ping(value)) == []


def test_missing_optional_timestamp_is_fine():
    assert lint_bytes(b'{"type":"ping"}\n') == []


def test_incident_line_full_problem():
    line = (
        b'{"type":"start_agent","payload":{"user_request":"Execute unified_data_agent","message_id":'
        b'"req_61eebcb6","user":"staging-e2e-user-001"},"timestamp":"2025-09-08T16:50:01.447585",'
        b'"message_id":"req_61eebcb6","user_id":"staging-e2e-user-001"}\n'
    )
    [problem] = lint_bytes(line)
    assert problem.code == "WS102"
    assert problem.line == 1
    assert problem.json_path == "timestamp"
    assert problem.value == '"2025-09-08T16:50:01.447585"'
    assert problem.pydantic_type == "float_parsing"
    assert problem.message == ("ISO 8601 string without UTC offset where epoch seconds are expected; read as UTC")
    start = line.index(b'"2025-09-08')
    assert (problem.fix.start, problem.fix.end) == (start, start + len(b'"2025-09-08T16:50:01.447585"'))
    assert problem.fix.replacement == "1757350201.447585"
    assert problem.column == start + 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(b"\n", [("WS003", None, "")], id="empty"),
        pytest.param(b"   \t\r\n", [("WS003", None, "")], id="white-space"),
        pytest.param(b'{"type":"ping"\n', [("WS001", 15, "")], id="truncated"),
        pytest.param(b'{"type":"ping"}{"type":"pong"}\n', [("WS001", 16, "")], id="two-messages"),
        pytest.param(b"[1, 2]\n", [("WS002", 1, "")], id="array"),
        pytest.param(b'  "x"\n', [("WS002", 3, "")], id="string"),
        pytest.param(b"1\n", [("WS002", 1, "")], id="number"),
        pytest.param(b"null\n", [("WS002", 1, "")], id="null"),
        pytest.param(b'{"type":"nope","timestamp":1757350201.5}\n', [("WS004", 9, "type")], id="unknown-type"),
        pytest.param(b'{"type":"ping","message_id":5}\n', [("WS004", 29, "message_id")], id="id-not-string"),
        pytest.param(b'{"type":"ping","payload":[]}\n', [("WS004", 26, "payload")], id="payload-not-object"),
        pytest.param(b'{"timestamp":1757350201.5}\n', [("WS004", None, "type")], id="missing-type"),
        pytest.param(
            b'{"type":"nope","timestamp":"2025-09-08T16:50:01Z"}\n',
            [("WS004", 9, "type"), ("WS101", 28, "timestamp")],
            id="schema-and-timestamp",
        ),
        pytest.param(
            b'{"type":"nope","timestamp":1757350201447}\n',
            [("WS004", 9, "type"), ("WS104", 28, "timestamp")],
            id="schema-and-strictly-valid-ms",
        ),
    ],
)
def test_record_rules(line, expected):
    assert [(p.code, p.column, p.json_path) for p in lint_bytes(line)] == expected


def test_record_problem_messages():
    [array] = lint_bytes(b"[1]\n")
    assert array.message == "the record is an array, not a JSON object"
    assert array.pydantic_type == "model_type"
    [invalid] = lint_bytes(b'{"type":"ping"\n')
    # Where in the file is the finding's line and column (1:15), not pydantic's "line 2 column 0".
    assert (
        invalid.message == "not valid JSON at column 15: the record ends before the JSON does (an object is not closed)"
    )
    assert (invalid.line, invalid.column) == (1, 15)
    assert invalid.pydantic_type == "json_invalid"
    [comma] = lint_bytes(b'{"type":"ping" "x":1}\n')
    assert comma.message == "not valid JSON at column 16: expected ',' or '}' after an object member, found '\"'"
    assert comma.column == 16
    [enum] = lint_bytes(b'{"type":"nope"}\n')
    assert enum.message == "Input should be one of 51 values (connect, disconnect, connection_established, ...)"
    assert enum.pydantic_type == "enum"
    assert enum.value == '"nope"'


PREFIX = b'{"type":"ping","timestamp":'  # 27 bytes: the value starts at column 28


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # The record is cut short: where it ends, and what is left open.
        pytest.param(
            b'{"type":"ping"',
            "at column 15: the record ends before the JSON does (an object is not closed)",
            id="eof-object",
        ),
        pytest.param(
            PREFIX + b"[1,2",
            "at column 32: the record ends before the JSON does (an array is not closed)",
            id="eof-array",
        ),
        pytest.param(PREFIX, "at column 28: the record ends before the JSON does (a value is missing)", id="eof-value"),
        pytest.param(PREFIX + b'"2025-09-08', "at column 39: a string is not closed", id="eof-string"),
        pytest.param(PREFIX + b'"2025-09-08\r', "at column 39: a string is not closed", id="eof-string-crlf"),
        pytest.param(
            PREFIX + b"tru",
            "at column 31: the record ends before the JSON does (a true, false or null is cut short)",
            id="eof-word",
        ),
        # Something stands where it should not: named as a person reads it.
        pytest.param(PREFIX + b"x}", "at column 28: unexpected character 'x'", id="unexpected-character"),
        pytest.param(PREFIX + b"}", "at column 28: unexpected character '}'", id="missing-value"),
        pytest.param(PREFIX + b"'x'}", 'at column 28: unexpected character "\'"', id="single-quote"),
        pytest.param(PREFIX + b"\x00}", "at column 28: unexpected character U+0000", id="nul"),
        pytest.param(PREFIX + b"\xc2\xa0}", "at column 28: unexpected character U+00A0", id="no-break-space"),
        pytest.param(PREFIX + b"\xef\xbb\xbf1}", "at column 28: unexpected character U+FEFF", id="bom-inside"),
        pytest.param(PREFIX + b"\xff}", "at column 28: unexpected byte 0xFF (not UTF-8)", id="not-utf8-byte"),
        pytest.param(
            '{"type":"café","x":é}'.encode(), "at column 20: unexpected character 'é'", id="columns-count-characters"
        ),
        pytest.param(PREFIX + b"nonsense}", "at column 29: a word that is not true, false or null", id="word"),
        pytest.param(b"not json at all", "at column 2: a word that is not true, false or null", id="text"),
        pytest.param(
            b'{"type":"ping" "x":1}',
            "at column 16: expected ',' or '}' after an object member, found '\"'",
            id="object-comma",
        ),
        pytest.param(
            PREFIX + b"[1 2]}", "at column 31: expected ',' or ']' after an array item, found '2'", id="array-comma"
        ),
        pytest.param(b'{"type" "ping"}', "at column 9: expected ':' after an object key, found '\"'", id="colon"),
        pytest.param(b"{type:1}", "at column 2: expected an object key in double quotes, found 't'", id="unquoted-key"),
        pytest.param(b'{"type":"ping",}', "at column 16: a trailing comma before '}'", id="trailing-comma"),
        pytest.param(
            b'{"type":"ping"}{"type":"pong"}',
            "at column 16: more text after the end of the JSON value",
            id="two-messages",
        ),
        # pydantic's own positions: at the escape's letter, past the 4,301st digit, after the bad byte.
        pytest.param(PREFIX + b'"a\\qb"}', "at column 31: an invalid backslash escape in a string", id="escape"),
        pytest.param(PREFIX + b"01}", "at column 29: a malformed number", id="number"),
        pytest.param(PREFIX + b"1" + b"0" * 4400 + b"}", "at column 4329: a number with too many digits", id="digits"),
        # column 29: the byte 0xFF itself, after the string's opening quote at column 28
        pytest.param(PREFIX + b'"\xff"}', "at column 29: bytes that are not UTF-8 in a string", id="not-utf8-string"),
        pytest.param(
            PREFIX + b'"a\tb"}',
            "at column 30: a control character (U+0009) in a string, where JSON needs an escape",
            id="tab",
        ),
        pytest.param(
            PREFIX + b'"\\ud800"}',
            "at column 35: a \\u escape of half a surrogate pair, without its other half",
            id="lone-surrogate",
        ),
        pytest.param(
            PREFIX + b'"\\ud800\\u0041"}',
            "at column 40: a \\u escape of half a surrogate pair, without its other half",
            id="unpaired-surrogate",
        ),
        pytest.param(
            PREFIX + b"[" * 300 + b"]" * 300 + b"}",
            "at column 228: nested deeper than pydantic's parser allows",
            id="deep",
        ),
        pytest.param(
            b'{}\n\xef\xbb\xbf{"type":"ping"}',
            "at column 1: the line starts with a UTF-8 byte order mark",
            id="bom-on-line-2",
        ),
    ],
)
def test_invalid_json_messages(line, message):
    [problem] = [p for p in lint_bytes(line + b"\n") if p.code == "WS001"]
    assert problem.message == f"not valid JSON {message}"
    assert f"at column {problem.column}:" in problem.message  # the finding's own column


def test_nested_timestamp_is_not_the_field():
    line = b'{"type":"ping","payload":{"timestamp":"x"},"timestamp":1757350201447}\n'
    assert terse(lint_bytes(line)) == [("WS104", 56, "1757350201.447", None)]
    assert lint_bytes(b'{"type":"ping","payload":{"timestamp":"2025-09-08"}}\n') == []


def test_duplicate_keys_take_the_last_like_pydantic():
    line = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z","timestamp":1757350201447}\n'
    [problem] = lint_bytes(line)
    assert problem.code == "WS104"
    assert problem.fix.start == line.rindex(b"1757350201447")


def test_escaped_key_spelling_is_found():
    line = b'{"type":"ping","\\u0074imestamp":"2025-09-08T16:50:01Z"}\n'
    [problem] = lint_bytes(line)
    assert (problem.code, problem.fix.replacement) == ("WS101", "1757350201.0")
    assert line[problem.fix.start : problem.fix.end] == b'"2025-09-08T16:50:01Z"'


def test_column_counts_characters_not_bytes():
    line = '{"type":"ping","payload":{"t":"héllo ✓"},"timestamp":"2025-09-08T16:50:01Z"}\n'.encode()
    [problem] = lint_bytes(line)
    assert problem.column == '{"type":"ping","payload":{"t":"héllo ✓"},"timestamp":'.__len__() + 1
    assert line[problem.fix.start : problem.fix.end] == b'"2025-09-08T16:50:01Z"'


def test_crlf_record_fix_excludes_line_end():
    line = b'{"type":"ping","timestamp":"2025-09-08T16:50:01Z"}\r\n'
    [problem] = lint_bytes(line)
    assert line[problem.fix.end :] == b"}\r\n"


@pytest.mark.parametrize(
    ("zone", "value", "expected"),
    [
        pytest.param(
            "America/Los_Angeles",
            '"2025-09-08T09:50:01.447585"',
            ("WS102", 28, "1757350201.447585", "float_parsing"),
            id="iana",
        ),
        pytest.param(
            "-07:00",
            '"2025-09-08T09:50:01.447585"',
            ("WS102", 28, "1757350201.447585", "float_parsing"),
            id="fixed-offset",
        ),
        pytest.param("reject", '"2025-09-08T16:50:01.447585"', ("WS102", 28, None, "float_parsing"), id="reject"),
        pytest.param(
            "America/Los_Angeles", '"2025-11-02T01:30:00"', ("WS102", 28, None, "float_parsing"), id="dst-fold"
        ),
        pytest.param(
            "reject",
            '"2025-09-08T16:50:01Z"',
            ("WS101", 28, "1757350201.0", "float_parsing"),
            id="reject-keeps-offset-strings",
        ),
    ],
)
def test_naive_zone_policy(zone, value, expected):
    policy = Policy(naive_zone=parse_naive_zone(zone))
    assert terse(lint_bytes(ping(value), policy)) == [expected]


def test_naive_zone_is_named_in_the_message():
    policy = Policy(naive_zone=parse_naive_zone("America/Los_Angeles"))
    [problem] = lint_bytes(ping('"2025-09-08T09:50:01"'), policy)
    assert problem.message.endswith("read as America/Los_Angeles")
    [rejected] = lint_bytes(ping('"2025-09-08T09:50:01"'), Policy(naive_zone=parse_naive_zone("reject")))
    assert "rejected" in rejected.message


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        pytest.param(Unit.MS, "1757350201447", ("WS104", 28, "1757350201.447", None), id="ms-as-ms"),
        pytest.param(Unit.MS, "1757350201", ("WS109", 28, None, None), id="seconds-read-as-ms"),
        pytest.param(Unit.S, "1757350201447", ("WS109", 28, None, None), id="ms-read-as-seconds"),
        pytest.param(Unit.US, '"1757350201447585"', ("WS104", 28, "1757350201.447585", None), id="us-string"),
    ],
)
def test_unit_override(unit, value, expected):
    assert terse(lint_bytes(ping(value), Policy(unit=unit))) == [expected]


# A fix is offered only if the same settings would not convert the value it writes again (see
# `rereading`): otherwise every repair of the repaired file would divide by 1000 once more.
@pytest.mark.parametrize(
    ("policy", "value", "expected", "note"),
    [
        pytest.param(
            Policy(unit=Unit.MS),
            "1757350201447",
            ("WS104", 28, "1757350201.447", None),
            None,
            id="forced-ms-written-seconds-read-1970-outside-window",
        ),
        pytest.param(
            Policy(unit=Unit.MS, window=None),
            "1757350201447",
            ("WS104", 28, None, None),
            "written as 1757350201.447, it would read as epoch milliseconds (1757350.201447 s)",
            id="forced-ms-no-window",
        ),
        pytest.param(
            Policy(unit=Unit.MS, window=None),
            '"2025-09-08T16:50:01Z"',
            ("WS101", 28, None, "float_parsing"),
            "written as 1757350201.0, it would read as epoch milliseconds (1757350.201 s)",
            id="forced-ms-no-window-iso",
        ),
        # calendar.timegm: 6000-01-01T00:00:00Z is 127174492800 s, 5138-11-16T09:46:39Z 99999999999 s.
        pytest.param(
            Policy(window=None),
            '"6000-01-01T00:00:00Z"',
            ("WS101", 28, None, "float_parsing"),
            "written as 127174492800.0, it would read as epoch milliseconds (127174492.8 s)",
            id="after-5138-reads-as-ms",
        ),
        pytest.param(
            Policy(window=None),
            '"5138-11-16T09:46:39Z"',
            ("WS101", 28, "99999999999.0", "float_parsing"),
            None,
            id="last-second-before-1e11",
        ),
    ],
)
def test_fix_only_when_the_written_value_is_final(policy, value, expected, note):
    [problem] = lint_bytes(ping(value), policy)
    assert terse([problem]) == [expected]
    if note is None:
        assert "not repaired" not in problem.message
    else:
        assert f"; not repaired: {note} and be converted again" in problem.message


def test_window_none_accepts_old_instants():
    assert lint_bytes(ping("0"), Policy(window=None)) == []
    assert terse(lint_bytes(ping('"1970-01-01T00:00:00Z"'), Policy(window=None))) == [
        ("WS101", 28, "0.0", "float_parsing")
    ]


class RequiredStamp(BaseModel):
    type: str
    sent_at: float  # required: null or a missing key is a finding


REQUIRED = Schema(
    "required-stamp", RequiredStamp, (TimestampField(("sent_at",), required=True, nullable=False, annotation=float),)
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(b'{"type":"x","sent_at":1757350201.5}\n', [], id="valid"),
        pytest.param(
            b'{"type":"x","sent_at":null}\n', [("WS108", 23, "null is not a timestamp", "float_type")], id="null"
        ),
        pytest.param(b'{"type":"x"}\n', [("WS108", None, "required timestamp is missing", "missing")], id="missing"),
        pytest.param(
            b'{"type":"x","sent_at":"2025-09-08T16:50:01Z"}\n',
            [("WS101", 23, "ISO 8601 string where epoch seconds are expected", "float_parsing")],
            id="iso",
        ),
        pytest.param(
            b'{"type":5,"sent_at":null}\n',
            [
                ("WS004", 9, "Input should be a valid string", "string_type"),
                ("WS108", 21, "null is not a timestamp", "float_type"),
            ],
            id="schema-and-null",
        ),
    ],
)
def test_required_timestamp_field(line, expected):
    problems = Linter(REQUIRED, DEFAULT_POLICY).lint(line, 1, "t")
    assert [(p.code, p.column, p.message, p.pydantic_type) for p in problems] == expected


# --- the probe's validator: the model's fields as a typed dict -------------------------------

from typing import Any, Optional  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator  # noqa: E402

from tests import sample_models  # noqa: E402
from wsfix.probe import unbuilt_validator  # noqa: E402
from wsfix.schema import WebSocketMessage  # noqa: E402
from wsfix.server_messages import ErrorMessage, ServerMessage  # noqa: E402


class Forbidding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: str
    count: int = Field(0, alias="n", validation_alias="count")  # an alias for output only
    timestamp: float | None = None
    extra: Optional[dict[str, Any]] = None  # any members, though the model forbids extra keys
    data: dict = {}


class ForbiddingWithAlias(BaseModel):
    # Pydantic 2.13 takes the field's own name ("kind") silently here, 2.14 refuses it.
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(alias="type")
    timestamp: float | None = None


class Checked(BaseModel):
    name: str
    timestamp: float

    @field_validator("name")
    @classmethod
    def no_spaces(cls, value: str) -> str:
        if " " in value:
            raise ValueError("no spaces")
        return value


class ValidatedDefault(BaseModel):
    level: int = Field(default=-1, ge=0, validate_default=True)  # every record without it is refused
    timestamp: float | None = None


class WholeModelChecked(BaseModel):
    timestamp: float

    @model_validator(mode="after")
    def fine(self) -> WholeModelChecked:
        return self


PROBED_MODELS = [
    WebSocketMessage,
    ServerMessage,
    ErrorMessage,
    sample_models.CoinbaseMessage,
    Forbidding,
    Checked,
    ValidatedDefault,
]
RECORD_PARTS = st.sampled_from(
    [
        b'"type":"ping"',
        b'"type":"nope"',
        b'"type":7',
        b'"kind":"x"',
        b'"name":"a b"',
        b'"name":"ab"',
        b'"timestamp":1757350201.5',
        b'"timestamp":"2025-09-08T16:50:01Z"',
        b'"timestamp":null',
        b'"timestamp":true',
        b'"timestamp":[1]',
        b'"count":"3"',
        b'"count":3',
        b'"level":2',
        b'"level":-2',
        b'"error":"boom"',
        b'"time":5',
        b'"extra":{}',
        b'"payload":[]',
        b'"payload":{"a":1}',
        b'"data":{}',
        b'"extra":{"x":[1,{"y":null}],"":2}',
        b'"extra":null',
        b'"extra":"x"',
        b'"data":{"a":{}}',
        b'"data":[{}]',
        b'"payload":{"timestamp":"x","type":7}',
        b'"details":{"k":1}',
        b'"details":[]',
        b'"n":1',
    ]
)
RECORDS = st.one_of(
    st.lists(RECORD_PARTS, max_size=6).map(lambda parts: b"{" + b",".join(parts) + b"}"),
    st.sampled_from([b"[]", b'"x"', b"3", b"null", b"{", b"", b"{}"]),
)


def errors_of(validate, record):
    try:
        validate(record, strict=True)
    except ValidationError as error:
        return [(e["type"], e["loc"], e["input"]) for e in error.errors(include_url=False)]
    return []


@pytest.mark.parametrize("model", PROBED_MODELS, ids=lambda model: model.__name__)
@settings(max_examples=150, deadline=None)
@given(record=RECORDS)
def test_typed_dict_probe_gives_the_models_errors(model, record):
    unbuilt = unbuilt_validator(model)
    assert unbuilt is not None
    expected = errors_of(model.__pydantic_validator__.validate_json, record)
    found = errors_of(unbuilt, record)
    if expected and expected[0][1] == () and expected[0][0] == "model_type":  # not an object
        assert [(kind, loc) for kind, loc, _ in found] == [("dict_type", ())]
        return
    # What the linter decides by: valid or not, and exactly which errors are a timestamp's. (A key
    # the model forbids, written twice, is one error for the model, one per value for a typed dict.)
    assert bool(found) == bool(expected)
    assert [e for e in found if e[1][:1] == ("timestamp",)] == [e for e in expected if e[1][:1] == ("timestamp",)]
    assert {(kind, loc) for kind, loc, _ in found} == {(kind, loc) for kind, loc, _ in expected}


@pytest.mark.parametrize(
    "model", [WholeModelChecked, sample_models.Ticks, ForbiddingWithAlias], ids=lambda model: model.__name__
)
def test_models_a_typed_dict_cannot_mirror_keep_their_validator(model):
    assert unbuilt_validator(model) is None


@pytest.mark.parametrize("record", [b"[1]\n", b'"x"\n', b"3\n", b"null\n"])
def test_not_an_object_names_the_models_error_type(record):
    [problem] = lint_bytes(record)
    assert (problem.code, problem.pydantic_type) == ("WS002", "model_type")


def test_invalid_json_reason_without_words_keeps_pydantics():
    reason = "float value was found where an int was expected"
    assert invalid_json.describe(reason, b"{}", 1) == reason
    assert invalid_json.describe("expected value", b"{}", 1) == "unexpected character '}'"
