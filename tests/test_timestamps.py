"""Tests for the conversion core, `wsfix.timestamps`.

Every expected instant is computed here, independently of the code under test: whole seconds with
`calendar.timegm`, fractions and offsets with `fractions.Fraction`, and the single rounding with
`float(Fraction)` (correctly rounded). Nothing below was pasted from the module's own output.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import time
import zoneinfo
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wsfix.timestamps import (
    DEFAULT_POLICY,
    DEFAULT_WINDOW,
    Form,
    Policy,
    Reading,
    TimestampError,
    Unit,
    Window,
    classify,
    inferred_range,
    parse_decimal,
    parse_naive_zone,
    parse_window,
    render,
    render_count,
    render_rfc3339,
    rereading,
    to_epoch_seconds,
)

MINUS = "\u2212"  # U+2212 MINUS SIGN
NO_WINDOW = Policy(window=None)
LA = "America/Los_Angeles"
WINDOW_START = calendar.timegm((2000, 1, 1, 0, 0, 0, 0, 0, 0))
WINDOW_END = calendar.timegm((2100, 1, 1, 0, 0, 0, 0, 0, 0))


# --- independent reference computation -------------------------------------------------------


def frac_of(digits: str) -> Fraction:
    """The exact value of the decimal fraction `0.<digits>`."""
    return Fraction(int(digits), 10 ** len(digits)) if digits else Fraction(0)


def exact(
    y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, frac: str = "", offset_minutes: int = 0
) -> Fraction:
    """The exact epoch seconds of the wall time `y-mo-d h:mi:s.frac` written with UTC offset
    `offset_minutes` (so UTC = wall - offset)."""
    whole = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    return whole + frac_of(frac) - offset_minutes * 60


def at(*args, **kwargs) -> float:
    """`exact(...)` rounded once to the nearest float."""
    return float(exact(*args, **kwargs))


def scaled(n: int, k: int) -> float:
    """`n / 10**k` rounded once."""
    return float(Fraction(n, 10**k))


INCIDENT = at(2025, 9, 8, 16, 50, 1, "447585")


def zone(spec: str) -> Policy:
    return Policy(naive_zone=parse_naive_zone(spec))


# --- the incident ---------------------------------------------------------------------------


def test_incident_value_converts_exactly_and_renders_back():
    reading = classify("2025-09-08T16:50:01.447585")
    assert reading == Reading(Form.ISO_NAIVE, INCIDENT, None, zone="UTC")
    assert reading.seconds == 1757350201.447585
    assert reading.reason is None
    assert render(reading.seconds) == "1757350201.447585"
    assert to_epoch_seconds("2025-09-08T16:50:01.447585") == 1757350201.447585


# --- ISO 8601 / RFC 3339 strings --------------------------------------------------------------

ISO_CASES = [
    # separators and designators
    pytest.param("2025-09-08T16:50:01Z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="Z"),
    pytest.param("2025-09-08t16:50:01z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="lowercase-t-z"),
    pytest.param("2025-09-08 16:50:01Z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="space-separator"),
    pytest.param("2025-09-08T16:50:01", at(2025, 9, 8, 16, 50, 1), Form.ISO_NAIVE, id="naive-seconds"),
    # fractions: any number of digits, `.` or `,`
    pytest.param("2025-09-08T16:50:01.447585Z", INCIDENT, Form.ISO_OFFSET, id="fraction-6"),
    pytest.param("2025-09-08T16:50:01,447585Z", INCIDENT, Form.ISO_OFFSET, id="fraction-comma"),
    pytest.param("2025-09-08T16:50:01.5Z", at(2025, 9, 8, 16, 50, 1, "5"), Form.ISO_OFFSET, id="fraction-1"),
    pytest.param("2025-09-08T16:50:01.447Z", at(2025, 9, 8, 16, 50, 1, "447"), Form.ISO_OFFSET, id="fraction-3"),
    pytest.param(
        "2025-09-08T16:50:01.123456789Z", at(2025, 9, 8, 16, 50, 1, "123456789"), Form.ISO_OFFSET, id="fraction-ns"
    ),
    pytest.param(
        "2025-09-08T16:50:01.976787301Z", at(2025, 9, 8, 16, 50, 1, "976787301"), Form.ISO_OFFSET, id="fraction-ns-2"
    ),
    pytest.param(
        "2025-09-08T16:50:01.123456789012Z",
        at(2025, 9, 8, 16, 50, 1, "123456789012"),
        Form.ISO_OFFSET,
        id="fraction-12",
    ),
    pytest.param(
        "2025-09-08T16:50:01.999999999999999999999Z",
        at(2025, 9, 8, 16, 50, 1, "9" * 21),
        Form.ISO_OFFSET,
        id="fraction-21-nines-rounds-up",
    ),
    pytest.param("2025-09-08T16:50:01.000000000Z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="fraction-zeros"),
    # precision: the fraction belongs to the last component written
    pytest.param("2025-09-08T16Z", at(2025, 9, 8, 16), Form.ISO_OFFSET, id="hour-precision"),
    pytest.param("2025-09-08T16,5Z", at(2025, 9, 8, 16, 30), Form.ISO_OFFSET, id="hour-fraction-comma"),
    pytest.param("2025-09-08T16.25Z", at(2025, 9, 8, 16, 15), Form.ISO_OFFSET, id="hour-fraction-dot"),
    pytest.param(
        "2025-09-08T16.0001Z",
        float(exact(2025, 9, 8, 16) + Fraction(1, 10_000) * 3600),
        Form.ISO_OFFSET,
        id="hour-fraction-small",
    ),
    pytest.param("2025-09-08T16:50Z", at(2025, 9, 8, 16, 50), Form.ISO_OFFSET, id="minute-precision"),
    pytest.param("2025-09-08T16:50.5Z", at(2025, 9, 8, 16, 50, 30), Form.ISO_OFFSET, id="minute-fraction"),
    pytest.param(
        "2025-09-08T16:50,0166666Z",
        float(exact(2025, 9, 8, 16, 50) + frac_of("0166666") * 60),
        Form.ISO_OFFSET,
        id="minute-fraction-repeating",
    ),
    pytest.param("2025-09-08T16:50", at(2025, 9, 8, 16, 50), Form.ISO_NAIVE, id="naive-minute-precision"),
    pytest.param("2025-09-08T16", at(2025, 9, 8, 16), Form.ISO_NAIVE, id="naive-hour-precision"),
    # every offset spelling
    pytest.param("2025-09-08T22:20:01.447585+05:30", INCIDENT, Form.ISO_OFFSET, id="offset-+HH:MM"),
    pytest.param("2025-09-08T22:20:01.447585+0530", INCIDENT, Form.ISO_OFFSET, id="offset-+HHMM"),
    pytest.param("2025-09-08T21:50:01.447585+05", INCIDENT, Form.ISO_OFFSET, id="offset-+HH"),
    pytest.param("2025-09-08T09:50:01.447585-07:00", INCIDENT, Form.ISO_OFFSET, id="offset--HH:MM"),
    pytest.param("2025-09-08T09:50:01.447585-0700", INCIDENT, Form.ISO_OFFSET, id="offset--HHMM"),
    pytest.param("2025-09-08T09:50:01.447585-07", INCIDENT, Form.ISO_OFFSET, id="offset--HH"),
    pytest.param(f"2025-09-08T09:50:01.447585{MINUS}07:00", INCIDENT, Form.ISO_OFFSET, id="offset-U+2212-HH:MM"),
    pytest.param(f"2025-09-08T09:50:01.447585{MINUS}0700", INCIDENT, Form.ISO_OFFSET, id="offset-U+2212-HHMM"),
    pytest.param(f"2025-09-08T09:50:01.447585{MINUS}07", INCIDENT, Form.ISO_OFFSET, id="offset-U+2212-HH"),
    pytest.param("2025-09-08T06:20:01.447585-10:30", INCIDENT, Form.ISO_OFFSET, id="offset-negative-half-hour"),
    pytest.param("2025-09-08T16:50:01.447585+00:00", INCIDENT, Form.ISO_OFFSET, id="offset-+00:00"),
    pytest.param("2025-09-08T16:50:01.447585-00:00", INCIDENT, Form.ISO_OFFSET, id="offset--00:00"),
    pytest.param("2025-09-09T16:49:01+23:59", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="offset-+23:59"),
    pytest.param("2025-09-07T16:51:01-23:59", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="offset--23:59"),
    pytest.param("2025-09-08T16:50+02:00", at(2025, 9, 8, 14, 50), Form.ISO_OFFSET, id="minute-precision-offset"),
    pytest.param("2025-09-08T16,5+02", at(2025, 9, 8, 14, 30), Form.ISO_OFFSET, id="hour-fraction-offset"),
    # basic format
    pytest.param("20250908T165001Z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="basic"),
    pytest.param("20250908T165001.447585Z", INCIDENT, Form.ISO_OFFSET, id="basic-fraction"),
    pytest.param("20250908T222001,447585+0530", INCIDENT, Form.ISO_OFFSET, id="basic-comma-offset"),
    pytest.param(f"20250908T095001.447585{MINUS}0700", INCIDENT, Form.ISO_OFFSET, id="basic-U+2212"),
    pytest.param("20250908t165001z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="basic-lowercase"),
    pytest.param("20250908 165001Z", at(2025, 9, 8, 16, 50, 1), Form.ISO_OFFSET, id="basic-space"),
    pytest.param("20250908T1650Z", at(2025, 9, 8, 16, 50), Form.ISO_OFFSET, id="basic-minute-precision"),
    pytest.param("20250908T1650.25Z", at(2025, 9, 8, 16, 50, 15), Form.ISO_OFFSET, id="basic-minute-fraction"),
    pytest.param("20250908T16Z", at(2025, 9, 8, 16), Form.ISO_OFFSET, id="basic-hour-precision"),
    pytest.param("20250908T165001.447585", INCIDENT, Form.ISO_NAIVE, id="basic-naive"),
    # ordinal and week dates (2025-09-08 is day 251 and the Monday of ISO week 37)
    pytest.param("2025-251T16:50:01.447585Z", INCIDENT, Form.ISO_OFFSET, id="ordinal"),
    pytest.param("2025251T165001.447585Z", INCIDENT, Form.ISO_OFFSET, id="ordinal-basic"),
    pytest.param("2025-251T16:50:01.447585", INCIDENT, Form.ISO_NAIVE, id="ordinal-naive"),
    pytest.param("2024-366T00:00:00Z", at(2024, 12, 31), Form.ISO_OFFSET, id="ordinal-leap-year-366"),
    pytest.param("2025-001T00:00:00Z", at(2025, 1, 1), Form.ISO_OFFSET, id="ordinal-001"),
    pytest.param("2025-W37-1T16:50:01.447585Z", INCIDENT, Form.ISO_OFFSET, id="week"),
    pytest.param("2025W371T165001.447585Z", INCIDENT, Form.ISO_OFFSET, id="week-basic"),
    pytest.param("2025-W37-1T09:50:01.447585-07:00", INCIDENT, Form.ISO_OFFSET, id="week-offset"),
    pytest.param("2025-W01-1T00:00:00Z", at(2024, 12, 30), Form.ISO_OFFSET, id="week-1-starts-in-previous-year"),
    pytest.param("2020-W53-5T00:00:00Z", at(2021, 1, 1), Form.ISO_OFFSET, id="week-53"),
    # 24:00 is the next midnight
    pytest.param("2025-09-08T24:00:00Z", at(2025, 9, 9), Form.ISO_OFFSET, id="24:00:00"),
    pytest.param("2025-09-08T24:00Z", at(2025, 9, 9), Form.ISO_OFFSET, id="24:00"),
    pytest.param("2025-09-08T24:00:00.000Z", at(2025, 9, 9), Form.ISO_OFFSET, id="24:00:00.000"),
    pytest.param("2025-12-31T24:00:00Z", at(2026, 1, 1), Form.ISO_OFFSET, id="24:00-new-year"),
    pytest.param("2024-02-28T24:00:00Z", at(2024, 2, 29), Form.ISO_OFFSET, id="24:00-leap-day"),
    pytest.param("2025-09-08T24:00:00+02:00", at(2025, 9, 8, 22), Form.ISO_OFFSET, id="24:00-offset"),
    pytest.param("20250908T240000Z", at(2025, 9, 9), Form.ISO_OFFSET, id="24:00-basic"),
    pytest.param("2025-09-08T24:00:00", at(2025, 9, 9), Form.ISO_NAIVE, id="24:00-naive"),
    # leap second: 23:59:60 UTC is counted as the next day's 00:00:00, fraction kept
    pytest.param("2016-12-31T23:59:60Z", at(2017, 1, 1), Form.ISO_OFFSET, id="leap-second"),
    pytest.param("2016-12-31T23:59:60.5Z", at(2017, 1, 1, 0, 0, 0, "5"), Form.ISO_OFFSET, id="leap-second-fraction"),
    pytest.param(
        "2016-12-31T23:59:60.123456789Z",
        at(2017, 1, 1, 0, 0, 0, "123456789"),
        Form.ISO_OFFSET,
        id="leap-second-ns-fraction",
    ),
    pytest.param("2015-06-30T23:59:60Z", at(2015, 7, 1), Form.ISO_OFFSET, id="leap-second-june"),
    pytest.param("2016-12-31T18:59:60-05:00", at(2017, 1, 1), Form.ISO_OFFSET, id="leap-second-offset"),
    pytest.param(
        "2017-01-01T05:29:60.25+05:30", at(2017, 1, 1, 0, 0, 0, "25"), Form.ISO_OFFSET, id="leap-second-positive-offset"
    ),
    pytest.param("20161231T235960Z", at(2017, 1, 1), Form.ISO_OFFSET, id="leap-second-basic"),
    pytest.param("2016-12-31T23:59:60", at(2017, 1, 1), Form.ISO_NAIVE, id="leap-second-naive-utc"),
    # calendar corners
    pytest.param("2024-02-29T12:00:00Z", at(2024, 2, 29, 12), Form.ISO_OFFSET, id="leap-day"),
    pytest.param("2000-02-29T00:00:00Z", at(2000, 2, 29), Form.ISO_OFFSET, id="leap-day-2000"),
]


@pytest.mark.parametrize(("text", "expected", "form"), ISO_CASES)
def test_iso_strings(text, expected, form):
    reading = classify(text)
    assert reading.form is form
    assert reading.seconds == expected
    assert reading.reason is None
    assert reading.reason is None
    assert not reading.out_of_range
    if form is Form.ISO_NAIVE:
        assert reading.zone == "UTC"
    assert to_epoch_seconds(text) == expected


ISO_UNPARSEABLE = [
    pytest.param("2025-02-30T00:00:00Z", id="feb-30"),
    pytest.param("2023-02-29T00:00:00Z", id="feb-29-non-leap"),
    pytest.param("2100-02-29T00:00:00Z", id="feb-29-century"),
    pytest.param("2025-13-01T00:00:00Z", id="month-13"),
    pytest.param("2025-00-10T00:00:00Z", id="month-0"),
    pytest.param("2025-09-00T00:00:00Z", id="day-0"),
    pytest.param("2025-09-31T00:00:00Z", id="sep-31"),
    pytest.param("2025-09-08T25:00:00Z", id="hour-25"),
    pytest.param("2025-09-08T25Z", id="hour-25-hour-precision"),
    pytest.param("2025-09-08T16:60:00Z", id="minute-60"),
    pytest.param("2025-09-08T16:50:61Z", id="second-61"),
    pytest.param("2025-09-08T24:00:01Z", id="24:00:01"),
    pytest.param("2025-09-08T24:30Z", id="24:30"),
    pytest.param("2025-09-08T24:00:00.5Z", id="24:00:00.5"),
    pytest.param("2025-09-08T24,5Z", id="24,5"),
    pytest.param("2025-09-08T12:59:60Z", id="leap-second-midday"),
    pytest.param("2016-12-31T23:58:60Z", id="leap-second-minute-58"),
    pytest.param("2016-12-31T23:59:60+01:00", id="leap-second-not-end-of-utc-day"),
    pytest.param("2016-12-31T23:59:61Z", id="second-61-leap-day"),
    pytest.param("2025-09-08T16:50:01+24:00", id="offset-+24:00"),
    pytest.param("2025-09-08T16:50:01-24:00", id="offset--24:00"),
    pytest.param("2025-09-08T16:50:01+2400", id="offset-+2400"),
    pytest.param("2025-09-08T16:50:01+24", id="offset-+24"),
    pytest.param("2025-09-08T16:50:01+05:60", id="offset-minute-60"),
    pytest.param("2025-09-08T16:50:01+5", id="offset-one-digit"),
    pytest.param("2025-09-08T16:50:01+05:", id="offset-dangling-colon"),
    pytest.param("2025-366T00:00:00Z", id="ordinal-366-non-leap"),
    pytest.param("2025-000T00:00:00Z", id="ordinal-000"),
    pytest.param("2021-W53-1T00:00:00Z", id="week-53-in-52-week-year"),
    pytest.param("2025-W00-1T00:00:00Z", id="week-00"),
    pytest.param("2025-W37-8T00:00:00Z", id="weekday-8"),
    pytest.param("2025-W37-0T00:00:00Z", id="weekday-0"),
    pytest.param("2025-9-8T16:50:01Z", id="one-digit-month-day"),
    pytest.param("2025-09-08X16:50:01Z", id="bad-separator"),
    pytest.param("2025-09-08T16:50:01.Z", id="empty-fraction"),
    pytest.param("2025-09-08T16:5Z", id="one-digit-minute"),
    pytest.param("2025-09-08T16:50:01 Z", id="space-before-Z"),
    pytest.param("2025-09-08T16:50:01ZZ", id="double-Z"),
    pytest.param("2025-09-08T", id="dangling-T"),
    pytest.param("16:50:01Z", id="time-only"),
    pytest.param("16:50:01.447585", id="time-only-naive"),
]


@pytest.mark.parametrize("text", ISO_UNPARSEABLE)
def test_iso_impossible_or_malformed_is_unparseable(text):
    reading = classify(text, NO_WINDOW)
    assert reading.form is Form.UNPARSEABLE
    assert reading.seconds is None
    assert isinstance(reading.reason, str) and reading.reason
    assert reading.reason is not None
    assert not reading.out_of_range


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2025-09-08", id="calendar"),
        pytest.param("2025-251", id="ordinal"),
        pytest.param("2025-W37-1", id="week"),
        pytest.param("2025W371", id="week-basic"),
    ],
)
def test_date_only_is_unparseable_and_says_the_time_is_missing(text):
    reading = classify(text, NO_WINDOW)
    assert reading.form is Form.UNPARSEABLE
    assert reading.seconds is None
    assert "time" in reading.reason.lower()


# --- exactness: cases where a float computation would go wrong ----------------------------------

NS_INTEGER = 1757350201976787301  # 19 digits: float(n) already loses the low digits


def test_ns_integer_case_is_discriminating():
    assert float(NS_INTEGER) / 1e9 != scaled(NS_INTEGER, 9)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(NS_INTEGER, id="int"),
        pytest.param(str(NS_INTEGER), id="numeric-string"),
        pytest.param(Decimal(NS_INTEGER), id="decimal"),
        pytest.param(f" {NS_INTEGER}\n", id="numeric-string-whitespace"),
    ],
)
def test_ns_integer_is_divided_exactly(value):
    reading = classify(value)
    assert reading.unit is Unit.NS
    assert reading.seconds == scaled(NS_INTEGER, 9)
    assert reading.reason is None


def test_ns_fraction_is_kept_until_the_single_rounding():
    text = "2025-09-08T16:50:01.123456789Z"
    expected = at(2025, 9, 8, 16, 50, 1, "123456789")
    # reading it through a microsecond datetime would lose the last three digits and differ
    assert dt.datetime(2025, 9, 8, 16, 50, 1, 123456, tzinfo=dt.UTC).timestamp() != expected
    assert classify(text).seconds == expected


def _terminating_digits(value: Fraction) -> str:
    """The full decimal expansion of a fraction in [0, 1) whose denominator is a power of two."""
    digits = 1
    while (value * 10**digits).denominator != 1:
        digits += 1
    return str(int(value * 10**digits)).rjust(digits, "0")


def _digits(value: Fraction, count: int, *, up: bool) -> str:
    """`count` digits of a fraction in [0, 1), truncated (up=False) or rounded up (up=True)."""
    scaled_value = value * 10**count
    number = math.ceil(scaled_value) if up else math.floor(scaled_value)
    return str(number).rjust(count, "0")


def _boundary_cases():
    """Fractions that put an instant just above, just below and exactly on the midpoint between two
    adjacent floats. Their correctly rounded results differ by one ulp, so any computation that
    rounds the fraction first (or drops its far digits) gets at least one of them wrong."""
    cases = []
    # seconds precision: the midpoint's fraction terminates after 23 digits
    whole = exact(2025, 9, 8, 16, 50, 1)
    half_ulp = Fraction(math.ulp(float(whole))) / 2
    mid = (frac_of("447585") // (2 * half_ulp)) * 2 * half_ulp + half_ulp
    mid_digits = _terminating_digits(mid)
    below = str(int(mid_digits) - 1).rjust(len(mid_digits), "0") + "9" * 30
    cases += [
        ("2025-09-08T16:50:01.{}Z", whole, 1, mid_digits, "seconds-exact-midpoint"),
        ("2025-09-08T16:50:01.{}Z", whole, 1, mid_digits + "0" * 30 + "1", "seconds-just-above"),
        ("2025-09-08T16:50:01.{}Z", whole, 1, below, "seconds-just-below"),
        ("2025-09-08T16:50:01.{}Z", whole, 1, mid_digits + "0" * 1000 + "1", "seconds-1024-digits-above"),
    ]
    # hour and minute precision: the midpoint's fraction of an hour (or minute) never terminates,
    # so the digits must be kept (well past any fixed cut-off) to know on which side it lies
    for unit, whole, text, name in (
        (3600, exact(2025, 9, 8, 16), "2025-09-08T16,{}Z", "hours"),
        (60, exact(2025, 9, 8, 16, 50), "2025-09-08T16:50,{}Z", "minutes"),
    ):
        mid = (unit // 2 + half_ulp) / unit
        cases += [
            (text, whole, unit, _digits(mid, 1000, up=True), f"{name}-1000-digits-above"),
            (text, whole, unit, _digits(mid, 1000, up=False), f"{name}-1000-digits-below"),
        ]
    return [
        pytest.param(text.format(digits), whole, unit, digits, id=name) for text, whole, unit, digits, name in cases
    ]


@pytest.mark.parametrize(("text", "whole", "unit", "digits"), _boundary_cases())
def test_fraction_near_a_rounding_boundary_is_rounded_once(text, whole, unit, digits):
    expected = float(whole + frac_of(digits) * unit)
    assert classify(text, NO_WINDOW).seconds == expected


def test_boundary_cases_are_discriminating():
    """The above/below pairs round to different floats, but adding a rounded fraction cannot tell
    them apart: so at least one of each pair is wrong for a naive float computation."""
    cases = {case.id: case.values for case in _boundary_cases()}
    for above_id, below_id in (
        ("seconds-just-above", "seconds-just-below"),
        ("hours-1000-digits-above", "hours-1000-digits-below"),
        ("minutes-1000-digits-above", "minutes-1000-digits-below"),
    ):
        exact_pair, naive_pair = [], []
        for _, whole, unit, digits in (cases[above_id], cases[below_id]):
            exact_pair.append(float(whole + frac_of(digits) * unit))
            naive_pair.append(float(whole) + float(Fraction(float("0." + digits)) * unit))
        assert exact_pair[0] > exact_pair[1], above_id
        assert naive_pair != exact_pair, above_id


def _numeric_string_boundary_cases():
    whole = 1757350201
    half_ulp = Fraction(math.ulp(float(whole))) / 2
    mid = (frac_of("447585") // (2 * half_ulp)) * 2 * half_ulp + half_ulp
    mid_digits = _terminating_digits(mid)
    above = mid_digits + "0" * 25 + "1"
    below = str(int(mid_digits) - 1).rjust(len(mid_digits), "0") + "9" * 25
    return whole, above, below


@pytest.mark.parametrize("side", ["above", "below"])
@pytest.mark.parametrize("spelling", [str, Decimal], ids=["string", "decimal"])
def test_numeric_string_near_a_rounding_boundary(side, spelling):
    whole, above, below = _numeric_string_boundary_cases()
    digits = above if side == "above" else below
    expected = float(whole + frac_of(digits))
    reading = classify(spelling(f"{whole}.{digits}"))
    assert reading.seconds == expected


def test_numeric_string_boundary_cases_are_discriminating():
    whole, above, below = _numeric_string_boundary_cases()
    exact_pair = (float(whole + frac_of(above)), float(whole + frac_of(below)))
    assert exact_pair[0] > exact_pair[1]
    naive_pair = (float(whole) + float("0." + above), float(whole) + float("0." + below))
    assert naive_pair != exact_pair


# --- numbers and numeric strings -----------------------------------------------------------------

NUMBER_CASES = [
    pytest.param(1757350201, scaled(1757350201, 0), Unit.S, id="int-s"),
    pytest.param(1757350201.447585, float(Fraction(1757350201.447585)), Unit.S, id="float-s"),
    pytest.param(1757350201447, scaled(1757350201447, 3), Unit.MS, id="int-ms"),
    pytest.param(1757350201447.585, float(Fraction(1757350201447.585) / 1000), Unit.MS, id="float-ms"),
    pytest.param(1757350201447585, scaled(1757350201447585, 6), Unit.US, id="int-us"),
    pytest.param(1757350201447585.0, scaled(1757350201447585, 6), Unit.US, id="float-us"),
    pytest.param(1757350201447585123, scaled(1757350201447585123, 9), Unit.NS, id="int-ns"),
    pytest.param(Decimal("1757350201.447585"), float(Fraction("1757350201.447585")), Unit.S, id="decimal-s"),
    pytest.param(Decimal("1757350201447.585"), float(Fraction("1757350201447.585") / 1000), Unit.MS, id="decimal-ms"),
    pytest.param(
        Decimal("1757350201.4475850000000000000000000001"),
        float(Fraction("1757350201.4475850000000000000000000001")),
        Unit.S,
        id="decimal-many-digits",
    ),
    pytest.param(Decimal("1.757350201447585E+9"), float(Fraction("1757350201.447585")), Unit.S, id="decimal-exponent"),
]

NUMERIC_STRING_CASES = [
    pytest.param("1757350201.447585", float(Fraction("1757350201.447585")), Unit.S, id="s-fraction"),
    pytest.param("1757350201", scaled(1757350201, 0), Unit.S, id="s"),
    pytest.param(" 1757350201 ", scaled(1757350201, 0), Unit.S, id="spaces"),
    pytest.param("\t\r\n1757350201.5\n", float(Fraction("1757350201.5")), Unit.S, id="tab-cr-lf"),
    pytest.param("+1757350201", scaled(1757350201, 0), Unit.S, id="plus-sign"),
    pytest.param("1757350201447", scaled(1757350201447, 3), Unit.MS, id="ms"),
    pytest.param("1757350201447.585", float(Fraction("1757350201447.585") / 1000), Unit.MS, id="ms-fraction"),
    pytest.param("1757350201447585", scaled(1757350201447585, 6), Unit.US, id="us"),
    pytest.param("1757350201447585123", scaled(1757350201447585123, 9), Unit.NS, id="ns"),
    pytest.param("1.757350201447585e9", float(Fraction("1757350201.447585")), Unit.S, id="exponent-s"),
    pytest.param("1757350201447585E-6", float(Fraction("1757350201.447585")), Unit.S, id="exponent-negative"),
    pytest.param("1.757350201447585e15", scaled(1757350201447585, 6), Unit.US, id="exponent-us"),
    pytest.param("1757350201.", scaled(1757350201, 0), Unit.S, id="trailing-dot"),
]


@pytest.mark.parametrize(("value", "expected", "unit"), NUMBER_CASES)
def test_numbers(value, expected, unit):
    reading = classify(value)
    assert reading == Reading(Form.NUMBER, expected, None, unit=unit)
    assert to_epoch_seconds(value) == expected


@pytest.mark.parametrize(("text", "expected", "unit"), NUMERIC_STRING_CASES)
def test_numeric_strings(text, expected, unit):
    reading = classify(text)
    assert reading == Reading(Form.NUMERIC_STRING, expected, None, unit=unit)


@pytest.mark.parametrize(
    ("value", "expected", "unit", "form"),
    [
        pytest.param(-1757350201, -1757350201.0, Unit.S, Form.NUMBER, id="int-s"),
        pytest.param(-1757350201.5, -1757350201.5, Unit.S, Form.NUMBER, id="float-s"),
        pytest.param(-1757350201447, scaled(-1757350201447, 3), Unit.MS, Form.NUMBER, id="int-ms"),
        pytest.param(-1757350201447585, scaled(-1757350201447585, 6), Unit.US, Form.NUMBER, id="int-us"),
        pytest.param(-NS_INTEGER, scaled(-NS_INTEGER, 9), Unit.NS, Form.NUMBER, id="int-ns"),
        pytest.param(
            Decimal("-1757350201447.585"),
            float(Fraction("-1757350201447.585") / 1000),
            Unit.MS,
            Form.NUMBER,
            id="decimal-ms",
        ),
        pytest.param("-1757350201447", scaled(-1757350201447, 3), Unit.MS, Form.NUMERIC_STRING, id="string-ms"),
        pytest.param(" -1.5 ", -1.5, Unit.S, Form.NUMERIC_STRING, id="string-s"),
        pytest.param(0, 0.0, Unit.S, Form.NUMBER, id="zero"),
        pytest.param(".5", 0.5, Unit.S, Form.NUMERIC_STRING, id="leading-dot"),
    ],
)
def test_negative_and_small_numbers_without_window(value, expected, unit, form):
    reading = classify(value, NO_WINDOW)
    assert reading == Reading(form, expected, None, unit=unit)


UNIT_BOUNDARIES = [
    pytest.param(10**11 - 1, Unit.S, id="below-1e11"),
    pytest.param(10**11, Unit.MS, id="1e11"),
    pytest.param(-(10**11 - 1), Unit.S, id="minus-below-1e11"),
    pytest.param(-(10**11), Unit.MS, id="minus-1e11"),
    pytest.param(10**14 - 1, Unit.MS, id="below-1e14"),
    pytest.param(10**14, Unit.US, id="1e14"),
    pytest.param(-(10**14), Unit.US, id="minus-1e14"),
    pytest.param(10**17 - 1, Unit.US, id="below-1e17"),
    pytest.param(10**17, Unit.NS, id="1e17"),
    pytest.param(-(10**17), Unit.NS, id="minus-1e17"),
    pytest.param(10**20 - 1, Unit.NS, id="below-1e20"),
    pytest.param(-(10**20 - 1), Unit.NS, id="minus-below-1e20"),
]


@pytest.mark.parametrize(("n", "unit"), UNIT_BOUNDARIES)
@pytest.mark.parametrize("spelling", [int, str, Decimal], ids=["int", "string", "decimal"])
def test_unit_is_inferred_from_magnitude(n, unit, spelling):
    reading = classify(spelling(n), NO_WINDOW)
    assert reading.unit is unit
    assert reading.seconds == scaled(n, unit.value)
    assert reading.reason is None


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        pytest.param(99_999_999_999.5, Unit.S, id="float-just-below-1e11"),
        pytest.param(1e11, Unit.MS, id="float-1e11"),
        pytest.param(1e14, Unit.US, id="float-1e14"),
        pytest.param(1e17, Unit.NS, id="float-1e17"),
        pytest.param(99_999_999_999_999_983_616.0, Unit.NS, id="float-just-below-1e20"),
    ],
)
def test_unit_is_inferred_from_float_magnitude(value, unit):
    reading = classify(value, NO_WINDOW)
    assert reading.unit is unit
    assert reading.seconds == float(Fraction(value) / 10**unit.value)


@pytest.mark.parametrize(
    ("value", "form"),
    [
        pytest.param(10**20, Form.NUMBER, id="int-1e20"),
        pytest.param(-(10**20), Form.NUMBER, id="int-minus-1e20"),
        pytest.param(10**20 + 1, Form.NUMBER, id="int-1e20+1"),
        pytest.param(10**24, Form.NUMBER, id="int-1e24"),
        pytest.param(10**25, Form.NUMBER, id="int-1e25"),
        pytest.param(-(10**25), Form.NUMBER, id="int-minus-1e25"),
        pytest.param(10**300, Form.NUMBER, id="int-1e300"),
        pytest.param(1e20, Form.NUMBER, id="float-1e20"),
        pytest.param(1e300, Form.NUMBER, id="float-1e300"),
        pytest.param(-1.7976931348623157e308, Form.NUMBER, id="float-min"),
        pytest.param(Decimal("1e20"), Form.NUMBER, id="decimal-1e20"),
        pytest.param(Decimal("-1e50"), Form.NUMBER, id="decimal-minus-1e50"),
        pytest.param(Decimal("1e308"), Form.NUMBER, id="decimal-1e308"),
        pytest.param("100000000000000000000", Form.NUMERIC_STRING, id="string-1e20"),
        pytest.param("1e20", Form.NUMERIC_STRING, id="string-exponent-1e20"),
        pytest.param("-1e300", Form.NUMERIC_STRING, id="string-minus-1e300"),
    ],
)
def test_too_large_for_every_unit_is_out_of_range(value, form):
    for policy in (DEFAULT_POLICY, NO_WINDOW):  # the magnitude rule does not depend on the window
        reading = classify(value, policy)
        assert reading.form is form
        assert reading.seconds is None
        assert reading.out_of_range is True
        assert isinstance(reading.reason, str) and reading.reason
        assert reading.reason is not None


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        pytest.param(1757350201447, Unit.MS, scaled(1757350201447, 3), id="ms"),
        pytest.param(1757350201, Unit.S, 1757350201.0, id="s"),
        pytest.param(1757350201447585, Unit.US, scaled(1757350201447585, 6), id="us"),
        pytest.param("1757350201447585123", Unit.NS, scaled(1757350201447585123, 9), id="ns-string"),
        pytest.param(NS_INTEGER, Unit.NS, scaled(NS_INTEGER, 9), id="ns-discriminating"),
        pytest.param(1757350201, Unit.MS, scaled(1757350201, 3), id="s-sized-read-as-ms"),
        pytest.param(1757350201447, Unit.S, 1757350201447.0, id="ms-sized-read-as-s"),
        pytest.param(1757350201447, Unit.NS, scaled(1757350201447, 9), id="ms-sized-read-as-ns"),
        pytest.param(1757350201.5, Unit.MS, float(Fraction(1757350201.5) / 1000), id="float-read-as-ms"),
        pytest.param(
            Decimal("1757350201447.585"), Unit.MS, float(Fraction("1757350201447.585") / 1000), id="decimal-ms"
        ),
        pytest.param(10**20 + 7, Unit.NS, scaled(10**20 + 7, 9), id="beyond-1e20-read-as-ns"),
        pytest.param("-1757350201447", Unit.MS, scaled(-1757350201447, 3), id="negative-string-ms"),
        # Past 80 bits an integer fits no inferred unit; a forced one still reads it, as its string.
        pytest.param(2**81, Unit.NS, scaled(2**81, 9), id="82-bit-integer-read-as-ns"),
        pytest.param(-(2**81), Unit.NS, scaled(-(2**81), 9), id="negative-82-bit-integer-read-as-ns"),
        pytest.param(str(2**81), Unit.NS, scaled(2**81, 9), id="82-bit-string-read-as-ns"),
    ],
)
def test_unit_override(value, unit, expected):
    reading = classify(value, Policy(unit=unit, window=None))
    assert reading.unit is unit
    assert reading.seconds == expected
    assert reading.reason is None


@pytest.mark.parametrize("value", [0, 0.0, -0.0, "0", " 0.000 ", Decimal("0E+5"), "-0"])
@pytest.mark.parametrize("unit", list(Unit))
def test_zero_reads_as_seconds_whatever_the_unit(value, unit):
    # Zero is the same instant in every unit: under a forced unit it is not "milliseconds where
    # seconds are expected" (a finding whose fix, 0.0, would be found again in the fixed file).
    reading = classify(value, Policy(unit=unit, window=None))
    assert (reading.unit, reading.seconds, reading.reason) == (Unit.S, 0.0, None)


def test_unit_override_result_is_still_checked_against_the_window():
    reading = classify(1757350201, Policy(unit=Unit.MS))  # read as ms: 1970-01-21
    assert reading.form is Form.NUMBER
    assert reading.unit is Unit.MS
    assert reading.seconds == scaled(1757350201, 3)
    assert reading.out_of_range and reading.reason
    assert classify(1757350201447, Policy(unit=Unit.MS)).seconds == scaled(1757350201447, 3)
    assert classify(1757350201447, Policy(unit=Unit.MS)).reason is None


# --- the plausible window -------------------------------------------------------------------------

WINDOW_CASES = [
    # (value, form, expected seconds, inside the default window?)
    pytest.param("1970-01-01T00:00:00Z", Form.ISO_OFFSET, 0.0, False, id="iso-epoch"),
    pytest.param(0, Form.NUMBER, 0.0, False, id="zero"),
    pytest.param(0.0, Form.NUMBER, 0.0, False, id="zero-float"),
    pytest.param(-1, Form.NUMBER, -1.0, False, id="minus-one"),
    pytest.param("0", Form.NUMERIC_STRING, 0.0, False, id="string-zero"),
    pytest.param("-1", Form.NUMERIC_STRING, -1.0, False, id="string-minus-one"),
    pytest.param(100_000_000_000, Form.NUMBER, 100_000_000.0, False, id="ms-in-1973"),
    pytest.param(123_456_789_012, Form.NUMBER, scaled(123_456_789_012, 3), False, id="ms-in-1973-b"),
    pytest.param(1_757_350, Form.NUMBER, 1_757_350.0, False, id="small-seconds"),
    pytest.param(99_999_999_999, Form.NUMBER, 99_999_999_999.0, False, id="s-year-5138"),
    pytest.param(WINDOW_START, Form.NUMBER, float(WINDOW_START), True, id="start-exact-number"),
    pytest.param(WINDOW_START - 1, Form.NUMBER, float(WINDOW_START - 1), False, id="start-minus-1"),
    pytest.param(WINDOW_END - 1, Form.NUMBER, float(WINDOW_END - 1), True, id="end-minus-1"),
    pytest.param(WINDOW_END, Form.NUMBER, float(WINDOW_END), False, id="end-exact-number"),
    pytest.param(WINDOW_END * 1000, Form.NUMBER, float(WINDOW_END), False, id="end-exact-ms"),
    pytest.param("2000-01-01T00:00:00Z", Form.ISO_OFFSET, at(2000, 1, 1), True, id="2000-01-01-inside"),
    pytest.param("2000-01-01T00:00:00", Form.ISO_NAIVE, at(2000, 1, 1), True, id="2000-01-01-naive"),
    pytest.param("2000-01-01T01:00:00+01:00", Form.ISO_OFFSET, at(2000, 1, 1), True, id="2000-01-01-offset"),
    pytest.param("1999-12-31T23:59:59Z", Form.ISO_OFFSET, at(1999, 12, 31, 23, 59, 59), False, id="1999"),
    pytest.param(
        "1999-12-31T23:59:59.999Z", Form.ISO_OFFSET, at(1999, 12, 31, 23, 59, 59, "999"), False, id="1999-fraction"
    ),
    pytest.param("2000-01-01T00:30:00+01:00", Form.ISO_OFFSET, at(1999, 12, 31, 23, 30), False, id="1999-by-offset"),
    pytest.param(
        "2099-12-31T23:59:59.999Z", Form.ISO_OFFSET, at(2099, 12, 31, 23, 59, 59, "999"), True, id="2099-inside"
    ),
    pytest.param("2100-01-01T00:00:00Z", Form.ISO_OFFSET, at(2100, 1, 1), False, id="2100-01-01-outside"),
    pytest.param("2099-12-31T24:00:00Z", Form.ISO_OFFSET, at(2100, 1, 1), False, id="2099-24:00-outside"),
    pytest.param("2100-01-01T00:00:00", Form.ISO_NAIVE, at(2100, 1, 1), False, id="2100-naive"),
    pytest.param("9999-12-31T23:59:59Z", Form.ISO_OFFSET, at(9999, 12, 31, 23, 59, 59), False, id="9999"),
    pytest.param("0001-01-01T00:00:00Z", Form.ISO_OFFSET, at(1, 1, 1), False, id="0001"),
    pytest.param("Thu, 01 Jan 1970 00:00:00 GMT", Form.DATE_STRING, 0.0, False, id="rfc2822-epoch"),
    pytest.param("Sat, 01 Jan 2000 00:00:00 GMT", Form.DATE_STRING, at(2000, 1, 1), True, id="rfc2822-2000"),
    pytest.param(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), Form.DATETIME, 0.0, False, id="datetime-epoch"),
    pytest.param(dt.datetime(2000, 1, 1, tzinfo=dt.UTC), Form.DATETIME, at(2000, 1, 1), True, id="datetime-2000"),
]


@pytest.mark.parametrize(("value", "form", "expected", "inside"), WINDOW_CASES)
def test_default_window(value, form, expected, inside):
    reading = classify(value)
    assert reading.form is form
    assert reading.seconds == expected
    assert reading.out_of_range is (not inside)
    assert (reading.reason is None) is inside
    assert (reading.reason is None) is inside
    # without a window every one of them is usable, with the same instant and form
    unwindowed = classify(value, NO_WINDOW)
    assert unwindowed.form is form
    assert unwindowed.seconds == expected
    assert (unwindowed.reason is None) and not unwindowed.out_of_range


def test_out_of_window_naive_reading_keeps_its_zone():
    reading = classify("1970-01-01T00:00:00")
    assert reading.form is Form.ISO_NAIVE
    assert reading.seconds == 0.0
    assert reading.out_of_range
    assert reading.zone == "UTC"


def test_out_of_window_number_keeps_its_unit():
    reading = classify(100_000_000_000)
    assert reading.unit is Unit.MS
    assert reading.out_of_range


def test_custom_window():
    policy = Policy(window=parse_window("2025-01-01..2026-01-01"))
    assert classify("2025-09-08T16:50:01.447585Z", policy).reason is None
    assert classify("2025-01-01T00:00:00Z", policy).reason is None
    outside = classify("2026-01-01T00:00:00Z", policy)
    assert outside.out_of_range and outside.seconds == at(2026, 1, 1)
    assert classify("2024-12-31T23:59:59Z", policy).out_of_range


# --- naive strings and the naive zone -------------------------------------------------------------

NAIVE_ZONE_CASES = [
    pytest.param("2025-09-08T16:50:01.447585", "UTC", INCIDENT, "UTC", id="utc"),
    pytest.param("2025-09-08T16:50:01.447585", "utc", INCIDENT, "UTC", id="utc-lowercase"),
    pytest.param("2025-09-08T09:50:01.447585", LA, INCIDENT, LA, id="la-summer"),
    pytest.param("2025-01-15T12:00:00", LA, at(2025, 1, 15, 20), LA, id="la-winter"),
    pytest.param("20250908T095001.447585", LA, INCIDENT, LA, id="la-basic"),
    pytest.param("2025-09-08T09:50", LA, at(2025, 9, 8, 16, 50), LA, id="la-minute-precision"),
    pytest.param("2025-09-08T24:00:00", LA, at(2025, 9, 9, 7), LA, id="la-24:00"),
    pytest.param("2016-12-31T15:59:60", LA, at(2017, 1, 1), LA, id="la-leap-second"),
    pytest.param("2025-03-09T01:59:59.5", LA, at(2025, 3, 9, 9, 59, 59, "5"), LA, id="la-just-before-gap"),
    pytest.param("2025-03-09T03:00:00", LA, at(2025, 3, 9, 10), LA, id="la-just-after-gap"),
    pytest.param("2025-11-02T00:59:59", LA, at(2025, 11, 2, 7, 59, 59), LA, id="la-just-before-fold"),
    pytest.param("2025-11-02T02:00:00", LA, at(2025, 11, 2, 10), LA, id="la-just-after-fold"),
    pytest.param("2025-09-08T09:50:01.447585", "-07:00", INCIDENT, "-07:00", id="fixed--07:00"),
    pytest.param("2025-09-08T09:50:01.447585", "-0700", INCIDENT, None, id="fixed--0700"),
    pytest.param("2025-09-08T09:50:01.447585", f"{MINUS}07:00", INCIDENT, "-07:00", id="fixed-U+2212"),
    pytest.param("2025-09-08T22:20:01.447585", "+05:30", INCIDENT, "+05:30", id="fixed-+05:30"),
    pytest.param("2025-03-09T02:30:00", "-08:00", at(2025, 3, 9, 10, 30), "-08:00", id="fixed-has-no-gap"),
]


@pytest.mark.parametrize(("text", "spec", "expected", "zone_name"), NAIVE_ZONE_CASES)
def test_naive_strings_are_read_in_the_policy_zone(text, spec, expected, zone_name):
    reading = classify(text, zone(spec))
    assert reading.form is Form.ISO_NAIVE
    assert reading.seconds == expected
    assert reading.reason is None
    if zone_name is not None:
        assert reading.zone == zone_name
    else:
        assert reading.zone


def test_offset_strings_ignore_the_naive_zone():
    for spec in (LA, "-07:00", "reject"):
        reading = classify("2025-09-08T16:50:01.447585Z", zone(spec))
        assert reading.form is Form.ISO_OFFSET
        assert reading.seconds == INCIDENT
        assert reading.reason is None


DST_CASES = [
    pytest.param("2025-03-09T02:30:00", "skip", id="gap-middle"),
    pytest.param("2025-03-09T02:00:00", "skip", id="gap-start"),
    pytest.param("2025-03-09T02:59:59.999", "skip", id="gap-end-fraction"),
    pytest.param("2025-03-09T02:30", "skip", id="gap-minute-precision"),
    pytest.param("20250309T023000", "skip", id="gap-basic"),
    pytest.param("2025-11-02T01:30:00", "twice", id="fold-middle"),
    pytest.param("2025-11-02T01:00:00", "twice", id="fold-start"),
    pytest.param("2025-11-02T01:59:59.5", "twice", id="fold-end-fraction"),
    pytest.param("2025-11-02T01", "twice", id="fold-hour-precision"),
]
SKIP_WORDS = ("skip", "does not exist", "not exist", "nonexistent", "gap")
TWICE_WORDS = ("twice", "ambiguous", "repeat", "fold")


@pytest.mark.parametrize(("text", "kind"), DST_CASES)
def test_dst_gap_and_fold_are_not_usable(text, kind):
    reading = classify(text, zone(LA))
    assert reading.form is Form.ISO_NAIVE
    assert reading.seconds is None
    assert reading.reason is not None
    assert reading.zone == LA
    words = SKIP_WORDS if kind == "skip" else TWICE_WORDS
    assert any(word in reading.reason.lower() for word in words), reading.reason


# A fraction of an hour or minute is looked up in the zone at the second it falls in, not at the
# whole hour or minute written (expected instants worked out by hand from the zones' rules).
@pytest.mark.parametrize(
    ("text", "zone_name", "expected"),
    [
        # Lord Howe goes back from 02:00 to 01:30 on 2025-04-06: 01:45 happens twice, 01:15 once (+11).
        pytest.param("2025-04-06T01.75", "Australia/Lord_Howe", "twice", id="lord-howe-fold-hour-fraction"),
        pytest.param("2025-04-06T01.25", "Australia/Lord_Howe", (2025, 4, 5, 14, 15, 0), id="lord-howe-before-fold"),
        # ... and forward from 02:00 to 02:30 on 2025-10-05: 02:45 exists (+11), 02:15 does not.
        pytest.param("2025-10-05T02.75", "Australia/Lord_Howe", (2025, 10, 4, 15, 45, 0), id="lord-howe-after-gap"),
        pytest.param("2025-10-05T02.25", "Australia/Lord_Howe", "skip", id="lord-howe-gap-hour-fraction"),
        # Amsterdam's summer time moved from +01:19:32 to +01:20 at midnight on 1937-07-01:
        # 00:00:00-00:00:27 skipped.
        pytest.param(
            "1937-07-01T00:00.5", "Europe/Amsterdam", (1937, 6, 30, 22, 40, 30), id="amsterdam-minute-fraction"
        ),
        pytest.param("1937-07-01T00:00.25", "Europe/Amsterdam", "skip", id="amsterdam-minute-fraction-in-gap"),
        # Los Angeles: 01:59:24 PST is before the gap, 01:59:59.4 too; 01:30 on 2025-11-02 twice.
        pytest.param("2025-03-09T01.99", LA, (2025, 3, 9, 9, 59, 24), id="la-before-gap-hour-fraction"),
        pytest.param("2025-03-09T01:59.99", LA, (2025, 3, 9, 9, 59, 59.4), id="la-before-gap-minute-fraction"),
        pytest.param("2025-11-02T00.99", LA, (2025, 11, 2, 7, 59, 24), id="la-before-fold-hour-fraction"),
        pytest.param("2025-11-02T01.5", LA, "twice", id="la-fold-hour-fraction"),
    ],
)
def test_fractional_hours_and_minutes_meet_the_zone_at_their_second(text, zone_name, expected):
    reading = classify(text, Policy(naive_zone=parse_naive_zone(zone_name), window=None))
    if isinstance(expected, str):
        assert reading.seconds is None
        words = SKIP_WORDS if expected == "skip" else TWICE_WORDS
        assert any(word in reading.reason.lower() for word in words), reading.reason
    else:
        *fields, second = expected
        whole = calendar.timegm((*fields, int(second), 0, 0, 0))
        assert reading.reason is None
        assert reading.seconds == float(Fraction(whole) + Fraction(str(second)) - int(second))


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2025-09-08T16:50:01.447585", id="iso"),
        pytest.param("20250908T165001", id="basic"),
        pytest.param("2025-251T16:50:01", id="ordinal"),
        pytest.param("2025-09-08T24:00:00", id="24:00"),
    ],
)
def test_reject_converts_no_naive_string(value):
    reading = classify(value, zone("reject"))
    assert reading.form is Form.ISO_NAIVE
    assert reading.seconds is None
    assert isinstance(reading.reason, str) and reading.reason
    assert not reading.out_of_range
    with pytest.raises(TimestampError):
        to_epoch_seconds(value, zone("reject"))


def test_reject_still_converts_numbers_and_offsets():
    policy = zone("reject")
    assert classify(1757350201447, policy).seconds == scaled(1757350201447, 3)
    assert classify("2025-09-08T09:50:01.447585-07:00", policy).seconds == INCIDENT
    assert classify("Mon, 08 Sep 2025 16:50:01 GMT", policy).seconds == at(2025, 9, 8, 16, 50, 1)


@pytest.fixture
def local_zone(monkeypatch):
    """Set the process's local zone (POSIX TZ rules, no tz database needed) for one test."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")

    def set_zone(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


US_PACIFIC_RULES = "PST8PDT,M3.2.0,M11.1.0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2025-09-08T09:50:01.447585", INCIDENT, id="summer"),
        pytest.param("2025-01-15T12:00:00", at(2025, 1, 15, 20), id="winter"),
    ],
)
def test_local_zone(local_zone, text, expected):
    local_zone(US_PACIFIC_RULES)
    policy = zone("local")
    assert policy.naive_zone.name.startswith("local")
    reading = classify(text, policy)
    assert reading.form is Form.ISO_NAIVE
    assert reading.seconds == expected
    assert reading.reason is None
    assert reading.zone == policy.naive_zone.name


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("2025-03-09T02:30:00", "skip", id="gap"),
        pytest.param("2025-11-02T01:30:00", "twice", id="fold"),
    ],
)
def test_local_zone_dst_gap_and_fold(local_zone, text, kind):
    local_zone(US_PACIFIC_RULES)
    reading = classify(text, zone("local"))
    assert reading.form is Form.ISO_NAIVE
    assert reading.seconds is None
    words = SKIP_WORDS if kind == "skip" else TWICE_WORDS
    assert any(word in reading.reason.lower() for word in words), reading.reason


