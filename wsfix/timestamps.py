"""The conversion core: read any JSON value found in a timestamp field as Unix epoch seconds.

`classify` says what a value is (its `Form`) and either the exact instant it denotes or why it
cannot be used; `to_epoch_seconds` does the same but raises `TimestampError`; `render` writes a
result back as a JSON number. Nothing here guesses: a value that does not say which instant it
is gets a reason, never "now".

Exactness: every instant is held as an exact rational (integers, or a decimal string scaled by a
power of ten) and rounded to the nearest float exactly once, by `int / int` true division or by
`float(str)`, both correctly rounded in CPython. No intermediate float is ever formed, so the
nanoseconds of ``"…01.123456789Z"`` and the low digits of a nanosecond integer survive until
that single rounding.

This module imports nothing from wsfix, does no I/O and never prints.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, NamedTuple

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_WINDOW",
    "UTC_ZONE",
    "Form",
    "NaiveZone",
    "Policy",
    "Reading",
    "TimestampError",
    "Unit",
    "Window",
    "classify",
    "parse_naive_zone",
    "parse_window",
    "render",
    "render_count",
    "render_rfc3339",
    "to_epoch_seconds",
]


class Form(enum.Enum):
    """What a timestamp value is, before asking whether it is usable."""

    NUMBER = "number"
    NUMERIC_STRING = "numeric-string"
    ISO_OFFSET = "iso-offset"
    ISO_NAIVE = "iso-naive"
    DATE_STRING = "date-string"
    DATETIME = "datetime"
    UNPARSEABLE = "unparseable"
    NON_FINITE = "non-finite"
    BOOLEAN = "boolean"
    NULL = "null"
    OBJECT = "object"
    ARRAY = "array"
    OTHER = "other"

    # Members are singletons compared by identity, so identity is a valid hash, and C-fast (Enum's
    # own __hash__ is Python code, paid on every dict lookup keyed by a form).
    __hash__ = object.__hash__

    @property
    def label(self) -> str:
        """How reports name the form, e.g. "ISO 8601 string without offset"."""
        return _FORM_LABELS[self]


_FORM_LABELS: Final = {
    Form.NUMBER: "number",
    Form.NUMERIC_STRING: "numeric string",
    Form.ISO_OFFSET: "ISO 8601 string with offset",
    Form.ISO_NAIVE: "ISO 8601 string without offset",
    Form.DATE_STRING: "RFC 2822 date string",
    Form.DATETIME: "datetime object",
    Form.UNPARSEABLE: "unparseable string",
    Form.NON_FINITE: "non-finite number",
    Form.BOOLEAN: "boolean",
    Form.NULL: "null",
    Form.OBJECT: "object",
    Form.ARRAY: "array",
    Form.OTHER: "unsupported type",
}


class Unit(enum.Enum):
    """The unit a number counts since the epoch. The value is the decimal exponent of one unit."""

    S = 0
    MS = 3
    US = 6
    NS = 9

    __hash__ = object.__hash__  # as for Form

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def word(self) -> str:
        """The unit's name in a sentence: "milliseconds"."""
        return _UNIT_WORDS[self]

    @classmethod
    def parse(cls, text: str) -> Unit:
        """`"s"`, `"ms"`, `"us"` (or `"µs"`), `"ns"`; raises ValueError otherwise."""
        key = text.strip().lower().replace("µ", "u").replace("μ", "u")
        for unit in cls:
            if unit.label == key:
                return unit
        raise ValueError(f"unknown unit {text!r}: expected one of s, ms, us, ns")


# Members as plain module constants for the paths run per bad value: on Python 3.11 `Form.X`
# is a Python-level class attribute lookup (0.15 µs), as is a member's `.value`.
_NUMBER, _NUMERIC_STRING, _ISO_OFFSET, _ISO_NAIVE = Form.NUMBER, Form.NUMERIC_STRING, Form.ISO_OFFSET, Form.ISO_NAIVE
_UNIT_EXPONENT: Final = {unit: unit.value for unit in Unit}
_UNIT_WORDS: Final = {Unit.S: "seconds", Unit.MS: "milliseconds", Unit.US: "microseconds", Unit.NS: "nanoseconds"}

# Magnitudes (absolute value, exclusive upper bound) at which a number is read in each unit.
_UNIT_BOUNDS: Final = (
    (Decimal(10) ** 11, Unit.S),
    (Decimal(10) ** 14, Unit.MS),
    (Decimal(10) ** 17, Unit.US),
    (Decimal(10) ** 20, Unit.NS),
)


def inferred_range(unit: Unit) -> tuple[float, float]:
    """[low, high): the floats read in `unit` when the unit is inferred from the magnitude, for
    callers that let such numbers pass unexamined. Seconds include the negatives above -1e11;
    the larger units only their positive range."""
    bounds = [float(bound) for bound, _ in _UNIT_BOUNDS]  # exact: 10**k = 2**k * 5**k, 5**20 < 2**53
    index = [candidate for _, candidate in _UNIT_BOUNDS].index(unit)
    high = bounds[index]
    return (math.nextafter(-high, 0.0) if index == 0 else bounds[index - 1]), high


class NaiveZone(NamedTuple):
    """The zone in which times without a UTC offset are read.

    `name` is what reports print; `tzinfo` is None for the system's local zone, and the whole zone
    is `reject` when `rejects` is true.
    """

    name: str
    tzinfo: _dt.tzinfo | None
    rejects: bool = False


UTC_ZONE: Final = NaiveZone("UTC", _dt.UTC)


