"""WS120 clock-skew and the observations behind it (issue 15, steps 2 and 3): each timestamp value
of a record with a capture time, as wsfix reads it, beside that capture time."""

from __future__ import annotations

import io
import json

import pytest
from pydantic import ValidationError

from wsfix import observations
from wsfix.capture import CaptureStream
from wsfix.config import CommandLine, load
from wsfix.evidence import Observation
from wsfix.rules import clock_skew
from wsfix.run import choose_format
from wsfix.segment_linter import SegmentLinter
from wsfix.segments import Record

CAPTURED = b"1757350201.447: "  # 2025-09-08T16:50:01.447Z


def checked(data: bytes, **given):
    settings = load(CommandLine(capture_format="prefixed", **given)).settings
    stream = CaptureStream(io.BytesIO(data), "c.log")
    segment = next(choose_format(settings, "c.log", stream).segments(stream, "c.log"))
    return SegmentLinter(settings).check(segment, "c.log")


def findings(data: bytes, **given) -> list[tuple[str, str]]:
    return [(problem.code, problem.message) for problem in checked(data, **given).problems]


@pytest.mark.parametrize(
    ("message", "given", "expected"),
    [
        pytest.param(b'{"type":"ping","timestamp":1757350201.9}', {}, [], id="clean-and-near"),
        pytest.param(b'{"type":"ping","timestamp":1757350801.447}', {}, [], id="ten-minutes-is-within"),
        pytest.param(
            b'{"type":"ping","timestamp":1757375401.447}',
            {},
            [("WS120", "7 h 00 min ahead of its capture time 2025-09-08T16:50:01.447Z")],
            id="clean-float-seven-hours-ahead",
        ),
        pytest.param(
            b'{"type":"ping","timestamp":1757350081.447}',
            {"max_skew": "90s"},
            [("WS120", "2 min 00 s behind its capture time 2025-09-08T16:50:01.447Z")],
            id="max-skew-90s",
        ),
        pytest.param(
            b'{"type":"ping","timestamp":"2025-09-08T09:50:01.447"}',
            {},
            [
                ("WS102", "ISO 8601 string without UTC offset where epoch seconds are expected; read as UTC"),
                (
                    "WS120",
                    "7 h 00 min behind its capture time 2025-09-08T16:50:01.447Z "
                    "(a time without UTC offset, read as UTC)",
                ),
            ],
            id="naive-local-time-read-as-utc",
        ),
        pytest.param(
            b'{"type":"ping","timestamp":"2025-09-08T09:50:01.447"}',
            {"naive_tz": "-07:00"},
            [("WS102", "ISO 8601 string without UTC offset where epoch seconds are expected; read as -07:00")],
            id="naive-read-in-its-zone-is-near",
        ),
        pytest.param(
            b'{"type":"ping","timestamp":1757350201447}',
            {},
            [("WS104", "epoch milliseconds where seconds are expected")],
            id="milliseconds-by-magnitude-are-near",
        ),
        pytest.param(
            b'{"type":"ping","timestamp":1757350201.447}',
            {"unit": "ms"},
            [
                ("WS109", None),
                (
                    "WS120",
                    "7 h 00 min behind",  # replaced below: the message is long
                ),
            ],
            id="unit-evidence-under-a-forced-unit",
        ),
        pytest.param(b'{"type":"ping","timestamp":"soon"}', {}, [("WS106", None)], id="garbage-has-no-skew"),
    ],
)
def test_clock_skew_findings(message, given, expected):
    found = findings(CAPTURED + message + b"\n", **given)
    assert [code for code, _ in found] == [code for code, _ in expected]
    for (_, text), (code, wanted) in zip(found, expected, strict=True):
        if code == "WS120" and "unit" in given:
            assert text.startswith("20,") and text.endswith(
                "behind its capture time 2025-09-08T16:50:01.447Z; read in seconds it is 0 ms from it: is its unit s?"
            ), text
        elif wanted is not None:
            assert text.startswith(wanted), text