def test_local_zone_utc(local_zone):
    local_zone("UTC0")
    assert classify("2025-09-08T16:50:01.447585", zone("local")).seconds == INCIDENT


# --- RFC 2822 / HTTP dates ----------------------------------------------------------------------

RFC2822_CASES = [
    pytest.param("Tue, 29 Aug 2023 13:03:20 GMT", at(2023, 8, 29, 13, 3, 20), id="gmt"),
    pytest.param("Tue, 29 Aug 2023 13:03:20 +0000", at(2023, 8, 29, 13, 3, 20), id="+0000"),
    pytest.param("Tue, 29 Aug 2023 13:03:20 -0000", at(2023, 8, 29, 13, 3, 20), id="-0000"),
    pytest.param("Tue, 29 Aug 2023 13:03:20 UT", at(2023, 8, 29, 13, 3, 20), id="ut"),
    pytest.param("Tue, 29 Aug 2023 15:03:20 +0200", at(2023, 8, 29, 13, 3, 20), id="+0200"),
    pytest.param("Tue, 29 Aug 2023 18:33:20 +0530", at(2023, 8, 29, 13, 3, 20), id="+0530"),
    pytest.param("Tue, 29 Aug 2023 03:03:20 -1000", at(2023, 8, 29, 13, 3, 20), id="-1000"),
    pytest.param("Tue, 29 Aug 2023 08:03:20 EST", at(2023, 8, 29, 13, 3, 20), id="est"),
    pytest.param("Tue, 29 Aug 2023 09:03:20 EDT", at(2023, 8, 29, 13, 3, 20), id="edt"),
    pytest.param("Tue, 29 Aug 2023 07:03:20 CST", at(2023, 8, 29, 13, 3, 20), id="cst"),
    pytest.param("Tue, 29 Aug 2023 08:03:20 CDT", at(2023, 8, 29, 13, 3, 20), id="cdt"),
    pytest.param("Tue, 29 Aug 2023 06:03:20 MST", at(2023, 8, 29, 13, 3, 20), id="mst"),
    pytest.param("Tue, 29 Aug 2023 07:03:20 MDT", at(2023, 8, 29, 13, 3, 20), id="mdt"),
    pytest.param("Tue, 29 Aug 2023 05:03:20 PST", at(2023, 8, 29, 13, 3, 20), id="pst"),
    pytest.param("Tue, 29 Aug 2023 06:03:20 PDT", at(2023, 8, 29, 13, 3, 20), id="pdt"),
    pytest.param("Mon, 08 Sep 2025 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="http-imf-fixdate"),
    pytest.param("Mon, 08 Sep 2025 09:50:01 -0700", at(2025, 9, 8, 16, 50, 1), id="incident-second-offset"),
    pytest.param("Tue, 29 Aug 2023 13:03 GMT", at(2023, 8, 29, 13, 3), id="no-seconds"),
    pytest.param("Fri, 1 Sep 2023 00:00:00 GMT", at(2023, 9, 1), id="one-digit-day"),
    pytest.param("tue, 29 aug 2023 13:03:20 gmt", at(2023, 8, 29, 13, 3, 20), id="lowercase"),
    pytest.param("TUE, 29 AUG 2023 13:03:20 GMT", at(2023, 8, 29, 13, 3, 20), id="uppercase"),
    pytest.param("  Tue, 29 Aug 2023 13:03:20 GMT \n", at(2023, 8, 29, 13, 3, 20), id="surrounding-space"),
    pytest.param("Sat, 31 Dec 2016 23:59:60 +0000", at(2017, 1, 1), id="leap-second"),
    pytest.param("Sat, 31 Dec 2016 15:59:60 PST", at(2017, 1, 1), id="leap-second-named-zone"),
    pytest.param("29 Aug 2023 13:03:20 +0000", at(2023, 8, 29, 13, 3, 20), id="no-weekday"),
    pytest.param("29 Aug 2023 13:03:20 GMT", at(2023, 8, 29, 13, 3, 20), id="no-weekday-gmt"),
]


@pytest.mark.parametrize(("text", "expected"), RFC2822_CASES)
def test_rfc2822_dates(text, expected):
    reading = classify(text)
    assert reading.form is Form.DATE_STRING
    assert reading.seconds == expected
    assert reading.reason is None


# RFC 5322 §3.3 and the obsolete syntax of §4.3: comments (CFWS) where white space may be, white
# space around the comma and colons or none, folded lines, 2- and 3-digit years (00-49 are
# 2000-2049, 50-99 are 1950-1999, a 3-digit year is 1900 + its value). Weekdays from `calendar`.
RFC5322_CASES = [
    pytest.param("Mon, 08 Sep 2025 09:50:01 -0700 (PDT)", at(2025, 9, 8, 16, 50, 1), id="trailing-comment"),
    pytest.param("Mon, 08 Sep 2025 09:50:01 -0700(PDT)", at(2025, 9, 8, 16, 50, 1), id="comment-without-space"),
    pytest.param(
        "Mon, 08 Sep 2025 09:50:01 -0700 (Pacific (Daylight) Time)", at(2025, 9, 8, 16, 50, 1), id="nested-comment"
    ),
    pytest.param(
        "Mon, 08 Sep 2025 09:50:01 -0700 (a \\) and a \\( inside)", at(2025, 9, 8, 16, 50, 1), id="quoted-pairs"
    ),
    pytest.param("Mon, 08 Sep 2025 16:50:01 +0000 (UTC) (two)", at(2025, 9, 8, 16, 50, 1), id="two-comments"),
    pytest.param("(sent) Mon, 08 Sep 2025 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="leading-comment"),
    pytest.param("Mon (Monday), 08 Sep 2025 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="comment-before-comma"),
    pytest.param("Mon, 08(d)Sep(m)2025(y)16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="comments-as-separators"),
    pytest.param("Mon,08 Sep 2025 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="no-space-after-comma"),
    pytest.param("Mon , 08 Sep 2025 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="space-before-comma"),
    pytest.param("Mon, 08 Sep 2025 16 : 50 : 01 GMT", at(2025, 9, 8, 16, 50, 1), id="spaces-around-colons"),
    pytest.param("Mon, 08 Sep 2025\r\n 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="folded-line"),
    pytest.param("Mon, 08 Sep 2025 16:50:01 Z", at(2025, 9, 8, 16, 50, 1), id="military-z"),
    pytest.param("Mon, 08 Sep 2025 16:50:01 z", at(2025, 9, 8, 16, 50, 1), id="military-z-lowercase"),
    pytest.param("Mon, 08 Sep 25 16:50:01 GMT", at(2025, 9, 8, 16, 50, 1), id="year-25-is-2025"),
    pytest.param("Tue, 29 Aug 23 13:03:20 GMT", at(2023, 8, 29, 13, 3, 20), id="year-23-is-2023"),
    pytest.param("Sat, 01 Jan 00 00:00:00 GMT", at(2000, 1, 1), id="year-00-is-2000"),
    pytest.param("Fri, 31 Dec 49 23:59:59 GMT", at(2049, 12, 31, 23, 59, 59), id="year-49-is-2049"),
    pytest.param("Sun, 01 Jan 50 00:00:00 GMT", at(1950, 1, 1), id="year-50-is-1950"),
    pytest.param("Fri, 31 Dec 99 23:59:59 GMT", at(1999, 12, 31, 23, 59, 59), id="year-99-is-1999"),
    pytest.param("Thu, 01 Jan 70 00:00:00 GMT", 0.0, id="year-70-is-the-epoch"),
    pytest.param("Tue, 29 Aug 123 13:03:20 GMT", at(2023, 8, 29, 13, 3, 20), id="year-123-is-2023"),
    pytest.param("Wed, 29 Aug 023 13:03:20 GMT", at(1923, 8, 29, 13, 3, 20), id="year-023-is-1923"),
    pytest.param("Tue, 29 Aug 23 06:03:20 PDT (obsolete all over)", at(2023, 8, 29, 13, 3, 20), id="everything"),
]


@pytest.mark.parametrize(("text", "expected"), RFC5322_CASES)
def test_rfc5322_dates_with_the_obsolete_syntax(text, expected):
    reading = classify(text, NO_WINDOW)
    assert reading == Reading(Form.DATE_STRING, expected)


@pytest.mark.parametrize("letter", [*"ABCDEFGHIKLMNOPQRSTUVWXY", *"amy"])
def test_military_zones_other_than_z_name_no_instant(letter):
    # RFC 5322 §4.3: their meaning is unknown (RFC 822 had the signs backwards); read as -0000, an
    # unknown local zone, the wall time names no instant: wsfix does not guess one.
    reading = classify(f"Mon, 08 Sep 2025 16:50:01 {letter}", NO_WINDOW)
    assert reading.form is Form.UNPARSEABLE
    assert reading.seconds is None
    assert f"military zone {letter!r}" in reading.reason


def test_a_weekday_that_does_not_match_the_date_is_refused_whatever_the_syntax():
    reading = classify("Tue, 08 Sep 25 09:50:01 -0700 (PDT)")
    assert reading.reason == "looks like an RFC 2822 date but 2025-09-08 is a Monday, not Tue"


def test_a_hostile_run_of_comments_is_not_read_as_a_date():
    assert classify("(" * 100_000 + ")" * 100_000).form is Form.UNPARSEABLE


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Wed, 29 Aug 2023 13:03:20 GMT", id="wrong-weekday"),
        pytest.param("Mon, 29 Aug 2023 13:03:20 +0000", id="wrong-weekday-numeric-zone"),
        pytest.param("Xyz, 29 Aug 2023 13:03:20 GMT", id="not-a-weekday"),
        pytest.param("Wed, 29 Aug 23 13:03:20 GMT", id="two-digit-year-wrong-weekday"),
        pytest.param("Tue, 29 Aug 023 13:03:20 GMT", id="three-digit-year-is-1923-a-wednesday"),
        pytest.param("Tue, 08 Sep 2025 09:50:01 -0700 (PDT)", id="wrong-weekday-with-comment"),
        pytest.param("Mon, 08 Sep 2025 16:50:01 GMT (unclosed", id="unclosed-comment"),
        pytest.param("Mon, 08 Sep 2025 16:50:01 GMT closed)", id="unopened-comment"),
        pytest.param("Mon, 08 Sep 2025 16:50:01 GMT (a (b)", id="unclosed-nested-comment"),
        pytest.param("Mon, 08 Sep 2025 16:50:01 GMT (a \\)", id="quoted-closing-paren-leaves-comment-open"),
        pytest.param("08 Sep 12025 16:50:01 GMT", id="five-digit-year"),
        pytest.param("Mon, 08 Sep 2025\r\n16:50:01 GMT", id="line-break-not-folded"),
        pytest.param("Mon, 08 Sep 2025 16:50:01 J", id="military-j-is-not-a-zone"),
        pytest.param("Mon, 08 Sep 2025 1650:01 GMT", id="hour-and-minute-run-together"),
        pytest.param("Mon, 08 Sep 202516:50:01 GMT", id="year-and-hour-run-together"),
        pytest.param("Tue, 29 Aug 2023 13:03:20 XYZ", id="unknown-zone"),
        pytest.param("Tue, 29 Aug 2023 13:03:20 BST", id="unknown-zone-bst"),
        pytest.param("Tue, 29 Aug 2023 13:03:20 CEST", id="unknown-zone-4-letters"),
        pytest.param("Tue, 29 Aug 2023 13:03:20 +2400", id="zone-+2400"),
        pytest.param("Tue, 29 Aug 2023 13:03:20 +0060", id="zone-minute-60"),
        pytest.param("Tue, 29 Aug 2023 13:03:20", id="no-zone"),
        pytest.param("Thu, 30 Feb 2023 13:03:20 GMT", id="feb-30"),
        pytest.param("Tue, 29 Aug 2023 25:03:20 GMT", id="hour-25"),
        pytest.param("Tue, 29 Aug 2023 13:60:20 GMT", id="minute-60"),
        pytest.param("Tue, 29 Aug 2023 13:03:61 GMT", id="second-61"),
        pytest.param("Tue, 29 Aug 2023 13:59:60 GMT", id="leap-second-midday"),
        pytest.param("Tue, 29 Xyz 2023 13:03:20 GMT", id="unknown-month"),
        pytest.param("Tue, 29 August 2023 13:03:20 GMT", id="long-month"),
    ],
)
def test_rfc2822_bad_dates_are_unparseable(text):
    reading = classify(text, NO_WINDOW)
    assert reading.form is Form.UNPARSEABLE
    assert reading.seconds is None
    assert isinstance(reading.reason, str) and reading.reason


# --- values that are not convertible -------------------------------------------------------------


class _Thing:
    pass


NOT_CONVERTIBLE = [
    pytest.param(True, Form.BOOLEAN, id="true"),
    pytest.param(False, Form.BOOLEAN, id="false"),
    pytest.param(None, Form.NULL, id="null"),
    pytest.param({}, Form.OBJECT, id="empty-object"),
    pytest.param({"seconds": 1757350201}, Form.OBJECT, id="object"),
    pytest.param([], Form.ARRAY, id="empty-array"),
    pytest.param([1757350201], Form.ARRAY, id="array"),
    pytest.param("", Form.UNPARSEABLE, id="empty-string"),
    pytest.param(" ", Form.UNPARSEABLE, id="space"),
    pytest.param(" \t\r\n ", Form.UNPARSEABLE, id="blank"),
    pytest.param("0x10", Form.UNPARSEABLE, id="hex"),
    pytest.param("0x68BF0A39", Form.UNPARSEABLE, id="hex-timestamp"),
    pytest.param("1_000", Form.UNPARSEABLE, id="underscore"),
    pytest.param("1_757_350_201", Form.UNPARSEABLE, id="underscore-timestamp"),
    pytest.param("1,757,350,201", Form.UNPARSEABLE, id="thousands-commas"),
    pytest.param("1757350201 s", Form.UNPARSEABLE, id="with-unit"),
    pytest.param("abc", Form.UNPARSEABLE, id="word"),
    pytest.param("now", Form.UNPARSEABLE, id="now"),
    pytest.param("yesterday", Form.UNPARSEABLE, id="yesterday"),
    pytest.param("1e", Form.UNPARSEABLE, id="dangling-exponent"),
    pytest.param("--1", Form.UNPARSEABLE, id="double-minus"),
    pytest.param(".", Form.UNPARSEABLE, id="dot"),
    pytest.param(float("nan"), Form.NON_FINITE, id="float-nan"),
    pytest.param(float("inf"), Form.NON_FINITE, id="float-inf"),
    pytest.param(float("-inf"), Form.NON_FINITE, id="float-minus-inf"),
    pytest.param(Decimal("NaN"), Form.NON_FINITE, id="decimal-nan"),
    pytest.param(Decimal("-NaN"), Form.NON_FINITE, id="decimal-minus-nan"),
    pytest.param(Decimal("sNaN"), Form.NON_FINITE, id="decimal-signaling-nan"),
    pytest.param(Decimal("Infinity"), Form.NON_FINITE, id="decimal-inf"),
    pytest.param(Decimal("-Infinity"), Form.NON_FINITE, id="decimal-minus-inf"),
    pytest.param("nan", Form.NON_FINITE, id="string-nan"),
    pytest.param("NaN", Form.NON_FINITE, id="string-NaN"),
    pytest.param("inf", Form.NON_FINITE, id="string-inf"),
    pytest.param("-inf", Form.NON_FINITE, id="string-minus-inf"),
    pytest.param("Infinity", Form.NON_FINITE, id="string-Infinity"),
    pytest.param("-Infinity", Form.NON_FINITE, id="string-minus-Infinity"),
    pytest.param(" +inf\n", Form.NON_FINITE, id="string-inf-whitespace"),
    pytest.param(10**400, Form.NON_FINITE, id="int-1e400"),
    pytest.param(-(10**400), Form.NON_FINITE, id="int-minus-1e400"),
    pytest.param(10**5000, Form.NON_FINITE, id="int-1e5000"),
    pytest.param(Decimal("1e400"), Form.NON_FINITE, id="decimal-1e400"),
    pytest.param(Decimal("-1e400"), Form.NON_FINITE, id="decimal-minus-1e400"),
    pytest.param("1e400", Form.NON_FINITE, id="string-1e400"),
    pytest.param("-1e400", Form.NON_FINITE, id="string-minus-1e400"),
    pytest.param("1" + "0" * 400, Form.NON_FINITE, id="string-400-digits"),
    # Exponents Decimal cannot hold (past about 10**18): still a reading, not an exception.
    pytest.param("1e9999999999999999999", Form.NON_FINITE, id="string-exponent-past-decimal"),
    pytest.param("-123456789e999999999999999999", Form.NON_FINITE, id="string-adjusted-exponent-past-decimal"),
    pytest.param(object(), Form.OTHER, id="object-instance"),
    pytest.param(_Thing(), Form.OTHER, id="custom-class"),
    pytest.param(b"1757350201", Form.OTHER, id="bytes"),
    pytest.param({1757350201}, Form.OTHER, id="set"),
    pytest.param(complex(1757350201, 0), Form.OTHER, id="complex"),
]


@pytest.mark.parametrize(("value", "form"), NOT_CONVERTIBLE)
def test_not_convertible(value, form):
    for policy in (DEFAULT_POLICY, NO_WINDOW, Policy(unit=Unit.S, window=None)):
        reading = classify(value, policy)
        assert reading.form is form
        assert reading.seconds is None
        assert isinstance(reading.reason, str) and reading.reason
        assert reading.reason is not None
        assert not reading.out_of_range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1757350201.447", Decimal("1757350201.447"), id="plain"),
        pytest.param(" -1.5E+3\n", Decimal("-1500"), id="spaces-sign-exponent"),
        pytest.param("1e999999999999999999", Decimal("1e999999999999999999"), id="largest-exponent-decimal-holds"),
        # Past Decimal's exponents: sign times 10**±MAX_EMAX (every reading the same; see the docstring).
        pytest.param("1e9999999999999999999", Decimal("1e999999999999999999"), id="exponent-past-decimal"),
        pytest.param("-123456789e999999999999999999", Decimal("-1e999999999999999999"), id="adjusted-exponent-past"),
        pytest.param("2.5e-9999999999999999999", Decimal("1e-999999999999999999"), id="tiny"),
        pytest.param("-.5e-9999999999999999999", Decimal("-1e-999999999999999999"), id="tiny-negative"),
        pytest.param("0.000e9999999999999999999", Decimal(0), id="zero-digits-are-zero"),
        pytest.param("-0e-9999999999999999999", Decimal("-0"), id="minus-zero"),
    ],
)
def test_parse_decimal(text, expected):
    parsed = parse_decimal(text)
    assert parsed == expected
    assert parsed.is_signed() == expected.is_signed()


WIDE = parse_window("1970-01-01..9999-12-31")


# (seconds written, policy, the text written and its unit when not float seconds) -> the seconds a
# second reading gives when that is another instant it would convert, else None.
@pytest.mark.parametrize(
    ("seconds", "policy", "written", "expected"),
    [
        pytest.param(1757350201.447, DEFAULT_POLICY, None, None, id="inferred-seconds"),
        pytest.param(-99999999999.0, NO_WINDOW, None, None, id="inferred-seconds-just-inside"),
        pytest.param(127174492800.0, NO_WINDOW, None, 127174492.8, id="year-6000-reads-as-ms"),
        pytest.param(-127174492800.0, NO_WINDOW, None, -127174492.8, id="negative-past-1e11-reads-as-ms"),
        pytest.param(127174492800.0, DEFAULT_POLICY, None, None, id="year-6000-as-ms-is-1974-outside-window"),
        pytest.param(1757350201.447, Policy(unit=Unit.MS, window=None), None, 1757350.201447, id="forced-ms-no-window"),
        pytest.param(1757350201.447, Policy(unit=Unit.MS), None, None, id="forced-ms-reads-1970-outside-window"),
        pytest.param(
            1757350201.447, Policy(unit=Unit.MS, window=WIDE), None, 1757350.201447, id="forced-ms-wide-window"
        ),
        pytest.param(1757350201.447, Policy(unit=Unit.S, window=None), None, None, id="forced-seconds"),
        pytest.param(1757350201.447, NO_WINDOW, ("1757350201447", Unit.MS), None, id="whole-ms-inferred"),
        pytest.param(
            1757350201.447,
            Policy(unit=Unit.S, window=None),
            ("1757350201447", Unit.MS),
            1757350201447.0,
            id="whole-ms-forced-seconds",
        ),
        pytest.param(5.0, NO_WINDOW, ("5000", Unit.MS), 5000.0, id="whole-ms-below-1e11-reads-as-seconds"),
        pytest.param(5.0, Policy(unit=Unit.MS, window=None), ("5000", Unit.MS), None, id="whole-ms-forced-ms"),
    ],
)
def test_rereading(seconds, policy, written, expected):
    text, unit = written if written is not None else (None, Unit.S)
    again = rereading(seconds, policy, text, unit)
    if expected is None:
        assert again is None
    else:
        assert again is not None and again.reason is None
        assert again.seconds == expected


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("1e-9999999999999999999", 0.0, id="positive"),
        pytest.param("-1e-9999999999999999999", -0.0, id="negative"),
        pytest.param("0e9999999999999999999", 0.0, id="zero-with-huge-exponent"),
    ],
)
def test_numbers_past_decimals_exponents_read_as_pydantic_reads_them(text, seconds):
    for value in (text, text.upper()):
        reading = classify(value, NO_WINDOW)
        assert (reading.form, reading.seconds, reading.reason) == (Form.NUMERIC_STRING, seconds, None)
        assert math.copysign(1, reading.seconds) == math.copysign(1, seconds)
        assert float(text) == seconds  # what pydantic's lax float makes of the string
    # The value held is not the one written, but no exact rendering of either is made.
    exact = classify(text, NO_WINDOW, exact=True).exact
    assert exact is not None
    if exact:
        assert render_rfc3339(exact) is None
        assert all(render_count(exact, unit) is None for unit in Unit)


@pytest.mark.parametrize(
    ("value", "form"),
    [
        pytest.param(None, Form.NULL, id="null"),
        pytest.param(True, Form.BOOLEAN, id="boolean"),
        pytest.param({"a": 1}, Form.OBJECT, id="object"),
        pytest.param([1], Form.ARRAY, id="array"),
        pytest.param("", Form.UNPARSEABLE, id="empty"),
        pytest.param("nan", Form.NON_FINITE, id="string-nan"),
        pytest.param(float("inf"), Form.NON_FINITE, id="float-inf"),
        pytest.param("2025-02-30T00:00:00Z", Form.UNPARSEABLE, id="feb-30"),
        pytest.param("1970-01-01T00:00:00Z", Form.ISO_OFFSET, id="outside-window"),
        pytest.param(10**20, Form.NUMBER, id="too-large"),
        pytest.param(object(), Form.OTHER, id="other"),
    ],
)
def test_to_epoch_seconds_raises_timestamp_error(value, form):
    with pytest.raises(TimestampError) as caught:
        to_epoch_seconds(value)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.form is form
    assert error.reason == classify(value).reason
    assert isinstance(error.reason, str) and error.reason
    with pytest.raises(ValueError):
        to_epoch_seconds(value)


def test_to_epoch_seconds_honours_the_policy():
    assert to_epoch_seconds("1970-01-01T00:00:00Z", NO_WINDOW) == 0.0
    assert to_epoch_seconds(1757350201, Policy(unit=Unit.MS, window=None)) == scaled(1757350201, 3)
    assert to_epoch_seconds("2025-09-08T09:50:01.447585", zone(LA)) == INCIDENT


# --- datetime objects -----------------------------------------------------------------------------

DATETIME_CASES = [
    pytest.param(dt.datetime(2025, 9, 8, 16, 50, 1, 447585, tzinfo=dt.UTC), DEFAULT_POLICY, INCIDENT, id="aware-utc"),
    pytest.param(
        dt.datetime(2025, 9, 8, 22, 20, 1, 447585, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        DEFAULT_POLICY,
        INCIDENT,
        id="aware-+05:30",
    ),
    pytest.param(
        dt.datetime(2025, 9, 8, 9, 50, 1, 447585, tzinfo=zoneinfo.ZoneInfo(LA)),
        DEFAULT_POLICY,
        INCIDENT,
        id="aware-zoneinfo",
    ),
    pytest.param(
        dt.datetime(2025, 9, 8, 9, 50, 1, 447585, tzinfo=zoneinfo.ZoneInfo(LA)),
        zone("reject"),
        INCIDENT,
        id="aware-under-reject",
    ),
    pytest.param(dt.datetime(2025, 9, 8, 16, 50, 1, 447585), DEFAULT_POLICY, INCIDENT, id="naive-utc"),
    pytest.param(dt.datetime(2025, 9, 8, 9, 50, 1, 447585), zone(LA), INCIDENT, id="naive-la"),
    pytest.param(dt.datetime(2025, 9, 8, 9, 50, 1, 447585), zone("-07:00"), INCIDENT, id="naive-fixed"),
    pytest.param(
        dt.datetime(2025, 9, 8, 16, 50, 1, 999999, tzinfo=dt.UTC),
        DEFAULT_POLICY,
        at(2025, 9, 8, 16, 50, 1, "999999"),
        id="aware-999999us",
    ),
]


@pytest.mark.parametrize(("value", "policy", "expected"), DATETIME_CASES)
def test_datetime_objects(value, policy, expected):
    reading = classify(value, policy)
    assert reading.form is Form.DATETIME
    assert reading.seconds == expected
    assert reading.reason is None


def test_naive_datetime_under_reject():
    reading = classify(dt.datetime(2025, 9, 8, 16, 50, 1), zone("reject"))
    assert reading.form is Form.DATETIME
    assert reading.seconds is None
    assert reading.reason


def test_naive_datetime_in_dst_gap_is_not_usable():
    reading = classify(dt.datetime(2025, 3, 9, 2, 30), zone(LA))
    assert reading.form is Form.DATETIME
    assert reading.seconds is None
    assert any(word in reading.reason.lower() for word in SKIP_WORDS), reading.reason


# --- render -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        pytest.param(1757350201.447585, "1757350201.447585", id="incident"),
        pytest.param(1757350201.0, "1757350201.0", id="whole"),
        pytest.param(0.1, "0.1", id="shortest-repr"),
        pytest.param(-1.5, "-1.5", id="negative"),
        pytest.param(1e22, "1e+22", id="exponent"),
        pytest.param(scaled(NS_INTEGER, 9), repr(scaled(NS_INTEGER, 9)), id="ns-result"),
    ],
)
def test_render(seconds, text):
    assert render(seconds) == text
    assert float(render(seconds)) == seconds


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"])
def test_render_refuses_non_finite(value):
    with pytest.raises(ValueError):
        render(value)


