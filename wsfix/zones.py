"""Zone inference: the UTC offset, or the IANA zone, a group's naive timestamps were written in.

A time written without a UTC offset (`datetime.now().isoformat()`) reads as a wall clock. Set
beside the time its record was captured, `wall - captured` is the sender's UTC offset plus its
clock error (network delay, a clock that is a little off). Over one group, one sender's clock,
those residuals say which offset the sender wrote in, and where it changed, which zone. `infer`
works that out from a group's observations; `offset_for` gives the offset one naive value is to
be read in under that inference (the caller converts it through the conversion core, exactly).

Pure: no printing, no files of its own; the tz database is looked up through `wsfix.tzdb`.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
import statistics
import zoneinfo
from collections.abc import Sequence
from typing import NamedTuple

from wsfix.evidence import Inference, Observation, Offset
from wsfix.tzdb import LOOKUP_RANGE, all_zones, changes, offset_at, pick_name, seconds_of

STEP = 900  # UTC offsets in use are whole multiples of 15 minutes
# Half the grid: a residual this far from an offset is as near to the next one, so no clock error
# this large can be told apart from a different offset, whatever the tolerance.
HALF_STEP = STEP / 2
LOWEST_OFFSET = -12 * 3600  # Etc/GMT+12, the westernmost offset any zone uses
HIGHEST_OFFSET = 14 * 3600  # Pacific/Kiritimati, the easternmost
MIN_NAIVE = 3  # fewer naive values than this in a group: no inference (one value fits any offset)
_EPOCH = _dt.datetime(1970, 1, 1)


class WallOffset(NamedTuple):
    """The UTC offset to read one naive value in, or None: the value stays as it is written.

    `by_capture` is true when the wall time is repeated in the zone (the clocks went back) and the
    fold was chosen by the capture time; `reason` says why `seconds` is None.
    """

    seconds: int | None
    by_capture: bool = False
    reason: str | None = None


def infer(group: str, observations: Sequence[Observation], tolerance: float) -> Inference:
    """What the observations of one group support about its clock and the zone of its naive times.

    `tolerance` (seconds, `--max-skew`) bounds the clock error a naive value may carry. Each naive
    value's residual, `wall - captured`, is set on the 15-minute grid; sorted by capture time,
    consecutive values on one offset form a run. A run is accepted when every residual lies within
    the tolerance of its offset, and strictly within 7 min 30 s (half the grid, however large the
    tolerance: a larger error could as well belong to the next offset), and when the run's own
    spread (highest minus lowest residual) is at most the tolerance: jitter wider than the
    tolerance is no evidence, even when each value happens to sit near some offset. So a group
    whose jitter exceeds the tolerance gets no inference rather than a wrong one.

    One run: the group's offset. Several: each change must be one some IANA zone makes between the
    last value of one run and the first of the next, as instants (`wall - offset`: a value written
    just before a change may be captured just after it), with no other change over the group's
    span; `zones` lists every such zone, and `zone` names one when they all change at the same
    instants over the span (see `tzdb.pick_name` for which name). Fewer than `MIN_NAIVE` naive values,
    residuals off the grid or beyond any offset, runs that are too wide, or changes no zone makes:
    no offsets, and `reason` says why.
    """
    records = {(observation.line, observation.record) for observation in observations}
    skews = sorted(s for o in observations if (s := o.skew) is not None and math.isfinite(s))
    naive = sorted(
        (o for o in observations if o.wall is not None and math.isfinite(o.wall - o.captured)),
        key=lambda o: (o.captured, o.line),
    )
    base = Inference(
        group=group,
        messages=len(records),
        values=len(observations),
        naive=len(naive),
        median_skew=statistics.median(skews) if skews else None,
        spread=robust_spread(skews) if skews else None,
    )
    if not naive:
        return base._replace(reason="no times without a UTC offset")
    if len(naive) < MIN_NAIVE:
        return base._replace(reason=f"only {len(naive)} naive {_plural(len(naive), 'value')}; {MIN_NAIVE} needed")
    return _infer_offsets(base, naive, tolerance)


def _infer_offsets(base: Inference, naive: list[Observation], tolerance: float) -> Inference:
    residuals = [o.wall - o.captured for o in naive if o.wall is not None]
    limit = min(tolerance, HALF_STEP)
    steps = [round(residual / STEP) * STEP for residual in residuals]
    if any(not LOWEST_OFFSET <= step <= HIGHEST_OFFSET for step in steps):
        furthest = max(residuals, key=abs)
        return base._replace(
            reason=f"naive times sit up to {format_duration(furthest)} from capture time, beyond any UTC offset"
        )
    off_grid = [r - s for r, s in zip(residuals, steps, strict=True) if abs(r - s) > limit or abs(r - s) == HALF_STEP]
    if off_grid:
        return base._replace(
            reason=f"{len(off_grid)} of {len(naive)} naive times sit up to {format_duration(max(off_grid, key=abs))} "
            f"off a whole 15-minute offset (tolerance {format_duration(tolerance, signed=False)})"
        )
    runs: list[list[int]] = []  # indexes into naive, one list per run of one offset
    for index, step in enumerate(steps):
        if runs and steps[runs[-1][0]] == step:
            runs[-1].append(index)
        else:
            runs.append([index])
    if len(runs) == 1:
        width = max(residuals) - min(residuals)
        if width > tolerance:
            return base._replace(reason=_too_wide(width, tolerance))
        return base._replace(offsets=(_offset(naive, residuals, steps[0], runs[0], None),))
    return _infer_zone(base, naive, residuals, steps, runs, tolerance)


def _infer_zone(
    base: Inference,
    naive: list[Observation],
    residuals: list[float],
    steps: list[int],
    runs: list[list[int]],
    tolerance: float,
) -> Inference:
    path = " -> ".join(format_offset(steps[run[0]]) for run in runs[:6]) + (" -> ..." if len(runs) > 6 else "")
    times = f" {len(runs) - 1} times" if len(runs) > 2 else ""
    # Offsets at most 30 minutes apart are no evidence of a change when no zone explains them:
    # that is a clock's scatter across the grid.
    width = max(residuals) - min(residuals)
    unexplained = _too_wide(width, tolerance) if width <= 2 * STEP else None
    instants = [o.wall - step for o, step in zip(naive, steps, strict=True) if o.wall is not None]
    windows = []  # (last instant of a run, first instant of the next, the offsets before and after)
    for before, after in itertools.pairwise(runs):
        last = max(instants[i] for i in before)
        first = min(instants[i] for i in after)
        if first <= last:
            return base._replace(reason=unexplained or f"naive times jump between offsets ({path})")
        windows.append((last, first, steps[before[0]], steps[after[0]]))
    for run in runs:
        run_residuals = [residuals[i] for i in run]
        if max(run_residuals) - min(run_residuals) > tolerance:
            return base._replace(reason=_too_wide(max(run_residuals) - min(run_residuals), tolerance))
    start, end = min(instants), max(instants)
    first_offset = steps[runs[0][0]]
    if not LOOKUP_RANGE[0] <= start <= end <= LOOKUP_RANGE[1]:
        return base._replace(reason="naive times outside the years zones can be looked up in")
    fits = {}  # zone name -> its changes over the span
    for name, zone in all_zones():
        # The cheap test first (two look-ups a change), then the changes over the whole span.
        if offset_at(zone, start) != first_offset or any(
            offset_at(zone, last) != before or offset_at(zone, first) != after for last, first, before, after in windows
        ):
            continue
        changes_in_span = changes(zone, start, end)
        if len(changes_in_span) == len(windows) and all(
            last < at <= first and offset == after
            for (at, offset), (last, first, _, after) in zip(changes_in_span, windows, strict=True)
        ):
            fits[name] = changes_in_span
    if not fits:
        return base._replace(
            reason=unexplained or f"naive times change offset{times} ({path}) where no zone's rules do"
        )
    zones = tuple(sorted(fits))
    rule_sets = set(fits.values())
    offsets = []
    for number, run in enumerate(runs):
        until: float | None = None
        if number + 1 < len(runs):
            until = fits[zones[0]][number][0] if len(rule_sets) == 1 else naive[runs[number + 1][0]].captured
        offsets.append(_offset(naive, residuals, steps[run[0]], run, until))
    if len(rule_sets) > 1:
        return base._replace(
            offsets=tuple(offsets),
            zones=zones,
            reason=f"zones that fit change offset at different instants: {', '.join(zones[:4])}"
            + (f" and {len(zones) - 4} more" if len(zones) > 4 else ""),
        )
    return base._replace(offsets=tuple(offsets), zones=zones, zone=pick_name(zones))


def _offset(naive: list[Observation], residuals: list[float], step: int, run: list[int], until: float | None) -> Offset:
    errors = sorted(residuals[i] - step for i in run)
    lines = [naive[i].line for i in run]
    return Offset(
        seconds=step,
        values=len(run),
        first_line=min(lines),
        last_line=max(lines),
        median_skew=statistics.median(errors),
        spread=errors[-1] - errors[0],
        until=until,
    )


def _too_wide(width: float, tolerance: float) -> str:
    return (
        f"naive times scatter over {format_duration(width, signed=False)} around their offset, "
        f"more than the tolerance ({format_duration(tolerance, signed=False)})"
    )


def offset_for(wall: float, captured: float, inference: Inference) -> WallOffset:
    """The UTC offset (seconds) to read one naive value in under its group's inference.

    `wall` is the value's wall-clock reading as epoch seconds as if in UTC; the instant is
    `wall - seconds`. One offset: that offset. A zone: the zone's offset at that wall time; in an
    hour the clocks repeat, the fold whose instant is nearest `captured` (`by_capture` is then
    true); in an hour they skip, None. No inference, or changes no one rule set explains: None.
    """
    if not inference.offsets:
        return WallOffset(None, reason=inference.reason or "no offset inferred")
    if len(inference.offsets) == 1:
        return WallOffset(inference.offsets[0].seconds)
    if inference.zone is None:
        return WallOffset(None, reason=inference.reason or "no one zone fits")
    zone = zoneinfo.ZoneInfo(inference.zone)
    if not LOOKUP_RANGE[0] <= wall <= LOOKUP_RANGE[1]:
        return WallOffset(None, reason=f"the wall time is outside the years {inference.zone} can be looked up in")
    naive = _EPOCH + _dt.timedelta(seconds=math.floor(wall))  # changes fall on whole seconds
    offsets = [seconds_of(naive.replace(tzinfo=zone, fold=fold).utcoffset()) for fold in (0, 1)]
    if offsets[0] == offsets[1]:
        return WallOffset(offsets[0])
    # The folds disagree: the wall time is repeated (each fold maps back to it) or skipped (neither).
    repeated = [offset for offset in offsets if offset_at(zone, math.floor(wall) - offset) == offset]
    if not repeated:
        return WallOffset(None, reason=f"{naive.isoformat()} does not exist in {inference.zone} (the clocks skip it)")
    if len(repeated) == 1:  # cannot happen with the tz database's changes; read it as it maps back
        return WallOffset(repeated[0])
    return WallOffset(min(repeated, key=lambda offset: abs(wall - offset - captured)), by_capture=True)


def robust_spread(skews: Sequence[float]) -> float:
    """Highest minus lowest of sorted `skews`, leaving out the lowest and highest 5 % (by count,
    rounded down: under 20 values, nothing is left out), so one stray value does not set it."""
    cut = len(skews) // 20
    return skews[len(skews) - 1 - cut] - skews[cut]


def format_offset(seconds: int) -> str:
    """A UTC offset as ISO 8601 writes it: `-07:00`, `+05:45`, `+00:00`."""
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def format_duration(seconds: float, signed: bool = True) -> str:
    """A duration for people, to the precision its size deserves: `+7 h 00 min`, `-120 ms`,
    `+4.2 s`, `+2 min 05 s`, `+3 d 04 h`. `signed`: a `+` or `-` in front (nothing for zero)."""
    millis = round(abs(seconds) * 1000)
    sign = ("-" if seconds < 0 else "+") if signed and millis else ""
    if millis < 1000:
        return f"{sign}{millis} ms"
    if millis < 59_950:
        return f"{sign}{millis / 1000:.1f} s"
    whole = round(millis / 1000)
    if whole < 3600:
        return f"{sign}{whole // 60} min {whole % 60:02d} s"
    minutes = round(whole / 60)
    if minutes < 24 * 60:
        return f"{sign}{minutes // 60} h {minutes % 60:02d} min"
    hours = round(minutes / 60)
    return f"{sign}{hours // 24} d {hours % 24:02d} h"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"
