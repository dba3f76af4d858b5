"""Tests for `wsfix.jsontext`: byte spans of values in one line of JSON text.

Expected spans are written into the case text itself: `«` and `»` mark where the value starts and
ends. `marked()` removes the marks and turns their positions into byte offsets, so no offset below
is counted by hand. Lines are written as raw strings, so `\\"` and `\\u0074` in a case are the
JSON escapes themselves.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsfix.jsontext import (
    RepeatedKey,
    column_of,
    find_member,
    find_span,
    iter_spans,
    iter_spans_once,
    last_container_member,
    last_member,
    member_span,
    token_value,
)
from wsfix.paths import ITEMS, MEMBERS
from wsfix.schema import WebSocketMessage

OPEN, CLOSE = "«", "»"


def marked(text: str) -> tuple[bytes, tuple[int, int] | None]:
    """`text` without its `«…»` marks, as UTF-8, and the byte span the marks enclosed (or None)."""
    if OPEN not in text:
        return text.encode(), None
    before, rest = text.split(OPEN)
    inside, after = rest.split(CLOSE)
    start = len(before.encode())
    return (before + inside + after).encode(), (start, start + len(inside.encode()))


DEEP = 10_000
DEEP_ARRAYS = "[" * DEEP + "]" * DEEP
DEEP_OBJECTS = '{"a":' * DEEP + "1" + "}" * DEEP


# --- find_span --------------------------------------------------------------------------------

FIND_SPAN_CASES = [
    # plain members
    pytest.param(r'{"type":"ping","timestamp":«1757350201.5»}', ("timestamp",), id="top-level-number"),
    pytest.param(r'{"timestamp":«"2025-09-08T16:50:01"»,"type":"ping"}', ("timestamp",), id="first-member-string"),
    pytest.param(r'{"timestamp":«true»}', ("timestamp",), id="literal-true"),
    pytest.param(r'{"timestamp":«null» }', ("timestamp",), id="literal-null"),
    pytest.param(r'{"type":"ping"}', ("timestamp",), id="missing-key"),
    pytest.param(r"{}", ("timestamp",), id="empty-object"),
    pytest.param(r"{ }", ("timestamp",), id="empty-object-with-space"),
    pytest.param(r'{"Timestamp":1}', ("timestamp",), id="keys-are-case-sensitive"),
    pytest.param(r'{"timestamp ":1}', ("timestamp",), id="key-with-trailing-space-is-another-key"),
    # white space
    pytest.param(r'{ "timestamp"  :  «1»  , "x" : 2 }', ("timestamp",), id="spaces-around-colon-and-comma"),
    pytest.param('{\t"timestamp"\t:\t«1»\t}', ("timestamp",), id="tabs"),
    pytest.param('{"a":1 ,\r "timestamp":\r«2»}', ("timestamp",), id="carriage-returns"),
    pytest.param(r'   «{"a":1}»   ', (), id="empty-path-is-the-whole-value"),
    pytest.param(r'{"a" : «[ 1 , 2 ]» }', ("a",), id="array-value-with-inner-spaces"),
    # escapes in keys and values
    pytest.param(r'{"a\"timestamp":1,"timestamp":«2»}', ("timestamp",), id="key-with-escaped-quote-is-not-it"),
    pytest.param(r'{"a\"timestamp": 1}', ("timestamp",), id="only-a-key-with-escaped-quote"),
    pytest.param(r'{"a\"timestamp":«1»}', ('a"timestamp',), id="escaped-quote-key-found-by-its-own-name"),
    pytest.param(r'{"a\\":1,"timestamp":«2»}', ("timestamp",), id="key-ending-in-escaped-backslash"),
    pytest.param(r'{"a\\":«1»,"timestamp":2}', ("a\\",), id="escaped-backslash-key-by-name"),
    pytest.param(r'{"note":"\"timestamp\":5","timestamp":«1»}', ("timestamp",), id="decoy-inside-a-string-value"),
    pytest.param(r'{"note":"\"timestamp\":5"}', ("timestamp",), id="only-a-decoy-inside-a-string"),
    pytest.param(r'{"timestamp":«"a\"b\\"»,"x":"\\"}', ("timestamp",), id="value-with-escaped-quote-and-backslash"),
    pytest.param(r'{"x":"\\\\","timestamp":«1»}', ("timestamp",), id="value-of-two-escaped-backslashes"),
    pytest.param(r'{"x":"}]{[\",","timestamp":«1»}', ("timestamp",), id="brackets-and-comma-inside-a-string"),
    pytest.param(r'{"\u0074imestamp":«5»}', ("timestamp",), id="key-spelled-with-u-escape"),
    pytest.param(r'{"time\u0073tamp":«5»,"type":"ping"}', ("timestamp",), id="key-with-u-escape-in-the-middle"),
    pytest.param(
        r'{"\u0074\u0069\u006d\u0065\u0073\u0074\u0061\u006d\u0070":«5»}', ("timestamp",), id="key-all-u-escapes"
    ),
    pytest.param(r'{"x":"\u0074","timestamp":«1»}', ("timestamp",), id="u-escape-elsewhere-in-the-line"),
    pytest.param(r'{"caf\u00e9":«1»}', ("café",), id="non-ascii-key-by-escape"),
    pytest.param(r'{"café":«1»}', ("café",), id="non-ascii-key-raw"),
    pytest.param(r'{"\ud83d\ude00":«1»}', ("\U0001f600",), id="surrogate-pair-key"),
    # duplicates: the last one wins, as in pydantic
    pytest.param(r'{"timestamp":1,"timestamp":«2»}', ("timestamp",), id="duplicate-last-wins"),
    pytest.param(r'{"timestamp":1,"type":"ping","timestamp":«2»,"x":3}', ("timestamp",), id="duplicate-apart"),
    pytest.param(r'{"timestamp":1,"\u0074imestamp":«2»}', ("timestamp",), id="duplicate-second-escaped"),
    pytest.param(r'{"\u0074imestamp":1,"timestamp":«2»}', ("timestamp",), id="duplicate-first-escaped"),
    # nesting
    pytest.param(r'{"payload":{"timestamp":9},"timestamp":«3»}', ("timestamp",), id="nested-before-top-level"),
    pytest.param(r'{"timestamp":«3»,"payload":{"timestamp":9}}', ("timestamp",), id="nested-after-top-level"),
    pytest.param(r'{"payload":{"timestamp":9}}', ("timestamp",), id="only-nested"),
    pytest.param(r'{"timestamp":3,"payload":{"timestamp":«9»}}', ("payload", "timestamp"), id="nested-path"),
    pytest.param(r'{"payload":{"items":[10,«[20,{"b":"]"}]»,30]}}', ("payload", "items", 1), id="array-index"),
    pytest.param(
        r'{"payload":{"items":[10,[20,{"b":«"]"»}],30]}}', ("payload", "items", 1, 1, "b"), id="deep-mixed-path"
    ),
    pytest.param(r'{"items":[«1»]}', ("items", 0), id="only-element"),
    pytest.param(r'{"items":[ «1» , 2 ]}', ("items", 0), id="element-with-spaces"),
    pytest.param(r'{"items":[1,2]}', ("items", 2), id="index-out-of-range"),
    pytest.param(r'{"items":[]}', ("items", 0), id="index-into-empty-array"),
    pytest.param(r'{"items":{"0":1}}', ("items", 0), id="index-into-object"),
    pytest.param(r'{"items":[1]}', ("items", "0"), id="key-into-array"),
    pytest.param(r'{"timestamp":1}', ("timestamp", "x"), id="key-into-number"),
    pytest.param(r'{"a":"{\"b\":1}"}', ("a", "b"), id="key-into-string-holding-json"),
    pytest.param(r'{"p":{},"q":[],"timestamp":«{}»}', ("timestamp",), id="empty-containers"),
    pytest.param(r'«[1,{"a":2}]»', (), id="top-level-array"),
    pytest.param(r'[1,{"a":«2»}]', (1, "a"), id="path-from-top-level-array"),
    pytest.param(r"[1,2]", ("timestamp",), id="key-into-top-level-array"),
    pytest.param(r'"timestamp"', ("timestamp",), id="key-into-top-level-string"),
    # number spellings pydantic accepts
    pytest.param(r'{"timestamp":«NaN»}', ("timestamp",), id="NaN"),
    pytest.param(r'{"timestamp":«Infinity»,"x":1}', ("timestamp",), id="Infinity"),
    pytest.param(r'{"timestamp":«-Infinity» }', ("timestamp",), id="minus-Infinity"),
    pytest.param(r'{"timestamp":«123456789012345678901234567890123»}', ("timestamp",), id="big-integer"),
    pytest.param(r'{"timestamp":«-1.5E+300»}', ("timestamp",), id="exponent"),
    pytest.param(r'{"timestamp":«-0»}', ("timestamp",), id="minus-zero"),
    pytest.param(r'{"timestamp":«1e-7»}', ("timestamp",), id="small-exponent"),
    # non-ASCII before the value
    pytest.param(r'{"ключ":"значение","timestamp":«1»}', ("timestamp",), id="cyrillic-before"),
    pytest.param(r'{"e":"😀€","timestamp":«"ü"»}', ("timestamp",), id="emoji-before-non-ascii-value"),
    # deep nesting: the scanner is iterative
    pytest.param('{"payload":' + DEEP_ARRAYS + ',"timestamp":«1»}', ("timestamp",), id="deep-arrays-before"),
    pytest.param('{"payload":«' + DEEP_ARRAYS + "»}", ("payload",), id="deep-arrays-value"),
    pytest.param('{"payload":{"x":' + DEEP_OBJECTS + '},"timestamp":«2»}', ("timestamp",), id="deep-objects-before"),
    pytest.param('{"timestamp":«3»,"payload":' + DEEP_OBJECTS + "}", ("timestamp",), id="deep-objects-after"),
    pytest.param('{"payload":' + '{"a":' * 50 + "«1»" + "}" * 50 + "}", ("payload",) + ("a",) * 50, id="path-50-deep"),
]


@pytest.mark.parametrize(("text", "path"), FIND_SPAN_CASES)
def test_find_span(text: str, path: tuple[str | int, ...]) -> None:
    line, expected = marked(text)
    assert find_span(line, path) == expected


INVALID_LINES = [
    pytest.param(b"", id="empty"),
    pytest.param(b"   ", id="white-space-only"),
    pytest.param(b"{", id="open-brace"),
    pytest.param(b'{"timestamp"', id="key-only"),
    pytest.param(b'{"timestamp":', id="no-value"),
    pytest.param(b'{"timestamp":1', id="unclosed-object"),
    pytest.param(b'{"timestamp":"abc', id="unclosed-string"),
    pytest.param(b'{"timestamp":[1,2', id="unclosed-array"),
    pytest.param(b'{"payload":{"a":[1},"timestamp":2', id="unbalanced"),
    pytest.param(b'{"timestamp" 1}', id="missing-colon"),
    pytest.param(b'{"a":1,}', id="trailing-comma"),
    pytest.param(b"{timestamp:1}", id="unquoted-key"),
    pytest.param(b"\xff\xfe", id="not-utf8"),
]


@pytest.mark.parametrize("line", INVALID_LINES)
def test_find_span_on_invalid_line_returns_none(line: bytes) -> None:
    assert find_span(line, ("timestamp",)) is None


@pytest.mark.parametrize("line", INVALID_LINES)
def test_count_members_on_invalid_line_returns_zero(line: bytes) -> None:
    assert find_member(line, "timestamp")[1] == 0


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{", id="open-brace"),
        pytest.param(b'{"a":1,}', id="trailing-comma"),
        pytest.param(b'{"a":[1,2', id="unclosed-array"),
        pytest.param(b'{"a":"x', id="unclosed-string"),
        pytest.param(b'{"\\u0061":{', id="escape-then-unclosed"),
    ],
)
def test_member_span_on_invalid_line_without_the_key_returns_none(line: bytes) -> None:
    assert last_member(line, "timestamp")[0] is None


# --- duplicates agree with pydantic -------------------------------------------------------------

DUPLICATE_LINES = [
    pytest.param(r'{"type":"ping","timestamp":1000000001,"timestamp":«1000000002»}', 2, id="plain"),
    pytest.param(r'{"type":"ping","timestamp":1000000001,"\u0074imestamp":«1000000002»}', 2, id="second-escaped"),
    pytest.param(r'{"type":"ping","\u0074imestamp":1000000001,"timestamp":«1000000002»}', 2, id="first-escaped"),
    pytest.param(
        r'{"timestamp":1000000001,"type":"ping","payload":{"timestamp":5},"timestamp":«1000000003»}',
        2,
        id="with-nested",
    ),
    pytest.param(r'{"type":"ping","timestamp":1,"timestamp":2,"timestamp":«3»}', 3, id="three"),
    pytest.param(r'{"type":"ping","timestamp":"x","timestamp":«1000000002»}', 2, id="first-is-a-string"),
]


@pytest.mark.parametrize(("text", "count"), DUPLICATE_LINES)
def test_duplicate_keys_last_wins_like_pydantic(text: str, count: int) -> None:
    line, expected = marked(text)
    assert expected is not None
    model = WebSocketMessage.model_validate_json(line)
    span = find_span(line, ("timestamp",))
    assert span == expected
    assert last_member(line, "timestamp")[0] == expected
    assert json.loads(line[span[0] : span[1]]) == model.timestamp
    assert find_member(line, "timestamp")[1] == count


# --- last_member: the fast path and its fallbacks ------------------------------------------------

MEMBER_SPAN_CASES = [
    pytest.param(r'{"type":"ping","timestamp":«1»}', id="fast-path"),
    pytest.param(r'{"type":"ping","timestamp" : «"2025-09-08T16:50:01Z"» }', id="fast-path-spaces"),
    pytest.param('{"type":"ping",\t"timestamp"\t:\r«1»}', id="fast-path-tab-cr"),
    pytest.param(r'{"timestamp":«{"a":[1,"}"]}»,"x":1}', id="fast-path-container-value"),
    pytest.param(r'{"timestamp":«"a\"b\\"»}', id="fast-path-escaped-string-value"),
    pytest.param(r'{"payload":{"timestamp":9},"timestamp":«3»}', id="nested-first-falls-back"),
    pytest.param(r'{"timestamp":«3»,"payload":{"timestamp":9}}', id="nested-after-falls-back"),
    pytest.param(r'{"a\"timestamp":1,"timestamp":«2»}', id="escaped-quote-decoy-before"),
    pytest.param(r'{"timestamp":«2»,"a\"timestamp":1}', id="escaped-quote-decoy-after"),
    pytest.param(r'{"p":{"a\"timestamp":1},"timestamp":«2»}', id="nested-escaped-quote-decoy"),
    pytest.param(r'{"\u0074imestamp":«5»}', id="u-escape-key"),
    pytest.param(r'{"x":"\u00e9","timestamp":«5»}', id="u-escape-in-a-value"),
    pytest.param(r'{"timestamp":1,"timestamp":«2»}', id="duplicate"),
    pytest.param(r'{"timestamp":«NaN»}', id="NaN"),
    pytest.param(r'{"timestamp":«-Infinity»}', id="minus-Infinity"),
    pytest.param(r'{"timestamp":«98765432109876543210987654321»}', id="big-integer"),
    pytest.param(r'{"ключ":"значение","timestamp":«1»}', id="non-ascii-before"),
    pytest.param('{"payload":' + DEEP_ARRAYS + ',"timestamp":«1»}', id="deep-arrays-before"),
    pytest.param('{"payload":{"timestamp":' + DEEP_OBJECTS + '},"timestamp":«1»}', id="deep-nested-decoy"),
]


@pytest.mark.parametrize("text", MEMBER_SPAN_CASES)
def test_member_span_of_a_present_key(text: str) -> None:
    line, expected = marked(text)
    assert last_member(line, "timestamp")[0] == expected
    assert find_span(line, ("timestamp",)) == expected


# `\/` is the one escape besides `\u` that spells a character a key may also hold literally.
@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param(r'{"a\/b":«1»}', "a/b", id="escaped-slash-key"),
        pytest.param(r'{"a/b":«1»,"c":"a\/b"}', "a/b", id="literal-key-escaped-twin-in-a-value"),
        pytest.param(r'{"m":{"a/b":5},"a\/b":«1»}', "a/b", id="escaped-slash-key-literal-nested-twin"),
        pytest.param(r'{"a\/b":0,"m":{"a/b":5},"a\/b":«1»}', "a/b", id="escaped-slash-duplicate-literal-nested"),
    ],
)
def test_member_span_of_a_key_spelled_with_an_escaped_slash(text: str, key: str) -> None:
    line, expected = marked(text)
    assert json.loads(line)[key] == json.loads(line[expected[0] : expected[1]])  # the case is right
    assert find_span(line, (key,)) == expected
    assert last_member(line, key)[0] == expected


# --- find_member: how many times a key is named -------------------------------------------------

COUNT_CASES = [
    pytest.param(b'{"type":"ping"}', 0, id="absent"),
    pytest.param(b"{}", 0, id="empty-object"),
    pytest.param(b'{"timestamp":1}', 1, id="once"),
    pytest.param(b' { "timestamp" : 1 , "timestamp" : 2 } ', 2, id="twice-with-spaces"),
    pytest.param(b'{"timestamp":1,"\\u0074imestamp":2,"timestamp":3}', 3, id="three-one-escaped"),
    pytest.param(b'{"payload":{"timestamp":1},"timestamp":2}', 1, id="nested-not-counted"),
    pytest.param(b'{"payload":[{"timestamp":1}]}', 0, id="nested-in-array-only"),
    pytest.param(b'{"a\\"timestamp":1}', 0, id="escaped-quote-decoy"),
    pytest.param(b'{"note":"\\"timestamp\\":1"}', 0, id="decoy-in-string"),
    pytest.param(b'[{"timestamp":1}]', 0, id="top-level-array"),
    pytest.param(b'"timestamp"', 0, id="top-level-string"),
    pytest.param(b"NaN", 0, id="top-level-NaN"),
]


@pytest.mark.parametrize(("line", "expected"), COUNT_CASES)
def test_count_members(line: bytes, expected: int) -> None:
    assert find_member(line, "timestamp")[1] == expected


# --- token_value --------------------------------------------------------------------------------

TOKEN_CASES = [
    pytest.param(b'"abc"', "abc", id="string"),
    pytest.param(b'""', "", id="empty-string"),
    pytest.param(b'"a\\"b\\\\c\\/d"', 'a"b\\c/d', id="string-escapes"),
    pytest.param(b'"\\u00e9\\n\\t"', "é\n\t", id="string-u-escape-and-controls"),
    pytest.param('"ü€😀"'.encode(), "ü€😀", id="string-raw-utf8"),
    pytest.param(b'"\\ud83d\\ude00"', "\U0001f600", id="string-surrogate-pair"),
    pytest.param(b'"a\\ud800b"', "a\ud800b", id="string-lone-surrogate"),
    pytest.param(b'"2025-09-08T16:50:01.447585"', "2025-09-08T16:50:01.447585", id="string-iso"),
    pytest.param(b"true", True, id="true"),
    pytest.param(b"false", False, id="false"),
    pytest.param(b"null", None, id="null"),
    pytest.param(b"{}", {}, id="empty-object"),
    pytest.param(b'{"a":[1,2]}', {}, id="object-comes-back-empty"),
    pytest.param(b"[1,2]", [], id="array-comes-back-empty"),
    pytest.param(b"0", Decimal(0), id="zero"),
    pytest.param(b"1757350201", Decimal(1757350201), id="integer"),
    pytest.param(b"1757350201.447585", Decimal("1757350201.447585"), id="decimal-exact"),
    pytest.param(b"0.1", Decimal("0.1"), id="point-one-not-a-float"),
    pytest.param(b"1757350201447123456789", Decimal(1757350201447123456789), id="big-integer"),
    pytest.param(b"1" + b"0" * 400, Decimal(10) ** 400, id="integer-of-401-digits"),
    pytest.param(b"-1.5E+300", Decimal("-1.5E+300"), id="exponent"),
    pytest.param(b"1e400", Decimal("1e400"), id="exponent-beyond-float"),
    pytest.param(b"-2e9999999999999999999", Decimal("-1e999999999999999999"), id="exponent-beyond-decimal"),
    pytest.param(b"0e9999999999999999999", Decimal(0), id="zero-exponent-beyond-decimal"),
    pytest.param(b"1757350201.4475850000000001", Decimal("1757350201.4475850000000001"), id="many-digits"),
]


@pytest.mark.parametrize(("token", "expected"), TOKEN_CASES)
def test_token_value(token: bytes, expected: object) -> None:
    value = token_value(token)
    assert type(value) is type(expected)
    assert value == expected


def test_token_value_keeps_decimal_digits_exactly() -> None:
    value = token_value(b"1757350201.4475850")
    assert isinstance(value, Decimal)
    assert str(value) == "1757350201.4475850"  # trailing zero kept: no float in between


def test_token_value_minus_zero_keeps_its_sign() -> None:
    value = token_value(b"-0")
    assert value == 0
    assert isinstance(value, Decimal) and value.is_signed()


@pytest.mark.parametrize(
    ("token", "sign"),
    [
        pytest.param(b"NaN", 0, id="NaN"),
        pytest.param(b"Infinity", 1, id="Infinity"),
        pytest.param(b"-Infinity", -1, id="minus-Infinity"),
    ],
)
def test_token_value_non_finite_literals(token: bytes, sign: int) -> None:
    value = token_value(token)
    assert isinstance(value, float)
    if sign == 0:
        assert math.isnan(value)
    else:
        assert value == sign * math.inf


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"abc", id="word"),
        pytest.param(b"True", id="python-True"),
        pytest.param(b'"unterminated', id="unterminated-string"),
        pytest.param(b"\xff", id="not-utf8"),
        pytest.param(b"0x10", id="hex"),
        pytest.param(b"1e", id="bare-exponent"),
        # Spellings Python's Decimal accepts but JSON (and pydantic) do not:
        pytest.param(b"1_000", id="underscore-separator"),
        pytest.param(b"+1", id="leading-plus"),
        pytest.param(b".5", id="no-integer-part"),
        pytest.param(b"01", id="leading-zero"),
        pytest.param(b"nan", id="lowercase-nan"),
        pytest.param(b"-NaN", id="minus-NaN"),
        pytest.param(b"inf", id="inf"),
    ],
)
def test_token_value_rejects_what_is_not_json(token: bytes) -> None:
    with pytest.raises(ValueError):
        token_value(token)


# --- column_of ----------------------------------------------------------------------------------

COLUMN_CASES = [
    pytest.param(r'«{"timestamp":1}', 1, id="offset-0"),
    pytest.param(r'{"timestamp":«1}', 14, id="ascii"),
    pytest.param("x" * 200 + "«1", 201, id="ascii-past-128"),
    pytest.param(r'{"é":1,"timestamp":«1}', 20, id="two-byte-char-before"),
    pytest.param(r'{"ключ":"значение","timestamp":«1}', 32, id="cyrillic-before"),
    pytest.param(r'{"k":"中文","timestamp":«1}', 23, id="three-byte-chars-before"),
    pytest.param(r'{"k":"😀","timestamp":«1}', 22, id="astral-char-counts-one"),
    pytest.param(r'{"timestamp":«1,"k":"é"}', 14, id="non-ascii-after-does-not-count"),
    pytest.param("é" * 100 + "«1", 101, id="non-ascii-past-128-bytes"),
]


@pytest.mark.parametrize(("text", "expected"), COLUMN_CASES)
def test_column_of(text: str, expected: int) -> None:
    line = text.replace(CLOSE, "").replace(OPEN, "").encode()
    offset = len(text.split(OPEN)[0].encode())
    assert column_of(line, offset) == expected
    assert expected == len(text.split(OPEN)[0]) + 1  # the table itself counts characters


@pytest.mark.parametrize(
    ("line", "offset", "expected"),
    [
        pytest.param(b"\xff\xfe{", 2, 3, id="two-stray-bytes"),
        pytest.param(b'{"a":"\xff","t":1}', 12, 13, id="stray-byte-in-a-value"),
        pytest.param(b"\xe2\x82{", 2, 3, id="truncated-three-byte-sequence"),
        pytest.param(b"\xf0\x9f\x98{", 3, 4, id="truncated-four-byte-sequence"),
    ],
)
def test_column_of_counts_each_invalid_byte_as_one(line: bytes, offset: int, expected: int) -> None:
    assert column_of(line, offset) == expected


# --- property: spans of generated objects ------------------------------------------------------

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**40)
    | st.floats()
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=10), json_values, max_size=6)
white = st.sampled_from(["", " ", "  ", "\t", " \t "])


@st.composite
def separators(draw: st.DrawFn) -> tuple[str, str]:
    return draw(white) + "," + draw(white), draw(white) + ":" + draw(white)


def same_json(a: object, b: object) -> bool:
    """Equal as JSON values, NaN included (json.dumps keeps order, types and NaN spelling)."""
    return json.dumps(a) == json.dumps(b)


def walk(value: object, path: tuple[str | int, ...] = ()):  # type: ignore[no-untyped-def]
    """Every (path, sub-value) of a parsed JSON value, the value itself first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    obj=json_objects,
    seps=separators(),
    ensure_ascii=st.booleans(),
    escape_slashes=st.booleans(),
    lead=white,
    trail=white,
    absent=st.text(max_size=10),
)
def test_spans_of_generated_objects(
    obj: dict[str, object],
    seps: tuple[str, str],
    ensure_ascii: bool,
    escape_slashes: bool,
    lead: str,
    trail: str,
    absent: str,
) -> None:
    text = json.dumps(obj, separators=seps, indent=None, ensure_ascii=ensure_ascii)
    if escape_slashes:  # `\/` is valid JSON for `/`, and json.dumps never writes it
        text = text.replace("/", "\\/")
    line = (lead + text + trail).encode()
    for key, value in obj.items():
        span = find_span(line, (key,))
        assert span is not None, key
        assert same_json(json.loads(line[span[0] : span[1]]), value)
        assert last_member(line, key)[0] == span
        assert find_member(line, key)[1] == 1
    if absent not in obj:
        assert find_span(line, (absent,)) is None
        assert find_member(line, absent)[1] == 0
    for path, value in walk(obj):
        span = find_span(line, path)
        assert span is not None, path
        assert same_json(json.loads(line[span[0] : span[1]]), value)