# --- parse_naive_zone, parse_window, Unit.parse ---------------------------------------------------

INSTANT = dt.datetime(2025, 9, 8, 16, 50, 1)


@pytest.mark.parametrize(
    ("spec", "offset_hours"),
    [
        pytest.param("UTC", 0, id="UTC"),
        pytest.param("utc", 0, id="utc"),
        pytest.param(" UTC ", 0, id="padded"),
        pytest.param("GMT", 0, id="GMT"),
        pytest.param("Z", 0, id="Z"),
        pytest.param("-07:00", -7, id="-07:00"),
        pytest.param("-0700", -7, id="-0700"),
        pytest.param("-07", -7, id="-07"),
        pytest.param(f"{MINUS}07:00", -7, id="U+2212"),
        pytest.param("+05:30", 5.5, id="+05:30"),
        pytest.param("+00:00", 0, id="+00:00"),
        pytest.param(LA, -7, id="iana"),
        pytest.param("Asia/Kolkata", 5.5, id="iana-half-hour"),
    ],
)
def test_parse_naive_zone(spec, offset_hours):
    naive_zone = parse_naive_zone(spec)
    assert not naive_zone.rejects
    assert not (naive_zone.tzinfo is None and not naive_zone.rejects)
    assert naive_zone.tzinfo.utcoffset(INSTANT) == dt.timedelta(hours=offset_hours)