def test_skew_finding_points_at_the_value_and_carries_its_evidence():
    line = CAPTURED + b'{"type":"ping","timestamp":1757375401.447}\n'
    [problem] = checked(line).problems
    assert (problem.line, problem.column, problem.json_path, problem.value) == (
        1,
        line.index(b"1757375401") + 1,
        "timestamp",
        "1757375401.447",
    )
    assert problem.evidence == (1757350201.447, pytest.approx(25200.0))
    assert problem.fix is None


def test_other_findings_carry_their_value_s_skew():
    [problem] = checked(CAPTURED + b'{"type":"ping","timestamp":"2025-09-08T16:50:02.447Z"}\n').problems
    assert problem.code == "WS101"
    assert problem.evidence == (1757350201.447, pytest.approx(1.0))


def test_records_without_capture_time_carry_no_evidence():
    found = checked(b'{"type":"ping","timestamp":"2025-09-08T16:50:02.447Z"}\n')
    assert [problem.evidence for problem in found.problems] == [None]
    assert found.observations is None


def test_observations_per_group_in_order():
    data = (
        CAPTURED + b'{"type":"ping","timestamp":1757350202.0}\n'
        b"connected\n"
        b'1757350203.5: {"type":"ping","timestamp":"2025-09-08T09:50:03"}\n'
        b'1757350204.5: {"type":"ping","timestamp":1757350204500}\n'
        b'1757350205.5: {"type":"ping","timestamp":"x"}\n'
    )
    found = checked(data)
    assert list(found.observations) == [None]
    gathered = found.observations[None]
    # Every value's skew, kept compactly; an observation for the naive one only.
    assert (gathered.records, gathered.values, gathered.undated) == (4, 4, 1)
    assert list(gathered.skews) == pytest.approx([0.553, -25200.5, 0.0])
    assert gathered.naive == [Observation(3, "timestamp", 1757350203.5, 1757325003.0, 1757325003.0, None)]
    assert gathered.naive[0].skew == pytest.approx(-25200.5)


def test_groups_from_group_by():
    data = (
        b'{"at":1757350201.5,"user":1,"m":{"type":"ping","timestamp":1757350201.0}}\n'
        b'{"at":1757350202.5,"user":2,"m":{"type":"ping","timestamp":1757350202.0}}\n'
        b'{"at":1757350203.5,"user":1,"m":{"type":"ping","timestamp":1757350203.0}}\n'
    )
    settings = load(CommandLine(capture_format="jsonl", capture_time="at", group_by="user", message_path="m")).settings
    stream = CaptureStream(io.BytesIO(data), "c.jsonl")
    segment = next(choose_format(settings, "c.jsonl", stream).segments(stream, "c.jsonl"))
    found = SegmentLinter(settings).check(segment, "c.jsonl")
    assert {group: (g.records, list(g.skews)) for group, g in found.observations.items()} == {
        "user=1": (2, [-0.5, -0.5]),
        "user=2": (1, [-0.5]),
    }


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        pytest.param(25200.0, "7 h 00 min", id="hours"),
        pytest.param(90061.0, "25 h 01 min", id="over-a-day"),
        pytest.param(1755562441.0, "20,319 days", id="days"),
        pytest.param(3599.9, "1 h 00 min", id="rounds-up-to-an-hour"),
        pytest.param(59.9, "1 min 00 s", id="rounds-up-to-a-minute"),
        pytest.param(725.4, "12 min 05 s", id="minutes"),
        pytest.param(4.25, "4.2 s", id="seconds"),
        pytest.param(0.0123, "12 ms", id="milliseconds"),
    ],
)
def test_duration_text(seconds, text):
    assert clock_skew.duration(seconds) == text


def test_check_command_reports_skew_in_json(cli, capture_file):
    path = capture_file(CAPTURED + b'{"type":"ping","timestamp":1757375401.447}\n', "c.log")
    result = cli("check", path, "--output-format", "json")
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["code"] == "WS120" and finding["severity"] == "warning"
    assert finding["capture_time"] == "2025-09-08T16:50:01.447Z"
    assert finding["skew"] == 25200.0


