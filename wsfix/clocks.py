"""The picture `wsfix clocks` prints: whose clock is off, and by how much.

Per capture, a table of its groups (one sender's clock each: messages, median skew, spread, naive
values, the zone inferred for them or why none), then per group a small histogram of its skews
(value's instant minus capture time) on log-ish bins, so that a clock 7 hours behind and a network
delay of 50 ms read on one axis. `clocks_json` gives the same as a dict for `--output-format json`.

Skews are measurements, drawn rounded (`+7 h 00 min`, `-120 ms`). This module draws what it is
given: it never reads a capture, converts a timestamp or infers a zone (`wsfix.zones` does). It
writes only to the stream it is handed; Rich is imported when something is drawn.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from wsfix.display import as_written
from wsfix.evidence import Inference
from wsfix.timestamps import render_rfc3339
from wsfix.zones import format_duration, format_offset

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# A group: its inference and the skews (seconds) of its values, in any order.
Clock = tuple[Inference, Sequence[float]]

# Magnitudes (seconds) where the histogram's bins meet, on each side of zero: 10 ms to 10 hours.
EDGES = (0.01, 0.1, 1.0, 10.0, 60.0, 600.0, 3600.0, 36000.0)
# Each bin's label (the smallest |skew| it holds) in two lines, number over unit, to fit 3 columns.
_NUMBERS = ("10", ".1", "1", "10", "1", "10", "1", "10")
_UNITS = ("ms", "s", "s", "s", "min", "min", "h", "h")
BINS = 2 * len(EDGES) + 1
_CENTRE = len(EDGES)
_ROWS = 3  # bar height in lines; each line holds eight eighths
_BLOCKS = " ▁▂▃▄▅▆▇█"
JSON_VERSION = 1


def skew_bin(skew: float) -> int:
    """The histogram bin of a skew: 8 for |skew| < 10 ms; 8 + k (8 - k when negative) for
    EDGES[k-1] <= |skew| < EDGES[k], the last bin on each side open-ended."""
    magnitude = bisect.bisect_right(EDGES, abs(skew))
    return _CENTRE + magnitude if skew > 0 else _CENTRE - magnitude


def histogram(skews: Sequence[float]) -> list[int]:
    """The count of skews in each of the `BINS` bins, most negative first."""
    counts = [0] * BINS
    for skew in skews:
        if skew == skew:  # NaN is no measurement
            counts[skew_bin(skew)] += 1
    return counts


def render_clocks(
    captures: Mapping[str, Sequence[Clock]],
    out: TextIO,
    tolerance: float = 600.0,
    width: int | None = None,
    color: bool | None = None,
) -> None:
    """Draw the table and the histograms of every capture onto `out`.

    `tolerance` (seconds, `--max-skew`) sets what is marked as off. `width` and `color` as for
    the reporters: None leaves them to Rich (the terminal's width; colour on a terminal unless
    NO_COLOR is set).
    """
    from rich.console import Console

    console = Console(
        file=out,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=color,
        soft_wrap=False,
        no_color=True if color is False else None,
    )
    for number, (capture, clocks) in enumerate(captures.items()):
        if number:
            console.print()
        console.print(_table(capture, clocks, tolerance))
        for inference, skews in clocks:
            _print_histogram(console, inference, skews, tolerance)


def _table(capture: str, clocks: Sequence[Clock], tolerance: float) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(as_written(capture), style="bold"),
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Sender", overflow="fold", max_width=16)
    table.add_column("Messages", justify="right")
    table.add_column("Median skew", justify="right", no_wrap=True)
    table.add_column("Spread", justify="right", no_wrap=True)
    table.add_column("Naive", justify="right")
    table.add_column("Zone of naive times", overflow="fold", ratio=1)
    for inference, _ in clocks:
        table.add_row(
            Text(as_written(inference.group)),
            str(inference.messages),
            _skew_text(inference.median_skew, tolerance),
            Text("-" if inference.spread is None else format_duration(inference.spread, signed=False)),
            str(inference.naive),
            _zone_text(inference),
        )
    return table


def _skew_text(skew: float | None, tolerance: float) -> Text:
    from rich.text import Text

    if skew is None:
        return Text("-")
    return Text(format_duration(skew), style=_style(abs(skew), tolerance))


def _style(magnitude: float, tolerance: float) -> str:
    # Green: network delay; yellow: a clock a little off; red: beyond the tolerance.
    if magnitude > tolerance:
        return "bold red"
    return "yellow" if magnitude >= 1.0 else "green"


def _zone_text(inference: Inference) -> Text:
    from rich.text import Text

    if not inference.offsets:
        return Text(inference.reason or "", style="dim")
    changes = " -> ".join(format_offset(offset.seconds) for offset in inference.offsets)
    if len(inference.offsets) == 1:
        return Text(changes, style="bold")
    # A space for the T: a narrow column wraps between the date and the time.
    when = ", ".join(_instant(o.until).replace("T", " ") for o in inference.offsets if o.until is not None)
    if inference.zone is None:
        text = Text(f"{changes} at {when}: ", style="bold")
        text.append(inference.reason or "", style="dim")
        return text
    text = Text(inference.zone, style="bold")
    text.append(f" {changes} at {when}")
    others = len(inference.zones) - 1
    if others:
        text.append(f" (and {others} other {'zone' if others == 1 else 'zones'} alike)", style="dim")
    return text


def _instant(seconds: float) -> str:
    return render_rfc3339(Decimal(round(seconds))) or "?"


def _print_histogram(console: Console, inference: Inference, skews: Sequence[float], tolerance: float) -> None:
    from rich.text import Text

    counts = histogram(skews)
    slot = max(4, min(6, (console.width - 2) // BINS))  # characters a bin takes, its gap included
    bar = slot - 1
    console.print()
    title = Text(as_written(inference.group), style="bold")
    title.append(f"  {_verdict(inference.median_skew, sum(counts), tolerance)}")
    console.print(title)
    if inference.offsets:
        # Naive values read as UTC look hours off; against the offset they were written at, the
        # clock's own error shows (that of the offset most values sit at).
        changes = " -> ".join(format_offset(offset.seconds) for offset in inference.offsets)
        error = max(inference.offsets, key=lambda offset: offset.values).median_skew
        console.print(Text(f"  naive times are local time at {changes}: clock error {format_duration(error)}"))
    highest = max(counts)
    if not highest:
        return
    levels = [0 if not count else max(1, round(count / highest * _ROWS * 8)) for count in counts]
    for row in reversed(range(_ROWS)):
        line = Text("  ")
        for index, level in enumerate(levels):
            fill = min(max(level - row * 8, 0), 8)
            line.append(_BLOCKS[fill] * bar, style=_style(_bin_magnitude(index), tolerance) if fill else "")
            line.append(" ")
        line.rstrip()
        console.print(line)
    axis = "".join(("┴".center(bar, "─") if index == _CENTRE else "─" * bar) + "─" for index in range(BINS))
    console.print(Text("  " + axis[:-1], style="dim"))
    for labels in ([*reversed(_NUMBERS), "0", *_NUMBERS], [*reversed(_UNITS), "", *_UNITS]):
        console.print(Text("  " + "".join(label.center(bar) + " " for label in labels).rstrip(), style="dim"))
    left, right = "<- value behind capture time", "value ahead of it ->"
    span = BINS * slot - 1
    console.print(Text("  " + left + right.rjust(span - len(left)), style="dim"))


def _bin_magnitude(index: int) -> float:
    """The smallest |skew| a bin holds: 0 for the centre."""
    distance = abs(index - _CENTRE)
    return 0.0 if distance == 0 else EDGES[distance - 1]


def _verdict(median: float | None, values: int, tolerance: float) -> str:
    count = f"{values} {'value' if values == 1 else 'values'}"
    if median is None:
        return f"{count}: no skew"
    if abs(median) < 1.0:
        return f"{count}, median {format_duration(median)} (on time)"
    side = "ahead" if median > 0 else "behind"
    beyond = " (past the tolerance)" if abs(median) > tolerance else ""
    return f"{count}, median {format_duration(median, signed=False)} {side}{beyond}"


def clocks_json(captures: Mapping[str, Sequence[Clock]], tolerance: float = 600.0) -> dict[str, Any]:
    """The clocks as JSON-ready data, keys stable:

    `{"version": 1, "tolerance": seconds, "histogram_edges": [...], "captures": [{"capture": path,
    "groups": [group...]}]}`. `histogram_edges` are the 16 boundaries (seconds, ascending) of the
    17 bins: bin 8 holds |skew| < 0.01; the bins to the right hold skews from one edge (included)
    to the next, the last one open-ended; those to the left the same below zero. Each group:
    `group`, `messages`, `values`, `naive`, `median_skew` and `spread` (seconds, or null when no
    value denotes an instant), `histogram` (17 counts), `offsets` (each with `offset` as `-07:00`,
    `seconds`, `values`, `first_line`, `last_line`, `median_skew`, `spread`, and `until`: the RFC
    3339 instant the next offset takes over, or null), `zones` (every zone that fits), `zone` (the
    one to repair with, or null) and `reason` (why no zone or offset is inferred, or null).
    """
    return {
        "version": JSON_VERSION,
        "tolerance": tolerance,
        "histogram_edges": [-edge for edge in reversed(EDGES)] + list(EDGES),
        "captures": [
            {"capture": capture, "groups": [_group_json(inference, skews) for inference, skews in clocks]}
            for capture, clocks in captures.items()
        ],
    }


def _group_json(inference: Inference, skews: Sequence[float]) -> dict[str, Any]:
    return {
        "group": inference.group,
        "messages": inference.messages,
        "values": inference.values,
        "naive": inference.naive,
        "median_skew": inference.median_skew,
        "spread": inference.spread,
        "histogram": histogram(skews),
        "offsets": [
            {
                "offset": format_offset(offset.seconds),
                "seconds": offset.seconds,
                "values": offset.values,
                "first_line": offset.first_line,
                "last_line": offset.last_line,
                "median_skew": offset.median_skew,
                "spread": offset.spread,
                "until": None if offset.until is None else _instant(offset.until),
            }
            for offset in inference.offsets
        ],
        "zones": list(inference.zones),
        "zone": inference.zone,
        "reason": inference.reason,
    }
