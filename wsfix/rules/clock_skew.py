"""A timestamp far from the time its record was captured.

Most captures record when each message was seen: a HAR message's `time`, a log line's leading
timestamp, an envelope's `--capture-time` field. A value that denotes an instant more than
`--max-skew` (default 10 minutes) before or after its record's capture time comes from a clock
that is off, a time written in another zone than it is read in, or a number in another unit
than its magnitude says. The message says by how much and in which direction.

A time without a UTC offset is judged as wsfix reads it: in `--naive-tz` (UTC unless given), so
a browser writing local time at -07:00 shows as 7 hours behind; under `--naive-tz auto`, in the
zone its sender's capture times show (and not judged at all where they show none: those values
are left as they are). A number that another unit would put within `--max-skew` gets that unit
named (unit evidence, the same code; a value outside the window, WS109, gets WS120 only then): it
is never converted on that evidence alone. Under the unit its magnitude says, that cannot happen
for capture times in 2000-2100 (a number that another unit puts near one has that unit's
magnitude); it speaks up where the unit is given (`--unit ms` over seconds).

Bad: `1757350201.447: {"type":"ping","timestamp":1757375401.447}` (7 hours ahead).
Good: `1757350201.447: {"type":"ping","timestamp":1757350201.447}`.

No automatic fix: evidence says that something is off, not what the right value is.
"""

from __future__ import annotations

from decimal import Decimal

from wsfix.problems import Example, Rule, Severity
from wsfix.timestamps import Unit, render_rfc3339

RULE = Rule(
    code="WS120",
    name="clock-skew",
    severity=Severity.WARNING,
    summary="Timestamp further than --max-skew from the time its record was captured",
    explanation=__doc__,
    example=Example(
        bad='1757350201.447: {"type":"ping","timestamp":1757375401.447}',
        repaired=None,
    ),
)


def describe(skew: float, captured: float, naive_zone: str | None, better_unit: tuple[Unit, float] | None) -> str:
    """`7 h 00 min ahead of its capture time 2025-09-08T16:50:01.447Z`, with what the value was read
    as when it has no offset (`naive_zone`), and the unit that would put it within the tolerance."""
    direction = "ahead of" if skew > 0 else "behind"
    message = f"{duration(abs(skew))} {direction} its capture time {instant_text(captured)}"
    if naive_zone is not None:
        message += f" (a time without UTC offset, read as {naive_zone})"
    if better_unit is not None:
        unit, off = better_unit
        message += f"; read in {unit.word} it is {duration(abs(off))} from it: is its unit {unit.label}?"
    return message


def duration(seconds: float) -> str:
    """`20,319 days`, `3 h 00 min`, `12 min 05 s`, `4.2 s`: a length of time as people read it."""
    if seconds >= 172_800:
        return f"{seconds / 86_400:,.0f} days"
    if seconds >= 3570:
        minutes = round(seconds / 60)
        return f"{minutes // 60:,} h {minutes % 60:02d} min"
    if seconds >= 59.5:
        whole = round(seconds)
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{seconds:.1f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def instant_text(seconds: float) -> str:
    """An instant as RFC 3339 UTC text, through the conversion core (to the millisecond)."""
    text = render_rfc3339(Decimal(repr(round(seconds, 3))))
    return text if text is not None else repr(seconds)