def test_records_without_a_timestamp_are_counted_with_no_value():
    data = (
        CAPTURED
        + b'{"type":"ping"}\n'
        + CAPTURED
        + b'{"type":"ping","timestamp":null}\n'
        + CAPTURED
        + (b'{"type":"ping","timestamp":1757350201.5}\n')
    )
    found = checked(data)
    gathered = found.observations[None]
    assert (found.problems, gathered.records, gathered.values) == ([], 3, 1)


def test_a_large_group_keeps_an_even_sample_of_its_skews(monkeypatch):
    monkeypatch.setattr(observations, "KEPT_SKEWS", 8)
    merged = observations.Gathered()
    value = 0
    for size in (3, 5, 7, 2, 11):  # parts as chunks bring them, of every size
        part = observations.Gathered()
        part.records = size
        for _ in range(size):
            part.skews.append(float(value))
            value += 1
        merged.extend(part)
    # Every 4th of the 28 values, from the first: an even sample; the counts stay exact.
    assert list(merged.skews) == [0.0, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0]
    assert (merged.stride, merged.values, merged.records) == (4, 28, 28)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(b'{"type":"ping","timestamp":"2025-09-08T16:50:02.447Z"}', id="iso-near"),
        pytest.param(b'{"type":"ping","timestamp":"2025-09-08T18:50:02.447+02:00"}', id="iso-offset-near"),
        pytest.param(b'{"type":"ping","timestamp":"2025-09-08T09:50:01.447"}', id="naive-far"),
        pytest.param(b'{"type":"ping","timestamp":"2025-09-08T16:50:01.447"}', id="naive-near"),
        pytest.param(b'{"type":"ping","timestamp":"2025-09-08T23:50:01Z"}', id="iso-seven-hours-ahead"),
        pytest.param(b'{"type":"ping","timestamp":1757350201447}', id="milliseconds"),
        pytest.param(b'{"type":"ping","timestamp":"1757350201.5"}', id="numeric-string"),
        pytest.param(b'{"type":"ping","timestamp":"soon"}', id="garbage"),
        pytest.param(b'{"type":"ping","timestamp":true}', id="boolean"),
        pytest.param(b'{"type":"ping","timestamp":{"s":1}}', id="object"),
        pytest.param(b'{"type":"ping","timestamp":"x","timestamp":"2025-09-08T16:50:02Z"}', id="repeated-key"),
        pytest.param(b'{"type":"ping","timestamp":1757350201.5,"timestamp":"soon"}', id="repeated-key-last-bad"),
        pytest.param(b'{"type":5,"timestamp":"2025-09-08T16:50:02Z"}', id="two-errors"),
        pytest.param(b'{"type":5,"timestamp":1757350201.5}', id="another-field"),
        pytest.param(b'{"type":5,"timestamp":null}', id="another-field-and-null"),
        pytest.param(b'{"type":"ping","timestamp":', id="not-json"),
        pytest.param(b"[1757350201.5]", id="not-an-object"),
    ],
)
@pytest.mark.parametrize("given", [pytest.param({}, id="utc"), pytest.param({"naive_tz": "-07:00"}, id="naive-tz")])
def test_a_refused_record_s_evidence_is_as_when_parsed_again(message, given):
    """A record the probe refused has its timestamp read from the probe's error where it says it
    (observations.Observer._refused): findings and evidence as when the record is parsed again."""
    settings = load(CommandLine(**given)).settings
    record = Record(1, message, (), "entry 1, message 1 (send)", 1757350201.447, "entry 1")
    quick, again = SegmentLinter(settings).observer, SegmentLinter(settings).observer
    try:
        quick.linter.probe_validate(message, strict=True)
    except ValidationError as error:
        refused = error
    found: list[tuple[object, ...]] = []
    for observer, given in ((quick, refused), (again, None)):
        gathered: observations.Observations = {}
        problems = observer.lint(record, "c.har", gathered, given)
        group = gathered["entry 1"]
        found.append((problems, group.records, list(group.skews), group.naive, group.undated))
    assert found[0] == found[1]
