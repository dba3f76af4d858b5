"""A generated Chrome-style HAR with capture times, and the true instant of every value it holds.

Three WebSocket connections seen by one capture machine whose clock is UTC (issue 15, must show 1):

1. a browser in America/Los_Angeles writing naive local times (`datetime.now().isoformat()`)
   across the 2025-11-02 change from -07:00 to -08:00, values in the repeated 01:00-02:00 hour on
   both folds included;
2. a server writing UTC times with `Z`;
3. a sender whose clock is garbage: naive times at a random offset from -12:00 to +14:00, not a
   whole number of minutes, different for every message.

Each message's capture time (`time`, epoch seconds) is its true instant plus a network delay of
5-500 ms. True instants are integers of microseconds; the timestamp strings are written from them
with `datetime` (writing, not reading: nothing here parses a timestamp). Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import zoneinfo
from typing import NamedTuple

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
# 2025-11-01T23:00 to 2025-11-02T04:00 Los Angeles time: 06:00Z (at -07:00) to 12:00Z (at -08:00).
START_US = 1_762_063_200 * 1_000_000
END_US = 1_762_084_800 * 1_000_000
CHANGE = 1_762_074_000  # 2025-11-02T09:00:00Z, 02:00 PDT becomes 01:00 PST
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TYPES = ("chat", "heartbeat", "user_message", "system_message", "user_typing")


class Message(NamedTuple):
    """One generated message: where it sits in the HAR and what its `timestamp` truly denotes."""

    entry: int  # 1-based, as reports name it
    index: int  # 1-based within the entry
    captured: float  # the HAR's `time`
    timestamp: str  # the value as written
    truth_us: int | None  # the instant the value stands for, in microseconds; None: garbage, no truth
    kind: str  # "local", "utc" or "garbage"


def generate(seed: int = 2025) -> tuple[bytes, list[Message]]:
    """The HAR's bytes and every message, in file order."""
    rng = random.Random(seed)
    messages: list[Message] = []
    entries = []
    for entry, kind in enumerate(("local", "utc", "garbage"), 1):
        items = []
        instant_us = START_US + rng.randrange(0, 60_000_000)
        index = 0
        while instant_us < END_US:
            index += 1
            captured_us = instant_us + rng.randrange(5_000, 500_001)  # 5-500 ms on the wire
            timestamp, truth = _written(kind, instant_us, rng)
            messages.append(Message(entry, index, captured_us / 1_000_000, timestamp, truth, kind))
            data = json.dumps({"type": rng.choice(_TYPES), "timestamp": timestamp}, separators=(",", ":"))
            items.append({"type": "receive", "time": captured_us / 1_000_000, "opcode": 1, "data": data})
            instant_us += rng.randrange(120_000_000, 300_000_001)  # a message every 2-5 minutes
        entries.append(
            {
                "startedDateTime": _iso(START_US, dt.UTC).replace("+00:00", "Z"),
                "request": {"method": "GET", "url": f"wss://sender{entry}.example/socket", "headers": []},
                "response": {"status": 101, "statusText": "Switching Protocols", "headers": []},
                "_resourceType": "websocket",
                "_webSocketMessages": items,
            }
        )
    document = {"log": {"version": "1.2", "creator": {"name": "capture_generator", "version": "1"}, "entries": entries}}
    return json.dumps(document, indent=2).encode() + b"\n", messages


def _written(kind: str, instant_us: int, rng: random.Random) -> tuple[str, int | None]:
    if kind == "local":
        return _iso(instant_us, LOS_ANGELES), instant_us
    if kind == "utc":
        return _iso(instant_us, dt.UTC).replace("+00:00", "Z"), instant_us
    # A clock at any offset a zone could have (-12:00 to +14:00), different for every message.
    return _iso(instant_us + rng.randrange(-43_200_000_000, 50_400_000_001), dt.UTC).removesuffix("+00:00"), None


def _iso(instant_us: int, zone: dt.tzinfo) -> str:
    moment = (_EPOCH + dt.timedelta(microseconds=instant_us)).astimezone(zone)
    text = moment.isoformat(timespec="microseconds")
    return text.removesuffix("-07:00").removesuffix("-08:00") if zone is LOS_ANGELES else text
