"""Exact instants (`classify(..., exact=True)`) and the renderers of targets other than float
seconds: whole units (`render_count`) and RFC 3339 text (`render_rfc3339`).

Expected values are worked out by hand: 2025-09-08T16:50:01Z is 1757350201 s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsfix.timestamps import (
    Policy,
    Unit,
    Window,
    classify,
    render_count,
    render_rfc3339,
)

NO_WINDOW = Policy(window=None)


@pytest.mark.parametrize(
    ("value", "exact"),
    [
        pytest.param("2025-09-08T16:50:01.447585Z", "1757350201.447585", id="iso-fast-path"),
        pytest.param(
            "2025-09-08T16:50:01.123456789123456789123Z", "1757350201.123456789123456789123", id="iso-long-fraction"
        ),
        pytest.param("2025-09-08T18:50:01.5+02:00", "1757350201.5", id="iso-offset"),
        pytest.param("2025-09-08T16:50:01", "1757350201", id="naive-utc"),
        pytest.param("2025-09-08T16.5Z", "1757349000", id="fraction-of-an-hour"),
        pytest.param("2025-251T16:50:01,25Z", "1757350201.25", id="ordinal-date-comma"),
        pytest.param("2016-12-31T23:59:60Z", "1483228800", id="leap-second"),
        pytest.param("Mon, 08 Sep 2025 16:50:01 GMT", "1757350201", id="rfc2822"),
        pytest.param(1757350201447, "1757350201.447", id="ms-int"),
        pytest.param(Decimal("1757350201447585123"), "1757350201.447585123", id="ns-beyond-2**53"),
        pytest.param(" 1757350201.5 ", "1757350201.5", id="numeric-string"),
        pytest.param(dt.datetime(2025, 9, 8, 16, 50, 1, 447585, tzinfo=dt.UTC), "1757350201.447585", id="datetime"),
        pytest.param("1969-12-31T23:59:59.5Z", "-0.5", id="before-the-epoch"),
    ],
)
def test_exact_instant(value, exact):
    reading = classify(value, NO_WINDOW, exact=True)
    assert reading.exact == Decimal(exact)
    assert reading.seconds == float(Decimal(exact))  # the float is the exact value rounded once


def test_plain_classify_leaves_exact_unset():
    assert classify("2025-09-08T16:50:01Z").exact is None


def test_out_of_window_keeps_its_exact_instant():
    reading = classify(0, Policy(window=Window(946_684_800, 4_102_444_800)), exact=True)
    assert reading.out_of_range and reading.exact == 0


@pytest.mark.parametrize(
    ("exact", "unit", "text"),
    [
        pytest.param("1757350201.447", Unit.MS, "1757350201447", id="ms"),
        pytest.param("1757350201", Unit.MS, "1757350201000", id="whole-seconds-in-ms"),
        pytest.param("1757350201.447585", Unit.US, "1757350201447585", id="us"),
        pytest.param("1757350201.447585123", Unit.NS, "1757350201447585123", id="ns"),
        pytest.param("1757350201.000", Unit.S, "1757350201", id="trailing-zeros"),
        pytest.param("-0.5", Unit.MS, "-500", id="negative"),
        pytest.param("0E+99999", Unit.MS, "0", id="zero-with-a-huge-exponent"),
        pytest.param("1757350201.4475", Unit.MS, None, id="not-whole-ms"),
        pytest.param("1757350201.447585", Unit.S, None, id="not-whole-seconds"),
        pytest.param("1E+99999", Unit.MS, None, id="too-many-digits"),
    ],
)
def test_render_count(exact, unit, text):
    assert render_count(Decimal(exact), unit) == text


@pytest.mark.parametrize(
    ("exact", "text"),
    [
        pytest.param("1757350201", "2025-09-08T16:50:01Z", id="whole-second"),
        pytest.param("1757350201.447585", "2025-09-08T16:50:01.447585Z", id="microseconds"),
        pytest.param("1757350201.4470", "2025-09-08T16:50:01.447Z", id="only-the-digits-needed"),
        pytest.param("1757350201.123456789", "2025-09-08T16:50:01.123456789Z", id="nanoseconds-kept"),
        pytest.param("-0.5", "1969-12-31T23:59:59.5Z", id="before-the-epoch"),
        pytest.param("-62135596800", "0001-01-01T00:00:00Z", id="first-instant"),
        pytest.param("253402300799.999", "9999-12-31T23:59:59.999Z", id="last-year"),
        pytest.param("-62135596801", None, id="year-0"),
        pytest.param("253402300800", None, id="year-10000"),
        pytest.param("1E-5000", None, id="too-many-fraction-digits"),
    ],
)
def test_render_rfc3339(exact, text):
    assert render_rfc3339(Decimal(exact)) == text


instants = st.decimals(
    min_value=Decimal(-62135596800), max_value=Decimal(253402300799), places=9, allow_nan=False, allow_infinity=False
)


@given(instants)
def test_rfc3339_rendering_reads_back_to_the_same_instant(exact):
    text = render_rfc3339(exact)
    assert text is not None
    assert classify(text, NO_WINDOW, exact=True).exact == exact


@given(instants, st.sampled_from(list(Unit)))
def test_count_rendering_reads_back_in_its_unit(exact, unit):
    text = render_count(exact, unit)
    if text is None:
        assert (exact * 10**unit.value) % 1 != 0
    else:
        assert classify(int(text), Policy(unit=unit, window=None), exact=True).exact == exact