def test_parse_naive_zone_special_values():
    assert parse_naive_zone("reject").rejects
    assert parse_naive_zone("REJECT").rejects
    local = parse_naive_zone("local")
    assert (local.tzinfo is None and not local.rejects) and not local.rejects
    assert local.name.startswith("local")
    assert parse_naive_zone(LA).name == LA
    assert parse_naive_zone(f"{MINUS}07:00").name == "-07:00"


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("Not/AZone", id="unknown-iana"),
        pytest.param("bogus", id="bogus"),
        pytest.param("America", id="directory"),
        pytest.param("", id="empty"),
        pytest.param("+24:00", id="offset-24"),
        pytest.param("+05:60", id="offset-minute-60"),
        pytest.param("+5", id="offset-one-digit"),
        pytest.param("../../etc/passwd", id="path"),
    ],
)
def test_parse_naive_zone_rejects_bogus_zones(spec):
    with pytest.raises(ValueError):
        parse_naive_zone(spec)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2000-01-01..2100-01-01", Window(WINDOW_START, WINDOW_END), id="dates"),
        pytest.param(" 2000-01-01 .. 2100-01-01 ", Window(WINDOW_START, WINDOW_END), id="padded"),
        pytest.param(f"{WINDOW_START}..{WINDOW_END}", Window(WINDOW_START, WINDOW_END), id="epoch-seconds"),
        pytest.param(
            "2025-09-08T00:00:00Z..2025-09-09T02:00:00+02:00",
            Window(int(exact(2025, 9, 8)), int(exact(2025, 9, 9))),
            id="date-times",
        ),
        pytest.param("-100..100", Window(-100, 100), id="negative-seconds"),
        # A year alone is its first instant (ISO 8601's reduced precision), not 2020 epoch seconds.
        pytest.param(
            "2020..2030",
            Window(calendar.timegm((2020, 1, 1, 0, 0, 0)), calendar.timegm((2030, 1, 1, 0, 0, 0))),
            id="years",
        ),
        pytest.param("0..99999", Window(0, 99999), id="seconds-of-other-lengths"),
        pytest.param("1969-12-31T23:59:59Z..1970-01-01T00:00:01Z", Window(-1, 1), id="whole-seconds-before-1970"),
        pytest.param("none", None, id="none"),
        pytest.param("off", None, id="off"),
    ],
)
def test_parse_window(text, expected):
    assert parse_window(text) == expected