class _Pattern:
    """A regular expression compiled when first used. Every `wsfix` command imports this module,
    and most never meet the spellings these read (general ISO 8601, RFC 2822, a time alone, a
    zone's offset): compiled at import, they took each start-up 1.9 ms."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return compiled.fullmatch(text)


_OFFSET_SPEC = _Pattern(r"([+\-\u2212])(\d{2})(?::?(\d{2}))?")


def parse_naive_zone(text: str) -> NaiveZone:
    """Parse a `--naive-tz` value: `UTC`, `local`, `reject`, an IANA name or an offset like `-07:00`.

    Raises ValueError with a sentence naming the value when it is none of those.
    """
    spec = text.strip()
    lowered = spec.lower()
    if lowered in ("utc", "z", "gmt"):
        return UTC_ZONE
    if lowered == "reject":
        return NaiveZone("reject", None, rejects=True)
    if lowered == "local":
        names = "/".join(dict.fromkeys(time.tzname))
        return NaiveZone(f"local ({names})", None)
    offset = _OFFSET_SPEC.fullmatch(spec)
    if offset:
        seconds = _offset_seconds(*offset.groups())
        if seconds is None:
            raise ValueError(f"offset {text!r} is out of range (hours 00-23, minutes 00-59)")
        return NaiveZone(spec.replace("\u2212", "-"), _dt.timezone(_dt.timedelta(seconds=seconds)))
    try:
        import zoneinfo  # only this spelling of --naive-tz pays for loading the tz database

        return NaiveZone(spec, zoneinfo.ZoneInfo(spec))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ValueError(
            f"unknown zone {text!r}: expected UTC, local, reject, an IANA name such as "
            "America/Los_Angeles, or an offset such as -07:00"
        ) from None


@dataclass(frozen=True, slots=True)
class Window:
    """The plausible instants, `start <= t < end`, in epoch seconds (integers)."""

    start: int
    end: int

    def __contains__(self, seconds: float) -> bool:
        return self.start <= seconds < self.end

    def __str__(self) -> str:
        return f"{_format_instant(self.start)}..{_format_instant(self.end)}"

    def as_datetimes(self) -> tuple[_dt.datetime, _dt.datetime]:
        """The bounds as aware UTC datetimes, clamped to the years 1-9999 a datetime can hold."""
        epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
        lowest = _dt.datetime.min.replace(tzinfo=_dt.UTC)
        highest = _dt.datetime.max.replace(tzinfo=_dt.UTC)
        bounds = []
        for seconds in (self.start, self.end):
            try:
                bounds.append(epoch + _dt.timedelta(seconds=seconds))
            except OverflowError:
                bounds.append(lowest if seconds < 0 else highest)
        return bounds[0], bounds[1]


DEFAULT_WINDOW: Final = Window(946_684_800, 4_102_444_800)  # 2000-01-01 .. 2100-01-01 UTC


def parse_window(text: str) -> Window | None:
    """Parse `START..END` or `none`. A bound is a year (`2020`: its first instant, as ISO 8601
    reads a year alone), a date, an RFC 3339 date-time with offset, or whole epoch seconds (any
    other integer); bounds are whole seconds (a fraction is refused, not cut off).

    Raises ValueError naming the bad bound as written.
    """
    if text.strip().lower() in ("none", "off"):
        return None
    start_text, sep, end_text = text.partition("..")
    if not sep:
        raise ValueError(f"window {text!r} is not of the form START..END")
    bounds = []
    for written in (start_text.strip(), end_text.strip()):
        bound = written
        if re.fullmatch(r"\d{4}", bound):
            bound += "-01-01"
        elif re.fullmatch(r"[+-]?\d+", bound) and len(bound) < 13:
            bounds.append(int(bound))
            continue
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", bound):
            bound += "T00:00:00Z"
        reading = classify(bound, Policy(window=None))
        if reading.form is not Form.ISO_OFFSET or reading.seconds is None:
            raise ValueError(
                f"window bound {written!r} is not a year, a date, a date-time with offset, or whole epoch seconds"
            )
        if reading.seconds != math.floor(reading.seconds):
            raise ValueError(f"window bound {written!r} is not a whole second")
        bounds.append(int(reading.seconds))
    if bounds[0] >= bounds[1]:
        raise ValueError(f"window {text!r} is empty: its start is not before its end")
    return Window(bounds[0], bounds[1])


def _format_instant(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    day = _dt.date.fromordinal(_EPOCH_ORDINAL + days)
    if rest == 0:
        return day.isoformat()
    return f"{day.isoformat()}T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}Z"


class Policy(NamedTuple):
    """How to read values: the zone for naive times, a forced unit, and the plausible window."""

    naive_zone: NaiveZone = UTC_ZONE
    unit: Unit | None = None  # None: infer the unit from the magnitude
    window: Window | None = DEFAULT_WINDOW  # None: any finite instant is plausible


DEFAULT_POLICY: Final = Policy()


class Reading(NamedTuple):
    """What `classify` found (a named tuple: readings are made for every bad value, so cheaply).

    `seconds` is the instant the value denotes, correctly rounded to a float, or None when it
    denotes none. `reason` is None exactly when the value can be used as epoch seconds; otherwise
    it is a sentence saying why not. `out_of_range` marks values that do denote an instant (or a
    number too large for any unit) outside the policy's window: likely sentinels or wrong units.
    `exact` is the same instant in seconds with every digit the value has, set (whenever `seconds`
    is) only by `classify(..., exact=True)`: for targets other than float seconds (`render_count`,
    `render_rfc3339`). Plain `classify` leaves it None, which costs nothing on the hot path.
    """

    form: Form
    seconds: float | None
    reason: str | None = None
    unit: Unit | None = None  # NUMBER and NUMERIC_STRING: the unit the number was read in
    zone: str | None = None  # ISO_NAIVE: the zone the wall time was read in
    out_of_range: bool = False
    exact: Decimal | None = None


class TimestampError(ValueError):
    """A value that cannot be read as epoch seconds; `form` says what it is, `reason` why not."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.form = reading.form
        self.reason = reading.reason
        super().__init__(f"{reading.form.label}: {reading.reason}")


def to_epoch_seconds(value: object, policy: Policy = DEFAULT_POLICY) -> float:
    """Return the epoch seconds `value` denotes, correctly rounded.

    Raises TimestampError (a ValueError) naming the form and the reason when it cannot.
    """
    reading = classify(value, policy)
    if reading.reason is not None:
        raise TimestampError(reading)
    assert reading.seconds is not None
    return reading.seconds


def render(seconds: float) -> str:
    """Write epoch seconds as the JSON number token a repair puts back: the shortest repr."""
    if seconds.__class__ is float and seconds - seconds == 0.0:  # finite (inf - inf is NaN): the common case
        return repr(seconds)
    if not math.isfinite(seconds):
        raise ValueError(f"cannot render non-finite {seconds!r} as a JSON number")
    return repr(float(seconds))


_SECONDS_LIMIT: Final = 1e11  # numbers from here on are read as milliseconds when units are inferred


def rereading(
    seconds: float,
    policy: Policy,
    written: str | None = None,
    unit: Unit = Unit.S,
) -> Reading | None:
    """How `policy` would read `written` (by default `render(seconds)`), the JSON number a repair
    puts in place of a value naming the instant `seconds`, in whole or float `unit`s; None when
    that changes nothing: it reads as the same instant, or as none at all (outside the window: no
    repair touches that).

    Not None means a second repair would convert the repaired value again: from 1e11 s on, when
    units are inferred (such numbers read as milliseconds), or with a unit forced and no window
    to stop it (under `unit=MS` the seconds written are milliseconds too). Such fixes are not
    offered (see `wsfix.linter`).
    """
    if policy.unit is unit or (policy.unit is None and unit is Unit.S and -_SECONDS_LIMIT < seconds < _SECONDS_LIMIT):
        return None  # read in the unit it is written in: the same instant (the common case)
    again = classify(parse_decimal(render(seconds) if written is None else written), policy)
    return None if again.reason is not None or again.seconds == seconds else again


# Beyond this many digits an exact rendering is refused rather than written: no timestamp needs
# them, and a hostile exponent must not make a renderer build a million-digit string.
_MAX_EXACT_DIGITS: Final = 4000


