"""Capture-time evidence: what one timestamp value says when set beside the time it was captured.

Most captures record when each message was seen (a HAR message's `time`, a log line's leading
timestamp, an envelope's `received_at`). Set beside the instant a timestamp value denotes, that
is evidence about the sender's clock: how far off it is, and, for a time written without a UTC
offset, in which zone it was most likely written. This module holds the two shapes that evidence
travels in: an `Observation` (one value of one record) and an `Inference` (what the observations
of one group, one sender's clock, support). `wsfix.zones` works out the inference; the pipeline
gathers the observations; `wsfix clocks` and the reports show both.

Skews are measurements (differences of instants, compared with a tolerance of minutes, shown
rounded), so they are floats. No repair is ever computed from them: a repair under an inferred
zone goes through the conversion core with that zone or offset, exactly.

No I/O.
"""

from __future__ import annotations

from typing import NamedTuple


class Observation(NamedTuple):
    """One timestamp value of one record, beside the record's capture time.

    `instant` is the epoch seconds the value denotes as wsfix reads it (and would repair it) under
    the run's policy; a time without offset is read in `--naive-tz` (UTC unless given). `wall` is
    set for a time without offset only: its wall-clock reading as epoch seconds *as if* in UTC, so
    that `wall - captured` is the sender's UTC offset plus its clock error. `alternatives` lists,
    for a number whose unit was inferred from its magnitude, the instants it denotes in each other
    unit (`("ms", 1757350201.447)`), for unit evidence.
    """

    line: int  # 1-based line of the record in the capture
    field: str  # the value's place in the message, as reports name it (`timestamp`, `data.ts`)
    captured: float  # the record's capture time, epoch seconds
    instant: float | None  # None: the value denotes no instant (garbage)
    wall: float | None = None  # naive times only
    unit: str | None = None  # numbers: the unit the value was read in (`s`, `ms`, `us`, `ns`)
    alternatives: tuple[tuple[str, float], ...] = ()
    record: str | None = None  # a record's label where a line does not name it (HAR messages)

    @property
    def skew(self) -> float | None:
        """The value's instant minus its capture time: positive when the sender's clock is ahead."""
        return None if self.instant is None else self.instant - self.captured


class Offset(NamedTuple):
    """A UTC offset the naive values of a group sit at, over a run of consecutive records."""

    seconds: int  # the offset, a multiple of 15 minutes (-25200 for -07:00)
    values: int  # naive values that sit at it
    first_line: int
    last_line: int
    median_skew: float  # of `wall - captured - seconds`: the clock's error once the offset is taken away
    spread: float  # of those residuals: highest minus lowest
    # Where the next offset takes over (a DST change): the zone's change instant when `zone` is set,
    # else the first capture time of the next run; None for the last offset.
    until: float | None = None


class Inference(NamedTuple):
    """What the observations of one group support about the zone its naive times were written in.

    `offsets` is empty when there is no inference, and `reason` says why (too few naive values,
    residuals wider than the tolerance, not a whole multiple of 15 minutes, offsets that change
    where no zone's rules do). Two or more offsets mean the group's clock changed offset at each
    `until`; `zones` then names the IANA zones whose offsets match both sides of each change, and
    `zone` is set when they all follow one rule set over the capture (the zone to repair with).
    """

    group: str  # the group's name as reports print it (`entry 1`, `user_id=42`, the file)
    messages: int  # records of the group with a capture time
    values: int  # their timestamp values
    naive: int  # of those, times without a UTC offset
    median_skew: float | None  # over every value that denotes an instant
    spread: float | None  # of those skews, highest minus lowest (a robust spread: see zones.py)
    offsets: tuple[Offset, ...] = ()
    zones: tuple[str, ...] = ()
    zone: str | None = None
    reason: str | None = None  # why no zone is inferred (None when one offset, or a `zone`, is)