def test_default_window_is_2000_to_2100():
    assert Window(WINDOW_START, WINDOW_END) == DEFAULT_WINDOW
    assert DEFAULT_POLICY.window == DEFAULT_WINDOW
    assert WINDOW_START in DEFAULT_WINDOW
    assert WINDOW_END - 1 in DEFAULT_WINDOW
    assert WINDOW_END not in DEFAULT_WINDOW
    assert WINDOW_START - 1 not in DEFAULT_WINDOW


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2100-01-01..2000-01-01", id="backwards"),
        pytest.param("2000-01-01..2000-01-01", id="empty"),
        pytest.param("100..100", id="empty-seconds"),
        pytest.param("100..-100", id="backwards-seconds"),
        pytest.param("", id="blank"),
        pytest.param("..", id="no-bounds"),
        pytest.param("2000-01-01", id="one-bound"),
        pytest.param("2000-01-01..", id="missing-end"),
        pytest.param("2000-01-01..bogus", id="bogus-end"),
        pytest.param("2000-02-30..2100-01-01", id="impossible-date"),
        pytest.param("1969-12-31T23:59:59.5Z..2025-01-01", id="fraction-of-a-second"),
        pytest.param("2000-01-01..2025-01-01T00:00:00.9Z", id="fraction-of-a-second-end"),
        pytest.param("1757350205.5..2000000000", id="fraction-in-epoch-seconds"),
        pytest.param("2025-13-01..2026-01-01", id="month-13"),
    ],
)
def test_parse_window_rejects(text):
    with pytest.raises(ValueError):
        parse_window(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("2025-13-01..2026-01-01", "window bound '2025-13-01' is not a year, a date", id="as-written"),
        pytest.param(
            "2000..2025-01-01T00:00:00.9Z", "window bound '2025-01-01T00:00:00.9Z' is not a whole second", id="fraction"
        ),
    ],
)
def test_parse_window_names_the_bound_as_written(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_window(text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        pytest.param("s", Unit.S, id="s"),
        pytest.param("ms", Unit.MS, id="ms"),
        pytest.param("us", Unit.US, id="us"),
        pytest.param("\u00b5s", Unit.US, id="micro-sign"),
        pytest.param("\u03bcs", Unit.US, id="greek-mu"),
        pytest.param("ns", Unit.NS, id="ns"),
        pytest.param(" MS ", Unit.MS, id="padded-upper"),
    ],
)
def test_unit_parse(text, unit):
    assert Unit.parse(text) is unit