def render_count(exact: Decimal, unit: Unit) -> str | None:
    """Write exact seconds as a whole number of `unit`s (a JSON integer), or None when the instant
    is not a whole number of them: `1757350201.447` s is `1757350201447` ms, `1757350201.4475` s
    is no whole number of ms."""
    sign, digit_tuple, exponent = exact.normalize(_EXACT).as_tuple()
    assert isinstance(exponent, int)
    exponent += unit.value
    if digit_tuple == (0,):
        return "0"
    if exponent < 0 or len(digit_tuple) + exponent > _MAX_EXACT_DIGITS:
        return None  # normalized: no trailing zeros left, so a negative exponent means a fraction
    return ("-" if sign else "") + "".join(map(str, digit_tuple)) + "0" * exponent


def render_rfc3339(exact: Decimal) -> str | None:
    """Write exact seconds as an RFC 3339 UTC date-time, `2025-09-08T16:50:01.447585Z`, with
    exactly the fraction digits the instant needs (none for a whole second). None outside the
    years 0001-9999, or when the fraction would need more than 4000 digits."""
    sign, digit_tuple, exponent = exact.normalize(_EXACT).as_tuple()
    assert isinstance(exponent, int)
    if len(digit_tuple) > _MAX_EXACT_DIGITS or not -_MAX_EXACT_DIGITS <= exponent <= 20:
        return None
    scaled = int("".join(map(str, digit_tuple))) * (-1 if sign else 1)
    places = max(-exponent, 0)
    scaled *= 10 ** max(exponent, 0)
    whole, rest = divmod(scaled, 10**places)  # floor: 0.5 s before the epoch is 23:59:59.5
    days, second_of_day = divmod(whole, 86_400)
    if not -719_162 <= days <= 2_932_896:  # 0001-01-01 .. 9999-12-31
        return None
    day = _dt.date.fromordinal(_EPOCH_ORDINAL + days)
    fraction = f".{rest:0{places}d}".rstrip("0") if rest else ""
    return (
        f"{day.isoformat()}T{second_of_day // 3600:02d}:{second_of_day // 60 % 60:02d}:"
        f"{second_of_day % 60:02d}{fraction}Z"
    )


_EXACT: Final = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def classify(value: object, policy: Policy = DEFAULT_POLICY, exact: bool = False) -> Reading:
    """Say what `value` is and which instant, if any, it denotes under `policy`. Never raises.

    Accepts what a JSON parser produces (None, bool, int, float, Decimal, str, dict, list) and
    also `datetime` objects, for library users validating Python values. With `exact`, the
    reading also holds the unrounded instant (`Reading.exact`).
    """
    if value is None:
        return Reading(Form.NULL, None, "null is not a timestamp")
    if value is True or value is False:
        return Reading(Form.BOOLEAN, None, f"boolean {str(value).lower()} is not a timestamp")
    if isinstance(value, str):
        return _classify_string(value, policy, exact)
    if isinstance(value, int):
        if -_SMALL_LIMIT < value < _SMALL_LIMIT and not exact:
            return _classify_small(value, 0, _NUMBER, policy)
        if value.bit_length() > 80 and policy.unit is None:  # far past 1e20: no inferred unit reads it
            try:
                float(value)
            except OverflowError:
                return _number_out_of_range(Form.NUMBER, "", overflows=True)
            return _number_out_of_range(Form.NUMBER, f"a {value.bit_length()}-bit integer", overflows=False)
        return _classify_decimal(Decimal(value), Form.NUMBER, policy, exact)
    if isinstance(value, float):
        if value != value or value in (_INF, -_INF):
            return Reading(Form.NON_FINITE, None, f"{_float_name(value)} is not a finite number")
        return _classify_decimal(Decimal(value), Form.NUMBER, policy, exact)
    if isinstance(value, Decimal):
        if not value.is_finite():
            name = "NaN" if value.is_nan() else "-Infinity" if value.is_signed() else "Infinity"
            return Reading(Form.NON_FINITE, None, f"{name} is not a finite number")
        return _classify_decimal(value, Form.NUMBER, policy, exact)
    if isinstance(value, dict):
        return Reading(Form.OBJECT, None, "an object is not a timestamp")
    if isinstance(value, (list, tuple)):
        return Reading(Form.ARRAY, None, "an array is not a timestamp")
    if isinstance(value, _dt.datetime):
        return _classify_datetime(value, policy, exact)
    return Reading(Form.OTHER, None, f"a {type(value).__name__} is not a timestamp")


_INF: Final = float("inf")
_new = tuple.__new__  # builds a Reading without its Python-level __new__: readings are made per bad value


def _float_name(value: float) -> str:
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


# --- numbers -------------------------------------------------------------------------------

# A decimal number as pydantic's lax float would take it from a string, minus what we refuse:
# no hex, no `_` separators, no nan/inf spellings (those are classified as non-finite).
# Possessive quantifiers: a date like "2025-09-08..." fails at once instead of backtracking.
_NUMERIC = re.compile(r"[ \t\n\r]*+[+-]?(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][+-]?\d++)?[ \t\n\r]*+", re.ASCII)
# Unsigned, at most 20 digits before and after the point: below 1e20, within `_classify_small`.
_PLAIN_NUMBER = re.compile(r"(\d{1,20})(?:\.(\d{1,20}))?", re.ASCII)
_NON_FINITE_STRING = re.compile(r"[ \t\n\r]*[+-]?(?:nan|inf|infinity)[ \t\n\r]*", re.IGNORECASE)

# A correctly rounded double never depends on more than ~770 significant digits (the longest
# exact decimal expansion of a midpoint between two doubles), so beyond this many digits the rest
# only matters as "zero or not": keep a sticky digit instead of truncating.
_MAX_DIGITS: Final = 800


# Decimal refuses exponents past about ±10**18; a number written with one is held with this one.
_FAR_EXPONENT: Final = decimal.MAX_EMAX


def parse_decimal(text: str) -> Decimal:
    """The exact value of a decimal number in JSON or numeric-string syntax (already matched).

    Decimal cannot hold an exponent past about ±10**18 ("1e9999999999999999999"); such a number
    comes back as its sign times 10**±`_FAR_EXPONENT` (0 if its digits are all zeros). Every reading
    of the two is the same: far past every unit bound it overflows a float, far below the smallest
    float it rounds to zero, and an exact rendering of either is refused (`_MAX_EXACT_DIGITS`).
    """
    try:
        return Decimal(text)
    except decimal.InvalidOperation:
        mantissa, _, exponent = text.strip(" \t\n\r").lower().partition("e")
        sign = 1 if mantissa.startswith("-") else 0
        if not mantissa.strip("+-.0"):
            return Decimal((sign, (0,), 0))
        return Decimal((sign, (1,), -_FAR_EXPONENT if exponent.startswith("-") else _FAR_EXPONENT))


