"""How fast `EpochSeconds` validates the common case, against pydantic's own types, in one run.

    python benchmarks/annotated.py              # 200,000 validate_json calls per case
    python benchmarks/annotated.py --calls 50000

Each case validates `{"type":"ping","timestamp":…}` with `Model.__pydantic_validator__.validate_json`
the given number of times, on one core, in 20 rounds taken round-robin across the cases (a busy
spell on a shared machine then slows them alike); the rate is calls over their total time. The
targets (issue 13): a valid float at least 0.5x a plain `float` field, an ISO `Z` string at least
0.5x a `datetime` field on the same string. "before" is `EpochSeconds` as it was: every value
through the conversion core.
"""

from __future__ import annotations

import argparse
import datetime
import time
from typing import Annotated, Any, Optional

from pydantic import BaseModel, BeforeValidator

from wsfix.annotated import EpochSeconds
from wsfix.timestamps import to_epoch_seconds

Before = Annotated[float, BeforeValidator(to_epoch_seconds)]


class PlainFloat(BaseModel):
    type: str
    timestamp: Optional[float] = None


class PlainDatetime(BaseModel):
    type: str
    timestamp: Optional[datetime.datetime] = None


class Epoch(BaseModel):
    type: str
    timestamp: Optional[EpochSeconds] = None


class EpochBefore(BaseModel):
    type: str
    timestamp: Optional[Before] = None


FLOAT = b"1757350201.447585"
INTEGER = b"1757350201"
ISO_Z = b'"2025-09-08T16:50:01.447585Z"'
ISO_NAIVE = b'"2025-09-08T16:50:01.447585"'

# (label, model, value, the baseline's label for the ratio)
CASES: list[tuple[str, type[BaseModel], bytes, str | None]] = [
    ("float field, float", PlainFloat, FLOAT, None),
    ("EpochSeconds, float", Epoch, FLOAT, "float field, float"),
    ("EpochSeconds (before), float", EpochBefore, FLOAT, "float field, float"),
    ("float field, integer", PlainFloat, INTEGER, None),
    ("EpochSeconds, integer", Epoch, INTEGER, "float field, integer"),
    ("datetime field, ISO Z", PlainDatetime, ISO_Z, None),
    ("EpochSeconds, ISO Z", Epoch, ISO_Z, "datetime field, ISO Z"),
    ("EpochSeconds (before), ISO Z", EpochBefore, ISO_Z, "datetime field, ISO Z"),
    ("datetime field, ISO naive", PlainDatetime, ISO_NAIVE, None),
    ("EpochSeconds, ISO naive", Epoch, ISO_NAIVE, "datetime field, ISO naive"),
]


ROUNDS = 20


def timed(model: type[BaseModel], value: bytes, calls: int) -> float:
    """Seconds that `calls` validate_json calls take."""
    validate: Any = model.__pydantic_validator__.validate_json
    line = b'{"type":"ping","timestamp":' + value + b"}"
    validate(line)  # the first call builds what is cached
    start = time.perf_counter()
    for _ in range(calls):
        validate(line)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="validate_json calls per case")
    calls = parser.parse_args().calls
    seconds = dict.fromkeys((label for label, *_ in CASES), 0.0)
    for _ in range(ROUNDS):
        for label, model, value, _baseline in CASES:
            seconds[label] += timed(model, value, calls // ROUNDS)
    rates = {label: calls // ROUNDS * ROUNDS / total for label, total in seconds.items()}
    print(f"| case ({calls // ROUNDS * ROUNDS:,} validate_json calls) | k calls/s | ratio |")
    print("|---|---:|---|")
    for label, _model, _value, baseline in CASES:
        ratio = f"{rates[label] / rates[baseline]:.2f}x {baseline}" if baseline else ""
        print(f"| {label} | {rates[label] / 1000:,.0f} | {ratio} |")


if __name__ == "__main__":
    main()