@pytest.mark.parametrize("text", ["", "m", "sec", "seconds", "msec", "ps", "1ms"])
def test_unit_parse_rejects(text):
    with pytest.raises(ValueError):
        Unit.parse(text)


# --- properties -----------------------------------------------------------------------------------


@st.composite
def iso_instants(draw):
    """An ISO 8601 spelling of a wall time and offset, and the exact instant it denotes."""
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    hour = draw(st.integers(0, 23))
    minute = draw(st.integers(0, 59))
    second = draw(st.integers(0, 59))
    precision = draw(st.sampled_from(["hour", "minute", "second", "second", "second"]))
    digits = draw(st.text("0123456789", max_size=12))
    basic = draw(st.booleans())
    date_style = draw(st.sampled_from(["calendar", "calendar", "ordinal", "week"]))
    separator = draw(st.sampled_from(["T", "t", " "]))
    decimal_mark = draw(st.sampled_from([".", ","]))

    if precision == "hour":
        minute = second = 0
    elif precision == "minute":
        second = 0
    unit = {"hour": 3600, "minute": 60, "second": 1}[precision]

    dash = "" if basic else "-"
    colon = "" if basic else ":"
    if date_style == "calendar":
        date_text = f"{day.year:04d}{dash}{day.month:02d}{dash}{day.day:02d}"
    elif date_style == "ordinal":
        date_text = f"{day.year:04d}{dash}{day.timetuple().tm_yday:03d}"
    else:
        iso_year, iso_week, iso_weekday = day.isocalendar()
        if not 1 <= iso_year <= 9999:
            date_text = f"{day.year:04d}{dash}{day.month:02d}{dash}{day.day:02d}"
        else:
            date_text = f"{iso_year:04d}{dash}W{iso_week:02d}{dash}{iso_weekday}"
    time_text = f"{hour:02d}"
    if precision in ("minute", "second"):
        time_text += f"{colon}{minute:02d}"
    if precision == "second":
        time_text += f"{colon}{second:02d}"
    if digits:
        time_text += decimal_mark + digits

    offset_kind = draw(st.sampled_from(["naive", "Z", "z", "HH", "HHMM", "HH:MM", "HH:MM", "HHMM"]))
    offset_hours = draw(st.integers(0, 23))
    offset_mins = draw(st.one_of(st.just(0), st.integers(0, 59)))
    negative = draw(st.booleans())
    sign = draw(st.sampled_from(["-", MINUS])) if negative else "+"
    if offset_kind == "naive":
        offset, offset_text = 0, ""
    elif offset_kind in ("Z", "z"):
        offset, offset_text = 0, offset_kind
    elif offset_kind == "HH":
        offset = offset_hours * 60
        offset_text = f"{sign}{offset_hours:02d}"
    else:
        offset = offset_hours * 60 + offset_mins
        sep = ":" if offset_kind == "HH:MM" else ""
        offset_text = f"{sign}{offset_hours:02d}{sep}{offset_mins:02d}"
    if negative:
        offset = -offset

    text = f"{date_text}{separator}{time_text}{offset_text}"
    instant = exact(day.year, day.month, day.day, hour, minute, second, offset_minutes=offset)
    instant += frac_of(digits) * unit
    form = Form.ISO_NAIVE if offset_kind == "naive" else Form.ISO_OFFSET
    return text, instant, form