# --- iter_spans: wildcards and index steps ------------------------------------------------------

SPANS_LINE = b'{"trades":[[1,"a"],[2,"b"],[3,"c"]],"book":{"x":[4],"y":[5,6]}}'


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(
            ("trades", ITEMS, 0),
            [(("trades", 0, 0), b"1"), (("trades", 1, 0), b"2"), (("trades", 2, 0), b"3")],
            id="every-item-one-position",
        ),
        pytest.param(("trades", 1, 1), [(("trades", 1, 1), b'"b"')], id="one-item-one-position"),
        pytest.param(("trades", ITEMS, 2), [], id="position-past-the-end"),
        pytest.param(("trades", 3, 0), [], id="item-past-the-end"),
        pytest.param(("book", MEMBERS, 1), [(("book", "y", 1), b"6")], id="members-then-position"),
        pytest.param(("book", 0), [], id="index-into-an-object"),
        pytest.param(("trades", "0"), [], id="key-into-an-array"),
    ],
)
def test_iter_spans_with_index_steps(pattern, expected):
    found = [(path, SPANS_LINE[start:end]) for path, start, end in iter_spans(SPANS_LINE, pattern)]
    assert found == expected


# --- iter_spans_once: the same spans in one pass ----------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    obj=json_objects,
    seps=separators(),
    ensure_ascii=st.booleans(),
    wild=st.lists(st.booleans(), min_size=8, max_size=8),
    data=st.data(),
)
def test_one_pass_gives_the_spans_of_the_careful_walk(
    obj: dict[str, object], seps: tuple[str, str], ensure_ascii: bool, wild: list[bool], data: st.DataObject
) -> None:
    """Every path of a generated object, some steps made wildcards: `iter_spans_once` yields what
    `iter_spans` yields (json.dumps writes no repeated key), in the same order."""
    line = json.dumps(obj, separators=seps, ensure_ascii=ensure_ascii).encode()
    paths = [path for path, _ in walk(obj)]
    path = data.draw(st.sampled_from(paths))
    pattern = tuple(
        (ITEMS if isinstance(step, int) else MEMBERS) if wild[index % len(wild)] else step
        for index, step in enumerate(path)
    )
    assert list(iter_spans_once(line, pattern)) == list(iter_spans(line, pattern))


