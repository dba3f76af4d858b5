"""EpochSeconds: the conversion core as a Pydantic type for backends."""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

import pytest
from pydantic import BaseModel, ValidationError

from wsfix import EpochSeconds, epoch_seconds_type
from wsfix.timestamps import Policy, parse_naive_zone


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