@settings(max_examples=300, deadline=None)
@given(iso_instants())
def test_property_iso_spellings_convert_exactly(case):
    text, instant, form = case
    reading = classify(text, NO_WINDOW)
    assert reading.form is form, (text, reading)
    assert reading.seconds == float(instant), text
    assert reading.reason is None


UNIT_RANGES = [
    pytest.param(Unit.S, 0, 10**11, id="s"),
    pytest.param(Unit.MS, 10**11, 10**14, id="ms"),
    pytest.param(Unit.US, 10**14, 10**17, id="us"),
    pytest.param(Unit.NS, 10**17, 10**20, id="ns"),
]


@pytest.mark.parametrize(("unit", "low", "high"), UNIT_RANGES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_property_integers_convert_exactly_in_their_unit(unit, low, high, data):
    magnitude = data.draw(st.integers(low, high - 1), label="magnitude")
    n = -magnitude if data.draw(st.booleans(), label="negative") else magnitude
    expected = float(Fraction(n, 10**unit.value))
    for value, form in ((n, Form.NUMBER), (str(n), Form.NUMERIC_STRING), (Decimal(n), Form.NUMBER)):
        reading = classify(value, NO_WINDOW)
        assert reading == Reading(form, expected, None, unit=unit), value


TRICKY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "nan",
        "-Infinity",
        "1e400",
        "-1e-400",
        "1e999999999",
        "0x10",
        "1_000",
        "2025-09-08",
        "2025-09-08T24:00:00Z",
        "2016-12-31T23:59:60Z",
        "2025-02-30T00:00:00Z",
        "+",
        "-",
        ".",
        "e5",
        "Tue, 29 Aug 2023 13:03:20 GMT",
        "Tue, 29 Aug 23 13:03:20 GMT",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "0000-01-01T00:00:00Z",
        "9999-12-31T24:00:00Z",
        "2025-03-09T02:30:00",
        "\u0665\u0666",
        "\u00b2",
        "1" * 5000,
        "1e9999999999999999999",
        "-1e-9999999999999999999",
        "0." + "1" * 5000,
        "2025-09-08T16," + "9" * 2000 + "Z",
    ]
)
ISO_ISH_TEXT = st.from_regex(
    r"\A[0-9]{4}-?(W[0-9]{2}-?[0-9]|[0-9]{2,3}-?[0-9]{0,2})[Tt ][0-9:]{2,8}([.,][0-9]{1,15})?"
    r"([Zz]|[+\-\u2212][0-9]{2}(:?[0-9]{2})?)?\Z"
)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**500), 10**500)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=False)
    | st.text()
    | TRICKY_TEXT
    | ISO_ISH_TEXT
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5,
)


