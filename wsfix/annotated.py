"""`EpochSeconds`: a Pydantic type for backends that accepts every convertible timestamp form.

Declare `timestamp: EpochSeconds | None = None` and the model reads ISO 8601 strings (with or
without offset), RFC 2822 dates, numeric strings and epoch ms/µs/ns exactly as `wsfix repair` would,
and rejects the rest with a `ValidationError` that says why. It never substitutes the current time.
Built on the conversion core only; it must not convert anything itself that the core would read
differently.

One exception to "exactly": from JSON (`model_validate_json`), pydantic turns a number with a
fraction into a float before any validator sees it, so a fractional millisecond (µs, ns) number
is converted from that float and can come out one float step from what `repair` writes from its
digits. Strings, integers and Python values are exact.

Speed: a backend validates every message, so the two common cases are taken before the core:
a float or integer already in seconds and in the window (the core would return it unchanged), and
an RFC 3339 string in the one spelling `datetime.fromisoformat` reads exactly as the core does
(whole fields, up to 6 fraction digits, `Z` or `±HH:MM`). `tests/test_annotated.py` checks, old
against new over generated values, that both give the results the core alone gives.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Annotated, Any

from pydantic import BeforeValidator

from wsfix.timestamps import DEFAULT_POLICY, UTC_ZONE, Policy, Unit, inferred_range, to_epoch_seconds

__all__ = ["EpochSeconds", "epoch_seconds_type"]

# Integers beyond 2**53 are not all floats: the shortcut leaves them to the core's rounding.
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


def epoch_seconds_type(policy: Policy = DEFAULT_POLICY) -> Any:
    """An `Annotated[float, ...]` type converting under `policy` (naive zone, unit, window).

    Failures raise `wsfix.timestamps.TimestampError`, a ValueError, which pydantic reports as a
    `value_error` naming the form and the reason.
    """
    low, high = _number_range(policy)
    int_low, int_high = max(low, -_EXACT_INT), min(high, _EXACT_INT)
    window = policy.window
    start, end = (-math.inf, math.inf) if window is None else (window.start, window.end)
    naive_utc = policy.naive_zone is UTC_ZONE
    fromisoformat = _dt.datetime.fromisoformat

    def to_seconds(value: Any) -> float:
        kind = value.__class__
        if kind is float:
            if low <= value < high:  # NaN compares false: left to the core
                return value  # type: ignore[no-any-return]
        elif kind is int:
            if int_low <= value < int_high:
                return float(value)
        elif kind is str and 18 < (size := len(value)) < 33 and value[13] == ":" and value[16] == ":":
            # RFC 3339 as `datetime.fromisoformat` reads it exactly as the core does. It checks the
            # digits, the date and the ranges; the checks here keep out what it reads otherwise:
            # more than 6 fraction digits (it cuts them off; the colons at 13 and 16 pin the
            # extended format, so the size bounds the digits), a `.` without digits, an offset
            # minute of 60 (it carries it), a separator other than T, t or space (it takes any).
            # An aware datetime's `timestamp()` is its microseconds since the epoch over 10**6,
            # an int / int division: the core's correctly rounded float. Every check is a Python
            # operation on the hot path: none is there that fromisoformat makes needless.
            text: str = value
            if text[-1] == "Z":  # 20: no fraction; 22-27: 1 to 6 digits
                usable = size == 20 or (21 < size < 28 and text[19] in ".,")
            elif text[-3] == ":" and text[-6] in "+-":  # ±HH:MM: 25, or 27-32
                usable = (size == 25 or (size > 26 and text[19] in ".,")) and text[-2] < "6"
            else:  # no offset: 19, or 21-26
                usable = naive_utc and (size == 19 or (20 < size < 27 and text[19] in ".,"))
                text += "Z"
            if usable and text[10] in "Tt ":
                try:
                    seconds: float = fromisoformat(text).timestamp()
                except ValueError:
                    pass
                else:
                    if start <= seconds < end:
                        return seconds
        return to_epoch_seconds(value, policy)

    return Annotated[float, BeforeValidator(to_seconds)]


EpochSeconds = epoch_seconds_type()
"""EpochSeconds: the conversion core as a Pydantic type for backends."""
