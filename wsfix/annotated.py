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

Speed: a backend validates every message, so it converts through the core's
`seconds_converter`, which takes the two common cases (a number already in seconds, an RFC 3339
string) on a short path that gives what the general one gives.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from wsfix.timestamps import DEFAULT_POLICY, Policy, seconds_converter

__all__ = ["EpochSeconds", "epoch_seconds_type"]


def epoch_seconds_type(policy: Policy = DEFAULT_POLICY) -> Any:
    """An `Annotated[float, ...]` type converting under `policy` (naive zone, unit, window).

    Failures raise `wsfix.timestamps.TimestampError`, a ValueError, which pydantic reports as a
    `value_error` naming the form and the reason.
    """
    return Annotated[float, BeforeValidator(seconds_converter(policy))]


EpochSeconds = epoch_seconds_type()
"""EpochSeconds: the conversion core as a Pydantic type for backends."""