# The unit a number's magnitude selects (README: "How timestamps are read").
MAGNITUDE_UNITS = ((10**11, Unit.S), (10**14, Unit.MS), (10**17, Unit.US), (10**20, Unit.NS))


def _check_number_exactly(value, reading, policy):
    """A finite number's instant is its exact value in its unit, rounded once to a float."""
    exact_value = Fraction(value)
    unit = policy.unit or next((unit for bound, unit in MAGNITUDE_UNITS if abs(exact_value) < bound), None)
    if unit is None:  # too large for any unit: no instant
        assert reading.seconds is None and reading.reason
        return
    expected = exact_value / 10**unit.value
    if abs(expected) >= 2**1024:  # only possible with a unit forced on a huge number
        return
    assert reading.unit is unit
    assert reading.seconds == float(expected)


def _check_reading(value, reading, policy):
    assert isinstance(reading, Reading)
    assert isinstance(reading.form, Form)
    finite_number = (
        (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and math.isfinite(value))
        or (isinstance(value, Decimal) and value.is_finite())
    )
    if finite_number and reading.form is not Form.NON_FINITE:  # NON_FINITE: overflows a float
        _check_number_exactly(value, reading, policy)
    if reading.reason is None:
        assert reading.reason is None
        assert isinstance(reading.seconds, float)
        assert math.isfinite(reading.seconds)
        assert not reading.out_of_range
        if policy.window is not None:
            assert reading.seconds in policy.window
        assert to_epoch_seconds(value, policy) == reading.seconds
    else:
        assert isinstance(reading.reason, str) and reading.reason
        assert reading.reason is not None
        if reading.seconds is not None:
            assert isinstance(reading.seconds, float) and math.isfinite(reading.seconds)
        with pytest.raises(TimestampError):
            to_epoch_seconds(value, policy)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_property_classify_never_raises(value):
    for policy in (DEFAULT_POLICY, NO_WINDOW):
        _check_reading(value, classify(value, policy), policy)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_property_render_round_trips(value):
    text = render(value)
    assert float(text) == value
    assert text == repr(value)


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(0, 10**20 - 1),
    fraction=st.text("0123456789", max_size=20),
    negative=st.booleans(),
    unit=st.sampled_from([None, Unit.S, Unit.MS, Unit.US, Unit.NS]),
)
def test_property_plain_numbers_convert_exactly_in_any_unit(whole, fraction, negative, unit):
    # The integer fast paths (plain numeric strings, integers below 1e20) against exact fractions.
    value = Fraction(whole) + (Fraction(int(fraction), 10 ** len(fraction)) if fraction else 0)
    read_in = (unit if value else Unit.S) or next(  # zero reads as seconds in any unit
        candidate
        for bound, candidate in ((10**11, Unit.S), (10**14, Unit.MS), (10**17, Unit.US), (10**20, Unit.NS))
        if value < bound
    )
    expected = float(value / 10**read_in.value)
    policy = Policy(unit=unit, window=None)
    text = f"{whole}.{fraction}" if fraction else str(whole)
    reading = classify(text, policy)
    assert reading == Reading(Form.NUMERIC_STRING, expected, None, unit=read_in), text
    if not fraction:
        sign = -1 if negative else 1
        assert classify(sign * whole, policy) == Reading(Form.NUMBER, sign * expected, None, unit=read_in)


@pytest.mark.parametrize("unit", list(Unit), ids=lambda unit: unit.label)
def test_inferred_range_is_where_classify_infers_the_unit(unit):
    # The probe and deep fields let numbers in this range pass unexamined: classify must read
    # every one of them in `unit`, and the first number past either end in another unit.
    low, high = inferred_range(unit)
    policy = Policy(window=None)
    inside = [low, math.nextafter(high, 0.0), (low + high) / 2]
    outside = [high, math.nextafter(low, -math.inf)]
    assert all(classify(value, policy).unit is unit for value in inside)
    assert all(classify(value, policy).unit is not unit for value in outside)


# --- the common RFC 3339 spellings take a short path, which reads as the long one --------------

_RFC3339_PARTS = (
    ["2025", "2000", "1999", "2100", "0001", "9999", "0000"],
    ["-09-08", "-02-29", "-12-31", "-13-01", "-W36-1"],
    ["T", "t", " ", "_", "x"],
    ["16", "00", "23", "24"],
    [":50", ":59", ":60"],
    [":01", ":59", ":60", ""],
    ["", ".5", ".447585", ".1234567", ",25", ".", ":5", ".5a"],
    ["", "Z", "z", "+00:00", "-07:00", "+05:30", "+05:60", "+0530", "-05", "+24:00", "Z "],
)


@settings(max_examples=1500)
@given(st.tuples(*(st.sampled_from(part) for part in _RFC3339_PARTS)), st.sampled_from(range(4)))
def test_the_short_path_reads_rfc3339_as_the_long_one(parts, which):
    # With `exact`, classify takes the long path (the regular expressions) for every string.
    policy = [
        Policy(),
        Policy(window=None),
        Policy(naive_zone=parse_naive_zone("America/Los_Angeles")),
        Policy(naive_zone=parse_naive_zone("reject")),
    ][which]
    text = "".join(parts)
    assert classify(text, policy) == classify(text, policy, exact=True)._replace(exact=None), text
