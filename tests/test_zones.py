"""Zone inference (wsfix.zones): tables of groups -> inference, the repair side, and properties.

Observations are built from the generated HAR's messages (tests/capture_generator.py) and from
hand-made groups; timestamps are read through the conversion core, as the pipeline reads them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.capture_generator import CHANGE, generate
from wsfix.evidence import Inference, Observation
from wsfix.timestamps import Form, NaiveZone, Policy, classify
from wsfix.zones import (
    MIN_NAIVE,
    WallOffset,
    format_duration,
    format_offset,
    infer,
    offset_for,
    robust_spread,
)

TOLERANCE = 600.0  # --max-skew's default, 10 minutes
START = 1_762_063_200  # 2025-11-02T06:00:00Z


@functools.cache
def generated() -> tuple[bytes, tuple[Observation, ...]]:
    data, messages = generate()
    observations = []
    for message in messages:
        reading = classify(message.timestamp)
        wall = reading.seconds if reading.form is Form.ISO_NAIVE else None
        observations.append(
            Observation(message.entry, "timestamp", message.captured, reading.seconds, wall, record=f"{message.index}")
        )
    return data, tuple(observations)


def connection(entry: int) -> list[Observation]:
    return [observation for observation in generated()[1] if observation.line == entry]


def naive_group(residuals: list[float], start: int = START, step: int = 300) -> list[Observation]:
    """Naive values whose `wall - captured` are `residuals`, captured `step` seconds apart."""
    return [
        Observation(line, "timestamp", start + line * step, start + line * step + r, start + line * step + r)
        for line, r in enumerate(residuals, 1)
    ]


def zone_group(zone_name: str, start: int, end: int, delay: float = 0.25, step: int = 240) -> list[Observation]:
    """A sender in `zone_name` writing naive local times from `start` to `end`, captured `delay` later."""
    zone = zoneinfo.ZoneInfo(zone_name)
    observations = []
    for line, instant in enumerate(range(start, end, step), 1):
        offset = dt.datetime.fromtimestamp(instant, zone).utcoffset()
        assert offset is not None
        wall = instant + int(offset.total_seconds())
        observations.append(Observation(line, "timestamp", instant + delay, wall, wall))
    return observations


def summary(inference: Inference) -> tuple[tuple[int, ...], str | None, str | None]:
    return tuple(offset.seconds for offset in inference.offsets), inference.zone, inference.reason


@pytest.mark.parametrize(
    ("observations", "expected"),
    [
        pytest.param(naive_group([-25200.2, -25200.4, -25199.9, -25200.05]), ((-25200,), None, None), id="fixed-0700"),
        pytest.param(naive_group([-0.1, -0.3, -0.02, -0.45, -0.2]), ((0,), None, None), id="naive-utc"),
        pytest.param(naive_group([20700 - 0.3, 20700 - 0.1, 20700 - 0.2]), ((20700,), None, None), id="kathmandu-0545"),
        pytest.param(naive_group([-25200 + 240, -25200 + 300, -25200 + 200]), ((-25200,), None, None), id="clock-5min"),
        pytest.param(
            naive_group([-25200.2, -25200.3]), ((), None, f"only 2 naive values; {MIN_NAIVE} needed"), id="too-few"
        ),
        pytest.param([], ((), None, "no times without a UTC offset"), id="no-values"),
        pytest.param(
            naive_group([3 * 86400.0, 3 * 86400.5, 3 * 86400.2]),
            ((), None, "naive times sit up to +3 d 00 h from capture time, beyond any UTC offset"),
            id="beyond-any-offset",
        ),
        pytest.param(
            naive_group([-25200 - 300, -25200 + 400, -25200]),
            (
                (),
                None,
                "naive times scatter over 11 min 40 s around their offset, more than the tolerance (10 min 00 s)",
            ),
            id="jitter-wider-than-tolerance",
        ),
        pytest.param(
            naive_group([-25200 - 600, -25200 + 600, -25200]),
            (
                (),
                None,
                "naive times scatter over 20 min 00 s around their offset, more than the tolerance (10 min 00 s)",
            ),
            id="jitter-across-the-grid",
        ),
        pytest.param(
            naive_group([-25200.1] * 5 + [10800.2] * 5),
            ((), None, "naive times change offset (-07:00 -> +03:00) where no zone's rules do"),
            id="change-no-zone-makes",
        ),
        pytest.param(
            naive_group([-25200.1, 10800.2] * 4),
            (
                (),
                None,
                "naive times change offset 7 times (-07:00 -> +03:00 -> -07:00 -> +03:00 -> -07:00 -> +03:00 -> ...) "
                "where no zone's rules do",
            ),
            id="two-senders-taking-turns",
        ),
    ],
)
def test_infer(observations, expected):
    assert summary(infer("g", observations, TOLERANCE)) == expected


def test_generated_los_angeles_connection():
    inference = infer("entry 1", connection(1), TOLERANCE)
    assert (inference.messages, inference.values, inference.naive) == (100, 100, 100)
    assert [(o.seconds, o.values, o.until) for o in inference.offsets] == [(-25200, 51, CHANGE), (-28800, 49, None)]
    assert inference.zone == "America/Los_Angeles"
    # Every zone on -07:00 then -08:00 at 2025-11-02T09:00Z, aliases included.
    assert inference.zones == (
        "America/Ensenada",
        "America/Los_Angeles",
        "America/Santa_Isabel",
        "America/Tijuana",
        "America/Vancouver",
        "Canada/Pacific",
        "Mexico/BajaNorte",
        "PST8PDT",
        "US/Pacific",
    )
    assert inference.reason is None
    for offset in inference.offsets:  # network delay: 5-500 ms late
        assert -0.5 <= offset.median_skew <= -0.005
        assert offset.spread < 0.5


def test_generated_har_reads_as_wsfix_reads_har(cli, capture_file):
    """Every generated message is one record wsfix finds, with its value where the generator put
    it: naive strings (WS102) in connections 1 and 3, `Z` strings (WS101) in connection 2."""
    data, messages = generated()[0], generate()[1]
    result = cli("check", capture_file(data, "generated.har"), "--output-format", "concise")
    found = re.findall(
        r"^\S+:\d+:\d+: (WS\d+) \[error\] entry (\d+), message (\d+) \(receive\): timestamp:", result.stdout, re.M
    )
    expected = [("WS101" if m.kind == "utc" else "WS102", str(m.entry), str(m.index)) for m in messages]
    assert result.exit_code == 1
    assert found == expected


def test_generated_utc_connection_needs_no_zone():
    inference = infer("entry 2", connection(2), TOLERANCE)
    assert summary(inference) == ((), None, "no times without a UTC offset")
    assert inference.median_skew is not None and -0.5 <= inference.median_skew <= -0.005
    assert inference.spread is not None and inference.spread < 0.5


def test_generated_garbage_connection():
    inference = infer("entry 3", connection(3), TOLERANCE)
    assert inference.offsets == () and inference.zone is None
    assert inference.reason is not None and inference.reason.startswith("naive times jump between offsets (")


def test_generated_values_repair_to_their_exact_instant():
    """Read through the conversion core in the offset `offset_for` chooses, every naive value of
    the Los Angeles connection denotes its true instant, to the microsecond; those written in the
    repeated hour (01:00-02:00 on 2025-11-02, on either fold) needed the capture time."""
    _, messages = generate()
    inference = infer("entry 1", connection(1), TOLERANCE)
    resolved = repeated = 0
    for message in messages:
        if message.entry != 1:
            continue
        assert message.truth_us is not None
        reading = classify(message.timestamp)
        assert reading.seconds is not None
        chosen = offset_for(reading.seconds, message.captured, inference)
        assert chosen.seconds is not None
        zone = NaiveZone("inferred", dt.timezone(dt.timedelta(seconds=chosen.seconds)))
        exact = classify(message.timestamp, Policy(naive_zone=zone), exact=True).exact
        assert exact == Decimal(message.truth_us).scaleb(-6)
        resolved += chosen.by_capture
        repeated += message.timestamp.startswith("2025-11-02T01:")
    assert resolved == repeated > 20


# 2025-11-02 in Los Angeles: 01:30 happens at 08:30Z (-07:00) and again at 09:30Z (-08:00).
REPEATED = 1_762_047_000  # 2025-11-02T01:30:00 as if UTC
SKIPPED = 1_741_487_400  # 2025-03-09T02:30:00 as if UTC: clocks jump from 02:00 to 03:00


@pytest.mark.parametrize(
    ("wall", "captured", "expected"),
    [
        pytest.param(REPEATED, REPEATED + 25200 + 0.2, WallOffset(-25200, by_capture=True), id="repeated-first-fold"),
        pytest.param(REPEATED, REPEATED + 28800 + 0.2, WallOffset(-28800, by_capture=True), id="repeated-second-fold"),
        pytest.param(
            REPEATED, REPEATED + 25200 + 1700, WallOffset(-25200, by_capture=True), id="repeated-nearer-first"
        ),
        pytest.param(REPEATED - 3600, 0.0, WallOffset(-25200), id="before-the-change"),
        pytest.param(REPEATED + 3600, 0.0, WallOffset(-28800), id="after-the-change"),
        pytest.param(
            SKIPPED,
            0.0,
            WallOffset(None, reason="2025-03-09T02:30:00 does not exist in America/Los_Angeles (the clocks skip it)"),
            id="skipped",
        ),
    ],
)
def test_offset_for_a_zone(wall, captured, expected):
    assert offset_for(wall, captured, infer("entry 1", connection(1), TOLERANCE)) == expected


def test_offset_for_a_fixed_offset_and_for_no_inference():
    fixed = infer("g", naive_group([20700.1] * 3), TOLERANCE)
    assert offset_for(REPEATED, 0.0, fixed) == WallOffset(20700)
    none = infer("g", naive_group([1.0]), TOLERANCE)
    assert offset_for(REPEATED, 0.0, none) == WallOffset(None, reason="only 1 naive value; 3 needed")


def test_a_value_written_just_before_the_change_and_captured_after_it():
    """01:59:59.5 PDT (08:59:59.5Z) seen at 09:00:00.3Z, when Los Angeles is already at -08:00:
    what counts is the instant the value denotes in each offset, not when it was captured."""
    observations = zone_group("America/Los_Angeles", CHANGE - 1800, CHANGE - 300, step=300)
    wall = CHANGE - 0.5 - 25200
    observations.append(Observation(99, "timestamp", CHANGE + 0.3, wall, wall))
    observations += zone_group("America/Los_Angeles", CHANGE + 300, CHANGE + 1800, step=300)
    inference = infer("g", observations, TOLERANCE)
    assert inference.zone == "America/Los_Angeles"
    assert [(o.seconds, o.values) for o in inference.offsets] == [(-25200, 6), (-28800, 5)]
    # 01:59:59.5 happens twice (01:00-02:00 repeats): the capture time picks the first.
    assert offset_for(wall, CHANGE + 0.3, inference) == WallOffset(-25200, by_capture=True)


def test_values_no_zone_can_be_looked_up_for_are_no_evidence():
    far = naive_group([-25200.1] * 3 + [-28800.1] * 3, start=253_402_200_000)  # December 9999
    assert summary(infer("g", far, TOLERANCE)) == ((), None, "naive times outside the years zones can be looked up in")
    broken = naive_group([-25200.1] * 3)
    broken[0] = broken[0]._replace(wall=float("nan"), instant=float("nan"))
    broken[1] = broken[1]._replace(captured=float("inf"))
    inference = infer("g", broken, TOLERANCE)
    assert (inference.naive, inference.reason) == (1, "only 1 naive value; 3 needed")
    assert inference.median_skew == pytest.approx(-25200.1)
    zoned = infer("entry 1", connection(1), TOLERANCE)
    assert offset_for(float("nan"), 0.0, zoned).seconds is None
    assert offset_for(1e300, 0.0, zoned).seconds is None


def test_zones_changing_at_different_instants_give_candidates_not_a_zone():
    """2025-03-09: Havana goes from -05:00 to -04:00 at 05:00Z, New York at 07:00Z. Values from
    04:00Z then from 08:00Z fit both: the zones are named, none is picked, nothing is repaired."""
    observations = zone_group("America/New_York", 1_741_482_000, 1_741_496_400, step=600)
    observations += zone_group("America/New_York", 1_741_507_200, 1_741_514_400, step=600)
    inference = infer("g", observations, TOLERANCE)
    assert [o.seconds for o in inference.offsets] == [-18000, -14400]
    assert {"America/Havana", "America/New_York", "America/Toronto"} <= set(inference.zones)
    assert inference.zone is None
    assert inference.reason is not None and inference.reason.startswith(
        "zones that fit change offset at different instants: "
    )
    assert offset_for(1_741_482_000 - 18000, 1_741_482_000, inference).seconds is None


@pytest.mark.parametrize(
    ("zone_name", "change", "expected"),
    [
        pytest.param("America/New_York", 1_741_503_600, "America/New_York", id="new-york"),
        pytest.param("America/Chicago", 1_741_507_200, "America/Chicago", id="chicago"),
        pytest.param("Europe/London", 1_743_296_400, "Europe/London", id="london"),
        pytest.param("Australia/Sydney", 1_743_868_800, "Australia/Sydney", id="sydney"),
        pytest.param("Australia/Lord_Howe", 1_743_868_800, "Australia/Lord_Howe", id="lord-howe-30-minutes"),
    ],
)
def test_the_zone_named_is_the_one_people_know(zone_name, change, expected):
    inference = infer("g", zone_group(zone_name, change - 7200, change + 7200), TOLERANCE)
    assert inference.zone == expected
    assert zone_name in inference.zones


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        pytest.param(25200, "+7 h 00 min", id="hours"),
        pytest.param(-25200.4, "-7 h 00 min", id="hours-negative"),
        pytest.param(-0.12, "-120 ms", id="milliseconds"),
        pytest.param(0.0004, "0 ms", id="zero"),
        pytest.param(4.25, "+4.2 s", id="seconds"),
        pytest.param(125, "+2 min 05 s", id="minutes"),
        pytest.param(59.97, "+1 min 00 s", id="rounds-up-to-a-minute"),
        pytest.param(3 * 86400 + 4 * 3600, "+3 d 04 h", id="days"),
    ],
)
def test_format_duration(seconds, expected):
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(-25200, "-07:00"), (20700, "+05:45"), (0, "+00:00"), (-34200, "-09:30"), (50400, "+14:00")],
)
def test_format_offset(seconds, expected):
    assert format_offset(seconds) == expected


def test_robust_spread_leaves_out_one_stray_value_in_twenty():
    assert robust_spread([0.0] * 18 + [25200.0]) == 25200.0
    assert robust_spread([0.0] * 19 + [25200.0]) == 0.0


# Properties (issue 15, must show 3).

OFFSETS = st.integers(-48, 56).map(lambda quarters: quarters * 900)  # -12:00 .. +14:00
TOLERANCES = st.floats(60, 1200)


@given(
    offset=OFFSETS,
    tolerance=TOLERANCES,
    fractions=st.lists(st.floats(-1, 1), min_size=MIN_NAIVE, max_size=30),
)
def test_jitter_within_the_tolerance_gives_the_offset(offset, tolerance, fractions):
    reach = min(tolerance, 449) / 2 * 0.999  # within half the tolerance each side (less float noise)
    inference = infer("g", naive_group([offset + reach * f for f in fractions]), tolerance)
    assert [o.seconds for o in inference.offsets] == [offset]


@given(
    offset=OFFSETS,
    tolerance=TOLERANCES,
    width=st.floats(1.01, 20),
    fractions=st.lists(st.floats(0, 1), min_size=MIN_NAIVE - 2, max_size=28),
    order=st.randoms(use_true_random=False),
)
def test_jitter_wider_than_the_tolerance_never_gives_a_wrong_offset(offset, tolerance, width, fractions, order):
    """Errors spread over more than the tolerance (`width` times it), anywhere around the truth."""
    spread = tolerance * width
    errors = [-spread / 2, spread / 2] + [spread * (f - 0.5) for f in fractions]
    order.shuffle(errors)
    inference = infer("g", naive_group([offset + e for e in errors]), tolerance)
    assert [o.seconds for o in inference.offsets] in ([], [offset])


@given(offset=OFFSETS, tolerance=st.floats(60, 440), error=st.floats(1.01, 0.999 * 450 / 60))
def test_a_clock_further_off_than_the_tolerance_gives_no_offset(offset, tolerance, error):
    """A clock `error` times the tolerance off (but under half the grid): no offset, not a wrong one."""
    if error * tolerance >= 450:
        return
    inference = infer("g", naive_group([offset + error * tolerance + d for d in (0.0, 0.1, 0.3, 0.2)]), tolerance)
    assert inference.offsets == ()


def zone_changes() -> list[tuple[str, int]]:
    """(zone, instant of an offset change) for DST zones of every kind, 2020-2026."""
    from wsfix.tzdb import changes  # the transitions themselves, found the way infer finds them

    found = []
    for name in (
        "America/Los_Angeles",
        "America/New_York",
        "America/St_Johns",
        "America/Santiago",
        "Europe/London",
        "Europe/Berlin",
        "Asia/Jerusalem",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Pacific/Auckland",
        "Pacific/Chatham",
    ):
        zone = zoneinfo.ZoneInfo(name)
        found += [(name, at) for at, _ in changes(zone, 1_577_836_800, 1_798_761_600)]  # 2020-2027
    return found


ZONE_CHANGES = zone_changes()


@given(
    change=st.sampled_from(ZONE_CHANGES),
    before=st.integers(1, 40),
    after=st.integers(2, 40),
    step=st.integers(60, 900),
    delays=st.lists(st.floats(0.005, 1.0), min_size=1, max_size=8),
)
def test_dst_zones_with_small_jitter_are_found(change, before, after, step, delays):
    name, at = change
    # `before` values before the change, `after` from it on; captured = the true instant
    truth = zone_group(name, at - before * step, at + after * step, step=step, delay=0.0)
    observations = [o._replace(captured=o.captured + delays[i % len(delays)]) for i, o in enumerate(truth)]
    inference = infer("g", observations, TOLERANCE)
    zone = zoneinfo.ZoneInfo(name)
    expected = [int(dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds()) for t in (at - 1, at)]  # type: ignore[union-attr]
    assert [o.seconds for o in inference.offsets] == expected
    assert name in inference.zones
    assert inference.zone is not None
    for true, observation in zip(truth, observations, strict=True):  # and each value reads as its own instant
        assert observation.wall is not None
        chosen = offset_for(observation.wall, observation.captured, inference)
        assert chosen.seconds is not None
        assert observation.wall - chosen.seconds == true.captured


@given(
    change=st.sampled_from(ZONE_CHANGES),
    span=st.integers(3600, 6 * 3600),
    tolerance=st.floats(60, 900),
    width=st.floats(1.01, 10),
    fractions=st.lists(st.floats(0, 1), min_size=4, max_size=40),
)
def test_dst_zones_with_wide_jitter_never_get_a_wrong_inference(change, span, tolerance, width, fractions):
    name, at = change
    spread = tolerance * width
    errors = [-spread / 2, spread / 2] + [spread * (f - 0.5) for f in fractions]
    step = max(2 * span // len(errors), 1)
    base = zone_group(name, at - span, at + span, step=step)
    observations = [o._replace(captured=o.captured - errors[i % len(errors)]) for i, o in enumerate(base)]
    inference = infer("g", observations, tolerance)
    zone = zoneinfo.ZoneInfo(name)
    truth = [int(dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds()) for t in (at - 1, at)]  # type: ignore[union-attr]
    assert [o.seconds for o in inference.offsets] in ([], truth)
