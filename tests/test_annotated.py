"""EpochSeconds: the conversion core as a Pydantic type for backends."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, TypeAdapter, ValidationError

from wsfix import EpochSeconds, epoch_seconds_type
from wsfix.timestamps import Policy, Unit, parse_naive_zone, to_epoch_seconds


class Message(BaseModel):
    type: str
    timestamp: Optional[EpochSeconds] = None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param('"2025-09-08T16:50:01.447585"', 1757350201.447585, id="naive-iso"),
        pytest.param('"2025-09-08T16:50:01.447585Z"', 1757350201.447585, id="iso-z"),
        pytest.param("1757350201447", 1757350201.447, id="ms"),
        pytest.param('"1757350201.5"', 1757350201.5, id="numeric-string"),
        pytest.param('"Mon, 08 Sep 2025 16:50:01 GMT"', 1757350201.0, id="rfc2822"),
        pytest.param("1757350201.25", 1757350201.25, id="seconds"),
        pytest.param("null", None, id="null"),
    ],
)
def test_accepts_every_convertible_form(raw, expected):
    message = Message.model_validate_json('{"type":"ping","timestamp":' + raw + "}")
    assert message.timestamp == expected


def test_a_json_number_with_a_fraction_arrives_as_pydantics_float():
    # Documented (README, Library API): pydantic parses the token to a float before any
    # validator runs, so the ms are converted from that float: exact from there, but not from the
    # digits, which `repair` reads (Fraction(1637640125380267460, 10**9) rounds to ...674).
    message = Message.model_validate_json('{"type":"ping","timestamp":1637640125380.267460}')
    assert message.timestamp == float(Fraction(1637640125380.26746) / 1000) == 1637640125.3802676
    assert float(Fraction(1637640125380267460, 10**9)) == 1637640125.3802674
    # The text of the number, or a string, is exact.
    assert Message(type="ping", timestamp="1637640125380.267460").timestamp == 1637640125.3802674


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param('"2025-09-08"', "a date without a time of day", id="date-only"),
        pytest.param("true", "boolean true is not a timestamp", id="bool"),
        pytest.param("NaN", "NaN is not a finite number", id="nan"),
        pytest.param('"nan"', "spells a non-finite number", id="nan-string"),
        pytest.param("0", "outside the plausible window", id="zero"),
        pytest.param("[1]", "an array is not a timestamp", id="array"),
    ],
)
def test_rejects_with_the_reason_and_never_substitutes_now(raw, reason):
    with pytest.raises(ValidationError) as caught:
        Message.model_validate_json('{"type":"ping","timestamp":' + raw + "}")
    [error] = caught.value.errors()
    assert error["type"] == "value_error"
    assert reason in error["msg"]


def test_policy_variant():
    class Pacific(BaseModel):
        timestamp: epoch_seconds_type(Policy(naive_zone=parse_naive_zone("America/Los_Angeles")))  # type: ignore[valid-type]

    assert Pacific(timestamp="2025-09-08T09:50:01").timestamp == 1757350201.0


# --- the fast paths change nothing: old against new ------------------------------------------
#
# `EpochSeconds` takes floats and integers in seconds and RFC 3339 strings before the conversion
# core. The reference below is the type as it was before that shortcut: every value through
# `to_epoch_seconds`. Both must give the same float (same bits: repr) or the same errors, for
# JSON and Python input, under policies that move each bound the shortcut reads.


def _reference_type(policy: Policy):
    def to_seconds(value):
        return to_epoch_seconds(value, policy)

    return Annotated[float, BeforeValidator(to_seconds)]


_POLICIES = {
    "default": Policy(),
    "no-window": Policy(window=None),
    "unit-s": Policy(unit=Unit.S),
    "unit-s-no-window": Policy(unit=Unit.S, window=None),
    "unit-ms": Policy(unit=Unit.MS),
    "los-angeles": Policy(naive_zone=parse_naive_zone("America/Los_Angeles")),
    "reject-naive": Policy(naive_zone=parse_naive_zone("reject"), window=None),
}
_ADAPTERS = {
    name: (TypeAdapter(_reference_type(policy)), TypeAdapter(epoch_seconds_type(policy)))
    for name, policy in _POLICIES.items()
}


def _outcome(validate, value):
    try:
        result = validate(value)
    except ValidationError as error:
        return "error", [(e["type"], e["loc"], e["msg"], repr(e["input"])) for e in error.errors()]
    return "ok", type(result), repr(result)


def _same_everywhere(value, json_mode):
    for name, (reference, adapter) in _ADAPTERS.items():
        old = reference.validate_json if json_mode else reference.validate_python
        new = adapter.validate_json if json_mode else adapter.validate_python
        assert _outcome(new, value) == _outcome(old, value), (name, value)


_BOUNDS = [946_684_800, 4_102_444_800, 10**11, -(10**11), 0, 2**53]
_EDGE_FLOATS = st.sampled_from(
    [float(b) for b in _BOUNDS]
    + [math.nextafter(float(b), d) for b in _BOUNDS for d in (-math.inf, math.inf)]
    + [-0.0, 1757350201.447585, 1e300, -1e300, 5e-324]
)
_FLOATS = st.one_of(_EDGE_FLOATS, st.floats(), st.floats(min_value=-2e11, max_value=5e9))
_INTS = st.one_of(
    st.sampled_from([b + d for b in _BOUNDS for d in (-1, 0, 1)]),
    st.integers(min_value=-(10**11), max_value=5 * 10**9),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**400, -(10**400), 2**1024, 2**53 + 1, -(2**53) - 1]),
)


# RFC 3339 fields: spellings both readers take, and near misses (out of range, other separators,
# offsets the core refuses or `datetime.fromisoformat` reads otherwise: it cuts fractions past 6
# digits, carries an offset minute of 60, takes any separator between date and time).
_ISO_FIELDS = {
    "year": (["2025", "2000", "2099", "1970", "0001", "9999"], ["0000", "2100", "1969", "+2025", "02025"]),
    "date-sep": (["-"], ["/", ""]),
    "month": (["01", "09", "12", "02"], ["00", "13", "9"]),
    "day": (["01", "08", "28", "29", "31"], ["00", "30", "32", "8"]),
    "sep": (["T", " ", "t"], ["_", "x", "  ", ""]),
    "hour": (["00", "16", "23"], ["24", "25", "1"]),
    "minute": ([":00", ":50", ":59"], [":60", "50", ":5"]),
    "second": ([":00", ":01", ":59"], [":60", ":61", "", "01"]),
    "fraction": (
        ["", ".5", ".447585", ".000001", ",25", ".123"],
        [".", ".1234567", ".447585123", ".5a", ". 5", ".\u0665"],
    ),
    "offset": (
        ["Z", "+00:00", "-00:00", "+05:30", "-07:00", "+23:59", "-23:59", ""],
        ["z", "+0530", "-07", "\u221207:00", "+05:30:15", "+05:60", "-07:99", "+24:00", "+25:00", "+05:30:", "Z "],
    ),
}


@st.composite
def _iso_like(draw):
    """An RFC 3339 date-time with at most one field spelled wrong (all right a third of the time)."""
    broken = draw(st.sampled_from([None, *_ISO_FIELDS]))
    parts = [draw(st.sampled_from(bad if name == broken else good)) for name, (good, bad) in _ISO_FIELDS.items()]
    year, dash, month, day, sep, hour, minute, second, fraction, offset = parts
    return f"{year}{dash}{month}{dash}{day}{sep}{hour}{minute}{second}{fraction}{offset}"


_STRINGS = st.one_of(
    _iso_like(),
    _iso_like(),
    _iso_like().map(lambda text: f" {text}\n"),
    _FLOATS.filter(math.isfinite).map(repr),
    _INTS.map(str),
    st.sampled_from(
        [
            "Mon, 08 Sep 2025 09:50:01 -0700 (PDT)",
            "Mon, 08 Sep 25 16:50:01 GMT",
            "nan",
            "inf",
            "",
            " ",
            "2025-09-08",
            "16:50:01",
            "2025-09-08T16:50:01.447585Z",
            "2025-09-08T16:50:01.447585",
        ]
    ),
    st.text(max_size=32),
)
_JSON_TEXT = st.one_of(
    _FLOATS.map(
        lambda x: "NaN" if x != x else "Infinity" if x == math.inf else "-Infinity" if x == -math.inf else repr(x)
    ),
    _INTS.map(str),
    _STRINGS.map(json.dumps),
    st.sampled_from(["true", "false", "null", "[]", "{}", "[1757350201]", "1757350201.0", "1.7573502014e9"]),
)


# Derandomised in CI (tests/conftest.py); HYPOTHESIS_PROFILE=explore draws more, and new ones.
_EXAMPLES = max(800, settings().max_examples)


@settings(max_examples=_EXAMPLES)
@given(_JSON_TEXT)
def test_json_input_gives_the_results_of_the_conversion_core_alone(text):
    _same_everywhere(text, json_mode=True)


@settings(max_examples=_EXAMPLES)
@given(_iso_like())
def test_rfc3339_near_misses_give_the_results_of_the_conversion_core_alone(text):
    _same_everywhere(json.dumps(text), json_mode=True)


class _Float(float):
    pass


class _Int(int):
    pass


_PYTHON_VALUES = st.one_of(
    _FLOATS,
    _INTS,
    _STRINGS,
    _FLOATS.map(_Float),
    _INTS.map(_Int),
    st.sampled_from([True, False, None, [], {}, Decimal("1757350201.447585"), Fraction(1, 3)]),
    st.datetimes(timezones=st.one_of(st.none(), st.just(dt.UTC))),
)


@settings(max_examples=_EXAMPLES // 2)
@given(_PYTHON_VALUES)
def test_python_input_gives_the_results_of_the_conversion_core_alone(value):
    _same_everywhere(value, json_mode=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("1757350201.447585", 1757350201.447585, id="float-seconds"),
        pytest.param("1757350201", 1757350201.0, id="integer-seconds"),
        pytest.param('"2025-09-08T16:50:01.447585Z"', 1757350201.447585, id="iso-z"),
        pytest.param('"2025-09-08T09:50:01.447585-07:00"', 1757350201.447585, id="iso-offset"),
        pytest.param('"2025-09-08 16:50:01"', 1757350201.0, id="iso-naive-space"),
        pytest.param('"2025-09-08T16:50:01.447585"', 1757350201.447585, id="iso-naive-fraction"),
        pytest.param('"2025-09-08T16:50:01.447Z"', 1757350201.447, id="iso-z-milliseconds"),
        pytest.param('"2025-09-08T16:50:01Z"', 1757350201.0, id="iso-z-whole"),
        pytest.param('"2025-09-08t16:50:01,5+02:00"', 1757343001.5, id="iso-offset-comma"),
        pytest.param('"2025-09-08T18:50:01+02:00"', 1757350201.0, id="iso-offset-whole"),
    ],
)
def test_the_common_forms_do_not_wait_for_the_conversion_core(monkeypatch, raw, expected):
    # The speed of the common case (benchmarks/annotated.py) comes from not taking the core's
    # general path (`to_epoch_seconds`): `seconds_converter` reads these on its short path.
    def core(value, policy):
        raise AssertionError(f"the general conversion was called for {value!r}")

    monkeypatch.setattr("wsfix.timestamps.to_epoch_seconds", core)
    assert TypeAdapter(epoch_seconds_type()).validate_json(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2025-09-08T16:50:01.Z", id="point-without-digits-z"),
        pytest.param("2025-09-08T16:50:01.+05:30", id="point-without-digits-offset"),
        pytest.param("2025-09-08T16:50:01.", id="point-without-digits-naive"),
        pytest.param("2025-09-08T16:50:01.1234567Z", id="seven-digits-z"),
        pytest.param("2025-09-08T16:50:01.1234567+05:30", id="seven-digits-offset"),
        pytest.param("2025-09-08T16:50:01.1234567", id="seven-digits-naive"),
        pytest.param("2025-09-08T16:50:01.123456789", id="nine-digits-naive"),
        pytest.param("20250908T165001.1234567Z", id="seven-digits-basic-format"),
        pytest.param("2025-09-08T165001.1234567Z", id="seven-digits-basic-time"),
        pytest.param("2025-09-08T16:50.5Z", id="fraction-of-a-minute"),
        pytest.param("2025-09-08T16:50:01+05:60", id="offset-minute-60"),
        pytest.param("2025-09-08T16:50:01+05:30:15", id="offset-seconds"),
        pytest.param("2025-09-08_16:50:01Z", id="underscore-separator"),
        pytest.param("2025-09-08x16:50:01", id="letter-separator-naive"),
        pytest.param("2025-09-08T24:00:00Z", id="hour-24"),
        pytest.param("2025-09-08T16:50:01z", id="lowercase-z"),
        pytest.param("2025-09-08t16:50:01Z", id="lowercase-t"),
        pytest.param("2016-12-31T23:59:60Z", id="leap-second"),
        pytest.param("2025-09-08T16:50:01,5Z", id="comma"),
        pytest.param("2025-09-08T16:50:01:5", id="colon-before-fraction-naive"),
        pytest.param("2025-09-08T16:50:01:5Z", id="colon-before-fraction-z"),
        pytest.param("2025-09-08T16:50:01:5+05:30", id="colon-before-fraction-offset"),
        pytest.param("2025-09-08T16:50:01.5+0530", id="offset-without-colon-after-fraction"),
        pytest.param("2025-09-08T16:50:01.5-05", id="offset-hours-only-after-fraction"),
        pytest.param("2025-09-08T16:50:01+0530", id="offset-without-colon"),
        pytest.param("2025-09-08T16:50:01Z05:30", id="z-then-offset"),
        pytest.param("2025-09-08T16:50:01.44758Z1", id="z-inside"),
        pytest.param("2025-09-08T16:50:01.447585 ", id="trailing-space"),
        pytest.param("2025-09-08T16:50:", id="shape-of-a-minute"),
        pytest.param("2025-09-08T16:50:01.447585Z", id="common"),
    ],
)
def test_where_fromisoformat_reads_otherwise_the_core_decides(text):
    # Each spelling on which `datetime.fromisoformat` (the shortcut's reader) and the core differ,
    # or might: the result must be the core's, under every policy.
    _same_everywhere(json.dumps(text), json_mode=True)
    _same_everywhere(text, json_mode=False)