@pytest.mark.parametrize(
    ("text", "pattern", "before"),
    [
        pytest.param(b'{"a":1,"a":2}', ("a",), [(("a",), b"1")], id="repeated-leaf"),
        pytest.param(
            b'{"a":{"b":1},"a":{"b":2}}', ("a", "b"), [(("a", "b"), b"1")], id="repeated-container-on-the-way"
        ),
        pytest.param(b'{"a":1,"b":2,"a":3}', (MEMBERS,), [(("a",), b"1"), (("b",), b"2")], id="repeated-member"),
        pytest.param(b'[{"a":1},{"a":2,"a":3}]', (ITEMS, "a"), [((0, "a"), b"1"), ((1, "a"), b"2")], id="in-an-item"),
    ],
)
def test_one_pass_says_when_a_key_on_the_way_is_repeated(text, pattern, before):
    found = []
    with pytest.raises(RepeatedKey):
        for path, start, end in iter_spans_once(text, pattern):
            found.append((path, text[start:end]))
    assert found == before


@pytest.mark.parametrize(
    ("text", "pattern", "expected"),
    [
        pytest.param(b'{"x":1,"x":2,"a":3}', ("a",), [(("a",), b"3")], id="repeated-key-off-the-way"),
        pytest.param(b'{"a":[1,2],"b":{"a":1,"a":2}}', ("a", 1), [(("a", 1), b"2")], id="repeated-key-below-a-value"),
        pytest.param(b'{"a":[1,{"b":[2,"]"]}],"c":3}', ("c",), [(("c",), b"3")], id="brackets-in-strings-skipped"),
        pytest.param(b'{"a":', ("a",), [], id="cut-off"),
        pytest.param(b'{"a":"1', ("a",), [], id="unterminated-string"),
        pytest.param(b"[1,2", (ITEMS,), [((0,), b"1"), ((1,), b"2")], id="array-cut-off"),
    ],
)
def test_one_pass_edges(text, pattern, expected):
    found = [(path, text[start:end]) for path, start, end in iter_spans_once(text, pattern)]
    assert found == expected


