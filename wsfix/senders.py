"""Senders: a run's capture-time evidence per group, and what follows from it.

The pipeline gathers an `evidence.Observation` per timestamp value of each record that has a
capture time, by group (one sender's clock: a HAR connection, a `--group-by` value, else the
capture as a whole). Here each group gets its inference (`zones.infer`), and from those come:
the note a summary adds when the evidence disagrees with the zone naive times were read in
(`evidence_note`), the offset each naive value is read in under `--naive-tz auto`
(`naive_offsets`), and the groups `wsfix clocks` draws (`clocks`).

No I/O, no printing; no conversion (a naive value is converted by the linter, through the
conversion core, in the offset given here).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from wsfix import zones
from wsfix.clocks import Clock
from wsfix.display import printable
from wsfix.evidence import Inference
from wsfix.observations import Gathered

NOTED_SENDERS = 5  # senders a summary's note names; the others are counted
WHOLE_FILE = "the whole file"  # how a capture's one group is named, without --group-by or HAR connections


class Sender(NamedTuple):
    """One group: what its evidence supports, and the evidence."""

    inference: Inference
    gathered: Gathered


# Under --naive-tz auto: (the record's line, its label) -> how its naive values are read: (offset in
# seconds, how reports name it), or None to leave them as written.
NaiveOffsets = dict[tuple[int, str | None], tuple[int, str] | None]


def infer(
    groups: Mapping[str | None, Gathered],
    tolerance: float,
    capture: str | None = None,
    *,
    statistics_of_skews: bool = True,
) -> list[Sender]:
    """Each group's inference, in the order the groups came (None: the capture as a whole). With
    `capture` (a run of several captures), each group is named with it.

    The zone comes from the group's naive values (`zones.infer`); the counts, median skew and
    spread from every value's skew, which the group keeps without their observations. The median
    and spread sort every skew (a tenth of a second for 500,000): without
    `statistics_of_skews` (where only the zone is read: a summary, `--naive-tz auto`) they are
    left as `zones.infer` gives them, of the naive values alone.
    """
    found = []
    for group, gathered in groups.items():
        if capture is None:
            name = WHOLE_FILE if group is None else group
        else:
            name = capture if group is None else f"{capture} {group}"
        inference = zones.infer(name, gathered.naive, tolerance)._replace(
            messages=gathered.records, values=gathered.values
        )
        if statistics_of_skews:
            skews = sorted(gathered.skews)
            inference = inference._replace(
                median_skew=statistics.median(skews) if skews else None,
                spread=zones.robust_spread(skews) if skews else None,
            )
        found.append(Sender(inference, gathered))
    return found


def clocks(senders: Iterable[Sender]) -> list[Clock]:
    """The groups as `wsfix clocks` draws them: each inference with its values' skews."""
    return [(sender.inference, sender.gathered.skews) for sender in senders]


def _zone_name(inference: Inference, offset: int) -> str:
    """How a summary or a finding names the zone a naive value was read in: `-07:00` or
    `America/Los_Angeles (-08:00)`."""
    text = zones.format_offset(offset)
    return f"{inference.zone} ({text})" if inference.zone is not None else text


def naive_offsets(senders: Iterable[Sender]) -> NaiveOffsets:
    """The offset each record's naive values are read in under `--naive-tz auto`, from its group's
    inference (`zones.offset_for`); None where there is none (no inference, an hour the clocks
    skip, or a record whose naive values would need different offsets): left as written."""
    found: NaiveOffsets = {}
    for sender in senders:
        inference = sender.inference
        for o in sender.gathered.naive:
            if o.wall is None:
                continue
            key = (o.line, o.record)
            if not inference.offsets:
                found[key] = None
                continue
            wall_offset = zones.offset_for(o.wall, o.captured, inference)
            if wall_offset.seconds is None:
                reading = None
            else:
                name = _zone_name(inference, wall_offset.seconds) + ", from capture times"
                if wall_offset.by_capture:
                    name += "; the repeated hour resolved by capture time"
                reading = (wall_offset.seconds, name)
            if key in found and found[key] != reading:
                reading = None  # one record, two readings: no one zone to lint it in
            found[key] = reading
    return found


def evidence_note(senders: Sequence[Sender], auto: bool) -> str | None:
    """What a summary adds to its sentence on naive times when capture times speak about them:
    the zone they suggest for the naive values read in another one (`capture times suggest
    -07:00 for 1,234 of them: --naive-tz auto`), and under `--naive-tz auto` which groups keep
    their naive values as written, and why. None when there is nothing to say."""
    parts = []
    for sender in senders:
        inference = sender.inference
        naive = [o for o in sender.gathered.naive if o.wall is not None]
        if not naive:
            continue
        if not inference.offsets:
            if auto:
                parts.append(f"{inference.group}: none inferred ({inference.reason}), {len(naive):,} left as written")
            continue
        if auto:
            parts.append(f"{_suggested(inference)} for {len(naive):,} of {inference.group}")
            continue
        differ = 0
        for o in naive:
            suggested = zones.offset_for(o.wall, o.captured, inference).seconds  # type: ignore[arg-type]
            read_in = None if o.instant is None else round(o.wall - o.instant)  # type: ignore[operator]
            if suggested is not None and suggested != read_in:
                differ += 1
        if differ:
            parts.append(f"capture times suggest {_suggested(inference)} for {differ:,} of them ({inference.group})")
    if not parts:
        return None
    if len(parts) > NOTED_SENDERS:  # one line, whatever the number of senders
        parts[NOTED_SENDERS:] = [f"and {len(parts) - NOTED_SENDERS:,} more senders (wsfix clocks shows each)"]
    # Group names come from the data (`--group-by`, a HAR's URLs): made safe to show.
    return printable("; ".join(parts) + ("" if auto else ": --naive-tz auto"))


def _suggested(inference: Inference) -> str:
    """`-07:00`, or `America/Los_Angeles (-07:00, then -08:00 from 2025-11-02T09:00:00Z; also
    America/Tijuana)`: the offsets of an inference, and its zone with the others that fit."""
    offsets = inference.offsets
    if len(offsets) == 1:
        return zones.format_offset(offsets[0].seconds)
    steps = zones.format_offset(offsets[0].seconds) + "".join(
        f", then {zones.format_offset(after.seconds)} from {_instant(before.until)}"
        for before, after in itertools.pairwise(offsets)
    )
    others = [zone for zone in inference.zones if zone != inference.zone]
    also = ""
    if others:
        also = "; also " + ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    name = inference.zone or "no one zone"
    return f"{name} ({steps}{also})"


def _instant(seconds: float | None) -> str:
    from decimal import Decimal

    from wsfix.timestamps import render_rfc3339

    if seconds is None:
        return "?"
    return render_rfc3339(Decimal(round(seconds))) or "?"