_SMALL_LIMIT: Final = 10**20
_POWERS: Final = tuple(10**k for k in range(40))
# (bound, unit, its exponent) of `_UNIT_BOUNDS` in integers: |value| < bound reads in unit.
_INT_UNIT_BOUNDS: Final = tuple((int(bound), unit, unit.value) for bound, unit in _UNIT_BOUNDS)


def _classify_small(mantissa: int, places: int, form: Form, policy: Policy) -> Reading:
    """The reading of the number `mantissa / 10**places`, for |value| < 1e20 and places <= 20.

    The same reading as `_classify_decimal` (the unit bounds compared exactly, then one correctly
    rounded division), in integer arithmetic: the common numbers need no Decimal.
    """
    unit = policy.unit
    if unit is None:
        scale = _POWERS[places]
        magnitude = -mantissa if mantissa < 0 else mantissa
        for bound, unit, exponent in _INT_UNIT_BOUNDS:  # noqa: B007 - the loop picks the unit
            if magnitude < bound * scale:
                break
    elif not mantissa:  # zero is the same instant in every unit: read it as seconds
        unit, exponent = Unit.S, 0
    else:
        exponent = _UNIT_EXPONENT[unit]
    seconds = mantissa / _POWERS[places + exponent]  # int / int: correctly rounded
    window = policy.window
    if window is None or window.start <= seconds < window.end:
        return _new(Reading, (form, seconds, None, unit, None, False, None))
    return _check_window(_new(Reading, (form, seconds, None, unit, None, False, None)), policy)


def _classify_decimal(number: Decimal, form: Form, policy: Policy, exact: bool) -> Reading:
    magnitude = number.copy_abs()  # abs() would round to the context's 28 digits
    unit = policy.unit
    if unit is None:
        for bound, candidate in _UNIT_BOUNDS:
            if magnitude < bound:
                unit = candidate
                break
        else:
            return _number_out_of_range(form, _decimal_repr(number), overflows=_overflows(number))
    elif not number:  # zero is the same instant in every unit: read it as seconds
        unit = Unit.S
    seconds = _scaled_to_float(number, unit.value)
    if seconds in (_INF, -_INF):
        return Reading(Form.NON_FINITE, None, "the number overflows a float (pydantic reads it as infinity)", unit=unit)
    if exact:
        sign, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)  # a finite number: 'n', 'N' and 'F' are NaN and infinity
        return _check_window(
            Reading(form, seconds, unit=unit, exact=Decimal((sign, digits, exponent - unit.value))), policy
        )
    return _check_window(Reading(form, seconds, unit=unit), policy)


def _number_out_of_range(form: Form, shown: str, overflows: bool) -> Reading:
    if overflows:
        return Reading(Form.NON_FINITE, None, "the number overflows a float (pydantic reads it as infinity)")
    return Reading(
        form,
        None,
        f"{shown} is too large to be epoch seconds, milliseconds, microseconds or nanoseconds (|value| >= 1e20)",
        out_of_range=True,
    )


def _overflows(number: Decimal) -> bool:
    return _scaled_to_float(number, 0) in (_INF, -_INF)


def _decimal_repr(number: Decimal) -> str:
    text = str(number)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _scaled_to_float(number: Decimal, exponent_shift: int) -> float:
    """`number / 10**exponent_shift` rounded once to the nearest float."""
    sign, digit_tuple, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    if len(digits) > _MAX_DIGITS:
        sticky = "1" if digits[_MAX_DIGITS:].strip("0") else "0"
        exponent += len(digits) - _MAX_DIGITS - 1
        digits = digits[:_MAX_DIGITS] + sticky
    # float() of a decimal string is correctly rounded; the scaling only moves the exponent.
    return float(f"{'-' if sign else ''}{digits}e{exponent - exponent_shift}")


def _check_window(reading: Reading, policy: Policy) -> Reading:
    window = policy.window
    seconds = reading.seconds
    if window is None or seconds is None or window.start <= seconds < window.end:
        return reading
    return Reading(
        reading.form,
        seconds,
        f"{_describe_seconds(seconds)} is outside the plausible window {window}",
        unit=reading.unit,
        zone=reading.zone,
        out_of_range=True,
        exact=reading.exact,
    )