# --- member_span: a member of an object known to have it --------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(r'{"type": "send", "data": «"{\"a\":1}"»}', id="har-message"),
        pytest.param(r'{"data" : «"x"» , "time": 1}', id="spaces"),
        pytest.param(r'{"type": "data", "data": «"x"»}', id="a-value-spelled-as-the-key"),
        pytest.param(r'{"meta": {"data": 1}, "data": «"x"»}', id="a-nested-key-spelled-as-the-key"),
        pytest.param(r'{"x\"data": 1, "data": «"x"»}', id="a-key-ending-in-the-key"),
        pytest.param(r'{"data": 1, "data": «"x"»}', id="repeated-the-last"),
        pytest.param(r'{"d\u0061ta": 1, "data": «"x"»}', id="repeated-with-an-escape"),
        pytest.param(r'{"data": 1, "d\u0061ta": «"x"»}', id="repeated-with-an-escape-last"),
        pytest.param(r'{"meta": {"data": "x"}, "d\u0061ta": «"x"»}', id="escaped-key-and-a-nested-one"),
        pytest.param(r'{"data": «"\u00e9"»}', id="escape-in-the-value"),
        pytest.param(r'{"data": «{"data": 1}»}', id="an-object-value"),
    ],
)
def test_member_span(text):
    line, span = marked(text)
    assert member_span(line, "data", 0, len(line)) == span
    padded = b"[0, " + line + b", 1]"
    assert member_span(padded, "data", 4, 4 + len(line)) == (span[0] + 4, span[1] + 4)


