"""The tz database as zone inference needs it: every zone, a zone's offset at an instant, its
changes over a span, and the name people know a rule set by.

Read through `zoneinfo`, lazily and once per process (loading every zone takes about 40 ms), and
its `tzdata.zi` only to tell a zone's own name from its aliases. No printing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import zoneinfo
from pathlib import Path

# The instants (epoch seconds) zones are looked up at: the years 1-9999, less 2 days at each end,
# where no offset takes a date-time out of range.
LOOKUP_RANGE = (-62_135_596_800 + 2 * 86_400, 253_402_300_799 - 2 * 86_400)
# Offsets are sampled this often to find a zone's changes: a change undone within 6 hours would be
# missed (the tz database has a few changes a year per zone at most).
_SAMPLE = 6 * 3600
_AREAS = frozenset(
    ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
)


def seconds_of(delta: _dt.timedelta | None) -> int:
    """A zone's UTC offset in whole seconds (tz database offsets are whole seconds)."""
    assert delta is not None  # ZoneInfo always has an offset
    return delta.days * 86_400 + delta.seconds


def offset_at(zone: _dt.tzinfo, instant: float) -> int:
    """The zone's UTC offset (seconds) at an instant (epoch seconds)."""
    return seconds_of(_dt.datetime.fromtimestamp(instant, zone).utcoffset())


def changes(zone: _dt.tzinfo, start: float, end: float) -> tuple[tuple[int, int], ...]:
    """The instants in (start, end] where the zone's offset changes, each with the offset after it:
    sampled every 6 hours, then each change found to the second by bisection (changes fall on
    whole seconds)."""
    found = []
    low, low_offset = start, offset_at(zone, start)
    while low < end:
        high = min(low + _SAMPLE, end)
        high_offset = offset_at(zone, high)
        if high_offset != low_offset:
            before, after = math.floor(low), math.floor(high)  # offset at `before` is low_offset
            while after - before > 1:
                middle = (before + after) // 2
                if offset_at(zone, middle) == low_offset:
                    before = middle
                else:
                    after = middle
            found.append((after, high_offset))
        low, low_offset = high, high_offset
    return tuple(found)


@functools.cache
def all_zones() -> tuple[tuple[str, zoneinfo.ZoneInfo], ...]:
    """Every IANA zone, loaded once (about 600: 40 ms)."""
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return tuple((name, zoneinfo.ZoneInfo(name)) for name in names)


@functools.lru_cache(maxsize=256)
def pick_name(zones: tuple[str, ...]) -> str:
    """The name to repair with, among zones that follow one rule set over the capture.

    Any of them gives the same instants; the name is for people, who know a rule set by its
    best-known zone. The tz database marks none, but its legacy names (outside the continent
    areas: US/Pacific, PST8PDT, Canada/Eastern, GB) stand for the zones people know. So, of the
    zones in a continent area that are no alias (`L` lines of the database's `tzdata.zi`), the one
    the most legacy candidates stand for (an alias of it, or a zone of its own whose offsets match
    it every 3 days over 1975-2024), then the one with the most aliases, then the first in
    alphabetical order: America/Los_Angeles (US/Pacific, PST8PDT) before America/Tijuana
    (Mexico/BajaNorte), America/New_York (US/Eastern, EST5EDT) before America/Toronto
    (Canada/Eastern), Australia/Sydney (Australia/NSW, ACT, Canberra) before Australia/Melbourne.
    """
    links = _links()
    names = [name for name in zones if name not in links and name.split("/")[0] in _AREAS] or list(zones)
    legacy = [name for name in zones if name.split("/")[0] not in _AREAS and name not in names]

    def stands_for(alias: str, name: str) -> bool:
        return links[alias] == name if alias in links else _history(alias) == _history(name)

    def preference(name: str) -> tuple[int, int, str]:
        return (
            -sum(stands_for(alias, name) for alias in legacy),
            -sum(links.get(alias) == name for alias in zones),
            name,
        )

    return min(names, key=preference)


@functools.cache
def _history(name: str) -> tuple[int, ...]:
    """A zone's offsets every 3 days over 1975-2024, to compare zones by (6,088 look-ups, 5 ms)."""
    zone = zoneinfo.ZoneInfo(name)
    return tuple(offset_at(zone, instant) for instant in range(157_766_400, 1_735_689_600, 3 * 86_400))


@functools.cache
def _links() -> dict[str, str]:
    """Alias -> zone, from the `L` lines of the tz database's `tzdata.zi` (in zoneinfo's TZPATH,
    else in the tzdata package); empty when there is none."""
    text = None
    for folder in zoneinfo.TZPATH:
        try:
            text = (Path(folder) / "tzdata.zi").read_text(encoding="utf-8")
            break
        except OSError:
            continue
    else:
        try:
            from importlib import resources

            text = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
        except (ImportError, OSError):
            pass
    links = {}
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    return links