def _describe_seconds(seconds: float) -> str:
    whole = int(seconds // 1)
    if -62_135_596_800 <= whole < 253_402_300_800:  # years 1..9999
        return f"{render(seconds)} s ({_format_instant(whole)[:10]})"
    return f"{render(seconds)} s"


# --- strings -------------------------------------------------------------------------------


def _plain_number(plain: re.Match[str], policy: Policy) -> Reading:
    """A numeric string of the common spelling (`_PLAIN_NUMBER`: digits, maybe a point and more),
    read in integers."""
    whole, fraction = plain.groups()
    return _classify_small(
        int(whole + fraction) if fraction else int(whole), len(fraction) if fraction else 0, _NUMERIC_STRING, policy
    )


def _classify_string(text: str, policy: Policy, exact: bool) -> Reading:
    if not exact:
        reading = _common_rfc3339(text, policy)
        if reading is not None:
            return reading
        # A plain number with no white space around it (`"1757350201.447"`), read as the path
        # below reads it, without the two regular expressions before it (it matches neither
        # RFC 3339 nor anything else first).
        plain = _PLAIN_NUMBER.fullmatch(text)
        if plain is not None:
            reading = _plain_number(plain, policy)
            if not reading.out_of_range:
                return reading
    match = _RFC3339.fullmatch(text)
    if match is not None:
        reading = _rfc3339_reading(match, policy, exact)
        if reading is not None:
            return reading
    stripped = text.strip(" \t\n\r")
    if not stripped:
        return Reading(Form.UNPARSEABLE, None, "empty string" if not text else "string holds only white space")
    if _NUMERIC.fullmatch(text):
        plain = None if exact else _PLAIN_NUMBER.fullmatch(stripped)
        if plain is not None:  # the common spelling, read in integers
            reading = _plain_number(plain, policy)
            if not reading.out_of_range:
                return reading
        reading = _classify_decimal(parse_decimal(stripped), Form.NUMERIC_STRING, policy, exact)
        if reading.out_of_range and _ISO.fullmatch(stripped) and _is_date(stripped):
            # "20250908" is both a number and an ISO 8601 basic date: say so.
            return Reading(
                reading.form,
                reading.seconds,
                f"{reading.reason}; read as an ISO 8601 basic date it has no time of day",
                unit=reading.unit,
                out_of_range=True,
                exact=reading.exact,
            )
        return reading
    if _NON_FINITE_STRING.fullmatch(text):
        return Reading(Form.NON_FINITE, None, f"{stripped!r} spells a non-finite number (pydantic reads it as such)")
    reading = _classify_iso(stripped, policy, exact) if stripped[0].isdigit() else None
    if reading is None:
        reading = _classify_rfc2822(stripped, policy, exact)
    if reading is None:
        if _TIME_ONLY.fullmatch(stripped):
            return Reading(Form.UNPARSEABLE, None, "a time of day without a date is not a timestamp")
        return Reading(Form.UNPARSEABLE, None, "not a number, an ISO 8601 date-time or an RFC 2822 date")
    return reading


def _common_rfc3339(text: str, policy: Policy) -> Reading | None:
    """The reading of an RFC 3339 string in the spelling `datetime.fromisoformat` reads exactly
    as the paths below do (see `seconds_converter`, which takes the same spellings), when it is in
    the window; None for anything else. A capture where every timestamp is an ISO string sends
    each one here: it takes a third of the time of the regular expression and its groups."""
    sizes = _NAIVE_SIZES.get(text[10:20:3])
    if sizes is None:
        return None
    size = len(text)
    zone_name = None
    try:
        if text[-1] == "Z":
            if size - 1 not in sizes:
                return None
            form = _ISO_OFFSET
            seconds = _FROM_ISO(text).timestamp()
        elif text[-3] == ":" and text[-6] in "+-":  # ±HH:MM
            if size - 6 not in sizes or text[-2] > "5":
                return None
            form = _ISO_OFFSET
            seconds = _FROM_ISO(text).timestamp()
        elif size in sizes and policy.naive_zone is UTC_ZONE:
            form = _ISO_NAIVE
            zone_name = UTC_ZONE.name
            seconds = _TOTAL_SECONDS(_FROM_ISO(text) - _NAIVE_EPOCH)  # TypeError: an offset after all
        else:
            return None
    except (ValueError, TypeError):
        return None
    window = policy.window
    if window is not None and not window.start <= seconds < window.end:
        return None  # said by the paths below
    return _new(Reading, (form, seconds, None, None, zone_name, False, None))


_FROM_ISO: Final = _dt.datetime.fromisoformat
_NAIVE_EPOCH: Final = _dt.datetime(1970, 1, 1)
_TOTAL_SECONDS: Final = _dt.timedelta.total_seconds


# ISO 8601 date-times, extended and basic: calendar, ordinal and week dates; hour, minute or
# second precision; a decimal fraction (`.` or `,`) on the last component; offsets Z, ±HH,
# ±HHMM, ±HH:MM (also with U+2212 MINUS SIGN).
_ISO = _Pattern(
    r"""
    (?P<year>\d{4})
    (?: -(?P<month>\d{2})-(?P<day>\d{2})
      | -W(?P<week>\d{2})-(?P<weekday>\d)
      | -(?P<yday>\d{3})
      | (?P<bmonth>\d{2})(?P<bday>\d{2})
      | W(?P<bweek>\d{2})(?P<bweekday>\d)
      | (?P<byday>\d{3})
    )
    (?: [Tt\ ]
        (?P<hour>\d{2})
        (?: :(?P<minute>\d{2}) (?: :(?P<second>\d{2}) )?
          | (?P<bminute>\d{2}) (?P<bsecond>\d{2})?
        )?
        (?: [.,](?P<fraction>\d+) )?
        (?P<offset> [Zz] | (?P<sign>[+\-\u2212])(?P<ohour>\d{2})(?::?(?P<ominute>\d{2}))? )?
    )?
    """,
    re.VERBOSE | re.ASCII,
)
# RFC 3339's own spelling, which nearly every timestamp uses; _ISO below takes everything else.
# Groups: the minute ("2025-09-08T16:50"), second, fraction, Z, offset ("+02:00", "-0700").
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}):(\d{2})(?:[.,](\d+))?"
    r"(?:([Zz])|([+\-\u2212]\d{2}:?\d{2}))?",
    re.ASCII,
)
_TIME_ONLY = _Pattern(r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+\-\u2212]\d{2}(?::?\d{2})?)?", re.ASCII)
_ISO_DATE_ONLY_HINT = "a date without a time of day is not a timestamp (which instant of that day?)"
_EPOCH_ORDINAL: Final = _dt.date(1970, 1, 1).toordinal()


def _rfc3339_reading(match: re.Match[str], policy: Policy, exact: bool) -> Reading | None:
    """The reading of the common RFC 3339 spelling in UTC or with an offset, or None to leave the
    string to the general path (impossible dates, 24:00, leap seconds, zones, long fractions).

    Runs for every ISO timestamp of a capture, so the date arithmetic is done once per minute
    and per offset written (`_MINUTES`, `_OFFSETS`): a capture's timestamps share a few of each.
    """
    minute_text, second_text, fraction, zulu, offset_text = match.groups()
    start = _MINUTES.get(minute_text, _MISSING)
    if start is _MISSING:
        start = _minute_start(minute_text)
        if len(_MINUTES) >= 4096:  # bounded: a capture spanning years does not grow memory
            _MINUTES.clear()
        _MINUTES[minute_text] = start
    second = int(second_text)
    if start is None or second > 59:
        return None
    utc: int = start + second  # type: ignore[operator]
    zone_name = None
    if zulu is not None:
        form = _ISO_OFFSET
    elif offset_text is not None:
        form = _ISO_OFFSET
        offset = _OFFSETS.get(offset_text, _MISSING)
        if offset is _MISSING:
            offset = _offset_seconds(offset_text[0], offset_text[1:3], offset_text[-2:])
            if len(_OFFSETS) < 1024:
                _OFFSETS[offset_text] = offset
        if offset is None:
            return None
        utc -= offset  # type: ignore[operator]
    elif policy.naive_zone is UTC_ZONE:
        form = _ISO_NAIVE
        zone_name = UTC_ZONE.name
    else:
        return None
    if fraction is None:
        seconds = float(utc)
        exact_seconds = Decimal(utc) if exact else None
    elif len(fraction) <= 18:
        scale = _POWERS_OF_TEN[len(fraction)]
        scaled = utc * scale + int(fraction)
        seconds = scaled / scale  # int / int: correctly rounded
        exact_seconds = Decimal(f"{scaled}e-{len(fraction)}") if exact else None
    else:
        return None
    reading: Reading = _new(Reading, (form, seconds, None, None, zone_name, False, exact_seconds))
    window = policy.window
    if window is not None and not window.start <= seconds < window.end:
        return _check_window(reading, policy)
    return reading


_MISSING: Final = object()
_MINUTES: dict[str, int | None] = {}
_OFFSETS: dict[str, int | None] = {}


def _minute_start(text: str) -> int | None:
    """Epoch seconds of the minute `YYYY-MM-DDTHH:MM` read as UTC, or None if the date or time is
    impossible (or hour 24): the general path then says why."""
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
    hour, minute = int(text[11:13]), int(text[14:16])
    if not (year and hour < 24 and minute < 60):
        return None
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        return None
    return (date.toordinal() - _EPOCH_ORDINAL) * 86_400 + hour * 3600 + minute * 60


_POWERS_OF_TEN: Final = tuple(10**k for k in range(19))