@pytest.mark.parametrize("line", [b'{"data": }', b'{"data"', b'["data", 1]', b""])
def test_member_span_on_text_that_is_not_json_returns_none(line):
    assert member_span(line, "data", 0, len(line)) is None


# --- last_container_member: an envelope's message, its last member ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(r'{"received_at": 1.5, "data": «{"type": "ping", "timestamp": 1}»}', id="envelope"),
        pytest.param('{"data" :\t«[1, {"x": "}"}]»  }\r\n', id="an-array-and-white-space"),
        pytest.param(r'{"type": "send", "data": «{"s": "\u00e9\"}"}»}', id="escapes-inside-the-value"),
        # Not settled without a scan: None, and the caller scans.
        pytest.param(r'{"data": {"data": {"data": 1}}}', id="the-key-inside-the-value"),
        pytest.param(r'{"data": {"a": 1}, "y": {}}', id="not-the-last-member"),
        pytest.param(r'{"data": {"a": 1}, "y": 2}', id="not-the-last-before-a-number"),
        pytest.param(r'{"data": "{}"}', id="a-string-value"),
        pytest.param(r'{"data": 5}', id="a-number-value"),
        pytest.param(r'{"x": {"data": [1]}, "d\u0061ta": [2]}', id="the-key-spelled-with-an-escape-later"),
        pytest.param(r'{"d\u0061ta": [1], "data": [2]}', id="an-escape-before-the-key"),
        pytest.param(r'{"x": {"data": [1]}, "data": [2]}', id="the-key-written-twice"),
    ],
)
def test_last_container_member(text):
    line, span = marked(text)
    assert last_container_member(line, "data") == span


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=json_objects, message=json_values, key=st.sampled_from(["data", "msg"]), seps=separators(), trail=white)
def test_property_last_container_member_is_the_scanners_span_or_none(obj, message, key, seps, trail):
    # The message is put at `key`, last or not (the object may name the key already): whenever
    # the shortcut answers, it answers what the scanner does; and it answers the common
    # envelope, whose key is written once, last, before any `\u` escape.
    document = {**obj, key: message}
    line = (json.dumps(document, separators=seps) + trail).encode()
    span = last_container_member(line, key)
    if span is not None:
        assert span == find_span(line, (key,))
    quoted = f'"{key}"'.encode()
    if (
        key not in obj
        and isinstance(message, (dict, list))
        and line.count(quoted) == 1
        and b"\\u" not in line[: line.index(quoted)]
    ):
        assert span is not None
