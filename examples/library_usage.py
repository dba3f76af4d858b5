"""Using wsfix's conversion core from Python: normalise timestamps at the edge of a backend.

Run: python examples/library_usage.py
"""

from typing import Optional

from pydantic import BaseModel, ValidationError

from wsfix import EpochSeconds, Policy, TimestampError, classify, epoch_seconds_type, to_epoch_seconds
from wsfix.timestamps import Unit, parse_naive_zone


class WebSocketMessage(BaseModel):
    type: str
    timestamp: Optional[EpochSeconds] = None  # every convertible form becomes epoch seconds


# The incident value: a naive ISO string, read as UTC.
message = WebSocketMessage.model_validate_json('{"type":"start_agent","timestamp":"2025-09-08T16:50:01.447585"}')
print(message.timestamp)  # 1757350201.447585

# Milliseconds from Date.now() are divided exactly; nothing is ever replaced by "now".
print(WebSocketMessage(type="ping", timestamp=1757350201447).timestamp)  # 1757350201.447

try:
    WebSocketMessage(type="ping", timestamp="2025-09-08")
except ValidationError as error:
    print(error.errors()[0]["msg"])  # says why: a date without a time of day

# One value at a time, with a policy: naive times in Los Angeles, numbers always milliseconds.
pacific = Policy(naive_zone=parse_naive_zone("America/Los_Angeles"))
print(to_epoch_seconds("2025-09-08T09:50:01.447585", pacific))  # 1757350201.447585
print(to_epoch_seconds(1757350201447, Policy(unit=Unit.MS)))  # 1757350201.447

try:
    to_epoch_seconds(float("nan"))
except TimestampError as error:
    print(error.form.value, "-", error.reason)

# classify() never raises: it says what a value is and which instant it denotes, if any.
reading = classify("Mon, 08 Sep 2025 16:50:01 GMT")
print(reading.form.label, reading.seconds)  # RFC 2822 date string 1757350201.0


class PacificMessage(BaseModel):
    timestamp: epoch_seconds_type(pacific)  # type: ignore[valid-type]


print(PacificMessage(timestamp="2025-09-08 09:50:01").timestamp)  # 1757350201.0