def _classify_iso(text: str, policy: Policy, exact: bool) -> Reading | None:
    """The reading of an ISO 8601 string, or None when `text` is not ISO 8601 at all."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    group = match.group
    if group("hour") is None:
        return Reading(Form.UNPARSEABLE, None, _ISO_DATE_ONLY_HINT)
    try:
        days = _iso_days(match)
    except ValueError as error:
        return Reading(Form.UNPARSEABLE, None, f"looks like ISO 8601 but {error}")
    offset_text = group("offset")
    return _iso_reading(
        days,
        group("hour"),
        group("minute") or group("bminute"),
        group("second") or group("bsecond"),
        group("fraction"),
        "Z" if offset_text in ("Z", "z") else None,
        group("sign"),
        group("ohour"),
        group("ominute"),
        policy,
        exact,
    )


def _iso_reading(
    days: int,
    hour_text: str,
    minute_text: str | None,
    second_text: str | None,
    fraction: str | None,
    zulu: str | None,
    sign: str | None,
    offset_hours: str | None,
    offset_minutes: str | None,
    policy: Policy,
    exact: bool,
) -> Reading:

    hour = int(hour_text)
    minute = int(minute_text) if minute_text else 0
    second = int(second_text) if second_text else 0
    fraction = fraction or ""
    # The fraction belongs to the last component written: hours, minutes or seconds.
    fraction_unit = 1 if second_text else 60 if minute_text else 3600
    leap = second == 60
    if hour == 24:
        if minute or second or fraction.strip("0"):
            return Reading(Form.UNPARSEABLE, None, "looks like ISO 8601 but 24:00 is the only time allowed in hour 24")
    elif hour > 23 or minute > 59 or second > 60:
        return Reading(
            Form.UNPARSEABLE, None, f"looks like ISO 8601 but {hour:02d}:{minute:02d}:{second:02d} is not a time of day"
        )
    wall = days * 86_400 + hour * 3600 + minute * 60 + (59 if leap else second)

    zone_name = None
    if zulu or sign:
        form = Form.ISO_OFFSET
        if zulu:
            offset = 0
        else:
            assert sign is not None and offset_hours is not None
            parsed_offset = _offset_seconds(sign, offset_hours, offset_minutes)
            if parsed_offset is None:
                return Reading(
                    Form.UNPARSEABLE,
                    None,
                    f"looks like ISO 8601 but the offset "
                    f"{sign}{offset_hours}:{offset_minutes or '00'} is out of range "
                    "(hours 00-23, minutes 00-59)",
                )
            offset = parsed_offset
    else:
        form = Form.ISO_NAIVE
        zone = policy.naive_zone
        zone_name = zone.name
        if zone.rejects:
            return Reading(
                form, None, "it has no UTC offset and naive times are rejected (--naive-tz reject)", zone=zone_name
            )
        # A fraction of an hour or a minute holds whole seconds too ("01.75" is 01:45): the zone's
        # offset is that of the second the time falls in.
        offset_or_reason = _zone_offset(wall + _whole_seconds(fraction, fraction_unit), zone)
        if isinstance(offset_or_reason, str):
            return Reading(form, None, offset_or_reason, zone=zone_name)
        offset = offset_or_reason
    utc = wall - offset
    if leap:
        # A leap second is 23:59:60 UTC; POSIX time counts it as the first second of the next day.
        if utc % 86_400 != 86_399:
            return Reading(
                Form.UNPARSEABLE, None, "looks like ISO 8601 but a leap second (:60) can only be 23:59:60 UTC"
            )
        utc += 1
    seconds, exact_seconds = _add_fraction(utc, fraction, fraction_unit, exact)
    return _check_window(Reading(form, seconds, zone=zone_name, exact=exact_seconds), policy)


def _iso_days(match: re.Match[str]) -> int:
    """Days from 1970-01-01 to the matched date; ValueError says why the date does not exist."""
    group = match.group
    year = int(group("year"))
    if year == 0:
        raise ValueError("year 0000 is outside the supported range 0001-9999")
    month, day = group("month") or group("bmonth"), group("day") or group("bday")
    week, weekday = group("week") or group("bweek"), group("weekday") or group("bweekday")
    yday = group("yday") or group("byday")
    if month is not None:
        try:
            date = _dt.date(year, int(month), int(day))
        except ValueError:
            raise ValueError(f"{year:04d}-{month}-{day} is not a date") from None
    elif week is not None:
        try:
            date = _dt.date.fromisocalendar(year, int(week), int(weekday))
        except ValueError:
            raise ValueError(f"{year:04d}-W{week}-{weekday} is not a week date") from None
    else:
        last = 366 if _dt.date(year, 12, 31).timetuple().tm_yday == 366 else 365
        if not 1 <= int(yday) <= last:
            raise ValueError(f"day {yday} of {year:04d} does not exist")
        date = _dt.date(year, 1, 1) + _dt.timedelta(days=int(yday) - 1)
    return date.toordinal() - _EPOCH_ORDINAL


def _is_date(text: str) -> bool:
    match = _ISO.fullmatch(text)
    try:
        return match is not None and _iso_days(match) is not None
    except ValueError:
        return False


def _offset_seconds(sign: str, hours: str, minutes: str | None) -> int | None:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 23 or minute > 59:
        return None
    seconds = hour * 3600 + minute * 60
    return seconds if sign == "+" else -seconds


def _add_fraction(
    whole: int,
    fraction: str,
    unit_seconds: int,
    exact: bool,
) -> tuple[float, Decimal | None]:
    """`whole + 0.fraction * unit_seconds`: rounded once, and (if asked) exact."""
    if not fraction:
        return float(whole), Decimal(whole) if exact else None
    if len(fraction) <= 4000:  # int() refuses longer digit strings by default
        scale = 10 ** len(fraction)
        scaled = whole * scale + int(fraction) * unit_seconds
        # int / int: correctly rounded. A decimal fraction times 1, 60 or 3600 stays decimal.
        return scaled / scale, Decimal(f"{scaled}e-{len(fraction)}") if exact else None
    # Longer: the same sum in decimal, with enough precision to be exact, then rounded once. (Cutting
    # the fraction itself would be wrong: a fraction of an hour has repeating-decimal boundaries.)
    context = decimal.Context(prec=len(fraction) + 40, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    total = context.add(Decimal(whole), context.multiply(Decimal(f"0.{fraction}"), unit_seconds))
    return _scaled_to_float(total, 0), total


def _whole_seconds(fraction: str, unit_seconds: int) -> int:
    """The whole seconds in `0.fraction * unit_seconds` (rounded down)."""
    if unit_seconds == 1 or not fraction:
        return 0
    context = decimal.Context(prec=len(fraction) + 10, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    return int(context.multiply(Decimal(f"0.{fraction}"), unit_seconds))  # exact; int() floors it


def _zone_offset(wall: int, zone: NaiveZone) -> int | str:
    """The UTC offset of the wall time `wall` (seconds, as if UTC) in `zone`, or why there is none.

    Local times that a DST change skips or repeats do not name one instant: say so, do not pick.
    """
    if zone.tzinfo is _dt.UTC:
        return 0
    days, rest = divmod(wall, 86_400)
    try:
        naive = _dt.datetime.fromordinal(_EPOCH_ORDINAL + days) + _dt.timedelta(seconds=rest)
    except (ValueError, OverflowError):
        return f"the wall time is outside the years {zone.name} can be looked up in"
    offsets = []
    for fold in (0, 1):
        candidate = naive.replace(fold=fold)
        try:
            aware = candidate.astimezone() if zone.tzinfo is None else candidate.replace(tzinfo=zone.tzinfo)
            delta = aware.utcoffset()
        except (ValueError, OverflowError, OSError):
            return f"the wall time is outside the years {zone.name} can be looked up in"
        assert delta is not None
        offsets.append(int(delta.total_seconds()))
    if offsets[0] == offsets[1]:
        return offsets[0]
    # fold 0 and 1 disagree: the wall time is repeated (both map back to it) or skipped (neither).
    if _wall_time_of(wall - offsets[0], zone) == naive:
        return f"{naive.isoformat()} happens twice in {zone.name} (the clocks go back): it does not name one instant"
    return f"{naive.isoformat()} does not exist in {zone.name} (the clocks skip it)"


def _wall_time_of(utc: int, zone: NaiveZone) -> _dt.datetime:
    instant = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(seconds=utc)
    local = instant.astimezone() if zone.tzinfo is None else instant.astimezone(zone.tzinfo)
    return local.replace(tzinfo=None, fold=0)


# RFC 5322 §3.3 dates (RFC 2822's, and their HTTP subset, RFC 9110 IMF-fixdate), with the
# obsolete syntax of §4.3 that mail still carries: comments (nested, with quoted pairs) anywhere
# white space may be, white space around the comma and the colons or none, 2- and 3-digit years,
# and the zone names. Comments are blanked out first (`_uncomment`); this reads what is left.
# Also taken, as before: a weekday without its comma, and "UTC" as a zone name.
_FWS = r"(?:[ \t]|\r\n(?=[ \t]))"  # folding white space: a line break only before a blank
_RFC2822 = _Pattern(
    rf"""
    {_FWS}*
    (?:(?P<weekday>[A-Za-z]+)(?:{_FWS}*,{_FWS}*|{_FWS}+))?
    (?P<day>\d{{1,2}}){_FWS}*(?P<month>[A-Za-z]+){_FWS}*(?P<year>\d+){_FWS}+
    (?P<hour>\d{{2}}){_FWS}*:{_FWS}*(?P<minute>\d{{2}})(?:{_FWS}*:{_FWS}*(?P<second>\d{{2}}))?
    {_FWS}*(?P<zone>[+-]\d{{4}}|[A-Za-z]+){_FWS}*
    """,
    re.VERBOSE | re.ASCII,
)
_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The zone names of RFC 5322 §4.3 (obs-zone), in hours east of UTC; "utc" is not among them but
# was always taken. "Z" is the one military letter whose offset is certain: zero either way.
_ZONE_NAMES: Final = {
    "ut": 0,
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}
# The other military letters (A-I, K-Y; J is not one): RFC 822 gave their signs backwards, so
# RFC 5322 §4.3 says to read them as -0000, "no information about the local time zone". What the
# writer's clock showed is then known but not its offset: the date names no instant, and wsfix
# does not pick one (as for a wall time without offset under --naive-tz reject).
_MILITARY: Final = frozenset("abcdefghiklmnopqrstuvwxy")
# Longer strings are not read as dates: comments are scanned in Python, and no date needs this much.
_MAX_DATE_LENGTH: Final = 1000


def _uncomment(text: str) -> str | None:
    """`text` with each RFC 5322 comment, `(...)` with nested comments and `\\`-quoted pairs,
    replaced by one space (a comment is white space to the date); None if the parentheses do not
    balance."""
    if "(" not in text and ")" not in text:
        return text
    kept: list[str] = []
    depth = 0
    escaped = False
    for char in text:
        if depth == 0:
            if char == "(":
                depth = 1
                kept.append(" ")
            elif char == ")":
                return None
            else:
                kept.append(char)
        elif escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
    return "".join(kept) if depth == 0 else None


def _full_year(digits: str) -> int:
    """The year RFC 5322 §4.3 reads in an obsolete 2- or 3-digit year: 00-49 are 2000-2049,
    50-99 are 1950-1999, and any 3-digit year is 1900 plus its value (`123` is 2023)."""
    year = int(digits)
    if len(digits) == 2:
        return year + (2000 if year < 50 else 1900)
    if len(digits) == 3:
        return year + 1900
    return year


def _classify_rfc2822(text: str, policy: Policy, exact: bool) -> Reading | None:
    if len(text) > _MAX_DATE_LENGTH:
        return None
    uncommented = _uncomment(text)
    if uncommented is None:
        return None
    match = _RFC2822.fullmatch(uncommented)
    if match is None:
        return None
    group = match.group

    def bad(why: str) -> Reading:
        return Reading(Form.UNPARSEABLE, None, f"looks like an RFC 2822 date but {why}")

    month = _MONTHS.get(group("month").lower())
    if month is None:
        return bad(f"{group('month')!r} is not a month (Jan, Feb, ... Dec)")
    digits = group("year")
    if len(digits) > 4:
        return bad(f"its year {digits} is outside the supported range 0001-9999")
    zone = group("zone")
    lowered = zone.lower()
    if zone[0] in "+-":
        offset = _offset_seconds(zone[0], zone[1:3], zone[3:5])
        if offset is None:
            return bad(f"the zone {zone} is out of range")
    elif lowered in _ZONE_NAMES:
        offset = _ZONE_NAMES[lowered] * 3600
    elif lowered in _MILITARY:
        return bad(
            f"the military zone {zone!r} gives no offset (RFC 5322 §4.3 reads it as -0000, an unknown local zone, "
            "since RFC 822 defined their signs backwards): it names no instant"
        )
    else:
        return bad(f"the zone {zone!r} is not one RFC 2822 defines (use +HHMM)")
    year, day = _full_year(digits), int(group("day"))
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        return bad(f"{year:04d}-{month:02d}-{day:02d} is not a date")
    weekday = group("weekday")
    if weekday is not None:
        if weekday.lower() not in _WEEKDAYS:
            return bad(f"{weekday!r} is not a weekday (Mon, Tue, ... Sun)")
        if _WEEKDAYS.index(weekday.lower()) != date.weekday():
            return bad(f"{date.isoformat()} is a {date.strftime('%A')}, not {weekday}")
    hour, minute = int(group("hour")), int(group("minute"))
    second = int(group("second") or 0)
    if hour > 23 or minute > 59 or second > 60:
        return bad(f"{hour:02d}:{minute:02d}:{second:02d} is not a time of day")
    utc = (date.toordinal() - _EPOCH_ORDINAL) * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
    if second == 60:
        if utc % 86_400 != 86_399:
            return bad("a leap second (:60) can only be 23:59:60 UTC")
        utc += 1
    return _check_window(Reading(Form.DATE_STRING, float(utc), exact=Decimal(utc) if exact else None), policy)


# --- datetime objects (library users) ------------------------------------------------------


def _classify_datetime(value: _dt.datetime, policy: Policy, exact: bool) -> Reading:
    wall = (value.toordinal() - _EPOCH_ORDINAL) * 86_400 + value.hour * 3600 + value.minute * 60 + value.second
    delta = value.utcoffset()
    zone_name = None
    if delta is None:
        zone = policy.naive_zone
        zone_name = zone.name
        if zone.rejects:
            return Reading(
                Form.DATETIME,
                None,
                "it has no UTC offset and naive times are rejected (--naive-tz reject)",
                zone=zone_name,
            )
        offset_or_reason = _zone_offset(wall, zone)
        if isinstance(offset_or_reason, str):
            return Reading(Form.DATETIME, None, offset_or_reason, zone=zone_name)
        offset_us = offset_or_reason * 1_000_000
    else:
        offset_us = delta // _dt.timedelta(microseconds=1)  # tzinfo may give sub-second offsets
    micros = wall * 1_000_000 + value.microsecond - offset_us
    return _check_window(
        Reading(Form.DATETIME, micros / 1_000_000, zone=zone_name, exact=Decimal(f"{micros}e-6") if exact else None),
        policy,
    )


# --- a converter for validating every message ---------------------------------------------

# Integers beyond 2**53 are not all floats: the converter leaves them to the core's rounding.
_EXACT_INT: int = 2**53


def _number_range(policy: Policy) -> tuple[float, float]:
    """[low, high): the numbers `policy` reads as seconds, in its window: read unchanged.

    Empty (0, 0) when a unit other than seconds is forced: every number is then scaled.
    """
    if policy.unit is None:
        low, high = inferred_range(Unit.S)
    elif policy.unit is Unit.S:
        low, high = -math.inf, math.inf
    else:
        return 0.0, 0.0
    window = policy.window
    if window is not None:
        low, high = max(low, window.start), min(high, window.end)
    # An infinite bound would let infinity itself through: the largest float is the last one in.
    return max(low, -1.7976931348623157e308), high


# The sizes an RFC 3339 date-time without offset may have, by what it reads at 10, 13, 16 and 19
# (`value[10:20:3]`): its separator, the colons of the extended format, and the point of a fraction
# of 1 to 6 digits (21-26 characters), or none (19; a 20th character is then the zone's, Z or ±).
# With `Z` one more, with `±HH:MM` six more. (Sets: `in` a range is Python-slow, 60 ns a test.)
_NAIVE_SIZES: Final = {
    **{f"{separator}::{point}": frozenset(range(21, 27)) for separator in "Tt " for point in ".,"},
    **{f"{separator}::{zone}": frozenset({19}) for separator in "Tt " for zone in ("", "Z", "+", "-")},
}


def _as_float(bound: float) -> float:
    """`bound` as a float when that is exact, else unchanged: a float compares with a float in C
    (0.07 µs less per call in `validate_json` than with an int), and exactly as with the int."""
    try:
        as_float = float(bound)
    except OverflowError:
        return bound
    return as_float if as_float == bound else bound


def seconds_converter(policy: Policy = DEFAULT_POLICY) -> Callable[[Any], float]:
    """`to_epoch_seconds` under `policy` as one function, for code that converts every message
    (`EpochSeconds`): the three common cases come first, and give what the general path gives.

    A float or integer already in seconds and in the window is returned as it is (the general
    path would return it unchanged). An RFC 3339 string in the one spelling
    `datetime.fromisoformat` reads exactly as the general path does (whole fields, up to 6
    fraction digits, `Z`, `±HH:MM`, or no offset when naive times are UTC) is read by it.
    Everything else goes the general way. `tests/test_annotated.py` checks, over generated
    values, that the results are the same.
    """
    low, high = _number_range(policy)
    # Each bound in the type it is compared with: float with float and int with int are the
    # interpreter's fast comparisons. For an int, `low <= value` is `ceil(low) <= value`.
    int_low, int_high = math.ceil(max(low, -_EXACT_INT)), math.ceil(min(high, _EXACT_INT))
    low, high = _as_float(low), _as_float(high)
    window = policy.window
    start, end = (-math.inf, math.inf) if window is None else (_as_float(window.start), _as_float(window.end))
    naive_utc = policy.naive_zone is UTC_ZONE
    fromisoformat = _dt.datetime.fromisoformat
    epoch = _dt.datetime(1970, 1, 1)
    total_seconds = _dt.timedelta.total_seconds

    def to_seconds(value: Any) -> float:
        kind = value.__class__
        if kind is str and (sizes := _NAIVE_SIZES.get(value[10:20:3])) is not None:
            # RFC 3339 as `datetime.fromisoformat` reads it exactly as the core does. It checks the
            # digits, the date and the ranges; the checks here keep out what it reads otherwise: a
            # separator other than T, t or space (it takes any), a `:` before the fraction (it
            # takes that too), more than 6 fraction digits (it cuts them off) or a `.` without
            # any (the sizes: the colons at 13 and 16 pin the extended format), an offset minute
            # of 60 (it carries it). Its microseconds since the epoch over 10**6 (`timestamp()`,
            # `total_seconds()`) is an int / int division: the core's correctly rounded float.
            # Every check is a Python operation on the hot path: none is there that fromisoformat
            # makes needless.
            size = len(value)
            if value[-1] == "Z":
                aware = size - 1 in sizes
            elif value[-3] == ":" and value[-6] in "+-":  # ±HH:MM
                aware = size - 6 in sizes and value[-2] < "6"
            else:
                if naive_utc and size in sizes:
                    # Read as naive and counted from a naive epoch: what appending "Z" gives,
                    # without building that string. TypeError: an offset the checks above do not
                    # see after all (`+0530`, `-05`): the core reads it.
                    try:
                        seconds: float = total_seconds(fromisoformat(value) - epoch)
                    except (ValueError, TypeError):
                        pass
                    else:
                        if start <= seconds < end:
                            return seconds
                aware = False
            if aware:
                try:
                    seconds = fromisoformat(value).timestamp()
                except ValueError:
                    pass
                else:
                    if start <= seconds < end:
                        return seconds
        elif kind is float:
            if low <= value < high:  # NaN compares false: left to the core
                return value  # type: ignore[no-any-return]
        elif kind is int and int_low <= value < int_high:
            return float(value)
        return to_epoch_seconds(value, policy)

    return to_seconds
